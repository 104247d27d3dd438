"""Fixtures for the API: its settings, and keys per role in clients that send them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from gogent.apikeys import api_key_create, api_key_revoke
from gogent.audit import SYSTEM
from tests.helpers.api import KeyClient
from tests.helpers.processes import free_port


@pytest.fixture(autouse=True)
def _api_settings(settings) -> None:
    # No NATS unless a test starts one: a closed loopback port, refused at once, so no test
    # reaches a developer's own nats-server on 4222.
    settings.NATS_SERVERS = [f"nats://127.0.0.1:{free_port()}"]
    settings.METRICS_CACHE_SECONDS = 0
    settings.ANALYSIS_RESULTS_SUBJECT = ""


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
