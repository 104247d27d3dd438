from django.urls import path

from analysis import views

app_name = "analysis"

urlpatterns = [
    path("analyses/", views.analysis_list, name="analyses"),
    path("analyses/<int:pk>/retry", views.analysis_retry_view, name="retry"),
    path("analyses/<int:pk>/cancel", views.analysis_cancel_view, name="cancel"),
    path("patterns/<int:pk>/analysis", views.pattern_panel, name="pattern-panel"),
    path("patterns/<int:pk>/analyze", views.pattern_analyze, name="analyze"),
]
