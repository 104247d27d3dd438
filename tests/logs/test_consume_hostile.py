"""consume_logs against careless and hostile producers, and a stream that is reset under it.

A real nats-server, the real command, the test database.
"""

from __future__ import annotations

import asyncio
import shutil
import threading

import nats
import orjson
import pytest
from django.conf import settings

from logs.consumer import REPLY_HEADER, ensure_stream_and_consumer
from logs.models import IngestEvent, LogEntry, RejectedMessage, StreamEpoch
from tests.helpers.nats import NatsServer
from tests.helpers.wait import run_async, wait_for
from tests.logs.harness import (
    POISON,
    generated,
    publish,
    refusing_poison,
    stop_gracefully,
    wait_until_drained,
)

pytestmark = [pytest.mark.slow, pytest.mark.production, pytest.mark.django_db(transaction=True)]
Reason = RejectedMessage.Reason


def payload(text: str) -> bytes:
    return orjson.dumps({"message": text, "severity": "error", "hostname": "plc-7"})


def test_hostile_reply_headers_are_ignored_and_nothing_stops(nats_server, start_consumer):
    hostile = [
        "has spaces in it",
        "_INBOX." + "x" * 300,
        "_INBOX.a\x00b",
        "_INBOX.*",
        "_INBOX.>",
        "_INBOX..x",
        "\u202e\u2066",
    ]

    async def go() -> dict:
        client = await nats.connect(nats_server.url)
        try:
            await ensure_stream_and_consumer(client)
            js = client.jetstream()
            inbox = client.new_inbox()
            receipt = await client.subscribe(inbox)
            for index, header in enumerate(hostile):
                await js.publish(
                    settings.NATS_SUBJECT,
                    payload(f"Drive {index} overcurrent"),
                    headers={REPLY_HEADER: header},
                )
            await js.publish(
                settings.NATS_SUBJECT,
                payload("Drive 99 overcurrent"),
                headers={REPLY_HEADER: inbox},
            )
            message = await receipt.next_msg(timeout=60)
            return orjson.loads(message.data)
        finally:
            await client.close()

    consumer = start_consumer()
    receipt = run_async(go())
    wait_until_drained(nats_server, len(hostile) + 1)

    assert receipt["status"] == "stored"
    assert LogEntry.objects.count() == len(hostile) + 1
    assert IngestEvent.objects.get(kind=IngestEvent.Kind.BAD_REPLY_SUBJECT).count == len(hostile)
    assert consumer.process.poll() is None, consumer.output[-3000:]
    output = stop_gracefully(consumer)
    assert "reply headers ignored 7" in output


def test_a_poison_message_is_quarantined_and_its_batch_mates_are_stored(
    nats_server, start_consumer
):
    payloads = generated(600)
    poisoned = {0, 250, 599}
    for index in poisoned:
        payloads[index] = payload(f"Controller {index} {POISON} input")
    with refusing_poison():
        publish(nats_server, payloads)
        consumer = start_consumer()
        wait_until_drained(nats_server, 600)
        output = stop_gracefully(consumer)

    assert LogEntry.objects.count() == 597
    rejected = RejectedMessage.objects.all()
    assert {(r.stream_seq, r.reason) for r in rejected} == {
        (index + 1, Reason.STORE_FAILED) for index in poisoned
    }
    assert all(bytes(r.raw) == payloads[r.stream_seq - 1] for r in rejected)
    assert "storing it in halves" in output


class CrashingClient:
    """Another client on the durable, holding a message without acking it (think: a consumer
    that dies on it every time), in a thread of its own."""

    def __init__(self, server: NatsServer) -> None:
        self.server = server
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client = self._run(nats.connect(server.url))
        self.held = None

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    def take_to_last_delivery(self, data: bytes, deliveries: int) -> None:
        async def go() -> None:
            js = self.client.jetstream()
            await ensure_stream_and_consumer(self.client)
            await js.publish(settings.NATS_SUBJECT, data)
            subscription = await js.pull_subscribe_bind(
                settings.NATS_CONSUMER, settings.NATS_STREAM
            )
            for delivery in range(1, deliveries + 1):
                (message,) = await subscription.fetch(1, timeout=10)
                assert message.metadata.num_delivered == delivery
                if delivery < deliveries:
                    await message.nak()
                else:
                    self.held = message

        self._run(go())

    def hand_back(self) -> None:
        self._run(self.held.nak())

    def close(self) -> None:
        self._run(self.client.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


def test_a_message_jetstream_gives_up_on_is_quarantined_with_its_payload(
    nats_server, start_consumer, settings
):
    settings.NATS_MAX_DELIVER = 2
    doomed = payload("Servo 3 encoder lost")
    crashing = CrashingClient(nats_server)
    try:
        crashing.take_to_last_delivery(doomed, deliveries=2)
        consumer = start_consumer(NATS_MAX_DELIVER="2")
        wait_for(lambda: "consuming" in consumer.output, timeout=60, what="consume_logs running")
        publish(nats_server, [payload("Servo 4 ok")])
        wait_for(lambda: LogEntry.objects.count() == 1, timeout=60, what="another log stored")
        # Its last delivery handed back: JetStream has none left to give and says so.
        crashing.hand_back()
        row = wait_for(
            lambda: RejectedMessage.objects.filter(reason=Reason.MAX_DELIVERIES).first(),
            timeout=60,
            what="the message quarantined after its last delivery",
        )
    finally:
        crashing.close()

    assert (row.stream_seq, bytes(row.raw)) == (1, doomed)
    assert "delivered it 2 times" in row.detail
    assert LogEntry.objects.count() == 1
    stop_gracefully(consumer)


def test_a_stream_deleted_and_created_again_loses_no_new_log(nats_server, start_consumer):
    consumer = start_consumer()
    publish(nats_server, generated(300, seed=1))
    wait_until_drained(nats_server, 300)

    async def delete() -> None:
        client = await nats.connect(nats_server.url)
        try:
            await client.jetstream().delete_stream(settings.NATS_STREAM)
        finally:
            await client.close()

    run_async(delete())
    # consume_logs hears its consumer was deleted and creates the stream again (after
    # logs.consumer.STREAM_RECREATE_PAUSE); publishing waits for that.
    wait_for(
        lambda: StreamEpoch.objects.filter(number=1).exists(),
        timeout=60,
        what="consume_logs adopting the new stream",
    )
    publish(nats_server, generated(1000, seed=2))
    wait_for(lambda: LogEntry.objects.count() == 1300, timeout=120, what="1300 logs stored")

    counts = {
        epoch: LogEntry.objects.filter(stream_epoch=epoch).count()
        for epoch in StreamEpoch.objects.values_list("number", flat=True)
    }
    assert counts == {0: 300, 1: 1000}
    reset = StreamEpoch.objects.get(number=1)
    assert (reset.is_reset, reset.previous_last_seq) == (True, 300)
    output = stop_gracefully(consumer)
    assert "was created anew" in output
    # Recreated too soon, the new stream lost its files to the old one's removal.
    assert "Critical write error" not in nats_server.log_path.read_text()


def test_a_lost_jetstream_store_loses_no_new_log(nats_server: NatsServer, start_consumer):
    consumer = start_consumer()
    publish(nats_server, generated(200, seed=3))
    wait_until_drained(nats_server, 200)

    nats_server.stop()
    shutil.rmtree(nats_server.store_dir / "jetstream")
    nats_server.start()
    # consume_logs reconnects and creates the stream again; publishing waits for it.
    wait_for(
        lambda: StreamEpoch.objects.filter(number=1).exists(),
        timeout=60,
        what="consume_logs adopting the new stream",
    )
    publish(nats_server, generated(500, seed=4))
    wait_for(lambda: LogEntry.objects.count() == 700, timeout=120, what="700 logs stored")

    assert set(LogEntry.objects.filter(stream_epoch=1).values_list("stream_seq", flat=True)) == (
        set(range(1, 501))
    )
    assert consumer.process.poll() is None
    stop_gracefully(consumer)


def test_a_receipt_that_cannot_be_published_is_counted_not_fatal(nats_server):
    from logs.consumer import LogConsumer

    async def go() -> LogConsumer:
        consumer = LogConsumer()
        consumer._client = await nats.connect(nats_server.url)
        await consumer._client.close()  # every publish now raises
        try:
            await consumer._send_receipts([("_INBOX.a", {"status": "stored"})] * 3)
        finally:
            consumer._db.shutdown(wait=True)
        return consumer

    consumer = run_async(go())
    assert consumer.stats.replies_not_sent == 3
    event = IngestEvent.objects.get(kind=IngestEvent.Kind.REPLY_NOT_SENT)
    assert event.count == 3
    assert "ConnectionClosedError" in event.last_detail


def test_a_batch_from_a_stream_created_anew_unnoticed_goes_to_the_new_epoch(nats_server):
    """No 409 told the consumer: the check before storing finds the new stream, and each
    message goes to the life JetStream stored it in."""
    from logs.consumer import LogConsumer
    from logs.services import stream_epoch_record

    async def fetch_one(client, text: str):
        js = client.jetstream()
        await js.publish(settings.NATS_SUBJECT, payload(text))
        subscription = await js.pull_subscribe_bind(settings.NATS_CONSUMER, settings.NATS_STREAM)
        (message,) = await subscription.fetch(1, timeout=10)
        return message

    async def go():
        client = await nats.connect(nats_server.url)
        consumer = LogConsumer()
        consumer._client = client
        try:
            info = await ensure_stream_and_consumer(client)
            consumer._epoch = await asyncio.get_running_loop().run_in_executor(
                consumer._db,
                lambda: stream_epoch_record(stream=info.config.name, created=info.created),
            )
            old = await fetch_one(client, "Kiln 1 over temperature")
            await client.jetstream().delete_stream(settings.NATS_STREAM)
            await ensure_stream_and_consumer(client)
            new = await fetch_one(client, "Kiln 2 over temperature")
            tagged = await consumer._tag_with_current_stream([(old, 0), (new, 0)])
            return [(msg.metadata.sequence.stream, epoch) for msg, epoch in tagged], consumer
        finally:
            await client.close()
            consumer._db.shutdown(wait=True)

    tagged, consumer = run_async(go())
    assert tagged == [(1, 0), (1, 1)]
    assert (consumer._epoch.number, consumer._epoch.is_reset) == (1, True)
