"""Publishing payloads to JetStream fast, without losing count of a single one.

nats-py's publish_async() sends a message and returns a future for its PubAck.
Those futures never time out on their own: a message lost in a reconnect leaves
its future pending forever, and publish_async_completed() with it. So
publish_payloads() keeps its own set of unacknowledged futures, bounds it by
max_pending, and counts what is still unacknowledged ack_timeout seconds after
the last publish as failed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

import nats.errors
from nats.aio.client import Client
from nats.js.api import PubAck
from nats.js.errors import NoStreamResponseError

# Publishing flat out never waits on I/O; yielding this often lets the client's
# flusher send and its reader resolve acks while the loop runs.
YIELD_EVERY = 256


@dataclass
class PublishStats:
    published: int = 0
    failed: int = 0
    first_error: str = ""
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Acknowledged messages per second."""
        return self.published / self.seconds if self.seconds > 0 else 0.0

    def add_failures(self, number: int, error: str) -> None:
        self.failed += number
        if not self.first_error:
            self.first_error = error


def _describe(error: BaseException) -> str:
    return str(error) or type(error).__name__


async def publish_payloads(
    client: Client,
    payloads: Iterable[bytes],
    *,
    subject: str,
    rate: float | None = None,
    count: int | None = None,
    max_pending: int = 4000,
    ack_timeout: float = 10.0,
) -> PublishStats:
    """Publish each payload to subject and wait for every PubAck.

    rate (messages a second) follows an absolute schedule: message n is due at
    start + n / rate, so a slow moment is caught up without drift. count stops
    after that many payloads. A publish that errors, or whose PubAck is an error
    or does not come, counts as failed. A connection error, or no ack at all
    for ack_timeout while max_pending wait, stops publishing (one failure).
    """
    if max_pending < 1:
        raise ValueError("max_pending must be at least 1")
    js = client.jetstream(publish_async_max_pending=max_pending)
    stats = PublishStats()
    unacked: set[asyncio.Future[PubAck]] = set()
    # Set when the acks in flight fall to half of max_pending: waiting for room then
    # costs one wake-up per max_pending / 2 acks, not one per ack.
    room = asyncio.Event()
    low_water = max_pending // 2

    def on_ack(future: asyncio.Future[PubAck]) -> None:
        unacked.discard(future)
        if len(unacked) <= low_water:
            room.set()
        if future.cancelled():
            stats.add_failures(1, "PubAck wait cancelled")
            return
        error = future.exception()
        if error is None:
            stats.published += 1
        elif isinstance(error, NoStreamResponseError):
            stats.add_failures(
                1,
                f"no stream answered on {subject!r}: is there a JetStream stream for it? "
                "(consume_logs creates it)",
            )
        else:
            stats.add_failures(1, f"PubAck failed: {_describe(error)}")

    started = time.monotonic()
    for index, payload in enumerate(islice(payloads, count)):
        delay = started + index / rate - time.monotonic() if rate else 0.0
        if delay > 0:
            await asyncio.sleep(delay)
        elif index % YIELD_EVERY == 0:
            await asyncio.sleep(0)
        if len(unacked) >= max_pending:
            room.clear()
            try:
                await asyncio.wait_for(room.wait(), ack_timeout)
            except TimeoutError:
                stats.add_failures(
                    1,
                    f"no PubAck for {len(unacked)} messages in {ack_timeout:g} s; "
                    "stopped publishing",
                )
                break
        if len(payload) > client.max_payload:
            stats.add_failures(
                1,
                f"message {index + 1} is {len(payload)} bytes, over the server's "
                f"max_payload of {client.max_payload}",
            )
            continue
        try:
            future = await js.publish_async(subject, payload)
        except nats.errors.Error as error:
            stats.add_failures(1, f"publish failed: {_describe(error)}; stopped publishing")
            break
        unacked.add(future)
        future.add_done_callback(on_ack)

    if unacked:
        # Our callback was added before asyncio.wait's, so it has run for every done future.
        await asyncio.wait(set(unacked), timeout=ack_timeout)
    if unacked:
        lost = list(unacked)
        for future in lost:
            future.remove_done_callback(on_ack)
            future.cancel()
        stats.add_failures(len(lost), f"no PubAck within {ack_timeout:g} s")
    stats.seconds = time.monotonic() - started
    return stats
