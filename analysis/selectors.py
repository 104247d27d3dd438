"""Reads for the analysis app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Min

from analysis.models import (
    Analysis,
    InvestigationStep,
    Provider,
    ReplyWaiter,
    ResultsPublisher,
)
from analysis.prompt import Occurrence, PatternContext
from logs.models import LogEntry, LogPattern, LogPatternStat, Severity

RECENT_OCCURRENCES = 5
TOP_VALUES = 10


TRACE_SHOWN = 200


def investigation_trace(analysis: Analysis) -> list[InvestigationStep]:
    """The steps of the analysis's latest investigation, in order (bounded)."""
    latest = analysis.steps.order_by("-attempt").values_list("attempt", flat=True).first()
    if latest is None:
        return []
    return list(analysis.steps.filter(attempt=latest).order_by("number")[:TRACE_SHOWN])


def provider_chain() -> list[Provider]:
    """Providers to try, in order: the default, then the fallbacks by position."""
    enabled = Provider.objects.filter(enabled=True)
    chain = list(enabled.filter(is_default=True))
    chain += list(
        enabled.filter(is_default=False, fallback_order__isnull=False).order_by(
            "fallback_order", "name"
        )
    )
    return chain


def pattern_context(pattern: LogPattern) -> PatternContext:
    """What the prompt says about a pattern: counts, spread, and its latest occurrences."""
    stats: dict[str, list[tuple[str, int]]] = {d: [] for d in LogPatternStat.Dimension.values}
    for stat in LogPatternStat.objects.filter(pattern=pattern).order_by("-count", "value"):
        if len(stats[stat.dimension]) < TOP_VALUES:
            stats[stat.dimension].append((stat.value, stat.count))
    recent = [
        Occurrence(
            timestamp=entry.timestamp,
            hostname=entry.hostname,
            service=entry.service,
            severity=entry.get_severity_display(),
            message=entry.message,
            context=entry.context if isinstance(entry.context, dict) else {},
        )
        for entry in LogEntry.objects.filter(pattern=pattern).order_by("-timestamp")[
            :RECENT_OCCURRENCES
        ]
    ]
    return PatternContext(
        pattern_id=pattern.pk,
        template=pattern.template,
        sample_message=pattern.sample_message,
        count=pattern.count,
        first_seen=pattern.first_seen,
        last_seen=pattern.last_seen,
        max_severity=Severity(pattern.max_severity).label,
        severities=stats[LogPatternStat.Dimension.SEVERITY],
        hosts=stats[LogPatternStat.Dimension.HOST],
        services=stats[LogPatternStat.Dimension.SERVICE],
        recent=recent,
    )


def pattern_current_analysis(pattern: LogPattern) -> Analysis | None:
    """The analysis shown for a pattern: its latest completed one."""
    return (
        Analysis.objects.filter(pattern=pattern, status=Analysis.Status.DONE)
        .order_by("-finished_at", "-pk")
        .first()
    )


def active_analysis(pattern_id: int) -> Analysis | None:
    return Analysis.objects.filter(
        pattern_id=pattern_id, status__in=[Analysis.Status.QUEUED, Analysis.Status.RUNNING]
    ).first()


def analysis_page(
    *,
    status: str = "",
    pattern_id: int | None = None,
    after_id: int | None = None,
    size: int = 50,
) -> tuple[list[Analysis], int | None]:
    """Analyses newest first (by id: the primary key index), and the last id if more follow."""
    analyses = Analysis.objects.select_related("requested_by")
    if status:
        analyses = analyses.filter(status=status)
    if pattern_id is not None:
        analyses = analyses.filter(pattern_id=pattern_id)
    if after_id is not None:
        analyses = analyses.filter(pk__lt=after_id)
    rows = list(analyses.order_by("-pk")[: size + 1])
    if len(rows) > size:
        return rows[:size], rows[size - 1].pk
    return rows, None


@dataclass(frozen=True, slots=True)
class ResultsOutbox:
    """What waits to be published on NATS, and how the publisher last fared."""

    analyses: int
    answers: int
    # When the oldest waiting result completed; None when nothing waits.
    oldest: datetime | None
    publisher: ResultsPublisher
    subject: str

    @property
    def size(self) -> int:
        return self.analyses + self.answers


def results_outbox() -> ResultsOutbox:
    pending = Analysis.objects.filter(publish_pending=True)
    answered = ReplyWaiter.objects.filter(answer__isnull=False)
    oldest = [
        moment
        for moment in (
            pending.aggregate(oldest=Min("finished_at"))["oldest"],
            answered.aggregate(oldest=Min("answer__finished_at"))["oldest"],
        )
        if moment is not None
    ]
    return ResultsOutbox(
        analyses=pending.count(),
        answers=answered.count(),
        oldest=min(oldest, default=None),
        publisher=ResultsPublisher.objects.filter(pk=1).first() or ResultsPublisher(pk=1),
        subject=settings.ANALYSIS_RESULTS_SUBJECT,
    )
