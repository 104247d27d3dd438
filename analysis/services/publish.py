"""Results on NATS, through an outbox: completed analyses on the results subject, and
answers to the logs that asked for one (Gogent-Reply-To).

Finishing an analysis never waits for NATS. In its own transaction it marks the analysis
`publish_pending` and the waiting logs' `answer`, then asks for a publisher run
(results_publish_soon). The publisher runs alone across workers (gogent.runlock), drains
the outbox oldest first and stops at the first failure. Then it pauses, 2 s doubling up
to ANALYSIS_PUBLISH_PAUSE_MAX, recorded in ResultsPublisher for every worker: while NATS
is down, one connection attempt per pause is all the NATS work any worker does.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

import orjson
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from analysis import tasks
from analysis.models import Analysis, ReplyWaiter, ResultsPublisher
from gogent.nats import NatsPublisher, NatsUnreachable
from gogent.runlock import Deadline, run_alone
from logs.validation import reply_subject_problem

logger = logging.getLogger(__name__)

PUBLISHER_LOCK = "analysis-results-publisher"
PUBLISH_BATCH = 100
PAUSE_FIRST = 2.0
PUBLISHER_STATE_PK = 1  # one row, shared by every worker

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


def replies_mark(*, analysis: Analysis) -> int:
    """The logs still waiting on the analysis's pattern get it as their answer (outbox);
    returns how many. Call inside the transaction that completes or fails it."""
    return ReplyWaiter.objects.filter(
        pattern_id=analysis.pattern_id, answer=None, expires_at__gt=timezone.now()
    ).update(answer=analysis)


def replies_answer_current(*, pattern_ids: Iterable[int]) -> int:
    """Answer the waiting logs of patterns that already have their analysis, each with its
    latest completed one; returns how many were answered."""
    marked = 0
    for pattern_id in pattern_ids:
        analysis = (
            Analysis.objects.filter(pattern_id=pattern_id, status=Analysis.Status.DONE)
            .order_by("-finished_at", "-pk")
            .first()
        )
        if analysis is not None:
            marked += replies_mark(analysis=analysis)
    if marked:
        results_publish_soon()
    return marked


def results_publish_soon() -> None:
    """Once the caller's transaction commits, a publisher run; none while the publisher
    pauses after a failure (it tries again by itself when the pause ends)."""
    transaction.on_commit(_publisher_wake, robust=True)


def _publisher_wake() -> None:
    if not publisher_state().paused(timezone.now()):
        tasks.publish_results.delay()


def publisher_state() -> ResultsPublisher:
    return ResultsPublisher.objects.get_or_create(pk=PUBLISHER_STATE_PK)[0]


@dataclass(frozen=True, slots=True)
class PublishRun:
    analyses: int = 0
    replies: int = 0
    # Why the run stopped before the outbox was empty (NATS's error), or did nothing.
    error: str = ""
    skipped: str = ""


def results_publish() -> PublishRun:
    """Drain the outbox to NATS: analyses in the order they completed, then answers in the
    order logs asked. One run at a time, within SWEEP_TIME_LIMIT; a failure pauses the
    publisher and sends the next run for when the pause ends. Returns what was published."""
    state = publisher_state()
    if state.paused(timezone.now()):
        return PublishRun(skipped="paused after a failure")
    with run_alone(PUBLISHER_LOCK, seconds=settings.SWEEP_TIME_LIMIT) as deadline:
        if deadline is None:
            return PublishRun(skipped="another run is publishing")
        run = _drain(deadline)
        if run.error:
            pause = _failed(run.error)
        elif (run.analyses or run.replies) and state.failures:
            logger.info("NATS takes results again after %d failed attempts", state.failures)
    if run.error:
        tasks.publish_results.apply_async(countdown=pause)
    elif outbox_size():
        # Left by the deadline, or added while this run was finishing.
        tasks.publish_results.delay()
    return run


def _drain(deadline: Deadline) -> PublishRun:
    analyses = replies = 0
    try:
        while not deadline.passed():
            taken, published = _publish_analyses(deadline)
            handled, answered = _publish_replies(deadline)
            analyses += published
            replies += answered
            if not taken and not handled:
                break
    except NatsUnreachable as error:
        return PublishRun(analyses=analyses, replies=replies, error=str(error))
    return PublishRun(analyses=analyses, replies=replies)


def _publish_analyses(deadline: Deadline) -> tuple[int, int]:
    """Returns how many analyses left the outbox, and how many of them were sent."""
    subject = settings.ANALYSIS_RESULTS_SUBJECT
    taken = published = 0
    batch = (
        Analysis.objects.filter(publish_pending=True)
        .select_related("pattern")
        .order_by("finished_at", "pk")[:PUBLISH_BATCH]
    )
    for analysis in batch:
        if subject:
            # JetStream keeps the results subject too (AGENT_STREAM): the id makes a
            # message sent twice (a worker died between send and mark) stored once.
            publisher.publish(
                subject,
                orjson.dumps(analysis_message(analysis)),
                headers={"Nats-Msg-Id": f"gogent-analysis-{analysis.pk}"},
                timeout=min(settings.ANALYSIS_PUBLISH_TIMEOUT, max(deadline.left(), 0.1)),
            )
        # With the subject turned off since it was marked, it leaves the outbox unsent.
        with transaction.atomic():
            Analysis.objects.filter(pk=analysis.pk).update(
                publish_pending=False, published_at=timezone.now() if subject else None
            )
            if subject:
                _sent()
        taken += 1
        published += bool(subject)
        if deadline.passed():
            break
    return taken, published


def _publish_replies(deadline: Deadline) -> tuple[int, int]:
    """Returns how many answers left the outbox, and how many of them were sent."""
    handled = sent = 0
    now = timezone.now()
    messages: dict[int, dict[str, object]] = {}
    batch = (
        ReplyWaiter.objects.filter(answer__isnull=False)
        .select_related("answer__pattern")
        .order_by("pk")[:PUBLISH_BATCH]
    )
    for waiter in batch:
        # Ingest stores only valid reply subjects; rows from before it checked may hold
        # others, which no retry can send: they are dropped so they never block the rest.
        if waiter.expires_at > now and not reply_subject_problem(waiter.reply_to):
            if waiter.answer_id not in messages:
                messages[waiter.answer_id] = analysis_message(waiter.answer)
            publisher.publish(
                waiter.reply_to,
                orjson.dumps({**messages[waiter.answer_id], "stream_seq": waiter.stream_seq}),
                timeout=min(settings.ANALYSIS_PUBLISH_TIMEOUT, max(deadline.left(), 0.1)),
            )
            with transaction.atomic():
                ReplyWaiter.objects.filter(pk=waiter.pk).delete()
                _sent()
            sent += 1
        else:
            ReplyWaiter.objects.filter(pk=waiter.pk).delete()
        handled += 1
        if deadline.passed():
            break
    return handled, sent


def _failed(error: str) -> float:
    """Record a failed attempt (the caller holds the publisher's lock); returns the pause."""
    state = publisher_state()
    failures = state.failures + 1
    pause = min(PAUSE_FIRST * 2 ** (failures - 1), float(settings.ANALYSIS_PUBLISH_PAUSE_MAX))
    now = timezone.now()
    ResultsPublisher.objects.filter(pk=state.pk).update(
        reachable=False,
        failures=failures,
        retry_at=now + timedelta(seconds=pause),
        last_error=error[:2000],
        last_failure_at=now,
        unreachable_since=state.unreachable_since if state.failures else now,
    )
    logger.warning(
        "results not published: %s; %d waiting, trying again in %.0f s",
        error,
        outbox_size(),
        pause,
    )
    return pause


def _sent() -> None:
    """Record one message NATS confirmed, in the transaction that takes it out of the
    outbox: the state never shows NATS unreachable, or fewer published, once the outbox
    has been drained."""
    ResultsPublisher.objects.filter(pk=PUBLISHER_STATE_PK).update(
        reachable=True,
        failures=0,
        retry_at=None,
        unreachable_since=None,
        last_success_at=timezone.now(),
        published_total=F("published_total") + 1,
    )


def outbox_size() -> int:
    """Analyses and answers waiting to be published."""
    return (
        Analysis.objects.filter(publish_pending=True).count()
        + ReplyWaiter.objects.filter(answer__isnull=False).count()
    )
