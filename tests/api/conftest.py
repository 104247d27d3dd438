"""Fixtures for the API: keys per role, clients that send them, and stored data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import count

import orjson
import pytest
from django.test import Client
from django.utils import timezone

from gogent.apikeys import api_key_create, api_key_revoke
from gogent.audit import SYSTEM
from logs.services import IncomingMessage, logs_ingest_batch
from tests.conftest import free_port

_sequence = count(50_000_000)
# A browser's CSRF cookie; Django takes its unmasked 32-character secret in X-CSRFToken.
CSRF_SECRET = "k" * 32


@pytest.fixture(autouse=True)
def _api_settings(settings) -> None:
    # No NATS unless a test starts one: a closed loopback port, refused at once, so no test
    # reaches a developer's own nats-server on 4222.
    settings.NATS_SERVERS = [f"nats://127.0.0.1:{free_port()}"]
    settings.METRICS_CACHE_SECONDS = 0
    settings.ANALYSIS_RESULTS_SUBJECT = ""


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


@pytest.fixture
def api_key(db) -> Callable[..., KeyClient]:
    """api_key("operator") → a client with a fresh key of that role; expired=/revoked= too."""

    def make(role: str, *, expired: bool = False, revoked: bool = False, **kwargs) -> KeyClient:
        expires_at = timezone.now() - timedelta(minutes=1) if expired else None
        key, raw_key = api_key_create(name=f"test {role}", role=role, expires_at=expires_at)
        if revoked:
            api_key_revoke(key=key, actor=SYSTEM)
        return KeyClient(raw_key, **kwargs)

    return make


def session_client(user) -> Client:
    """A signed-in browser that sends the CSRF token as the console's pages do."""
    client = Client(enforce_csrf_checks=True, HTTP_X_CSRFTOKEN=CSRF_SECRET)
    client.force_login(user)
    client.cookies["csrftoken"] = CSRF_SECRET
    return client
