"""The NATS side of ingest: a JetStream pull consumer feeding logs_ingest_batch().

Contract: a message is acked only after it is committed, as a log or in quarantine.
A batch that fails is split until the message at fault is alone and quarantined;
while the database itself is unavailable the batch is held in progress and retried.
A redelivered message is stored once: its identity is its place in the stream,
(stream epoch, stream sequence), and a recreated stream gets a new epoch. A message
JetStream gives up on (NATS_MAX_DELIVER) is read back from the stream and quarantined.

The pull is done by hand (a subscription on an inbox plus MSG.NEXT requests)
rather than with nats-py's fetch(), which costs two task switches a message
and caps ingest near 20k msgs/s. Up to two batches are kept requested, so the
server streams the next batch while this one is being written.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import logging
import signal
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import orjson
from django.conf import settings
from django.db import connection
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import (
    AckPolicy,
    ConsumerConfig,
    DeliverPolicy,
    DiscardPolicy,
    StorageType,
    StreamConfig,
    StreamInfo,
)
from nats.js.errors import NotFoundError

from gogent.nats import nats_connect
from logs.models import IngestEvent, RejectedMessage, StreamEpoch
from logs.services import (
    DATABASE_UNAVAILABLE,
    IncomingMessage,
    IngestResult,
    ingest_event_count,
    ingest_hooks,
    logs_ingest,
    logs_quarantine,
    stream_epoch_record,
)

logger = logging.getLogger(__name__)

REPLY_HEADER = "Gogent-Reply-To"
ACK_PREFIX = "$JS.ACK."
STATS_INTERVAL = 10.0
# How often an idle consumer checks that the stream is still the life it records logs under
# (before storing a batch it always checks).
STREAM_CHECK_INTERVAL = 10.0
STREAM_INFO_TIMEOUT = 2.0
# A stream that vanished while consuming was just deleted, and nats-server (2.15) removes
# its files after the deletion has answered: a stream of the same name created within
# milliseconds lost its message files with them ("Critical write error ... no such file or
# directory") and stored nothing after, so every producer's publish timed out (seen in the
# stream-reset test, on two busy cores). Before creating it again, wait this long and look
# once more (an operator may have created it meanwhile).
STREAM_RECREATE_PAUSE = 2.0
MAX_DELIVERIES_ADVISORY = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES"
# Longest wait between attempts to store a batch while the database is unavailable.
MAX_RETRY_DELAY = 30
# The collector's default (700) runs young collections every few dozen messages; each
# rescans the batch in hand, and the older ones all of Django: ~15% of the time at full speed.
GC_YOUNG_THRESHOLD = 10_000


def stream_config() -> StreamConfig:
    subject = settings.NATS_SUBJECT
    return StreamConfig(
        name=settings.NATS_STREAM,
        subjects=[subject, f"{subject}.>"],
        storage=StorageType.FILE,
        max_age=float(settings.NATS_STREAM_MAX_AGE),
        max_bytes=settings.NATS_STREAM_MAX_BYTES,
        discard=DiscardPolicy.OLD,
        num_replicas=settings.NATS_STREAM_REPLICAS or 1,
    )


def consumer_config() -> ConsumerConfig:
    return ConsumerConfig(
        durable_name=settings.NATS_CONSUMER,
        ack_policy=AckPolicy.EXPLICIT,
        deliver_policy=DeliverPolicy.ALL,
        ack_wait=float(settings.NATS_ACK_WAIT),
        max_ack_pending=settings.NATS_MAX_ACK_PENDING,
        max_deliver=settings.NATS_MAX_DELIVER,
    )


async def ensure_stream_and_consumer(
    client: Client, *, pause_before_create: float = 0.0
) -> StreamInfo:
    """Create or update AGENT_STREAM and AGENT_CONSUMER; safe to run from every consumer.

    Only the fields Gogent manages are changed on an existing stream, so settings an
    operator made on the cluster (placement; replicas unless NATS_STREAM_REPLICAS is set)
    stay. A missing stream is created after `pause_before_create` seconds if it is still
    missing then (see STREAM_RECREATE_PAUSE). Returns the stream as it is once the consumer
    exists: the life its messages come from.
    """
    js = client.jetstream()
    wanted = stream_config()
    current = await _stream_config(js, wanted.name)
    if current is None and pause_before_create:
        await asyncio.sleep(pause_before_create)
        current = await _stream_config(js, wanted.name)
    if current is None:
        await js.add_stream(wanted)
        logger.info("created stream %s on %s", wanted.name, ", ".join(wanted.subjects or []))
    else:
        updated = dataclasses.replace(
            current, subjects=wanted.subjects, max_age=wanted.max_age, max_bytes=wanted.max_bytes
        )
        if settings.NATS_STREAM_REPLICAS:
            updated = dataclasses.replace(updated, num_replicas=settings.NATS_STREAM_REPLICAS)
        if updated != current:
            await js.update_stream(updated)
            logger.info("updated stream %s", wanted.name)
    # CONSUMER.CREATE with an existing durable's name updates it in place.
    await js.add_consumer(wanted.name, consumer_config())
    return await js.stream_info(wanted.name)


async def _stream_config(js: JetStreamContext, name: str) -> StreamConfig | None:
    try:
        return (await js.stream_info(name)).config
    except NotFoundError:
        return None


def close_db_connection() -> None:
    # Looked up in the calling thread: Django connections are per thread.
    connection.close()


def tune_garbage_collector() -> None:
    """Leave what startup loaded out of collections; collect young objects less often.

    Batches make no reference cycles worth collecting promptly: their objects are freed
    by reference counting when the batch is acked.
    """
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD)


def stream_sequence(ack_subject: str) -> int:
    """The stream sequence from a JetStream ack subject (v1 and v2 token layouts)."""
    tokens = ack_subject.split(".")
    # v1: $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>
    # v2: $JS.ACK.<domain>.<hash>.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>
    #     .<pending>.<token>
    return int(tokens[5] if len(tokens) == 9 else tokens[7])


def reply_header(msg: Msg) -> str:
    """The producer's reply header as sent; ingest checks it before any use."""
    if not msg.headers:
        return ""
    value = msg.headers.get(REPLY_HEADER, "")
    return value if isinstance(value, str) else ""


@dataclasses.dataclass
class ConsumerStats:
    stored: int = 0
    duplicates: int = 0
    ignored: int = 0
    rejected: Counter[str] = dataclasses.field(default_factory=Counter)
    failed_batches: int = 0
    bad_reply_subjects: int = 0
    replies_not_sent: int = 0
    batches: int = 0
    locked_batches: int = 0
    seconds: float = 0.0
    locked_seconds: float = 0.0
    counting_seconds: float = 0.0

    def add(self, result: IngestResult) -> None:
        self.batches += 1
        self.locked_batches += result.locked_transactions > 0
        self.seconds += result.seconds
        self.locked_seconds += result.locked_seconds
        self.counting_seconds += result.counting_seconds
        self.stored += result.stored
        self.duplicates += result.duplicates
        self.ignored += result.ignored
        self.rejected.update(result.rejected)
        self.bad_reply_subjects += result.bad_reply_subjects


class LogConsumer:
    def __init__(
        self,
        *,
        batch_size: int | None = None,
        linger: float = 0.02,
        expires: float | None = None,
    ) -> None:
        self.batch_size = batch_size or settings.INGEST_BATCH_SIZE
        self.linger = linger
        self.expires = expires or settings.INGEST_FETCH_TIMEOUT
        self.stats = ConsumerStats()
        self._client: Client | None = None
        self._inbox = ""
        # Each message with the epoch of the stream life it was delivered from.
        self._received: list[tuple[Msg, int]] = []
        self._epoch: StreamEpoch | None = None
        self._requested = 0  # asked of the server, not yet delivered or expired
        self._arrived = asyncio.Event()
        self._batch_ready = asyncio.Event()
        self._stopping = asyncio.Event()
        self._consumer_missing = False
        # One thread owns the Django database connection for the consumer's life.
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-db")

    def stop(self) -> None:
        if not self._stopping.is_set():
            logger.info("stopping: finishing the batch in flight")
            self._stopping.set()
            self._arrived.set()
            self._batch_ready.set()

    async def run(self) -> None:
        # Import what the batches will call (ingest hooks pull in the analysis and ticket
        # apps, their HTTP clients and Celery) now, not mid-burst, and before the freeze.
        ingest_hooks()
        tune_garbage_collector()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop)
        try:
            self._client = await self._connect()
            if self._client is None:
                return
            await self._adopt_stream(await ensure_stream_and_consumer(self._client))
            self._inbox = self._client.new_inbox()
            subscription = await self._client.subscribe(self._inbox, cb=self._on_message)
            advisories = await self._client.subscribe(
                f"{MAX_DELIVERIES_ADVISORY}.{settings.NATS_STREAM}.{settings.NATS_CONSUMER}",
                cb=self._on_max_deliveries,
            )
            logger.info(
                "consuming %s / %s (batch %d)",
                settings.NATS_STREAM,
                settings.NATS_CONSUMER,
                self.batch_size,
            )
            await self._consume()
            await subscription.unsubscribe()
            await advisories.unsubscribe()
            await self._release_unprocessed()
            await self._client.flush(timeout=5)
        finally:
            if self._client is not None and not self._client.is_closed:
                await self._client.close()
            await loop.run_in_executor(self._db, close_db_connection)
            self._db.shutdown(wait=True)
            self._log_stats()

    async def _connect(self) -> Client | None:
        """Connect, retrying until NATS answers (nats-py retries) or we are told to stop."""
        connecting = asyncio.ensure_future(
            nats_connect(name="gogent-consume-logs", on_reconnect=self._on_reconnect)
        )
        stopping = asyncio.ensure_future(self._stopping.wait())
        await asyncio.wait({connecting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if connecting.done():
            return connecting.result()
        connecting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await connecting
        return None

    async def _on_reconnect(self) -> None:
        # Pull requests die with the connection; the server may also be new (consumer gone).
        self._requested = 0
        self._consumer_missing = True

    async def _adopt_stream(self, info: StreamInfo) -> None:
        """Record (or find) the epoch of the stream life the consumer now reads from."""
        epoch = await asyncio.get_running_loop().run_in_executor(
            self._db,
            lambda: stream_epoch_record(stream=info.config.name, created=info.created),
        )
        if self._epoch is None or epoch.number != self._epoch.number:
            logger.info("reading %s as epoch %d", info.config.name, epoch.number)
        self._epoch = epoch

    async def _check_stream(self) -> StreamEpoch | None:
        """Catch a stream created anew behind the consumer's back (no 409 told of it).

        Returns the epoch read until now when the stream has changed (the new one is
        adopted and the durable consumer ensured again), else None.
        """
        try:
            info = await asyncio.wait_for(
                self._client.jetstream().stream_info(settings.NATS_STREAM), STREAM_INFO_TIMEOUT
            )
        except NotFoundError:
            self._consumer_missing = True
            return None
        except Exception as error:
            logger.warning("could not check the stream: %s", error)
            return None
        if info.created == self._epoch.created:
            return None
        logger.warning("stream %s is not the one being read: adopting it", info.config.name)
        previous = self._epoch
        await self._adopt_stream(info)
        self._consumer_missing = True
        return previous

    async def _tag_with_current_stream(self, batch: list[tuple[Msg, int]]) -> list[tuple[Msg, int]]:
        """Check, before storing, that the batch's stream is still the one being read.

        If it was created anew meanwhile, each message belongs to the life it was stored
        in: the new one if JetStream stored it after the new stream's creation.
        """
        previous = await self._check_stream()
        if previous is None:
            return batch
        created, current = self._epoch.created, self._epoch.number
        return [
            (msg, current if msg.metadata.timestamp >= created else epoch) for msg, epoch in batch
        ]

    async def _on_message(self, msg: Msg) -> None:
        if msg.reply.startswith(ACK_PREFIX):
            self._received.append((msg, self._epoch.number))
            self._requested = max(self._requested - 1, 0)
            self._arrived.set()
            if len(self._received) >= self.batch_size:
                self._batch_ready.set()
            return
        headers = msg.headers or {}
        status = headers.get("Status", "")
        if status in {"404", "408", "409"}:
            # The pull request ended; the server says how much of it went unfilled.
            unfilled = int(headers.get("Nats-Pending-Messages", self._requested) or 0)
            self._requested = max(self._requested - unfilled, 0)
            description = str(headers.get("Description", ""))
            if status == "409" and "Consumer Deleted" in description:
                self._consumer_missing = True
            if status == "409":
                logger.warning("pull request ended: %s %s", status, description)
            self._arrived.set()

    async def _consume(self) -> None:
        last_stats = last_check = time.monotonic()
        while not self._stopping.is_set():
            if self._consumer_missing:
                await self._recreate_consumer()
            await self._request_more()
            batch = await self._next_batch()
            if batch:
                await self._request_more()
                await self._process(batch)
            if time.monotonic() - last_check >= STREAM_CHECK_INTERVAL:
                await self._check_stream()
                last_check = time.monotonic()
            if time.monotonic() - last_stats >= STATS_INTERVAL:
                self._log_stats()
                last_stats = time.monotonic()

    async def _recreate_consumer(self) -> None:
        try:
            info = await ensure_stream_and_consumer(
                self._client, pause_before_create=STREAM_RECREATE_PAUSE
            )
            await self._adopt_stream(info)
            self._consumer_missing = False
        except Exception as error:
            logger.warning("could not ensure stream and consumer yet: %s", error)
            await self._sleep(1)

    async def _request_more(self) -> None:
        """Keep up to two batches requested, so delivery overlaps the database write."""
        if self._requested >= self.batch_size or not self._client.is_connected:
            return
        wanted = 2 * self.batch_size - self._requested
        request = orjson.dumps({"batch": wanted, "expires": int(self.expires * 1e9)})
        try:
            await self._client.publish(
                f"$JS.API.CONSUMER.MSG.NEXT.{settings.NATS_STREAM}.{settings.NATS_CONSUMER}",
                request,
                reply=self._inbox,
            )
        except Exception as error:
            logger.warning("pull request not sent: %s", error)
            return
        self._requested += wanted

    async def _next_batch(self) -> list[tuple[Msg, int]]:
        if not self._received:
            self._arrived.clear()
            try:
                # A little past the request's expiry: the 408 normally comes first.
                await asyncio.wait_for(self._arrived.wait(), self.expires + 1)
            except TimeoutError:
                self._requested = 0  # the request was lost (server restart): ask again
                return []
            if not self._received:
                return []
        if len(self._received) < self.batch_size and not self._stopping.is_set():
            # Linger briefly so a burst becomes one transaction, not many.
            self._batch_ready.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._batch_ready.wait(), self.linger)
        batch = self._received[: self.batch_size]
        del self._received[: self.batch_size]
        return batch

    async def _process(self, batch: list[tuple[Msg, int]]) -> None:
        batch = await self._tag_with_current_stream(batch)
        received_at = datetime.now(UTC)
        incoming = [
            IncomingMessage(
                subject=msg.subject,
                stream_seq=stream_sequence(msg.reply),
                data=msg.data,
                received_at=received_at,
                reply_to=reply_header(msg),
                stream_epoch=epoch,
            )
            for msg, epoch in batch
        ]
        messages = [msg for msg, _ in batch]
        result = await self._store(messages, incoming)
        if result is None:
            return
        self.stats.add(result)
        for msg, message in zip(messages, incoming, strict=True):
            # Committed: acknowledge. A quarantined message is terminated (stored, never retried).
            if message.stream_seq in result.rejected_seqs:
                await self._settle(msg.term)
            else:
                await self._settle(msg.ack)
        await self._send_receipts(result.receipts)

    async def _store(
        self, batch: list[Msg], incoming: list[IncomingMessage]
    ) -> IngestResult | None:
        """Store the batch; None if it was handed back instead (stopping, or a failure).

        While the database is unavailable the batch is retried here and kept in progress,
        so an outage does not count against NATS_MAX_DELIVER. Any other failure that
        splitting could not pin on one message hands the batch back for redelivery.
        """
        loop = asyncio.get_running_loop()
        attempts = 0
        while True:
            try:
                result = await loop.run_in_executor(self._db, logs_ingest, incoming)
            except DATABASE_UNAVAILABLE as error:
                attempts += 1
                self.stats.failed_batches += 1
                delay = min(2 ** min(attempts, 5), MAX_RETRY_DELAY)
                logger.error(
                    "could not store a batch of %d messages (database unavailable: %s); "
                    "holding it, next try in %d s",
                    len(batch),
                    error,
                    delay,
                )
                await loop.run_in_executor(self._db, close_db_connection)
                for msg in batch:
                    await self._settle(msg.in_progress)
                await self._sleep(delay)
                if self._stopping.is_set():
                    await self._hand_back(batch)
                    return None
                continue
            except Exception:
                self.stats.failed_batches += 1
                logger.exception(
                    "could not store a batch of %d messages; they stay unacked and come back",
                    len(batch),
                )
                await loop.run_in_executor(self._db, close_db_connection)
                delay = min(2 ** min(self.stats.failed_batches, 5), MAX_RETRY_DELAY)
                await self._hand_back(batch, delay=delay)
                await self._sleep(delay)
                return None
            self.stats.failed_batches = 0
            return result

    async def _hand_back(self, batch: list[Msg], *, delay: float | None = None) -> None:
        for msg in batch:
            await self._settle(lambda msg=msg: msg.nak(delay=delay))

    async def _settle(self, action) -> None:
        """Ack, term, nak or in-progress; a lost connection means redelivery, never a crash."""
        try:
            await action()
        except Exception as error:
            logger.warning("could not settle a message with JetStream: %s", error)

    async def _send_receipts(self, receipts: list[tuple[str, dict]]) -> None:
        """Publish receipts; one that cannot be sent is counted and logged, never fatal."""
        failed = 0
        last_error = ""
        for reply_to, receipt in receipts:
            try:
                await self._client.publish(reply_to, orjson.dumps(receipt))
            except Exception as error:
                failed += 1
                last_error = f"{type(error).__name__}: {error}"
        if failed:
            self.stats.replies_not_sent += failed
            logger.warning("%d receipts not sent: %s", failed, last_error)
            await self._count_event(IngestEvent.Kind.REPLY_NOT_SENT, failed, last_error)

    async def _count_event(self, kind: str, count: int, detail: str) -> None:
        try:
            await asyncio.get_running_loop().run_in_executor(
                self._db, lambda: ingest_event_count(kind=kind, count=count, detail=detail)
            )
        except Exception as error:
            logger.warning("could not count %s: %s", kind, error)

    async def _on_max_deliveries(self, advisory: Msg) -> None:
        """JetStream gave up on a message: read it back from the stream and quarantine it.

        The advisory says only which message; its payload comes from the stream, so
        what producers sent is kept. A message already stored is left alone.
        """
        try:
            event = orjson.loads(advisory.data)
            stream_seq = int(event["stream_seq"])
            deliveries = int(event.get("deliveries", 0))
            if event.get("stream") != settings.NATS_STREAM or stream_seq < 1:
                return
        except (ValueError, KeyError, TypeError):
            logger.warning("ignored a malformed max-deliveries advisory")
            return
        epoch = self._epoch.number
        detail = f"JetStream delivered it {deliveries} times without an acknowledgement"
        try:
            stored = await self._client.jetstream().get_msg(settings.NATS_STREAM, stream_seq)
        except Exception as error:
            data, subject, reply_to = b"", settings.NATS_SUBJECT, ""
            detail += f"; its payload could not be read back from the stream ({error})"
        else:
            data, subject = stored.data or b"", stored.subject or settings.NATS_SUBJECT
            reply_to = (stored.headers or {}).get(REPLY_HEADER, "")
        message = IncomingMessage(
            subject=subject,
            stream_seq=stream_seq,
            data=data,
            received_at=datetime.now(UTC),
            reply_to=reply_to if isinstance(reply_to, str) else "",
            stream_epoch=epoch,
        )
        try:
            result = await asyncio.get_running_loop().run_in_executor(
                self._db,
                lambda: logs_quarantine(
                    message=message, reason=RejectedMessage.Reason.MAX_DELIVERIES, detail=detail
                ),
            )
        except Exception:
            logger.exception("could not quarantine message %d:%d", epoch, stream_seq)
            return
        self.stats.add(result)
        await self._send_receipts(result.receipts)

    async def _release_unprocessed(self) -> None:
        """Hand back what arrived but was not processed, for immediate redelivery."""
        await self._hand_back([msg for msg, _ in self._received])
        self._received.clear()

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    def _log_stats(self) -> None:
        rejected = ", ".join(f"{reason} {count}" for reason, count in self.stats.rejected.items())
        logger.info(
            "stored %d, duplicates %d, rejected %d%s, skipped %d (Gogent's own results), "
            "reply headers ignored %d, receipts not sent %d",
            self.stats.stored,
            self.stats.duplicates,
            sum(self.stats.rejected.values()),
            f" ({rejected})" if rejected else "",
            self.stats.ignored,
            self.stats.bad_reply_subjects,
            self.stats.replies_not_sent,
        )
        if self.stats.batches:
            seconds = max(self.stats.seconds, 1e-9)
            logger.info(
                "%d batches, %d of them under the grouping lock; "
                "%.3f s storing them, %.3f s of it under the grouping lock (%.1f %%), "
                "%.3f s counting on rows other batches share (%.1f %%)",
                self.stats.batches,
                self.stats.locked_batches,
                self.stats.seconds,
                self.stats.locked_seconds,
                100 * self.stats.locked_seconds / seconds,
                self.stats.counting_seconds,
                100 * self.stats.counting_seconds / seconds,
            )
