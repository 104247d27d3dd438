"""Fixtures for analysis tests: fake LLM servers, providers pointing at them, patterns."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import orjson
import pytest

from analysis.models import Provider
from logs.models import LogPattern
from logs.services import IncomingMessage, logs_ingest_batch
from tests.fakes.llm import FakeLLM


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    with FakeLLM() as fake:
        yield fake


@pytest.fixture
def no_results_subject(settings) -> None:
    # In-process runs publish nothing unless a test brings its own nats-server.
    settings.ANALYSIS_RESULTS_SUBJECT = ""


@pytest.fixture
def make_provider(db) -> Callable[..., Provider]:
    """A provider at a fake server; the migration's Local Ollama is switched off."""
    Provider.objects.filter(name="Local Ollama").update(enabled=False, is_default=False)

    def make(url: str, **fields) -> Provider:
        values = {
            "name": "fake",
            "kind": Provider.Kind.OLLAMA,
            "base_url": url,
            "model": "fake-model",
            "is_default": True,
            "timeout_seconds": 5.0,
            "requests_per_minute": None,
            "max_concurrent": None,
        }
        values.update(fields)
        return Provider.objects.create(**values)

    return make


_sequence = iter(range(1, 10**9))


def ingest(*logs: dict, reply_to: str = "") -> None:
    """Store logs through the real ingest path (the consumer's service)."""
    now = datetime.now(UTC)
    logs_ingest_batch(
        [
            IncomingMessage(
                subject="agent.technical.support",
                stream_seq=next(_sequence) + 10_000_000,
                data=orjson.dumps(log),
                received_at=now,
                reply_to=reply_to,
            )
            for log in logs
        ]
    )


def log(message: str, severity: str = "ERROR", host: str = "plc-1", service: str = "line") -> dict:
    return {
        "timestamp": datetime.now(UTC).isoformat(),
        "hostname": host,
        "severity": severity,
        "service": service,
        "message": message,
        "context": {"line": 3},
    }


@pytest.fixture
def pattern(db) -> LogPattern:
    ingest(log("Modbus timeout reading register 40001 from slave 7"))
    return LogPattern.objects.get()
