"""ModelAdmin bases every app's admin shares: read-only pages for rows Gogent writes, and
audited configuration (providers, integrations, rules), next to Django's own history."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gogent.audit import Actor, audit_record
from gogent.models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows Gogent writes (analyses, tickets, the audit log); admins read them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class AuditedAdmin(admin.ModelAdmin):
    """Records each add, change and delete as a CONFIG_* AuditEvent with the user and the
    changed fields' names (never their values: some are secrets)."""

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        audit_admin_change(user=request.user, action=AuditEvent.Action.CONFIG_ADDED, objects=[obj])
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        audit_admin_change(
            user=request.user,
            action=AuditEvent.Action.CONFIG_CHANGED,
            objects=[obj],
            fields=_changed_fields(message),
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Iterable[Any]) -> Any:
        objects = list(queryset)
        audit_admin_change(
            user=request.user, action=AuditEvent.Action.CONFIG_DELETED, objects=objects
        )
        return super().log_deletions(request, objects)


def audit_admin_change(
    *, user: Any, action: str, objects: Iterable[Any], fields: Sequence[str] = ()
) -> None:
    actor = Actor.of_user(user)
    for obj in objects:
        audit_record(action, actor, obj=obj, details={"fields": list(fields)})


def _changed_fields(message: Any) -> list[str]:
    """Field labels from the admin's change message ([{"changed": {"fields": [...]}}])."""
    if not isinstance(message, list):
        return []
    return [
        str(name)
        for part in message
        if isinstance(part, dict)
        for name in part.get("changed", {}).get("fields", [])
    ]
