"""Publishing syslog logs to JetStream: each one acknowledged, in order, whatever NATS does.

Like logs.publisher, this keeps its own set of unacknowledged PubAck futures, because
nats-py's never time out: one lost in a reconnect would wait forever. Unlike it, nothing is
ever given up. A publish that fails, or whose ack does not come within ACK_TIMEOUT, is
published again: sending stops at the first failure, the rest in flight are waited for, and
everything unacknowledged goes back to the front of the queue in its first order, to be sent
again after a pause (1 s, doubling to 10 s while NATS keeps failing). Every message carries
a JetStream message id (Nats-Msg-Id), so the stream drops the second copy of one whose first
publish was stored and only its ack lost.

The queue (sent and unsent) is bounded by max_pending messages and MAX_PENDING_BYTES, and
submit() waits while it is full. TCP connections wait there, which stops them reading and so
holds their senders (backpressure); the spool reader waits there too, while UDP datagrams
pile up in the spool.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from functools import partial

import nats.errors
from django.conf import settings
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import PubAck
from nats.js.errors import NoStreamResponseError

from gogent.nats import nats_servers_display
from logs.consumer import ensure_stream_and_consumer
from logs.syslog.message import PayloadLimits, received_payloads
from logs.syslog.spool import Received

logger = logging.getLogger(__name__)

ACK_TIMEOUT = 10.0
MAX_PENDING_BYTES = 64 * 1024 * 1024
FIRST_PAUSE = 1.0
MAX_PAUSE = 10.0
IDLE_CHECK = 0.25
YIELD_EVERY = 256


@dataclass(slots=True)
class Outgoing:
    """One JSON message to publish; `acked` is called once JetStream has it."""

    payload: bytes
    msg_id: str
    received: Received
    acked: Callable[[], None] | None = None
    # Read from the spool: what is not acknowledged stays there for the next start.
    spooled: bool = False
    seq: int = 0
    sent_at: float = 0.0


class SyslogPublisher:
    def __init__(
        self, *, max_pending: int, time_zone: tzinfo, on_published: Callable[[PubAck], None]
    ) -> None:
        self.max_pending = max_pending
        self.time_zone = time_zone
        self.on_published = on_published
        self.client: Client | None = None
        self.last_error = ""
        self._outbox: deque[Outgoing] = deque()
        self._inflight: dict[int, tuple[Outgoing, asyncio.Future[PubAck], Callable]] = {}
        self._failed: list[Outgoing] = []
        self._bytes = 0
        self._seq = 0
        self._room = asyncio.Event()
        self._room.set()
        self._work = asyncio.Event()
        self._pause_until = 0.0
        self._pause = 0.0
        self._stream_missing = False
        self._failing = False
        self._released = False
        self._js: JetStreamContext | None = None
        self._js_client: Client | None = None

    # --- the queue ------------------------------------------------------------------------

    @property
    def pending(self) -> int:
        """Messages not yet acknowledged: queued, in flight, or failed and waiting."""
        return len(self._outbox) + len(self._inflight) + len(self._failed)

    def has_room(self) -> bool:
        return self.pending < self.max_pending and self._bytes < MAX_PENDING_BYTES

    def _below_low_water(self) -> bool:
        # Waiters are woken once half the queue is free, not at every ack: one wake-up per
        # max_pending / 2 acks instead of one per ack.
        return self.pending <= self.max_pending // 2 and self._bytes <= MAX_PENDING_BYTES // 2

    async def submit(self, items: list[Outgoing], *, wait: bool = True) -> None:
        """Queue items, in order, once there is room (wait=False: at once, as at shutdown
        for what connections have read)."""
        while wait and not self._released and not self.has_room():
            self._room.clear()
            await self._room.wait()
        for item in items:
            self._seq += 1
            item.seq = self._seq
            self._bytes += len(item.payload)
            self._outbox.append(item)
        self._work.set()

    def release(self) -> None:
        """From now on submit() never waits (at shutdown, once the spool reader is stopped:
        what connections have read is taken all the same, then spooled if not acked)."""
        self._released = True
        self._room.set()

    def unacknowledged(self) -> list[Outgoing]:
        """Everything not acknowledged, in order, taken out of the publisher (at shutdown)."""
        in_flight = []
        for item, future, callback in self._inflight.values():
            future.remove_done_callback(callback)
            future.cancel()
            in_flight.append(item)
        items = sorted([*self._failed, *in_flight, *self._outbox], key=lambda item: item.seq)
        self._failed, self._inflight, self._outbox, self._bytes = [], {}, deque(), 0
        return items

    async def drain(self, timeout: float) -> bool:
        """Wait until everything queued is acknowledged, at most `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while self.pending and time.monotonic() < deadline:
            self._work.set()
            await asyncio.sleep(0.05)
        return not self.pending

    # --- sending --------------------------------------------------------------------------

    async def run(self) -> None:
        """Send while there is something to send and NATS takes it; until cancelled."""
        while True:
            # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancellation
            # that comes as the event is set, and this loop would never end.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(IDLE_CHECK):
                    await self._work.wait()
            self._work.clear()
            self._expire()
            if not self._can_send():
                continue
            if self._stream_missing:
                await self._ensure_stream()
            else:
                await self._send()

    def _can_send(self) -> bool:
        return (
            bool(self._outbox)
            and not self._failed
            and self.client is not None
            and self.client.is_connected
            and time.monotonic() >= self._pause_until
        )

    async def _send(self) -> None:
        if self._js is None or self._js_client is not self.client:
            # One context per connection: each subscribes to its own reply inbox on its first
            # publish_async, so one a call would pile up subscriptions.
            self._js = self.client.jetstream(publish_async_max_pending=self.max_pending + 1)
            self._js_client = self.client
        js = self._js
        sent = 0
        while self._outbox and not self._failed and len(self._inflight) < self.max_pending:
            item = self._outbox[0]
            if len(item.payload) > self.client.max_payload:
                self._refit(self._outbox.popleft())
                continue
            try:
                future = await js.publish_async(
                    settings.NATS_SUBJECT,
                    item.payload,
                    stream=settings.NATS_STREAM,
                    headers={"Nats-Msg-Id": item.msg_id},
                )
            except (nats.errors.Error, OSError) as error:
                # Not connected any more, or the client's buffer is full: the item stays
                # first in line.
                self._note_failure(f"publish failed: {_describe(error)}")
                self._pause_until = time.monotonic() + self._next_pause()
                return
            self._outbox.popleft()
            item.sent_at = time.monotonic()
            callback = partial(self._acked, item)
            self._inflight[item.seq] = (item, future, callback)
            future.add_done_callback(callback)
            sent += 1
            if sent % YIELD_EVERY == 0:
                # Let the client's flusher send and its reader resolve acks meanwhile.
                await asyncio.sleep(0)

    def _acked(self, item: Outgoing, future: asyncio.Future[PubAck]) -> None:
        if self._inflight.pop(item.seq, None) is None:
            return
        if future.cancelled():
            self._failed_one(item, f"no PubAck within {ACK_TIMEOUT:g} s")
        elif isinstance(error := future.exception(), NoStreamResponseError):
            self._stream_missing = True
            self._failed_one(
                item,
                f"no stream answered on {settings.NATS_SUBJECT!r}; creating {settings.NATS_STREAM}",
            )
        elif error is not None:
            self._failed_one(item, f"PubAck failed: {_describe(error)}")
        else:
            self._bytes -= len(item.payload)
            if item.acked is not None:
                item.acked()
            self.on_published(future.result())
            if self._failing and not self._failed:
                self._failing = False
                self._pause = 0.0
                self.last_error = ""
                logger.info("NATS takes syslog logs again")
        self._requeue_when_settled()
        if not self._room.is_set() and self._below_low_water():
            self._room.set()
        self._work.set()

    def _failed_one(self, item: Outgoing, error: str) -> None:
        self._failed.append(item)
        self.last_error = error

    def _expire(self) -> None:
        """Count as failed what has waited ACK_TIMEOUT for its ack (in send order)."""
        deadline = time.monotonic() - ACK_TIMEOUT
        expired = []
        for item, future, _callback in self._inflight.values():
            if item.sent_at > deadline:
                break
            expired.append(future)
        for future in expired:
            future.cancel()  # its callback counts it as failed

    def _requeue_when_settled(self) -> None:
        """Once nothing is in flight, put what failed back in front, in its first order."""
        if not self._failed or self._inflight:
            return
        failed = sorted(self._failed, key=lambda item: item.seq)
        self._failed = []
        self._outbox.extendleft(reversed(failed))
        self._note_failure(f"{len(failed)} syslog logs not taken: {self.last_error}")
        self._pause_until = time.monotonic() + self._next_pause()

    def _next_pause(self) -> float:
        self._pause = min(max(self._pause * 2, FIRST_PAUSE), MAX_PAUSE)
        return self._pause

    def _note_failure(self, what: str) -> None:
        self.last_error = what
        if not self._failing:
            logger.warning(
                "NATS at %s does not take syslog logs (%s); retrying: TCP senders are held "
                "and UDP datagrams wait in the spool meanwhile",
                nats_servers_display(),
                what,
            )
        self._failing = True

    async def _ensure_stream(self) -> None:
        try:
            await ensure_stream_and_consumer(self.client)
            self._stream_missing = False
            logger.info("created or updated stream %s for syslog logs", settings.NATS_STREAM)
        except Exception as error:
            self._note_failure(f"could not create stream {settings.NATS_STREAM}: {error}")
            self._pause_until = time.monotonic() + self._next_pause()

    def _refit(self, item: Outgoing) -> None:
        """A message over the server's max_payload (set below LOG_MAX_PAYLOAD_BYTES) is made
        again from its frame, as raw parts within that size, and sent in its place."""
        self._bytes -= len(item.payload)
        limits = PayloadLimits.from_settings(max_payload=self.client.max_payload)
        _, parts = received_payloads(
            item.received, limits=limits, time_zone=self.time_zone, raw=True
        )
        logger.warning(
            "syslog: a log of %d bytes is over the NATS server's max_payload (%d): its line is "
            "sent as %d raw parts",
            len(item.payload),
            self.client.max_payload,
            len(parts),
        )
        remaining = [len(parts)]

        def part_acked() -> None:
            remaining[0] -= 1
            if remaining[0] == 0 and item.acked is not None:
                item.acked()

        replacements = [
            Outgoing(
                part, f"{item.msg_id}.r{number}", item.received, part_acked, item.spooled, item.seq
            )
            for number, part in enumerate(parts, 1)
        ]
        self._bytes += sum(len(replacement.payload) for replacement in replacements)
        self._outbox.extendleft(reversed(replacements))


def _describe(error: BaseException) -> str:
    return str(error) or type(error).__name__
