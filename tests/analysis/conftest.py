"""Fixtures for analysis tests: fake LLM servers, providers pointing at them, patterns."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from analysis.models import Provider
from logs.models import LogPattern
from tests.fakes.llm import FakeLLM
from tests.helpers.analysis import ingest, log


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


@pytest.fixture
def pattern(db) -> LogPattern:
    ingest(log("Modbus timeout reading register 40001 from slave 7"))
    return LogPattern.objects.get()
