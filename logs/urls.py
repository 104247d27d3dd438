from django.urls import path

from logs import views

app_name = "logs"

urlpatterns = [
    path("patterns/", views.pattern_list, name="patterns"),
    path("patterns/bulk-status", views.pattern_bulk_status, name="patterns-bulk"),
    path("patterns/<int:pk>/", views.pattern_detail, name="pattern"),
    path("patterns/<int:pk>/status", views.pattern_status, name="pattern-status"),
    path("logs/", views.log_list, name="logs"),
    path("logs/export.csv", views.log_export, name="export"),
    path("quarantine/", views.quarantine, name="quarantine"),
]
