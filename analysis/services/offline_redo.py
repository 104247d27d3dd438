"""Replacing offline analyses with real ones once a provider answers."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from analysis.budgets import budget_spent
from analysis.models import Analysis
from analysis.selectors import active_analysis, provider_chain
from analysis.services.providers import provider_test
from analysis.services.request import ACTIVE, enqueue_on_commit
from gogent.runlock import run_alone
from logs.models import QUIET_STATUSES, LogPattern

OFFLINE_REDO_LOCK = "analysis-offline-redo"


def analyses_redo_offline() -> int:
    """Once a provider answers, queue real analyses of patterns the offline analyzer explained.

    Patterns whose latest analysis is a completed offline one (muted and merged ones aside),
    most severe and most recently seen first. At most ANALYSIS_OFFLINE_REDO_BATCH of these
    requests are queued or running at a time, so a backlog drains at the provider's pace
    (its limits apply as to any analysis) without crowding out new patterns. When no
    provider has answered since its last error, one that has not failed for
    ANALYSIS_OFFLINE_REDO_INTERVAL is sent a tiny prompt to find out whether it answers now.
    Runs alone across workers (a probe can take a provider's whole timeout), and would be
    safe twice at once anyway: a pattern gets a request only while, under its lock, its
    latest analysis is still that offline one and none is queued or running.
    Returns how many were queued.
    """
    with run_alone(OFFLINE_REDO_LOCK, seconds=settings.SWEEP_TIME_LIMIT) as deadline:
        return 0 if deadline is None else _redo_offline()


def _redo_offline() -> int:
    room = settings.ANALYSIS_OFFLINE_REDO_BATCH - (
        Analysis.objects.filter(status__in=ACTIVE, trigger=Analysis.Trigger.OFFLINE_REDO).count()
    )
    if room <= 0:
        return 0
    candidates = _offline_current(limit=room)
    if not candidates or not _provider_answers():
        return 0
    return sum(_redo_request(pattern_id, analysis_id) for pattern_id, analysis_id in candidates)


def _offline_current(*, limit: int) -> list[tuple[int, int]]:
    """(pattern id, latest analysis id) of patterns whose latest analysis is offline and done."""
    offline_done = Analysis.objects.filter(status=Analysis.Status.DONE, is_offline=True)
    latest = Analysis.objects.filter(pattern=OuterRef("pk")).order_by("-pk").values("pk")[:1]
    return list(
        LogPattern.objects.filter(merged_into=None, pk__in=offline_done.values("pattern_id"))
        .exclude(status__in=QUIET_STATUSES)
        .annotate(latest_analysis=Subquery(latest))
        .filter(Exists(offline_done.filter(pk=OuterRef("latest_analysis"))))
        .order_by("-max_severity", "-last_seen", "-pk")
        .values_list("pk", "latest_analysis")[:limit]
    )


def _provider_answers() -> bool:
    """A provider of the chain, not paused and with budget left, answered since its last
    error; or, asked now, does. A spent budget renewing is what brings work back up."""
    now = timezone.now()
    ready = [
        p
        for p in provider_chain()
        if (p.paused_until is None or p.paused_until <= now) and budget_spent(p, now) is None
    ]
    if any(p.last_success_at is not None and not p.is_failing for p in ready):
        return True
    quiet_since = now - timedelta(seconds=settings.ANALYSIS_OFFLINE_REDO_INTERVAL)
    for provider in ready:
        if provider.last_error_at is None or provider.last_error_at <= quiet_since:
            # Records last_success_at or last_error_at, which the next pass reads.
            return provider_test(provider=provider).ok
    return False


def _redo_request(pattern_id: int, offline_id: int) -> bool:
    with transaction.atomic():
        # Serializes requests for one pattern, as in analysis_request.
        LogPattern.objects.select_for_update().filter(pk=pattern_id).first()
        latest = (
            Analysis.objects.filter(pattern_id=pattern_id)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        if latest != offline_id or active_analysis(pattern_id) is not None:
            return False  # analyzed, requested or merged meanwhile
        analysis = Analysis.objects.create(
            pattern_id=pattern_id,
            trigger=Analysis.Trigger.OFFLINE_REDO,
            next_attempt_at=timezone.now(),
        )
        enqueue_on_commit([analysis.pk])
    return True
