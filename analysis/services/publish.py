"""Results on NATS: completed analyses on the results subject, answers to waiting logs."""

from __future__ import annotations

import logging

import orjson
from django.conf import settings
from django.utils import timezone

from analysis.models import Analysis, ReplyWaiter
from gogent.nats import NatsPublisher
from logs.validation import reply_subject_problem

logger = logging.getLogger(__name__)

publisher = NatsPublisher("gogent-analysis")


def analysis_message(analysis: Analysis) -> dict[str, object]:
    pattern = analysis.pattern
    return {
        "type": "analysis",
        "analysis_id": analysis.pk,
        "status": analysis.status,
        "pattern": {
            "id": pattern.pk,
            "key": pattern.key,
            "template": pattern.template,
            "count": pattern.count,
            "first_seen": pattern.first_seen.isoformat(),
            "last_seen": pattern.last_seen.isoformat(),
        },
        "source": analysis.source_label,
        "offline": analysis.is_offline,
        "provider": analysis.provider_name,
        "model": analysis.model,
        "result": analysis.result,
        "analysis": analysis.text,
        "error": analysis.error if analysis.status != Analysis.Status.DONE else "",
        "finished_at": analysis.finished_at.isoformat() if analysis.finished_at else None,
    }


def analysis_publish(*, analysis: Analysis) -> bool:
    """Publish a completed analysis on the results subject, then answer waiting logs.

    A failure is logged and left for the sweeper, which publishes what is still
    unpublished; the analysis itself is already safe in the database. Returns whether
    the results subject has it (or there is none to publish on).
    """
    subject = settings.ANALYSIS_RESULTS_SUBJECT
    if subject and analysis.published_at is None:
        try:
            publisher.publish(subject, orjson.dumps(analysis_message(analysis)))
        except Exception as error:
            logger.warning("analysis %s not published yet: %s", analysis.pk, error)
            return False
        Analysis.objects.filter(pk=analysis.pk).update(published_at=timezone.now())
    replies_send(analysis=analysis)
    return True


def replies_send(*, analysis: Analysis) -> int:
    """Answer the logs still waiting on this analysis's pattern; returns how many."""
    now = timezone.now()
    waiters = list(
        ReplyWaiter.objects.filter(pattern_id=analysis.pattern_id, expires_at__gt=now)[:10_000]
    )
    if not waiters:
        return 0
    message = analysis_message(analysis)
    sent: list[int] = []
    # Ingest stores only valid reply subjects; rows from before it checked may hold others,
    # which no retry can send: they are dropped, so they never block the rest.
    unsendable = [waiter.pk for waiter in waiters if reply_subject_problem(waiter.reply_to)]
    try:
        for waiter in waiters:
            if waiter.pk in unsendable:
                continue
            publisher.publish(
                waiter.reply_to, orjson.dumps({**message, "stream_seq": waiter.stream_seq})
            )
            sent.append(waiter.pk)
    except Exception as error:
        logger.warning("replies for pattern %s not sent yet: %s", analysis.pattern_id, error)
    if unsendable:
        logger.warning("dropped %d replies to invalid subjects", len(unsendable))
    ReplyWaiter.objects.filter(pk__in=sent + unsendable).delete()
    return len(sent)


def replies_send_current(*, pattern_id: int) -> int:
    """Answer waiting logs of a pattern that already has its analysis."""
    analysis = (
        Analysis.objects.filter(pattern_id=pattern_id, status=Analysis.Status.DONE)
        .select_related("pattern")
        .order_by("-finished_at", "-pk")
        .first()
    )
    return replies_send(analysis=analysis) if analysis else 0
