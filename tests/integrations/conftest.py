"""Fixtures for ticket tests: fake Jira and ServiceNow servers, integrations pointing at them,
a pattern ingested for real, and rules."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from integrations.models import Integration, TicketRule
from logs.models import LogPattern
from tests.fakes.jira import FakeJira
from tests.fakes.servicenow import FakeServiceNow
from tests.helpers.analysis import ingest, log
from tests.helpers.tickets import JIRA_TOKEN, SNOW_PASSWORD, jira_integration_at


@pytest.fixture(autouse=True)
def _quick_retries(settings) -> None:
    settings.TICKETS_BACKOFF_BASE = 0.01
    settings.TICKETS_BACKOFF_MAX = 0.05
    settings.TICKETS_BASE_URL = "https://gogent.example.com"
    settings.ANALYSIS_RESULTS_SUBJECT = ""


@pytest.fixture
def fake_jira() -> Iterator[FakeJira]:
    with FakeJira(token=JIRA_TOKEN) as fake:
        yield fake


@pytest.fixture
def fake_snow() -> Iterator[FakeServiceNow]:
    with FakeServiceNow(user="gogent", password=SNOW_PASSWORD) as fake:
        yield fake


@pytest.fixture
def jira_integration(db, fake_jira: FakeJira) -> Integration:
    return jira_integration_at(fake_jira.url)


@pytest.fixture
def snow_integration(db, fake_snow: FakeServiceNow) -> Integration:
    return Integration.objects.create(
        name="Plant ServiceNow",
        kind=Integration.Kind.SERVICENOW,
        base_url=fake_snow.url,
        auth=Integration.Auth.BASIC,
        username="gogent",
        secret=SNOW_PASSWORD,
        assignment_group="Plant Ops",
        timeout_seconds=1.0,
    )


@pytest.fixture
def pattern(db) -> LogPattern:
    ingest(log("Hydraulic pressure 112 bar below threshold on press 4", host="plc-press-4"))
    return LogPattern.objects.get()


@pytest.fixture
def make_rule(db) -> Callable[..., TicketRule]:
    def make(integration: Integration, **fields: Any) -> TicketRule:
        # These tests are about what rules do once they act; that a rule does not act on the
        # model's word alone by default is tested in test_rules.py.
        values: dict[str, Any] = {
            "name": f"rule {TicketRule.objects.count() + 1}",
            "act_on_model_judgement": True,
        }
        values.update(fields)
        return TicketRule.objects.create(integration=integration, **values)

    return make
