"""Fake notification receivers on 127.0.0.1: a webhook server that answers as Slack's and
Teams' incoming webhooks and a JSON webhook receiver do, and a real SMTP server (aiosmtpd).

    with FakeChat() as chat:                       # chat.url("/services/T1/B2/xyz")
        chat.fail(Fault.status(429, retry_after=2), Fault.status(500), Fault.hang(3))
        ...
        assert chat.accepted_keys() == {key}       # idempotency keys of messages taken

Every request is recorded with its headers and raw body. Faults apply to the next
requests in order: a status replaces the reply (the message is not taken); a hang takes
nothing and answers nothing for that long, so the client times out.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from tests.fakes.ticket_server import Fault
from tests.helpers.processes import free_port

__all__ = ["FakeChat", "FakeSmtp", "Fault"]


@dataclass
class Received:
    time: float
    path: str
    headers: dict[str, str]
    raw: bytes
    status: int = 0  # what the fake answered (0: nothing, the client timed out)

    @property
    def body(self) -> Any:
        try:
            return json.loads(self.raw)
        except ValueError:
            return self.raw.decode("utf-8", "replace")


class FakeChat:
    """Slack's incoming webhook answers 200 "ok"; Teams' 200 "1" (or 202); a JSON
    webhook anything 2xx. `reply` sets the body of successful replies."""

    def __init__(self, *, reply: str = "ok") -> None:
        self.reply = reply
        self.lock = threading.Lock()
        self._faults: deque[Fault] = deque()
        self.received: list[Received] = []
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def url(self, path: str = "/hook") -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def fail(self, *faults: Fault) -> None:
        with self.lock:
            self._faults.extend(faults)

    def accepted(self) -> list[Received]:
        with self.lock:
            return [r for r in self.received if 200 <= r.status < 300]

    def accepted_keys(self) -> Counter:
        return Counter(r.headers.get("idempotency-key", "") for r in self.accepted())

    def stop(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeChat:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        raw = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in handler.headers.items()}
        received = Received(time.time(), handler.path, headers, raw)
        with self.lock:
            self.received.append(received)
            fault = self._faults.popleft() if self._faults else None
        if fault is not None and fault.kind == "hang":
            self._stopping.wait(fault.seconds)
            handler.close_connection = True
            return
        if fault is not None and fault.kind == "status":
            status, text = fault.code, (fault.body or f"fake error {fault.code}")
            extra = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after else {}
        else:
            status, text, extra = 200, self.reply, {}
        content = str(text).encode()
        # Before the reply: once the client has it, a test may look.
        received.status = status
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "text/plain; charset=utf-8")
            handler.send_header("Content-Length", str(len(content)))
            for name, value in extra.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(content)
        except (BrokenPipeError, ConnectionResetError):
            received.status = 0  # the client gave up first: nothing was taken


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.server.fake._handle(self)  # type: ignore[attr-defined]

    do_GET = do_PUT = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class _Recorder:
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    # SMTP reply codes for the next DATA commands, instead of taking the message.
    refusals: deque[str] = field(default_factory=deque)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refusals:
            return self.refusals.popleft()
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class FakeSmtp:
    """A real SMTP server (aiosmtpd) on 127.0.0.1, keeping what it takes.

    fake.refuse("451 4.3.0 try again later", "550 5.1.1 no such user") answers the next
    messages so, instead of taking them."""

    def __init__(self) -> None:
        self.recorder = _Recorder()
        self.port = free_port()
        self._controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    @property
    def messages(self) -> list[EmailMessage]:
        return self.recorder.messages

    def refuse(self, *replies: str) -> None:
        self.recorder.refusals.extend(replies)

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> FakeSmtp:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
