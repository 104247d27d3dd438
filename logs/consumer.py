"""The NATS side of ingest: a JetStream pull consumer feeding logs_ingest_batch().

Contract: a message is acked only after its batch is committed. Anything that
goes wrong between delivery and commit leaves the message unacked, so
JetStream redelivers it, and the unique stream sequence stores it once.

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
from nats.js.api import (
    AckPolicy,
    ConsumerConfig,
    DeliverPolicy,
    DiscardPolicy,
    StorageType,
    StreamConfig,
)
from nats.js.errors import NotFoundError

from gogent.nats import nats_connect
from logs.services import IncomingMessage, IngestResult, ingest_hooks, logs_ingest_batch

logger = logging.getLogger(__name__)

REPLY_HEADER = "Gogent-Reply-To"
ACK_PREFIX = "$JS.ACK."
STATS_INTERVAL = 10.0
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
    )


async def ensure_stream_and_consumer(client: Client) -> None:
    """Create or update AGENT_STREAM and AGENT_CONSUMER; safe to run from every consumer.

    Only the fields Gogent manages are changed on an existing stream, so settings an
    operator made on the cluster (placement; replicas unless NATS_STREAM_REPLICAS is set)
    stay.
    """
    js = client.jetstream()
    wanted = stream_config()
    try:
        current = (await js.stream_info(wanted.name)).config
    except NotFoundError:
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


@dataclasses.dataclass
class ConsumerStats:
    stored: int = 0
    duplicates: int = 0
    ignored: int = 0
    rejected: Counter[str] = dataclasses.field(default_factory=Counter)
    failed_batches: int = 0

    def add(self, result: IngestResult) -> None:
        self.stored += result.stored
        self.duplicates += result.duplicates
        self.ignored += result.ignored
        self.rejected.update(result.rejected)


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
        self._received: list[Msg] = []
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
            await ensure_stream_and_consumer(self._client)
            self._inbox = self._client.new_inbox()
            subscription = await self._client.subscribe(self._inbox, cb=self._on_message)
            logger.info(
                "consuming %s / %s (batch %d)",
                settings.NATS_STREAM,
                settings.NATS_CONSUMER,
                self.batch_size,
            )
            await self._consume()
            await subscription.unsubscribe()
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

    async def _on_message(self, msg: Msg) -> None:
        if msg.reply.startswith(ACK_PREFIX):
            self._received.append(msg)
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
        last_stats = time.monotonic()
        while not self._stopping.is_set():
            if self._consumer_missing:
                await self._recreate_consumer()
            await self._request_more()
            batch = await self._next_batch()
            if batch:
                await self._request_more()
                await self._process(batch)
            if time.monotonic() - last_stats >= STATS_INTERVAL:
                self._log_stats()
                last_stats = time.monotonic()

    async def _recreate_consumer(self) -> None:
        try:
            await ensure_stream_and_consumer(self._client)
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

    async def _next_batch(self) -> list[Msg]:
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

    async def _process(self, batch: list[Msg]) -> None:
        received_at = datetime.now(UTC)
        incoming = [
            IncomingMessage(
                subject=msg.subject,
                stream_seq=stream_sequence(msg.reply),
                data=msg.data,
                received_at=received_at,
                reply_to=msg.headers.get(REPLY_HEADER, "") if msg.headers else "",
            )
            for msg in batch
        ]
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(self._db, logs_ingest_batch, incoming)
        except Exception:
            self.stats.failed_batches += 1
            logger.exception(
                "could not store a batch of %d messages; they stay unacked and come back",
                len(batch),
            )
            await loop.run_in_executor(self._db, close_db_connection)
            delay = min(2 ** min(self.stats.failed_batches, 5), 30)
            for msg in batch:
                await msg.nak(delay=delay)
            await self._sleep(delay)
            return
        self.stats.failed_batches = 0
        self.stats.add(result)
        for msg, message in zip(batch, incoming, strict=True):
            # Committed: acknowledge. A quarantined message is terminated (stored, never retried).
            if message.stream_seq in result.rejected_seqs:
                await msg.term()
            else:
                await msg.ack()
        for reply_to, receipt in result.receipts:
            await self._client.publish(reply_to, orjson.dumps(receipt))

    async def _release_unprocessed(self) -> None:
        """Hand back what arrived but was not processed, for immediate redelivery."""
        for msg in self._received:
            await msg.nak()
        self._received.clear()

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    def _log_stats(self) -> None:
        rejected = ", ".join(f"{reason} {count}" for reason, count in self.stats.rejected.items())
        logger.info(
            "stored %d, duplicates %d, rejected %d%s, skipped %d (Gogent's own results)",
            self.stats.stored,
            self.stats.duplicates,
            sum(self.stats.rejected.values()),
            f" ({rejected})" if rejected else "",
            self.stats.ignored,
        )
