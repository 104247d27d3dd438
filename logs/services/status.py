"""Pattern status changes by people (and the ticket sync): mute, snooze, resolve, reopen;
and snoozed patterns waking by themselves."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from gogent.audit import SYSTEM, Actor, audit_record
from gogent.errors import StateRefused
from gogent.models import AuditEvent
from logs.models import LogPattern

STATUS_FIELDS = ("status", "status_changed_at", "status_by", "snoozed_until", "snoozed_until_count")
# A snooze lasts at most this long; "forever" is what mute is for.
SNOOZE_LONGEST = timedelta(days=365)


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
    if status == LogPattern.Status.SNOOZED:
        raise StateRefused("a snooze needs an end: snooze it for a time or a number of logs")
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
        pattern.status_by = actor.label[:200]
        pattern.snoozed_until = pattern.snoozed_until_count = None
        pattern.save(update_fields=[*STATUS_FIELDS])
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


def pattern_snooze(
    *,
    pattern: LogPattern,
    actor: Actor,
    until: datetime | None = None,
    more: int | None = None,
    reason: str = "",
) -> LogPattern:
    """Quiet a pattern until a time, or until `more` more of its logs have come, whichever
    is first; then it wakes by itself (patterns_wake). While snoozed, as while muted, rules
    open no tickets for it and offline analyses of it are not redone; its logs are still
    stored, counted and grouped. Snoozing a snoozed pattern sets the new end."""
    now = timezone.now()
    if until is None and more is None:
        raise StateRefused("snooze until a time, for a duration, or for a number of logs")
    if until is not None and not now < until <= now + SNOOZE_LONGEST:
        raise StateRefused("a snooze ends in the future, within a year (mute is for good)")
    if more is not None and not 1 <= more <= 10**12:
        raise StateRefused("a snooze for a number of logs needs at least 1")
    with transaction.atomic():
        locked = LogPattern.objects.select_for_update().get(pk=pattern.pk)
        if locked.merged_into_id is not None:
            raise StateRefused(f"pattern {locked.pk} was merged into {locked.merged_into_id}")
        previous = locked.status
        pattern.status = LogPattern.Status.SNOOZED
        pattern.status_changed_at = now
        pattern.status_by = actor.label[:200]
        pattern.snoozed_until = until
        pattern.snoozed_until_count = locked.count + more if more is not None else None
        pattern.count = locked.count
        pattern.save(update_fields=[*STATUS_FIELDS])
        audit_record(
            AuditEvent.Action.PATTERN_STATUS,
            actor,
            obj=pattern,
            pattern_id=pattern.pk,
            reason=reason,
            details={
                "from": previous,
                "to": pattern.status,
                "until": until.isoformat() if until else None,
                "more": more,
            },
        )
    return pattern


def patterns_wake(*, pattern_ids: Iterable[int] | None = None) -> int:
    """Snoozed patterns whose time has come, or whose count has passed its mark, become
    active again, recorded as done by the system. `pattern_ids` limits the look to those
    (ingest passes the batch's patterns); returns how many woke."""
    now = timezone.now()
    due = LogPattern.objects.filter(status=LogPattern.Status.SNOOZED).filter(
        Q(snoozed_until__lte=now) | Q(snoozed_until_count__lt=F("count"))
    )
    if pattern_ids is not None:
        due = due.filter(pk__in=list(pattern_ids))
    woken = 0
    with transaction.atomic():
        for pattern in due.select_for_update().order_by("pk"):
            _wake(pattern, now)
            woken += 1
    return woken


def _wake(pattern: LogPattern, now: datetime) -> None:
    by_count = (
        pattern.snoozed_until_count is not None and pattern.count > pattern.snoozed_until_count
    )
    reason = "snooze ended: " + (
        f"{pattern.count - pattern.snoozed_until_count} log(s) past its mark"
        if by_count
        else "its time came"
    )
    audit_record(
        AuditEvent.Action.PATTERN_STATUS,
        SYSTEM,
        obj=pattern,
        pattern_id=pattern.pk,
        reason=reason,
        details={"from": LogPattern.Status.SNOOZED, "to": LogPattern.Status.ACTIVE},
    )
    LogPattern.objects.filter(pk=pattern.pk).update(
        status=LogPattern.Status.ACTIVE,
        status_changed_at=now,
        status_by=SYSTEM.label,
        snoozed_until=None,
        snoozed_until_count=None,
    )
