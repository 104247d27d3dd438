"""Housekeeping: recovering what a dead worker or a broker hiccup left behind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from analysis import tasks
from analysis.models import Analysis, ProviderCall, ProviderSpend, ReplyWaiter
from analysis.services.publish import outbox_size, publisher_state
from analysis.services.request import ACTIVE
from gogent.leases import leases_resend
from gogent.runlock import run_alone

SWEEP_LOCK = "analysis-sweep"


@dataclass(frozen=True, slots=True)
class SweepReport:
    resent: int
    # Results and answers waiting for the publisher, which this sweep woke if it was idle.
    outbox: int
    expired_waiters: int
    old_calls: int


def analyses_sweep() -> SweepReport | None:
    """Recover what a dead worker or broker hiccup left behind; tidy the ledgers.

    Re-sends tasks for analyses overdue by ANALYSIS_STALE_AFTER (queued and never
    picked up, or running with an expired lease), wakes the results publisher when its
    outbox holds anything and it is not pausing, and drops expired reply waiters and old
    ledger rows. Runs alone within SWEEP_TIME_LIMIT; returns None when another sweep is
    running.
    """
    with run_alone(SWEEP_LOCK, seconds=settings.SWEEP_TIME_LIMIT) as deadline:
        if deadline is None:
            return None
        now = timezone.now()
        resent = leases_resend(
            Analysis.objects.filter(status__in=ACTIVE),
            stale_after=settings.ANALYSIS_STALE_AFTER,
            send=tasks.analyze_pattern.delay,
            deadline=deadline,
        )
        expired, _ = ReplyWaiter.objects.filter(expires_at__lte=now).delete()
        old_calls, _ = ProviderCall.objects.filter(started_at__lt=now - timedelta(days=1)).delete()
        # A year and a month: this month's and the same month last year's spend stay.
        ProviderSpend.objects.filter(day__lt=(now - timedelta(days=400)).date()).delete()
        waiting = outbox_size()
        # A lost wake-up (a broker hiccup) costs at most one sweep interval.
        if waiting and not publisher_state().paused(now):
            tasks.publish_results.delay()
    return SweepReport(resent=resent, outbox=waiting, expired_waiters=expired, old_calls=old_calls)
