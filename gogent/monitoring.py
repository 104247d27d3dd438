"""Probes of the components Gogent runs on: database, NATS, the Celery broker and workers.

Each probe takes at most settings.MONITORING_TIMEOUT and reports a failure as a
value (what went wrong), never by raising: /readyz, /metrics, the stats API and
the operations page show it where operators look.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection

from gogent.nats import nats_connect_once

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Check:
    ok: bool
    latency_ms: int
    error: str = ""


def _timed(probe: Callable[[], object]) -> Check:
    started = time.monotonic()
    try:
        probe()
    except Exception as error:
        # The failure is the answer: reported per component, with its message.
        return Check(ok=False, latency_ms=_since(started), error=_describe(error))
    return Check(ok=True, latency_ms=_since(started))


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text[:300]


def check_database() -> Check:
    def probe() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    return _timed(probe)


def check_nats() -> Check:
    async def probe() -> None:
        client = await nats_connect_once(name="gogent-readyz", timeout=settings.MONITORING_TIMEOUT)
        try:
            await client.flush(timeout=settings.MONITORING_TIMEOUT)
        finally:
            await client.close()

    return _timed(lambda: asyncio.run(probe()))


def check_broker() -> Check:
    from gogent.celery import app

    def probe() -> None:
        with app.connection_for_write() as conn:
            conn.ensure_connection(
                max_retries=1, interval_start=0, timeout=settings.MONITORING_TIMEOUT
            )

    return _timed(probe)


def readiness() -> dict[str, Check]:
    return {"database": check_database(), "nats": check_nats(), "broker": check_broker()}


_readiness_lock = threading.Lock()
_readiness_latest: tuple[float, dict[str, Check]] | None = None


def readiness_cached(*, max_age: float) -> dict[str, Check]:
    """readiness(), reused by this process for max_age seconds (0: checked on every call).

    Probes every few seconds from each load balancer then cost one set of connections per
    max_age, not per call. Callers that arrive while a check runs wait for its result
    instead of starting their own.
    """
    global _readiness_latest
    with _readiness_lock:
        now = time.monotonic()
        if _readiness_latest is not None and now - _readiness_latest[0] < max_age:
            return _readiness_latest[1]
        checks = readiness()
        _readiness_latest = (time.monotonic(), checks)
        return checks


@dataclass(frozen=True, slots=True)
class ConsumerLag:
    """The durable consumer's backlog in JetStream, or why it could not be read."""

    ok: bool
    pending: int = 0  # in the stream, not yet delivered to any consume_logs
    ack_pending: int = 0  # delivered, not yet committed and acked
    redelivered: int = 0
    waiting_pulls: int = 0  # pull requests open: consume_logs processes asking for more
    stream_messages: int = 0
    error: str = ""


def consumer_lag() -> ConsumerLag:
    async def read() -> ConsumerLag:
        client = await nats_connect_once(name="gogent-monitor", timeout=settings.MONITORING_TIMEOUT)
        try:
            js = client.jetstream(timeout=settings.MONITORING_TIMEOUT)
            info = await js.consumer_info(settings.NATS_STREAM, settings.NATS_CONSUMER)
            stream = await js.stream_info(settings.NATS_STREAM)
        finally:
            await client.close()
        return ConsumerLag(
            ok=True,
            pending=info.num_pending or 0,
            ack_pending=info.num_ack_pending or 0,
            redelivered=info.num_redelivered or 0,
            waiting_pulls=info.num_waiting or 0,
            stream_messages=stream.state.messages,
        )

    try:
        return asyncio.run(read())
    except Exception as error:
        return ConsumerLag(ok=False, error=_describe(error))


def broker_queue_depths(queues: Iterable[str] | None = None) -> dict[str, int | None]:
    """Messages waiting in each Celery queue; None where the broker could not say."""
    from gogent.celery import app

    names = list(queues if queues is not None else settings.MONITORED_QUEUES)
    depths: dict[str, int | None] = dict.fromkeys(names)
    try:
        with app.connection_for_read() as conn:
            conn.ensure_connection(
                max_retries=1, interval_start=0, timeout=settings.MONITORING_TIMEOUT
            )
            for name in names:
                # A channel per queue: AMQP closes the channel on a missing queue.
                with conn.channel() as channel:
                    try:
                        depths[name] = channel.queue_declare(queue=name, passive=True).message_count
                    except conn.channel_errors:
                        depths[name] = 0  # never declared: no worker or task has used it yet
    except Exception as error:
        logger.warning("Celery queue depths unknown: %s", _describe(error))
    return depths


@dataclass(frozen=True, slots=True)
class Worker:
    name: str
    active_tasks: int


def celery_workers(timeout: float | None = None) -> list[Worker] | None:
    """Workers that answered within the timeout, with their running tasks; None when the
    broker could not be asked. One broadcast: every live worker answers "active"."""
    from gogent.celery import app

    inspect = app.control.inspect(timeout=timeout or settings.MONITORING_TIMEOUT)
    try:
        replies: dict[str, list[Any]] = inspect.active() or {}
    except Exception as error:
        logger.warning("Celery workers could not be asked: %s", _describe(error))
        return None
    return [Worker(name=name, active_tasks=len(replies[name] or [])) for name in sorted(replies)]
