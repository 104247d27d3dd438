"""Planning and ending maintenance windows from the API (the admin has its own forms)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from gogent.audit import Actor, audit_record
from gogent.errors import StateRefused
from gogent.models import AuditEvent
from integrations.maintenance.forms import MaintenanceWindowForm
from integrations.maintenance.schedule import occurrence_at
from integrations.models import MaintenanceOccurrence, MaintenanceWindow


class WindowInvalid(Exception):
    """The window's fields break the form's rules; `problems` by field name."""

    def __init__(self, problems: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in problems.items()))
        self.problems = problems


def maintenance_window_create(*, data: dict[str, Any], actor: Actor) -> MaintenanceWindow:
    """A window from the API's fields, held to the admin form's rules, audited."""
    form = MaintenanceWindowForm(data)
    if not form.is_valid():
        raise WindowInvalid({name: list(errors) for name, errors in form.errors.items()})
    with transaction.atomic():
        window = form.save()
        audit_record(
            AuditEvent.Action.CONFIG_ADDED, actor, obj=window, details={"fields": sorted(data)}
        )
    return window


def maintenance_window_end(*, window: MaintenanceWindow, actor: Actor) -> MaintenanceWindow:
    """End the occurrence going on now: a one-off window ends now; a recurring one ends
    this occurrence only (its next ones stay planned). What it held is released by the
    next release run after MAINTENANCE_RELEASE_GRACE."""
    now = timezone.now()
    with transaction.atomic():
        window = MaintenanceWindow.objects.select_for_update().get(pk=window.pk)
        occurrence = occurrence_at(window, now) if window.enabled else None
        if occurrence is None:
            raise StateRefused(f"maintenance window {window.name!r} is not on now")
        # The row outlives the rule's arithmetic: maintenance_active reads its early end.
        MaintenanceOccurrence.objects.update_or_create(
            window=window, starts_at=occurrence.starts_at, defaults={"ends_at": now}
        )
        if not window.recurrence:
            window.ends_at = now
            window.save(update_fields=["ends_at", "updated_at"])
        audit_record(
            AuditEvent.Action.CONFIG_CHANGED,
            actor,
            obj=window,
            reason=f"ended early the occurrence that started {occurrence.starts_at.isoformat()}",
            details={"fields": ["ends_at"]},
        )
    return window
