"""The analyses sweep runs alone (gogent.runlock) and no longer publishes: it wakes the results
publisher when the outbox holds something and the publisher is not pausing. The other
periodic jobs are tested where each is: tickets_sweep in tests/integrations/test_rules.py,
tickets_sync in tests/integrations/test_tickets.py, retention in tests/logs/test_retention.py,
the offline redo in tests/analysis/test_offline_redo.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from celery.signals import before_task_publish
from django.utils import timezone

from analysis import tasks
from analysis.models import Analysis, ReplyWaiter, ResultsPublisher
from analysis.services import analyses_sweep
from analysis.services.sweep import SWEEP_LOCK
from gogent.runlock import run_lock_release, run_lock_take
from logs.models import LogPattern, Severity
from tests.helpers.analysis import analysis_in_outbox

pytestmark = [pytest.mark.production, pytest.mark.django_db]


@pytest.fixture
def sent() -> Iterator[list[str]]:
    """Names of the tasks this process sends (to the in-memory broker), in order."""
    names: list[str] = []

    def record(sender: str, **_: object) -> None:
        names.append(sender)

    before_task_publish.connect(record, weak=False)
    yield names
    before_task_publish.disconnect(record)


def pattern(key: str) -> LogPattern:
    now = timezone.now()
    return LogPattern.objects.create(
        key=key, template=f"Spindle <*> overheated ({key})", sample_message="Spindle 3 overheated",
        first_seen=now, last_seen=now, count=1, max_severity=Severity.ERROR,
    )  # fmt: skip


def stale_analysis() -> Analysis:
    """Queued long ago and never picked up: a lost task message."""
    return Analysis.objects.create(
        pattern=pattern("stale"),
        trigger=Analysis.Trigger.OPERATOR,
        next_attempt_at=timezone.now() - timedelta(hours=1),
    )


def test_a_sweep_that_finds_the_lock_held_does_nothing(sent):
    analysis = stale_analysis()
    analysis_in_outbox("waiting")
    token = run_lock_take(SWEEP_LOCK, seconds=60)
    assert token is not None

    assert analyses_sweep() is None

    assert sent == []
    analysis.refresh_from_db()
    assert analysis.next_attempt_at < timezone.now() - timedelta(minutes=59)

    run_lock_release(SWEEP_LOCK, token)
    report = analyses_sweep()

    assert report is not None
    assert report.resent == 1
    assert sorted(sent) == sorted([tasks.analyze_pattern.name, tasks.publish_results.name])


def test_the_sweep_wakes_the_publisher_when_results_wait(sent):
    analysis_in_outbox("first", finished_at=timezone.now() - timedelta(minutes=10))
    answered = analysis_in_outbox("second")
    ReplyWaiter.objects.create(
        pattern=answered.pattern, reply_to="_INBOX.sweep", stream_seq=7,
        expires_at=timezone.now() + timedelta(minutes=1), answer=answered,
    )  # fmt: skip

    report = analyses_sweep()

    assert report is not None
    assert (report.resent, report.outbox) == (0, 3)
    assert sent == [tasks.publish_results.name]
    # The sweep only wakes it: everything is still waiting.
    assert Analysis.objects.filter(publish_pending=True).count() == 2


def test_the_sweep_leaves_an_empty_outbox_alone(sent):
    Analysis.objects.create(
        pattern=pattern("published"),
        trigger=Analysis.Trigger.NEW_PATTERN,
        status=Analysis.Status.DONE,
        finished_at=timezone.now(),
        published_at=timezone.now(),
    )

    report = analyses_sweep()

    assert report is not None
    assert report.outbox == 0
    assert sent == []


def test_the_sweep_does_not_wake_a_publisher_that_pauses_after_a_failure(sent):
    analysis_in_outbox("waiting")
    now = timezone.now()
    ResultsPublisher.objects.create(
        pk=1, reachable=False, failures=3, retry_at=now + timedelta(seconds=30),
        last_error="nats: no servers available for connection", last_failure_at=now,
        unreachable_since=now - timedelta(minutes=2),
    )  # fmt: skip

    report = analyses_sweep()

    assert report is not None
    assert report.outbox == 1
    assert sent == []

    # Its pause over, the next sweep wakes it.
    ResultsPublisher.objects.filter(pk=1).update(retry_at=now - timedelta(seconds=1))
    assert analyses_sweep().outbox == 1
    assert sent == [tasks.publish_results.name]


def test_the_sweep_drops_expired_waiters_whatever_the_publisher_does(sent):
    waiting = pattern("waiting")
    ReplyWaiter.objects.create(
        pattern=waiting, reply_to="_INBOX.gone", stream_seq=1,
        expires_at=timezone.now() - timedelta(seconds=1),
    )  # fmt: skip
    ReplyWaiter.objects.create(
        pattern=waiting, reply_to="_INBOX.still", stream_seq=2,
        expires_at=timezone.now() + timedelta(minutes=1),
    )  # fmt: skip

    report = analyses_sweep()

    assert report is not None
    assert (report.expired_waiters, report.outbox) == (1, 0)
    assert list(ReplyWaiter.objects.values_list("reply_to", flat=True)) == ["_INBOX.still"]
    assert sent == []
