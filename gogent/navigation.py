"""The console's navigation: the pages this user may open, and which one is current."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

# (label, url name, permission needed)
PAGES = [
    ("Dashboard", "dashboard", "logs.view_logpattern"),
    ("Patterns", "logs:patterns", "logs.view_logpattern"),
    ("Logs", "logs:logs", "logs.view_logentry"),
    ("Alarm health", "logs:alarm-health", "logs.view_logpattern"),
    ("Analyses", "analysis:analyses", "analysis.view_analysis"),
    ("Tickets", "integrations:tickets", "integrations.view_ticket"),
    ("Quarantine", "logs:quarantine", "logs.view_rejectedmessage"),
    ("Maintenance", "integrations:maintenance", "integrations.view_maintenancewindow"),
]


def navigation(request: HttpRequest) -> dict[str, list[dict[str, object]]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    items = []
    for label, name, permission in PAGES:
        if user.has_perm(permission):
            url = reverse(name)
            current = request.path == url or (url != "/" and request.path.startswith(url))
            items.append({"label": label, "url": url, "current": current})
    if user.is_staff and user.has_perm("gogent.view_operations"):
        items.append({"label": "Operations", "url": reverse("admin-operations"), "current": False})
    if user.is_staff and user.has_perm("gogent.view_auditevent"):
        url = reverse("admin:gogent_auditevent_changelist")
        items.append({"label": "Audit log", "url": url, "current": False})
    if user.is_staff:
        items.append({"label": "Admin", "url": reverse("admin:index"), "current": False})
    return {"nav": items}
