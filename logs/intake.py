"""Logs posted over HTTP, for producers that cannot speak NATS.

They join the NATS path rather than a second one: each log is checked here with
the same input rules the consumer applies (logs.validation), and only when every
log of the request passes are they published into the JetStream stream, where
consume_logs stores them through logs_ingest_batch() like any other: grouping,
analysis triggers, the unique stream sequence and acks after commit all hold.

What differs is what happens to bad input. A NATS producer never hears back, so
its bad messages are quarantined; an HTTP caller gets a 4xx naming each bad log,
and nothing of its request is published or stored.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import nats.errors
from django.conf import settings
from django.utils import timezone
from nats.aio.client import Client
from nats.js.errors import NotFoundError

from gogent.nats import NatsSettingsError, nats_connect_once
from logs.consumer import ensure_stream_and_consumer
from logs.models import RejectedMessage
from logs.validation import Limits, LogRejected, parse_log_message

# Idempotency keys up to this long go into the JetStream message id as written.
MSG_ID_KEY_MAX = 64


@dataclass(frozen=True, slots=True)
class LogProblem:
    index: int
    reason: str
    detail: str


class LogsRefused(Exception):
    """At least one log breaks the input rules; none was published."""

    def __init__(self, problems: list[LogProblem]) -> None:
        super().__init__(f"{len(problems)} invalid logs")
        self.problems = problems


class IntakeUnavailable(Exception):
    """NATS did not take the logs in time."""


@dataclass(frozen=True, slots=True)
class Submitted:
    stream: str
    # The stream sequence of each log, in request order: the same number the stored
    # LogEntry will carry as stream_seq.
    stream_seqs: list[int]
    # Logs JetStream had already from an earlier request with the same idempotency key.
    duplicates: int


def logs_submit(*, payloads: Sequence[bytes], caller: str, idempotency_key: str = "") -> Submitted:
    """Check every payload with the NATS input rules, then publish them all into the stream.

    With an idempotency key, each log goes out with the JetStream message id
    "<caller>:<key>:<index>" (see _msg_id), so a retried request (after a timeout,
    say) within the stream's duplicate window (2 minutes by default) stores nothing twice,
    and another caller using the same key has its logs stored all the same.
    """
    limits = Limits.from_settings()
    now = timezone.now()
    problems: list[LogProblem] = []
    for index, payload in enumerate(payloads):
        try:
            parse_log_message(payload, received_at=now, limits=limits)
        except LogRejected as rejection:
            problems.append(LogProblem(index, rejection.reason, rejection.detail))
    if problems:
        raise LogsRefused(problems)
    timeout = settings.API_PUBLISH_TIMEOUT
    try:
        return asyncio.run(
            asyncio.wait_for(
                _publish(list(payloads), _msg_id(caller, idempotency_key), timeout), timeout
            )
        )
    except (nats.errors.Error, OSError, NatsSettingsError) as error:
        # OSError covers TimeoutError (asyncio's and nats-py's) and refused connections.
        raise IntakeUnavailable(str(error) or type(error).__name__) from error


def _msg_id(caller: str, idempotency_key: str) -> str:
    """The JetStream message id of a request's logs, before ":<index>"; "" without a key.

    JetStream dedupes on the id across every publisher, so it starts with the caller
    ("k<api key id>" or "u<user id>"): one key holder cannot make another's logs look like
    duplicates. A key longer than MSG_ID_KEY_MAX is hashed, keeping the header short; a
    hash is longer than any key kept as written, so the two never meet.
    """
    if not idempotency_key:
        return ""
    if len(idempotency_key) > MSG_ID_KEY_MAX:
        idempotency_key = "sha256-" + hashlib.sha256(idempotency_key.encode()).hexdigest()
    return f"{caller}:{idempotency_key}"


async def _publish(payloads: list[bytes], msg_id: str, timeout: float) -> Submitted:
    client = await nats_connect_once(name="gogent-api", timeout=timeout)
    try:
        too_large = [
            LogProblem(
                index,
                RejectedMessage.Reason.TOO_LARGE,
                f"payload is {len(payload)} bytes; the NATS server takes at most "
                f"{client.max_payload}",
            )
            for index, payload in enumerate(payloads)
            if len(payload) > client.max_payload
        ]
        if too_large:
            raise LogsRefused(too_large)
        await _ensure_stream(client)
        js = client.jetstream(publish_async_max_pending=max(len(payloads), 1))
        futures = [
            await js.publish_async(
                settings.NATS_SUBJECT,
                payload,
                stream=settings.NATS_STREAM,
                headers={"Nats-Msg-Id": f"{msg_id}:{index}"} if msg_id else None,
            )
            for index, payload in enumerate(payloads)
        ]
        acks = await asyncio.gather(*futures)
        await client.flush(timeout=timeout)
    finally:
        await client.close()
    return Submitted(
        stream=settings.NATS_STREAM,
        stream_seqs=[ack.seq for ack in acks],
        duplicates=sum(1 for ack in acks if ack.duplicate),
    )


async def _ensure_stream(client: Client) -> None:
    """The stream exists once any consumer has started; before that, make it as they would."""
    try:
        await client.jetstream().stream_info(settings.NATS_STREAM)
    except NotFoundError:
        await ensure_stream_and_consumer(client)
