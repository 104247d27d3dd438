"""The three roles, as groups: viewer reads, operator acts on problems, admin configures.

Each app declares what its actions need as model permissions (LogPattern's
"triage_pattern", Analysis's "request_analysis", ...); this table gives them to
roles. Views and API endpoints check the permissions, never the group names.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

VIEWER = "viewer"
OPERATOR = "operator"
ADMIN = "admin"

_READ = [
    "logs.view_logentry",
    "logs.view_logpattern",
    "logs.view_logpatternstat",
    "logs.view_rejectedmessage",
    "logs.view_contextrule",
    "logs.view_groupingrule",
    "analysis.view_analysis",
    "analysis.view_provider",
    "integrations.view_ticket",
    "integrations.view_integration",
    "integrations.view_ticketrule",
    "integrations.view_maintenancewindow",
    "integrations.view_maintenanceoccurrence",
    "integrations.view_channel",
    "integrations.view_notificationrule",
    "integrations.view_notification",
    "integrations.view_runbook",
    "integrations.view_actionproposal",
    "integrations.view_remediationaction",
]
_ACT = [
    "logs.triage_pattern",
    "logs.correct_grouping",
    "analysis.request_analysis",
    "integrations.open_ticket",
    "integrations.review_draft",
    "integrations.approve_action",
    # Submitting logs over HTTP (POST /api/v1/logs), for producers that cannot speak NATS.
    "logs.add_logentry",
]
_CONFIGURE = [
    "analysis.add_provider",
    "analysis.change_provider",
    "analysis.delete_provider",
    "analysis.view_providercall",
    "analysis.change_analysis",
    "auth.view_user",
    "auth.add_user",
    "auth.change_user",
    "auth.delete_user",
    "auth.view_group",
    "gogent.view_apikey",
    "gogent.add_apikey",
    "gogent.change_apikey",
    "gogent.delete_apikey",
    "gogent.view_operations",
    "logs.add_contextrule",
    "logs.change_contextrule",
    "logs.delete_contextrule",
    "integrations.add_integration",
    "integrations.change_integration",
    "integrations.delete_integration",
    "integrations.add_ticketrule",
    "integrations.change_ticketrule",
    "integrations.delete_ticketrule",
    "integrations.add_maintenancewindow",
    "integrations.change_maintenancewindow",
    "integrations.delete_maintenancewindow",
    "integrations.add_channel",
    "integrations.change_channel",
    "integrations.delete_channel",
    "integrations.add_notificationrule",
    "integrations.change_notificationrule",
    "integrations.delete_notificationrule",
    "integrations.add_runbook",
    "integrations.change_runbook",
    "integrations.delete_runbook",
    "integrations.add_remediationaction",
    "integrations.change_remediationaction",
    "integrations.delete_remediationaction",
    "gogent.view_auditevent",
    # Login throttling (django-axes): failed sign-ins and lockouts; deleting an attempt
    # unlocks it. Successful sign-ins are kept: view only.
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
    "axes.view_accessfailurelog",
    "axes.view_accesslog",
]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    VIEWER: _READ,
    OPERATOR: _READ + _ACT,
    ADMIN: _READ + _ACT + _CONFIGURE,
}


def roles_ensure() -> dict[str, int]:
    """Create the role groups and set their permissions to the table; returns counts.

    Permissions that do not exist yet (an app not migrated) are skipped; running
    again after migrate completes the groups. Other permissions an admin gave a
    group by hand are removed: the table is the definition.
    """
    granted: dict[str, int] = {}
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = [p for p in map(_permission, names) if p is not None]
        group.permissions.set(permissions)
        granted[role] = len(permissions)
    return granted


def _permission(name: str) -> Permission | None:
    app_label, codename = name.split(".", 1)
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
