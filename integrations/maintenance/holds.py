"""Holding what would act on the patterns an occurrence covers: a MaintenanceHold each."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F

from integrations.maintenance.schedule import Occurrence, maintenance_active
from integrations.models import MaintenanceHold, MaintenanceOccurrence
from integrations.scope import scope_filters, scope_matches, scope_seen


def maintenance_covering(
    pattern_ids: Iterable[int], *, at: datetime | None = None
) -> dict[int, Occurrence]:
    """Of these patterns, those in the scope of an occurrence going on: pattern id -> the
    occurrence (the first window by name when several cover it)."""
    ids = set(pattern_ids)
    if not ids:
        return {}
    active = sorted(maintenance_active(at), key=lambda occurrence: occurrence.window.name)
    if not active:
        return {}
    seen = scope_seen(ids) if any(scope_filters(o.window) for o in active) else {}
    covering: dict[int, Occurrence] = {}
    for pattern_id in ids:
        for occurrence in active:
            if scope_matches(occurrence.window, seen.get(pattern_id, {})):
                covering[pattern_id] = occurrence
                break
    return covering


def _occurrence_row(occurrence: Occurrence) -> MaintenanceOccurrence:
    row, _ = MaintenanceOccurrence.objects.get_or_create(
        window=occurrence.window,
        starts_at=occurrence.starts_at,
        defaults={"ends_at": occurrence.ends_at},
    )
    return row


def maintenance_hold(
    pattern_ids: Iterable[int],
    *,
    tickets: bool = False,
    notifications: int = 0,
    at: datetime | None = None,
) -> set[int]:
    """Hold, for the patterns an occurrence covers, the ticket rules or `notifications`
    messages; returns the ids held. Call it inside the caller's transaction: the hold and
    the work it replaces commit together."""
    covering = maintenance_covering(pattern_ids, at=at)
    for pattern_id, occurrence in covering.items():
        _hold(occurrence, pattern_id, tickets=tickets, notifications=notifications)
    return set(covering)


def maintenance_hold_analyses(*, wanted: dict[int, str]) -> set[int]:
    """settings.ANALYSIS_HOLD_HOOKS: of the analyses ingest would queue (pattern id ->
    trigger), hold those of covered patterns, each with its trigger, to queue at the end."""
    covering = maintenance_covering(wanted)
    for pattern_id, occurrence in covering.items():
        _hold(occurrence, pattern_id, analysis_trigger=wanted[pattern_id])
    return set(covering)


def _hold(
    occurrence: Occurrence,
    pattern_id: int,
    *,
    analysis_trigger: str = "",
    tickets: bool = False,
    notifications: int = 0,
) -> None:
    row = _occurrence_row(occurrence)
    hold = MaintenanceHold.objects.filter(occurrence=row, pattern_id=pattern_id)
    changes: dict[str, object] = {}
    if analysis_trigger:
        # The first trigger held is what is queued at the end (a new pattern stays new).
        hold.filter(analysis_trigger="").update(analysis_trigger=analysis_trigger)
    if tickets:
        changes["tickets"] = True
    if notifications:
        changes["notifications"] = F("notifications") + notifications
    if hold.update(**changes) if changes else hold.exists():
        return
    try:
        with transaction.atomic():
            MaintenanceHold.objects.create(
                occurrence=row,
                pattern_id=pattern_id,
                analysis_trigger=analysis_trigger,
                tickets=tickets,
                notifications=notifications,
            )
    except IntegrityError:  # another transaction held it first
        _hold(
            occurrence,
            pattern_id,
            analysis_trigger=analysis_trigger,
            tickets=tickets,
            notifications=notifications,
        )
