"""consume_logs end to end: a real nats-server, the real command, the test SQLite file."""

from __future__ import annotations

import contextlib
import re
import signal
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import nats
import orjson
import pytest
from django.conf import settings
from django.db import connection
from nats.js.api import AckPolicy

from logs.consumer import ensure_stream_and_consumer
from logs.models import LogEntry, RejectedMessage
from logs.validation import parse_log_message
from tests.helpers.nats import NatsServer
from tests.helpers.processes import child_database_url, free_port
from tests.helpers.wait import run_async, wait_for
from tests.logs.harness import (
    FAST_REDELIVERY,
    final_stats,
    generated,
    publish,
    stop_gracefully,
    wait_until_drained,
)

pytestmark = [pytest.mark.slow, pytest.mark.production, pytest.mark.django_db(transaction=True)]
Reason = RejectedMessage.Reason


def test_ten_thousand_published_are_stored_field_for_field(nats_server, start_consumer):
    payloads = generated(10_000)
    publish(nats_server, payloads)
    consumer = start_consumer()
    wait_until_drained(nats_server, 10_000)

    assert LogEntry.objects.count() == 10_000
    assert RejectedMessage.objects.count() == 0
    rows = {
        row["stream_seq"]: row
        for row in LogEntry.objects.values(
            "stream_seq", "timestamp", "hostname", "severity", "service", "message", "context"
        )
    }
    assert sorted(rows) == list(range(1, 10_001))
    for seq, payload in enumerate(payloads, start=1):
        expected = parse_log_message(payload, received_at=datetime.now(UTC))
        row = rows[seq]
        assert (
            row["timestamp"],
            row["hostname"],
            row["severity"],
            row["service"],
            row["message"],
            row["context"],
        ) == (
            expected.timestamp,
            expected.hostname,
            expected.severity,
            expected.service,
            expected.message,
            expected.context,
        ), f"stream sequence {seq}"
    stop_gracefully(consumer)


def test_kill_9_mid_stream_then_restart_stores_every_message_once(nats_server, start_consumer):
    publish(nats_server, generated(50_000))
    first = start_consumer("--batch-size", "250", **FAST_REDELIVERY)
    wait_for(lambda: LogEntry.objects.count() >= 2_000, what="the first rows")
    first.send(signal.SIGKILL)
    first.wait()
    stored_at_kill = LogEntry.objects.count()
    assert stored_at_kill < 50_000, "the consumer finished before the kill; nothing was tested"

    second = start_consumer(**FAST_REDELIVERY)
    wait_until_drained(nats_server, 50_000)
    stop_gracefully(second)

    seqs = list(LogEntry.objects.order_by("stream_seq").values_list("stream_seq", flat=True))
    assert seqs == list(range(1, 50_001))  # exactly once each: no duplicates, no gaps


def test_nats_server_restart_mid_stream_loses_nothing(nats_server, start_consumer):
    publish(nats_server, generated(10_000, seed=1))
    consumer = start_consumer("--batch-size", "250", **FAST_REDELIVERY)
    wait_for(lambda: LogEntry.objects.count() >= 500, what="the first rows")
    nats_server.restart()
    publish(nats_server, generated(10_000, seed=2))
    wait_until_drained(nats_server, 20_000, timeout=180)

    assert LogEntry.objects.count() == 20_000
    assert consumer.process.poll() is None, "the consumer must survive a server restart"
    assert "reconnected to NATS" in consumer.output
    stop_gracefully(consumer)


REJECTION_CASES: list[tuple[bytes, str]] = [
    (b"\xff\xfe\xfd garbage bytes", Reason.NOT_UTF8),
    (b"this is not json", Reason.NOT_JSON),
    (b"[" * 5_000 + b"]" * 5_000, Reason.TOO_DEEP),
    (orjson.dumps({"message": "m", "context": {"a": [[[[[[1]]]]]]}}), Reason.TOO_DEEP),
    (b"x" * 600_000, Reason.TOO_LARGE),
    (orjson.dumps({"message": "x" * 70_000}), Reason.INVALID_MESSAGE),
    (orjson.dumps(["a", "list"]), Reason.NOT_OBJECT),
    (orjson.dumps({"severity": "error"}), Reason.MISSING_MESSAGE),
    (orjson.dumps({"message": 12}), Reason.INVALID_MESSAGE),
    (orjson.dumps({"message": "m", "timestamp": "last tuesday"}), Reason.INVALID_TIMESTAMP),
    (orjson.dumps({"message": "m", "severity": "shouting"}), Reason.INVALID_SEVERITY),
    (orjson.dumps({"message": "m", "hostname": 12}), Reason.INVALID_HOSTNAME),
    (orjson.dumps({"message": "m", "service": "s" * 300}), Reason.INVALID_SERVICE),
    (orjson.dumps({"message": "m", "context": "flat"}), Reason.INVALID_CONTEXT),
    (orjson.dumps({"message": "nul\x00"}), Reason.NUL_CHARACTER),
]


def test_every_rejection_rule_quarantines_and_the_consumer_keeps_going(nats_server, start_consumer):
    payloads: list[bytes] = []
    expected: dict[int, str] = {}
    for bad, reason in REJECTION_CASES:
        payloads.append(orjson.dumps({"message": f"good before {reason}"}))
        payloads.append(bad)
        expected[len(payloads)] = reason
    payloads.append(orjson.dumps({"message": "good at the end"}))
    publish(nats_server, payloads)

    consumer = start_consumer(LOG_MAX_PAYLOAD_BYTES="524288", LOG_MAX_CONTEXT_DEPTH="5")
    wait_until_drained(nats_server, len(payloads))

    assert consumer.process.poll() is None
    rejected = {r.stream_seq: r for r in RejectedMessage.objects.all()}
    assert {seq: r.reason for seq, r in rejected.items()} == expected
    assert all(r.detail for r in rejected.values())
    too_large = next(r for r in rejected.values() if r.reason == Reason.TOO_LARGE)
    assert bytes(too_large.raw) == b"x" * settings.REJECTED_RAW_MAX_BYTES  # kept, truncated
    assert too_large.size == 600_000
    assert LogEntry.objects.count() == len(REJECTION_CASES) + 1
    assert final_stats(stop_gracefully(consumer))["rejected"] == len(REJECTION_CASES)


def test_sigterm_commits_and_acks_the_batch_in_flight_then_exits_0(nats_server, start_consumer):
    publish(nats_server, generated(50_000))
    # The first consumer hands back (naks) what it fetched and did not store, so that comes
    # back at once; an ack wait of 10 s, not FAST_REDELIVERY's 3, keeps a batch that waits
    # behind slow commits on a busy machine from coming back and counting as a duplicate.
    first = start_consumer("--batch-size", "500", NATS_ACK_WAIT="10")
    wait_for(lambda: LogEntry.objects.count() >= 2_000, what="the first rows")
    output = stop_gracefully(first)
    assert "stopping: finishing the batch in flight" in output
    stored_by_first = final_stats(output)["stored"]
    assert 0 < stored_by_first < 50_000
    assert LogEntry.objects.count() == stored_by_first

    second = start_consumer(NATS_ACK_WAIT="10")
    wait_until_drained(nats_server, 50_000)
    # Had the first consumer committed anything it did not ack, it would come back now.
    assert final_stats(stop_gracefully(second)) == {
        "stored": 50_000 - stored_by_first,
        "duplicates": 0,
        "rejected": 0,
    }


def test_a_message_asking_for_a_receipt_gets_one(nats_server, start_consumer):
    start_consumer()

    async def request_receipts() -> list[dict]:
        client = await nats.connect(nats_server.url)
        try:
            await ensure_stream_and_consumer(client)
            inbox = client.new_inbox()
            subscription = await client.subscribe(inbox)
            js = client.jetstream()
            for payload in (b'{"message": "disk full on /var"}', b"{broken"):
                await js.publish(settings.NATS_SUBJECT, payload, headers={"Gogent-Reply-To": inbox})
            return [orjson.loads((await subscription.next_msg(timeout=20)).data) for _ in range(2)]
        finally:
            await client.close()

    stored, rejected = run_async(request_receipts())
    entry = LogEntry.objects.get()
    assert stored == {
        "status": "stored",
        "id": entry.id,
        "pattern_id": entry.pattern_id,
        "stream_seq": entry.stream_seq,
    }
    assert rejected["status"] == "rejected"
    assert rejected["reason"] == "not_json"


def test_consumer_waits_for_nats_and_starts_when_it_appears(tmp_path, gogent_env, start_consumer):
    late_server = NatsServer(tmp_path / "late-nats", free_port())
    consumer = start_consumer(NATS_URL=late_server.url)
    wait_for(lambda: "not reachable" in consumer.output, what="a retry message")
    assert consumer.process.poll() is None

    late_server.start()
    try:
        publish(late_server, generated(100))
        wait_until_drained(late_server, 100)
        stop_gracefully(consumer)
    finally:
        late_server.stop()


def test_stream_and_consumer_are_created_then_updated_idempotently(nats_server, settings):
    async def ensure_twice() -> tuple:
        client = await nats.connect(nats_server.url)
        try:
            await ensure_stream_and_consumer(client)
            await ensure_stream_and_consumer(client)
            settings.NATS_MAX_ACK_PENDING = 1234
            settings.NATS_STREAM_MAX_AGE = 3600
            await ensure_stream_and_consumer(client)
            js = client.jetstream()
            return (
                await js.stream_info(settings.NATS_STREAM),
                await js.consumer_info(settings.NATS_STREAM, settings.NATS_CONSUMER),
            )
        finally:
            await client.close()

    stream, consumer = run_async(ensure_twice())
    assert stream.config.subjects == ["agent.technical.support", "agent.technical.support.>"]
    assert stream.config.max_age == 3600
    assert consumer.config.max_ack_pending == 1234
    assert consumer.config.ack_policy == AckPolicy.EXPLICIT


def test_sigterm_while_waiting_for_nats_exits_0(start_consumer):
    consumer = start_consumer(NATS_URL=f"nats://127.0.0.1:{free_port()}")
    wait_for(lambda: "not reachable" in consumer.output, what="a retry message")
    stop_gracefully(consumer)


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def test_a_burst_of_100k_is_absorbed_with_bounded_memory(nats_server, start_consumer):
    publish(nats_server, generated(100_000))
    consumer = start_consumer()
    wait_until_drained(nats_server, 100_000)
    # Two batches requested at a time: memory does not grow with the backlog.
    assert peak_rss_mb(consumer.process.pid) < 200
    assert LogEntry.objects.count() == 100_000
    stop_gracefully(consumer)


@contextlib.contextmanager
def writes_blocked() -> Iterator[None]:
    """Hold a lock that stops every other writer until the block ends."""
    if connection.vendor == "sqlite":
        database = connection.settings_dict["NAME"]
        with sqlite3.connect(database, timeout=5, isolation_level=None) as blocker:
            blocker.execute("BEGIN EXCLUSIVE")
            yield
            blocker.execute("ROLLBACK")
        return
    import psycopg

    with psycopg.connect(child_database_url()) as blocker:
        blocker.execute("LOCK TABLE logs_logentry IN EXCLUSIVE MODE")  # reads still pass
        yield
        blocker.rollback()


def test_a_database_outage_delays_ingest_but_loses_nothing(nats_server, start_consumer):
    if connection.vendor == "sqlite":
        consumer = start_consumer(SQLITE_BUSY_TIMEOUT="1")
    else:  # an operator's lock_timeout in DATABASE_URL turns a long wait into an error
        consumer = start_consumer(
            DATABASE_URL=f"{child_database_url()}?options=-c+lock_timeout=1000"
        )
    wait_for(lambda: "consuming AGENT_STREAM" in consumer.output, what="the consumer")

    with writes_blocked():
        publish(nats_server, generated(1_000))
        wait_for(lambda: "could not store a batch" in consumer.output, what="a failed batch")

    try:
        wait_until_drained(nats_server, 1_000, timeout=90)
    except AssertionError as error:
        raise AssertionError(f"{error}; the consumer said:\n{consumer.output[-4000:]}") from None
    assert LogEntry.objects.count() == 1_000
    assert consumer.process.poll() is None
    stop_gracefully(consumer)
