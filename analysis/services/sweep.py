"""Housekeeping: recovering what a dead worker or a broker hiccup left behind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from analysis import tasks
from analysis.models import Analysis, ProviderCall, ReplyWaiter
from analysis.services.publish import analysis_publish
from analysis.services.request import ACTIVE
from gogent.leases import leases_resend


@dataclass(frozen=True, slots=True)
class SweepReport:
    resent: int
    published: int
    expired_waiters: int
    old_calls: int


def analyses_sweep() -> SweepReport:
    """Recover what a dead worker or broker hiccup left behind; tidy the ledgers.

    Re-sends tasks for analyses overdue by ANALYSIS_STALE_AFTER (queued and never
    picked up, or running with an expired lease), publishes completed analyses
    that did not reach NATS, and drops expired reply waiters and old ledger rows.
    """
    now = timezone.now()
    resent = leases_resend(
        Analysis.objects.filter(status__in=ACTIVE),
        stale_after=settings.ANALYSIS_STALE_AFTER,
        send=tasks.analyze_pattern.delay,
    )
    published = 0
    if settings.ANALYSIS_RESULTS_SUBJECT:
        for analysis in Analysis.objects.filter(
            status=Analysis.Status.DONE,
            published_at__isnull=True,
            finished_at__gte=now - timedelta(hours=1),
        ).select_related("pattern")[:100]:
            published += analysis_publish(analysis=analysis)
    expired, _ = ReplyWaiter.objects.filter(expires_at__lte=now).delete()
    old_calls, _ = ProviderCall.objects.filter(started_at__lt=now - timedelta(days=1)).delete()
    return SweepReport(
        resent=resent, published=published, expired_waiters=expired, old_calls=old_calls
    )
