"""The results outbox: finishing an analysis never waits for NATS; one publisher drains the
outbox in order, pauses when NATS is away, and publishes everything once when it is back.
Against a real nats-server, in this process."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import nats
import orjson
import pytest
from django.utils import timezone

from analysis.models import Analysis, ReplyWaiter, ResultsPublisher
from analysis.services import analysis_run, outbox_size, publisher_state, results_publish
from analysis.services.publish import PUBLISHER_LOCK, publisher
from gogent.runlock import run_lock_release, run_lock_take
from tests.helpers.analysis import analysis_in_outbox, ingest, log
from tests.helpers.nats import NatsServer
from tests.helpers.processes import free_port
from tests.helpers.wait import run_async

pytestmark = pytest.mark.production

RESULTS = "gogent.test.results"
INBOX = "gogent.test.inbox"


@pytest.fixture(autouse=True)
def _outbox_settings(settings) -> Iterator[None]:
    settings.ANALYSIS_RESULTS_SUBJECT = RESULTS
    settings.ANALYSIS_PUBLISH_TIMEOUT = 1.0
    settings.NATS_SERVERS = [f"nats://127.0.0.1:{free_port()}"]  # nothing there
    settings.NATS_URL = settings.NATS_SERVERS[0]
    yield
    publisher.close()


@pytest.fixture
def nats_up(nats_server: NatsServer, settings) -> NatsServer:
    """The nats-server, with a stream that keeps what the publisher sends for the test."""
    settings.NATS_SERVERS = [nats_server.url]
    settings.NATS_URL = nats_server.url

    async def create() -> None:
        client = await nats.connect(nats_server.url)
        try:
            await client.jetstream().add_stream(name="OUTBOX_TEST", subjects=["gogent.test.>"])
        finally:
            await client.close()

    run_async(create())
    return nats_server


def sent(server: NatsServer) -> list[tuple[str, dict, dict]]:
    """(subject, message, headers) of everything the stream kept, in order."""

    async def read() -> list[tuple[str, dict, dict]]:
        client = await nats.connect(server.url)
        try:
            js = client.jetstream()
            count = (await js.stream_info("OUTBOX_TEST")).state.messages
            messages = [await js.get_msg("OUTBOX_TEST", seq) for seq in range(1, count + 1)]
            return [(m.subject, orjson.loads(m.data), dict(m.headers or {})) for m in messages]
        finally:
            await client.close()

    return run_async(read())


def completed(count: int) -> list[Analysis]:
    """Analyses completed one after another, each of its own pattern, in the outbox."""
    now = timezone.now()
    return [
        analysis_in_outbox(f"outbox-{n}", finished_at=now + timedelta(milliseconds=n))
        for n in range(count)
    ]


def test_completing_an_analysis_queues_its_result_and_answers_without_touching_nats(
    db, fake_llm, make_provider
):
    make_provider(fake_llm.url)
    ingest(log("Modbus timeout reading register 40001 from slave 7"), reply_to=f"{INBOX}.a")
    analysis = Analysis.objects.get()

    analysis_run(analysis_id=analysis.pk)

    analysis.refresh_from_db()
    assert analysis.status == Analysis.Status.DONE
    assert (analysis.publish_pending, analysis.published_at) == (True, None)
    assert list(ReplyWaiter.objects.values_list("answer_id", flat=True)) == [analysis.pk]
    # NATS is not there, and finishing did not find out: no attempt was made.
    assert not ResultsPublisher.objects.exists()
    assert outbox_size() == 2


def test_the_publisher_sends_results_in_completion_order_then_answers(db, nats_up):
    first, second, third = completed(3)
    Analysis.objects.filter(pk=first.pk).update(finished_at=timezone.now() + timedelta(hours=1))
    ReplyWaiter.objects.create(
        pattern_id=second.pattern_id,
        reply_to=f"{INBOX}.b",
        stream_seq=42,
        expires_at=timezone.now() + timedelta(seconds=30),
        answer=second,
    )

    run = results_publish()

    assert (run.analyses, run.replies, run.error) == (3, 1, "")
    messages = sent(nats_up)
    assert [(subject, message["analysis_id"]) for subject, message, _ in messages] == [
        (RESULTS, second.pk),
        (RESULTS, third.pk),
        (RESULTS, first.pk),
        (f"{INBOX}.b", second.pk),
    ]
    assert messages[0][2]["Nats-Msg-Id"] == f"gogent-analysis-{second.pk}"
    assert messages[3][1]["stream_seq"] == 42
    assert outbox_size() == 0
    assert not Analysis.objects.filter(published_at=None).exists()
    state = publisher_state()
    assert (state.reachable, state.failures, state.published_total) == (True, 0, 4)


def test_a_result_sent_twice_is_kept_once_by_jetstream(db, nats_up):
    (analysis,) = completed(1)
    results_publish()
    # As if a worker died after sending, before marking it sent.
    Analysis.objects.filter(pk=analysis.pk).update(publish_pending=True, published_at=None)
    results_publish()
    assert [message["analysis_id"] for _, message, _ in sent(nats_up)] == [analysis.pk]


def test_while_nats_is_away_the_publisher_pauses_and_keeps_everything(db, settings):
    completed(2)

    run = results_publish()

    assert run.error and "NATS at" in run.error
    state = publisher_state()
    assert (state.reachable, state.failures) == (False, 1)
    assert state.unreachable_since == state.last_failure_at
    assert timedelta(seconds=1) < state.retry_at - state.last_failure_at <= timedelta(seconds=2)
    assert outbox_size() == 2
    # Paused: the next run does not try at all.
    assert results_publish().skipped == "paused after a failure"
    assert publisher_state().failures == 1

    # Each failure doubles the pause, up to ANALYSIS_PUBLISH_PAUSE_MAX.
    settings.ANALYSIS_PUBLISH_PAUSE_MAX = 5
    pauses = []
    for _ in range(3):
        ResultsPublisher.objects.update(retry_at=timezone.now())
        results_publish()
        state = publisher_state()
        pauses.append(round((state.retry_at - state.last_failure_at).total_seconds()))
    assert pauses == [4, 5, 5]
    assert publisher_state().unreachable_since == state.unreachable_since
    assert outbox_size() == 2


def test_when_nats_is_back_every_result_is_published_once_in_order(db, nats_up):
    analyses = completed(4)
    nats_up.stop()
    assert results_publish().error
    assert outbox_size() == 4

    nats_up.start()
    ResultsPublisher.objects.update(retry_at=timezone.now())  # the pause is over
    run = results_publish()

    assert (run.analyses, run.error) == (4, "")
    assert [message["analysis_id"] for _, message, _ in sent(nats_up)] == [
        analysis.pk for analysis in analyses
    ]
    state = publisher_state()
    assert (state.reachable, state.failures, state.unreachable_since) == (True, 0, None)


def test_the_state_agrees_with_the_outbox_after_every_message(db, nats_up, monkeypatch):
    """What the operations page reads between two messages: once one has left the outbox,
    NATS is shown reachable and counted, never "unreachable" beside a draining outbox."""
    completed(3)
    nats_up.stop()
    assert results_publish().error
    nats_up.start()
    ResultsPublisher.objects.update(retry_at=timezone.now())
    seen = []
    send = publisher.publish

    def publish_and_look(*args, **kwargs) -> None:
        state = publisher_state()
        seen.append((outbox_size(), state.reachable, state.failures, state.published_total))
        send(*args, **kwargs)

    monkeypatch.setattr(publisher, "publish", publish_and_look)
    assert results_publish().analyses == 3

    assert seen == [(3, False, 1, 0), (2, True, 0, 1), (1, True, 0, 2)]
    state = publisher_state()
    assert (outbox_size(), state.reachable, state.published_total) == (0, True, 3)


def test_a_server_that_never_answers_holds_the_publisher_only_for_its_timeout(db, settings):
    completed(1)
    silent = socket.create_server(("127.0.0.1", 0))  # accepts, never speaks NATS
    settings.NATS_SERVERS = [f"nats://127.0.0.1:{silent.getsockname()[1]}"]
    settings.ANALYSIS_PUBLISH_TIMEOUT = 0.5
    try:
        started = time.monotonic()
        run = results_publish()
        held = time.monotonic() - started
    finally:
        silent.close()
    assert "timed out" in run.error or "Timeout" in run.error
    assert held < 10, f"the publisher was held {held:.1f} s"
    assert outbox_size() == 1


def test_only_one_publisher_runs_at_a_time(db, nats_up):
    completed(1)
    token = run_lock_take(PUBLISHER_LOCK, seconds=60)
    assert token
    assert results_publish().skipped == "another run is publishing"
    assert outbox_size() == 1
    run_lock_release(PUBLISHER_LOCK, token)
    assert results_publish().analyses == 1


def test_an_empty_results_subject_publishes_no_result_but_still_answers(
    db, nats_up, settings, fake_llm, make_provider
):
    settings.ANALYSIS_RESULTS_SUBJECT = ""
    make_provider(fake_llm.url)
    ingest(log("Modbus timeout reading register 40001 from slave 7"), reply_to=f"{INBOX}.c")
    analysis = Analysis.objects.get()
    analysis_run(analysis_id=analysis.pk)
    analysis.refresh_from_db()
    assert not analysis.publish_pending

    results_publish()

    assert [(subject, m["analysis_id"]) for subject, m, _ in sent(nats_up)] == [
        (f"{INBOX}.c", analysis.pk)
    ]
    # Marked while a subject was set, turned off since: it leaves the outbox unsent.
    (earlier,) = completed(1)
    results_publish()
    earlier.refresh_from_db()
    assert (earlier.publish_pending, earlier.published_at) == (False, None)
    assert len(sent(nats_up)) == 1


def test_expired_and_unsendable_answers_leave_the_outbox_without_blocking_the_rest(db, nats_up):
    (analysis,) = completed(1)
    now = timezone.now()
    for reply_to, expires_at in [
        (f"{INBOX}.late", now - timedelta(seconds=1)),
        ("bad subject with spaces", now + timedelta(seconds=30)),
        (f"{INBOX}.d", now + timedelta(seconds=30)),
    ]:
        ReplyWaiter.objects.create(
            pattern_id=analysis.pattern_id,
            reply_to=reply_to,
            stream_seq=7,
            expires_at=expires_at,
            answer=analysis,
        )

    run = results_publish()

    assert (run.analyses, run.replies) == (1, 1)
    assert [subject for subject, _, _ in sent(nats_up)] == [RESULTS, f"{INBOX}.d"]
    assert not ReplyWaiter.objects.exists()


def test_publishers_racing_from_threads_publish_each_result_once(
    nats_up, transactional_db, django_db_blocker
):
    analyses = completed(30)
    errors: list[BaseException] = []

    def publish() -> None:
        from django.db import connection

        try:
            results_publish()
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results_publish()  # whatever a skipped run left

    assert not errors
    assert [m["analysis_id"] for _, m, _ in sent(nats_up)] == [a.pk for a in analyses]
