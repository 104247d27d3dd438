"""Pattern status changes by people (and the ticket sync): mute, resolve, reopen."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from gogent.audit import Actor, audit_record
from gogent.models import AuditEvent
from logs.models import LogPattern


def pattern_set_status(
    *,
    pattern: LogPattern,
    status: str,
    actor: Actor,
    reason: str = "",
    details: dict[str, Any] | None = None,
    record: bool = True,
) -> LogPattern:
    """Mute, resolve or reopen a pattern, and record who did it. A resolved pattern that
    recurs regresses at ingest. Setting the status it has changes and records nothing.

    `record=False` is for a caller that records the change its own way (the ticket sync's
    "resolved by its ticket").
    """
    if status not in LogPattern.Status.values:
        raise ValueError(f"unknown pattern status {status!r}")
    with transaction.atomic():
        # The stored status, not the instance's: the admin's form has set it already.
        previous = (
            LogPattern.objects.select_for_update()
            .filter(pk=pattern.pk)
            .values_list("status", flat=True)
            .get()
        )
        pattern.status = status
        if previous == status:
            return pattern
        pattern.status_changed_at = timezone.now()
        pattern.save(update_fields=["status", "status_changed_at"])
        if record:
            audit_record(
                AuditEvent.Action.PATTERN_STATUS,
                actor,
                obj=pattern,
                pattern_id=pattern.pk,
                reason=reason,
                details={"from": previous, "to": status, **(details or {})},
            )
    return pattern


def patterns_set_status(*, patterns: Sequence[LogPattern], status: str, actor: Actor) -> int:
    """Mute or resolve many patterns at once (the console's bulk action); returns how many."""
    for pattern in patterns:
        pattern_set_status(
            pattern=pattern,
            status=status,
            actor=actor,
            reason="bulk",
            details={"count": len(patterns)},
        )
    return len(patterns)
