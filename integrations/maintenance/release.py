"""The end of an occurrence: its summary, then what it held, done now."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.module_loading import import_string

from analysis.services import analysis_request
from gogent.audit import SYSTEM, audit_record
from gogent.models import AuditEvent
from gogent.runlock import run_alone
from integrations.maintenance.holds import maintenance_covering, maintenance_hold_analyses
from integrations.models import MaintenanceHold, MaintenanceOccurrence
from integrations.services.rules import rules_evaluate
from logs.models import LogEntry, LogPattern, Severity

RELEASE_LOCK = "maintenance-release"
# Patterns a summary lists by name; the rest are counted.
SUMMARY_TOP = 10


def maintenance_release() -> int:
    """Release every occurrence that ended MAINTENANCE_RELEASE_GRACE seconds ago or more (a
    batch still holding into it has committed by then): summarize it, tell
    MAINTENANCE_ENDED_HOOKS, queue the analyses held and run the rules again for the
    patterns held. One run at a time, within SWEEP_TIME_LIMIT. Returns how many."""
    with run_alone(RELEASE_LOCK, seconds=settings.SWEEP_TIME_LIMIT) as deadline:
        if deadline is None:
            return 0
        ended_before = timezone.now() - timedelta(seconds=settings.MAINTENANCE_RELEASE_GRACE)
        due = MaintenanceOccurrence.objects.filter(
            released_at=None, ends_at__lte=ended_before
        ).order_by("ends_at")
        released = 0
        for occurrence in due.select_related("window")[:100]:
            if deadline.passed():
                break
            released += occurrence_release(occurrence)
        return released


def occurrence_release(occurrence: MaintenanceOccurrence) -> bool:
    """Release one occurrence, once: False when another run did."""
    with transaction.atomic():
        summary = occurrence_summary(occurrence)
        if not MaintenanceOccurrence.objects.filter(pk=occurrence.pk, released_at=None).update(
            released_at=timezone.now(), summary=summary
        ):
            return False
        occurrence.refresh_from_db()
        holds = list(occurrence.holds.select_related("pattern"))
        # A pattern another window covers now stays held, by that one.
        still = maintenance_covering([hold.pattern_id for hold in holds])
        for hold in holds:
            _release_hold(hold, still_covered=hold.pattern_id in still)
        audit_record(
            AuditEvent.Action.MAINTENANCE_ENDED,
            SYSTEM,
            obj=occurrence.window,
            reason=occurrence.window.reason,
            details={key: value for key, value in summary.items() if key != "top"},
        )
        for hook in _ended_hooks():
            hook(occurrence=occurrence)
    return True


def _release_hold(hold: MaintenanceHold, *, still_covered: bool) -> None:
    pattern: LogPattern = hold.pattern
    if pattern.merged_into_id is not None:
        return  # the pattern it went into has its own analysis and rules
    if hold.analysis_trigger:
        if still_covered:
            maintenance_hold_analyses(wanted={pattern.pk: hold.analysis_trigger})
        elif not pattern.is_quiet:
            analysis_request(pattern=pattern, trigger=hold.analysis_trigger)
    if hold.tickets:
        rules_evaluate(pattern=pattern)  # holds again if still covered


def occurrence_summary(occurrence: MaintenanceOccurrence) -> dict[str, Any]:
    """What the occurrence held, for its message, its page and the audit trail."""
    holds = occurrence.holds.all()
    totals = holds.aggregate(
        patterns=Count("pk"),
        analyses=Count("pk", filter=~Q(analysis_trigger="")),
        tickets=Count("pk", filter=Q(tickets=True)),
        notifications=Sum("notifications"),
    )
    pattern_ids = list(holds.values_list("pattern_id", flat=True))
    in_window = LogEntry.objects.filter(
        pattern_id__in=pattern_ids,
        timestamp__gte=occurrence.starts_at,
        timestamp__lt=occurrence.ends_at,
    ).order_by()
    by_pattern = list(in_window.values("pattern_id").annotate(logs=Count("pk")).order_by("-logs"))
    templates = dict(
        LogPattern.objects.filter(
            pk__in=[row["pattern_id"] for row in by_pattern[:SUMMARY_TOP]]
        ).values_list("pk", "template")
    )
    severities = dict(LogPattern.objects.filter(pk__in=templates).values_list("pk", "max_severity"))
    window = occurrence.window
    return {
        "window": window.name,
        "reason": window.reason,
        "starts_at": occurrence.starts_at.isoformat(),
        "ends_at": occurrence.ends_at.isoformat(),
        "patterns": totals["patterns"],
        "logs": sum(row["logs"] for row in by_pattern),
        "analyses": totals["analyses"],
        "tickets": totals["tickets"],
        "notifications": totals["notifications"] or 0,
        "top": [
            {
                "pattern_id": row["pattern_id"],
                "template": templates.get(row["pattern_id"], ""),
                "count": row["logs"],
                "severity": Severity(severities[row["pattern_id"]]).label
                if row["pattern_id"] in severities
                else "",
            }
            for row in by_pattern[:SUMMARY_TOP]
        ],
    }


def _ended_hooks() -> list[Callable[..., None]]:
    return [import_string(path) for path in settings.MAINTENANCE_ENDED_HOOKS]
