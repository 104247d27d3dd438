"""A fake AWX (Ansible Tower) on 127.0.0.1: job template launches, and a generic webhook.

POST /api/v2/job_templates/{id}/launch/ answers 201 with a job, as AWX does, when the
bearer token is right (401 otherwise); POST /hooks/{name} answers 200 {"ok": true}.
Every request is recorded (method, path, headers, body text).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LAUNCH = re.compile(r"^/api/v2/job_templates/(\d+)/launch/$")


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: str


class FakeAWX:
    def __init__(self, *, token: str = "") -> None:
        self.token = token
        self.received: list[Received] = []
        self.status = 0  # when set, every request gets this status
        self._jobs = iter(range(100, 10_000))
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeAWX:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, Any]]:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode("utf-8", "replace")
        headers = {name.lower(): value for name, value in handler.headers.items()}
        with self._lock:
            self.received.append(Received(handler.command, handler.path, headers, body))
        if self.status:
            return self.status, {"detail": "A server error occurred."}
        if match := LAUNCH.match(handler.path):
            if self.token and headers.get("authorization") != f"Bearer {self.token}":
                return 401, {"detail": "Authentication credentials were not provided."}
            with self._lock:
                job = next(self._jobs)
            return 201, {"job": job, "id": job, "type": "job", "status": "pending",
                         "job_template": int(match.group(1))}  # fmt: skip
        if handler.path.startswith("/hooks/"):
            return 200, {"ok": True}
        return 404, {"detail": "Not found."}


class _Handler(BaseHTTPRequestHandler):
    def _reply(self) -> None:
        status, payload = self.server.fake.answer(self)  # type: ignore[attr-defined]
        content = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_POST = do_PUT = do_PATCH = _reply

    def log_message(self, format: str, *args: Any) -> None:
        pass
