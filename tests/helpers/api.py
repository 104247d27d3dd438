"""Logs stored for API tests, and clients that call the API with a key or a session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import orjson
from django.test import Client

from logs.services import IncomingMessage, logs_ingest_batch

_sequence = count(50_000_000)
# A browser's CSRF cookie; Django takes its unmasked 32-character secret in X-CSRFToken.
CSRF_SECRET = "k" * 32


def ingest(*logs: dict) -> list[int]:
    """Store logs through the consumer's ingest service; returns their stream sequences."""
    now = datetime.now(UTC)
    messages = [
        IncomingMessage(
            subject="agent.technical.support",
            stream_seq=next(_sequence),
            data=orjson.dumps(log),
            received_at=now,
        )
        for log in logs
    ]
    logs_ingest_batch(messages)
    return [message.stream_seq for message in messages]


def log(
    message: str,
    severity: str = "error",
    host: str = "plc-1",
    service: str = "press",
    minutes_ago: float = 0,
) -> dict:
    return {
        "timestamp": (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat(),
        "hostname": host,
        "severity": severity,
        "service": service,
        "message": message,
        "context": {"line": 3},
    }


class KeyClient(Client):
    """The test client sending an API key with every request."""

    def __init__(self, raw_key: str, *, header: str = "bearer") -> None:
        if header == "bearer":
            super().__init__(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
        else:
            super().__init__(HTTP_X_API_KEY=raw_key)
        self.raw_key = raw_key


def session_client(user) -> Client:
    """A signed-in browser that sends the CSRF token as the console's pages do."""
    client = Client(enforce_csrf_checks=True, HTTP_X_CSRFTOKEN=CSRF_SECRET)
    client.force_login(user)
    client.cookies["csrftoken"] = CSRF_SECRET
    return client
