"""What the fake Jira and fake ServiceNow share: a threaded HTTP server on 127.0.0.1 that
records requests, checks credentials and injects faults per operation.

    fake.fail("create", Fault.after(5))          # create the ticket, then never answer
    fake.fail("create", Fault.status(429, retry_after=2), Fault.status(500))
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

Reply = tuple[int, Any, dict[str, str]]


@dataclass(frozen=True)
class Fault:
    """What the next request of an operation gets instead of (or after) its normal reply."""

    kind: str
    code: int = 200
    retry_after: float | None = None
    seconds: float = 0.0
    body: Any = None

    @classmethod
    def status(cls, code: int, retry_after: float | None = None, body: Any = None) -> Fault:
        return cls("status", code=code, retry_after=retry_after, body=body)

    @classmethod
    def hang(cls, seconds: float) -> Fault:
        """Do nothing and answer nothing for `seconds` (the client times out)."""
        return cls("hang", seconds=seconds)

    @classmethod
    def after(cls, seconds: float) -> Fault:
        """Do the work (create the ticket), then answer nothing for `seconds`."""
        return cls("after", seconds=seconds)


@dataclass(frozen=True)
class Recorded:
    time: float
    method: str
    path: str
    op: str
    query: dict[str, str]
    body: Any


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


class FakeServer:
    """Subclasses route requests: route(request) -> (operation name, handler) or None."""

    def __init__(
        self, *, user: str = "", password: str = "", token: str = "", latency: float = 0.0
    ) -> None:
        self.user, self.password, self.token = user, password, token
        self.latency = latency  # seconds each request takes, before it is handled
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._requests: list[Recorded] = []
        self.lock = threading.RLock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def requests(self, op: str | None = None) -> list[Recorded]:
        with self.lock:
            return [r for r in self._requests if op is None or r.op == op]

    def fail(self, op: str, *faults: Fault) -> None:
        with self.lock:
            self._faults[op].extend(faults)

    def stop(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()  # wakes handlers in a hang
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # Subclasses
    def route(self, request: Request) -> tuple[str, Callable[[Request], Reply]] | None:
        raise NotImplementedError

    def unauthorized(self) -> Reply:
        return 401, {"error": "unauthorized"}, {}

    def error_body(self, code: int) -> Any:
        return {"error": f"fake error {code}"}

    def authorized(self, headers: dict[str, str]) -> bool:
        given = headers.get("authorization", "")
        if given.startswith("Bearer "):
            return bool(self.token) and given.removeprefix("Bearer ") == self.token
        if given.startswith("Basic "):
            user, _, password = base64.b64decode(given[6:]).decode().partition(":")
            return bool(self.user) and (user, password) == (self.user, self.password)
        return False

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        split = urlsplit(handler.path)
        raw = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in handler.headers.items()}
        text = raw.decode("utf-8", "replace")
        if "x-www-form-urlencoded" in headers.get("content-type", ""):
            body: Any = dict(parse_qsl(text))
        else:
            try:
                body = json.loads(text) if text else None
            except ValueError:
                body = text
        request = Request(
            method=handler.command, path=split.path, query=dict(parse_qsl(split.query)),
            headers=headers, body=body,
        )  # fmt: skip
        routed = self.route(request)
        op = routed[0] if routed else "unknown"
        with self.lock:
            self._requests.append(
                Recorded(time.time(), request.method, request.path, op, request.query, body)
            )
            fault = self._faults[op].popleft() if self._faults[op] else None
        if self.latency:
            self._stopping.wait(self.latency)
        if fault and fault.kind == "hang":
            self._stopping.wait(fault.seconds)
            handler.close_connection = True
            return
        if routed is None:
            reply: Reply = (404, {"errorMessages": [f"no such resource {request.path}"]}, {})
        elif fault and fault.kind == "status":
            extra = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after else {}
            reply = (fault.code, fault.body or self.error_body(fault.code), extra)
        elif not self.authorized(headers) and op != "token":
            reply = self.unauthorized()
        else:
            with self.lock:
                reply = routed[1](request)
        if fault and fault.kind == "after":
            self._stopping.wait(fault.seconds)
            handler.close_connection = True
            return
        status, payload, extra = reply
        content = b"" if payload is None else json.dumps(payload).encode()
        try:
            handler.send_response(status)
            if payload is not None:
                handler.send_header("Content-Type", "application/json;charset=UTF-8")
            handler.send_header("Content-Length", str(len(content)))
            for name, value in extra.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(content)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timed out) before the reply was ready


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.server.fake._handle(self)  # type: ignore[attr-defined]

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        pass
