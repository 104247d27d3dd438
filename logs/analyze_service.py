"""The analysis service: a NATS request carrying a log is answered with its pattern's analysis.

This is the seed's request/reply on a subject the stream does not capture
(ANALYZE_SUBJECT, default gogent.analyze; set but empty: off). Every consume_logs runs it
as a NATS micro service named "gogent", so `nats micro ls` finds it and $SRV.PING, INFO and
STATS answer; its instances share requests through one queue group.

A request's payload is a seed LogMessage. It is checked with the consumer's input rules
(a bad one is answered with the reason and stored nowhere), then published into the stream
like any log, with a Gogent-Reply-To header naming a private inbox of this service. Ingest
sends the receipt there, then the analysis of the log's pattern (at once if it has one).
The request is answered with that analysis or, when ANALYZE_REPLY_TIMEOUT runs out first,
with {"status": "pending", "pattern_id", "stream_seq"}: the log is stored, and the analysis
is published on ANALYSIS_RESULTS_SUBJECT when it completes.

Contract: every request that names a reply subject gets one answer, whatever it holds, and
nothing it holds stops the service. At most ANALYZE_MAX_IN_FLIGHT requests are served at a
time; more are answered "busy" at once. A failure is answered (an error with the reason)
and logged.

The service has a NATS connection of its own, beside the consumer's: requests (up to the
payload limit each) never queue on the socket that delivers the stream to ingest.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import importlib.metadata
import logging
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
from django.conf import settings
from nats import micro
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js.errors import NotFoundError
from nats.micro.request import Request

from gogent.nats import NatsSettingsError, nats_connect
from logs.consumer import REPLY_HEADER, stream_config
from logs.validation import LogRejected, parse_log_message, reply_subject_problem

logger = logging.getLogger(__name__)

SERVICE_NAME = "gogent"
ENDPOINT_NAME = "analyze"
# Every consume_logs joins it, so each request is served by one of them.
QUEUE_GROUP = "gogent-analyze"
# Longest wait for JetStream to take a request's log (within the reply timeout).
PUBLISH_TIMEOUT = 5.0
# On SIGTERM: time for requests still storing their log to finish and be answered.
STOP_GRACE = 10.0
STATS_INTERVAL = 60.0
MAX_MSG_ID = 128
# Error texts go into a header (Nats-Service-Error): one line, short.
MAX_ERROR_HEADER = 200


class AnalyzeSettingsError(ValueError):
    """ANALYZE_* settings the service cannot run with; the message names the setting."""


def subjects_overlap(first: str, second: str) -> bool:
    """Whether some subject matches both; either may hold the wildcards * and >."""
    a, b = first.split("."), second.split(".")
    for x, y in zip(a, b, strict=False):
        if x == ">" or y == ">":
            return True
        if x != y and "*" not in (x, y):
            return False
    return len(a) == len(b)


def analyze_settings_check() -> None:
    """Raise AnalyzeSettingsError unless the ANALYZE_* settings can serve requests.

    ANALYZE_SUBJECT must be a plain subject (no wildcards) that the stream does not
    capture: there, JetStream would store each request and answer it with its publish
    acknowledgement, which is what the seed's clients got instead of an analysis.
    """
    subject = settings.ANALYZE_SUBJECT
    if not subject:
        return
    problem = reply_subject_problem(subject)
    if problem:
        raise AnalyzeSettingsError(f"ANALYZE_SUBJECT={subject!r} is no plain subject: {problem}")
    if subject.startswith(("$", "_INBOX.")):
        raise AnalyzeSettingsError(
            f"ANALYZE_SUBJECT={subject!r} is in a subject space NATS reserves ($…, _INBOX.…)"
        )
    for captured in stream_config().subjects or []:
        if subjects_overlap(subject, captured):
            raise AnalyzeSettingsError(
                f"ANALYZE_SUBJECT={subject!r} is captured by stream {settings.NATS_STREAM} "
                f"(subject {captured}): JetStream would answer requests with its "
                f"acknowledgement instead of an analysis. Choose a subject outside "
                f"{settings.NATS_SUBJECT} (the default is gogent.analyze)"
            )
    results = settings.ANALYSIS_RESULTS_SUBJECT
    if results and subjects_overlap(subject, results):
        raise AnalyzeSettingsError(
            f"ANALYZE_SUBJECT={subject!r} is where analyses are published "
            f"(ANALYSIS_RESULTS_SUBJECT={results!r}); the two must differ"
        )
    for name in ("ANALYZE_REPLY_TIMEOUT", "ANALYZE_MAX_IN_FLIGHT"):
        if getattr(settings, name) < 1:
            raise AnalyzeSettingsError(f"{name} must be at least 1, not {getattr(settings, name)}")


def analyze_reply_timeout() -> float:
    """Seconds a request waits for its analysis: ANALYZE_REPLY_TIMEOUT, but no longer than
    ingest keeps the log's reply waiter (ANALYSIS_REPLY_TIMEOUT): no answer comes after."""
    return float(min(settings.ANALYZE_REPLY_TIMEOUT, settings.ANALYSIS_REPLY_TIMEOUT))


def gogent_version() -> str:
    try:
        return importlib.metadata.version("gogent")
    except importlib.metadata.PackageNotFoundError:
        return "0.0.0"


@dataclasses.dataclass
class AnalyzeCounts:
    answered: int = 0  # with the analysis
    pending: int = 0  # stored, the analysis not ready in time
    rejected: int = 0  # bad input: nothing stored (or quarantined by ingest)
    busy: int = 0  # ANALYZE_MAX_IN_FLIGHT reached
    duplicates: int = 0  # a Nats-Msg-Id the stream had seen
    failed: int = 0  # JetStream did not take the log, or an error of ours
    not_sent: int = 0  # answers NATS did not take (no reply subject, connection lost)

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class Answer:
    """One reply: a JSON body, and for errors the micro error code and description."""

    body: bytes
    code: str = ""
    description: str = ""

    @classmethod
    def of(cls, message: dict[str, Any]) -> Answer:
        return cls(orjson.dumps(message))

    @classmethod
    def error(cls, code: str, message: dict[str, Any]) -> Answer:
        text = " ".join(str(message.get("detail", "")).split())[:MAX_ERROR_HEADER]
        return cls(orjson.dumps(message), code=code, description=text or "error")


class AnalyzeService:
    def __init__(self) -> None:
        self.subject = settings.ANALYZE_SUBJECT
        self.timeout = analyze_reply_timeout()
        self.max_in_flight = settings.ANALYZE_MAX_IN_FLIGHT
        self.counts = AnalyzeCounts()
        self._client: Client | None = None
        self._service: micro.Service | None = None
        self._inbox = ""
        # token of the request's inbox -> the messages ingest sent there (None: stop waiting)
        self._waiting: dict[str, asyncio.Queue[tuple[dict[str, Any], bytes] | None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        """Take no more requests; answer those in flight now ("pending" if need be)."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        if self._tasks:
            logger.info("stopping: answering %d analysis requests in flight", len(self._tasks))
        for queue in self._waiting.values():
            queue.put_nowait(None)

    async def run(self) -> None:
        """Serve until stop(); then answer every request in flight and close.

        A failure of the service is logged and ends it, never the process it runs in:
        ingest goes on without it.
        """
        logged = AnalyzeCounts()
        try:
            self._client = await self._connect()
            if self._client is None or not await self._subject_free():
                return
            self._inbox = self._client.new_inbox()
            answers = await self._client.subscribe(f"{self._inbox}.*", cb=self._on_answer)
            self._service = await micro.add_service(
                self._client,
                name=SERVICE_NAME,
                version=gogent_version(),
                description="Gogent: a log in, the analysis of its pattern out",
                metadata={"stream": settings.NATS_STREAM, "subject": settings.NATS_SUBJECT},
                queue_group=QUEUE_GROUP,
                stats_handler=lambda _endpoint: (
                    self.counts.as_dict() | {"in_flight": len(self._tasks)}
                ),
            )
            await self._service.add_endpoint(
                name=ENDPOINT_NAME,
                subject=self.subject,
                handler=self._on_request,
                metadata={
                    "request": "a log as JSON (the seed's LogMessage)",
                    "reply_timeout_seconds": f"{self.timeout:g}",
                },
            )
            if settings.ANALYZE_REPLY_TIMEOUT > settings.ANALYSIS_REPLY_TIMEOUT:
                logger.warning(
                    "ANALYZE_REPLY_TIMEOUT=%d is cut to ANALYSIS_REPLY_TIMEOUT=%d: ingest stops "
                    "waiting for a log's analysis then, so no answer could come later",
                    settings.ANALYZE_REPLY_TIMEOUT,
                    settings.ANALYSIS_REPLY_TIMEOUT,
                )
            logger.info(
                "answering analysis requests on %s (waits up to %g s, %d at a time)",
                self.subject,
                self.timeout,
                self.max_in_flight,
            )
            while not self._stopping.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), STATS_INTERVAL)
                if not self._stopping.is_set() and self.counts != logged:
                    self._log_counts()
                    logged = dataclasses.replace(self.counts)
            # No new requests; those in flight are answered ("pending" if need be).
            await self._service.stop()
            await self._finish_in_flight()
            await answers.unsubscribe()
            await self._client.flush(timeout=5)
        except NatsSettingsError:
            return  # the consumer beside it reports the setting and exits
        except Exception:
            logger.exception("the analysis service failed and stopped; ingest goes on")
        finally:
            for task in self._tasks:
                task.cancel()
            if self._client is not None and not self._client.is_closed:
                with contextlib.suppress(Exception):
                    await self._client.close()
            if self.counts != AnalyzeCounts():
                self._log_counts()

    async def _connect(self) -> Client | None:
        """Connect, retrying until NATS answers or we are told to stop."""
        connecting = asyncio.ensure_future(nats_connect(name="gogent-analyze"))
        stopping = asyncio.ensure_future(self._stopping.wait())
        await asyncio.wait({connecting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if connecting.done():
            return connecting.result()
        connecting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await connecting
        return None

    async def _subject_free(self) -> bool:
        """Whether no stream captures the subject (one an operator made, say): there,
        JetStream would answer every request before the service could."""
        try:
            stream = await self._client.jetstream().find_stream_name_by_subject(self.subject)
        except NotFoundError:
            return True
        except Exception as error:
            logger.warning(
                "could not check that no stream captures %s (%s: %s); serving it all the same",
                self.subject,
                type(error).__name__,
                error,
            )
            return True
        logger.error(
            "stream %s captures %s, so JetStream would answer requests there: not serving "
            "analysis requests. Remove the subject from that stream or set ANALYZE_SUBJECT "
            "to another subject",
            stream,
            self.subject,
        )
        return False

    async def _on_request(self, request: Request) -> None:
        """micro's handler: runs for one request at a time, so it only checks and hands over."""
        started = time.monotonic()
        try:
            answer, msg_id = self._check(request)
            if answer is None:
                task = asyncio.create_task(
                    self._serve(request, deadline=started + self.timeout, msg_id=msg_id)
                )
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
                return
        except Exception as error:
            self.counts.failed += 1
            logger.exception("an analysis request failed")
            answer = Answer.error("500", _internal(error))
        await self._send(request, answer)

    def _check(self, request: Request) -> tuple[Answer | None, str]:
        """The answer for a request refused at once (None for one to serve), and the
        Nats-Msg-Id its log is stored with ("" for none)."""
        if self._stopping.is_set() or len(self._tasks) >= self.max_in_flight:
            self.counts.busy += 1
            return Answer.error(
                "503",
                {
                    "status": "busy",
                    "detail": f"{len(self._tasks)} requests are being served (the limit is "
                    f"ANALYZE_MAX_IN_FLIGHT={self.max_in_flight}), or the service is "
                    "stopping; nothing was stored: send it again later",
                },
            ), ""
        msg_id = ""
        header = (request.headers or {}).get("Nats-Msg-Id", "")
        if header:
            if len(header) > MAX_MSG_ID or not header.isprintable():
                self.counts.rejected += 1
                return Answer.error(
                    "400",
                    {
                        "status": "rejected",
                        "reason": "invalid_msg_id",
                        "detail": f"header Nats-Msg-Id must be printable, at most {MAX_MSG_ID} "
                        "characters; nothing was stored",
                    },
                ), ""
            # Its own name space: a producer's id on the stream subject never collides.
            msg_id = f"gogent-analyze-{header}"
        try:
            parse_log_message(request.data, received_at=datetime.now(UTC))
        except LogRejected as rejection:
            self.counts.rejected += 1
            return Answer.error(
                "400",
                {
                    "status": "rejected",
                    "reason": rejection.reason,
                    "detail": f"{rejection.detail}; nothing was stored",
                },
            ), ""
        return None, msg_id

    async def _serve(self, request: Request, *, deadline: float, msg_id: str) -> None:
        token = uuid.uuid4().hex
        queue: asyncio.Queue[tuple[dict[str, Any], bytes] | None] = asyncio.Queue()
        self._waiting[token] = queue
        try:
            answer = await self._store_and_wait(request.data, token, queue, deadline, msg_id)
        except Exception as error:
            self.counts.failed += 1
            logger.exception("an analysis request failed")
            answer = Answer.error("500", _internal(error))
        finally:
            del self._waiting[token]
        await self._send(request, answer)

    async def _store_and_wait(
        self,
        payload: bytes,
        token: str,
        queue: asyncio.Queue[tuple[dict[str, Any], bytes] | None],
        deadline: float,
        msg_id: str,
    ) -> Answer:
        headers = {REPLY_HEADER: f"{self._inbox}.{token}"}
        if msg_id:
            headers["Nats-Msg-Id"] = msg_id
        try:
            ack = await self._client.jetstream().publish(
                settings.NATS_SUBJECT,
                payload,
                timeout=max(min(PUBLISH_TIMEOUT, deadline - time.monotonic()), 0.5),
                stream=settings.NATS_STREAM,
                headers=headers,
            )
        except Exception as error:
            self.counts.failed += 1
            logger.warning(
                "an analysis request's log was not stored: %s: %s", type(error).__name__, error
            )
            return Answer.error(
                "503",
                {
                    "status": "error",
                    "detail": f"JetStream did not take the log ({type(error).__name__}: "
                    f"{error}); it may not be stored: send it again",
                },
            )
        if ack.duplicate:
            self.counts.duplicates += 1
            return Answer.of(
                {
                    "status": "duplicate",
                    "stream_seq": ack.seq,
                    "detail": "a request with this Nats-Msg-Id is in the stream already (message "
                    f"{ack.seq}); this one was not stored again, and its analysis went to that "
                    "request",
                }
            )
        receipt: dict[str, Any] = {}
        while not self._stopping.is_set():
            try:
                arrived = await asyncio.wait_for(queue.get(), deadline - time.monotonic())
            except TimeoutError:
                break
            if arrived is None:
                break
            message, raw = arrived
            if message.get("type") == "analysis":
                self.counts.answered += 1
                return Answer(raw)  # as published to every asker: the analysis and stream_seq
            if message.get("status") == "stored":
                receipt = message
            elif message.get("status") == "rejected":
                # Ingest quarantined it (a limit lower there, a row the database refused).
                self.counts.rejected += 1
                return Answer.error("400", message)
        self.counts.pending += 1
        return Answer.of(self._pending(ack.seq, receipt))

    def _pending(self, stream_seq: int, receipt: dict[str, Any]) -> dict[str, Any]:
        results = settings.ANALYSIS_RESULTS_SUBJECT
        where = f"It is published on {results} when it completes" if results else ""
        if receipt:
            detail = (
                f"stored as log {receipt.get('id')} of pattern {receipt.get('pattern_id')}; its "
                f"analysis was not ready within {self.timeout:g} s. "
                + (where or "It shows in the console when it completes")
            )
        else:
            detail = (
                f"in the stream as message {stream_seq}, not yet stored within "
                f"{self.timeout:g} s (a backlog, or a consumer stopping); it is stored when "
                "the consumers catch up"
            )
        return {
            "status": "pending",
            "pattern_id": receipt.get("pattern_id"),
            "id": receipt.get("id"),
            "stream_seq": stream_seq,
            "detail": detail,
        }

    async def _on_answer(self, msg: Msg) -> None:
        """A receipt or an analysis for one request, on its inbox."""
        queue = self._waiting.get(msg.subject.rpartition(".")[2])
        if queue is None:
            return  # its request was answered already (a late analysis)
        try:
            message = orjson.loads(msg.data)
        except orjson.JSONDecodeError:
            logger.warning("ignored a message on the analysis inbox that is not JSON")
            return
        if isinstance(message, dict):
            queue.put_nowait((message, msg.data))

    async def _send(self, request: Request, answer: Answer) -> None:
        try:
            if answer.code:
                await request.respond_error(answer.code, answer.description, data=answer.body)
            else:
                await request.respond(answer.body)
        except Exception as error:
            # No reply subject (a plain publish), or the connection is gone: counted, never fatal.
            self.counts.not_sent += 1
            logger.debug("an analysis answer was not sent: %s", error)

    async def _finish_in_flight(self) -> None:
        """Wait for the requests in flight to be answered; those still storing their log
        (stop() woke the rest) have up to STOP_GRACE."""
        for queue in self._waiting.values():
            queue.put_nowait(None)
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=STOP_GRACE)

    def _log_counts(self) -> None:
        counts = self.counts
        logger.info(
            "analysis requests: answered %d, pending %d, rejected %d, busy %d, duplicates %d, "
            "failed %d, answers not sent %d",
            counts.answered,
            counts.pending,
            counts.rejected,
            counts.busy,
            counts.duplicates,
            counts.failed,
            counts.not_sent,
        )


def _internal(error: Exception) -> dict[str, Any]:
    return {
        "status": "error",
        "detail": f"internal error ({type(error).__name__}); the consumer's log has the details",
    }
