from django.urls import include, path

from logs import views
from logs.alarms import views as alarm_views

# The console's pages are "logs:<name>"; the dashboard, at the root, keeps the plain name
# "dashboard" (LOGIN_REDIRECT_URL, base.html's brand link).
console = (
    [
        path("patterns/", views.pattern_list, name="patterns"),
        path("patterns/bulk-status", views.pattern_bulk_status, name="patterns-bulk"),
        path("patterns/live", views.pattern_live, name="patterns-live"),
        path("patterns/merge", views.patterns_merge_view, name="patterns-merge"),
        path("patterns/<int:pk>/", views.pattern_detail, name="pattern"),
        path("patterns/<int:pk>/status", views.pattern_status, name="pattern-status"),
        path("patterns/<int:pk>/snooze", views.pattern_snooze_view, name="pattern-snooze"),
        path("patterns/<int:pk>/split", views.pattern_split_view, name="pattern-split"),
        path(
            "grouping-rules/<int:pk>/undo",
            views.grouping_rule_undo_view,
            name="grouping-rule-undo",
        ),
        path("logs/", views.log_list, name="logs"),
        path("logs/export.csv", views.log_export, name="export"),
        path("logs/live", views.log_live, name="logs-live"),
        path("quarantine/", views.quarantine, name="quarantine"),
        path("alarm-health/", alarm_views.alarm_health_page, name="alarm-health"),
    ],
    "logs",
)

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("", include(console)),
]
