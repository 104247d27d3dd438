"""Fixtures for ticket tests: fake Jira and ServiceNow servers, integrations pointing at them,
patterns ingested for real, and completed analyses."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import timezone

from analysis.models import Analysis
from integrations.models import Integration, Ticket, TicketRule
from integrations.services import ticket_deliver
from logs.models import LogPattern
from tests.analysis.conftest import ingest, log
from tests.fakes.jira import FakeJira
from tests.fakes.servicenow import FakeServiceNow

JIRA_TOKEN = "jira-pat-7c1e5d90aa-SECRET"
SNOW_PASSWORD = "snow-pw-33b8e2c4f1-SECRET"
RESULT = {
    "summary": "Hydraulic pressure on press 4 drops below its threshold.",
    "probable_cause": "A leaking seal on the main cylinder.",
    "impact": "The press stops; line 1 halts.",
    "recommended_actions": ["Inspect the cylinder seal", "Check the accumulator pressure"],
    "severity": "high",
    "ticket_recommended": True,
    "ticket_priority": "high",
    "confidence": 0.9,
}


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


def jira_integration_at(url: str, **fields: Any) -> Integration:
    """An integration with a fake Jira's project OPS, signing in with JIRA_TOKEN."""
    values: dict[str, Any] = {
        "name": "Plant Jira",
        "kind": Integration.Kind.JIRA,
        "base_url": url,
        "auth": Integration.Auth.TOKEN,
        "secret": JIRA_TOKEN,
        "project_key": "OPS",
        "labels": ["gogent"],
        "timeout_seconds": 1.0,
    }
    return Integration.objects.create(**(values | fields))


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


def more_logs(pattern: LogPattern, count: int, host: str = "plc-press-4") -> LogPattern:
    """More occurrences of the pattern, through the real ingest path."""
    ingest(*(log(f"Hydraulic pressure {100 + n} bar below threshold on press 4", host=host)
             for n in range(count)))  # fmt: skip
    pattern.refresh_from_db()
    return pattern


def analysis_done(pattern: LogPattern, **result: Any) -> Analysis:
    """The pattern's analysis, completed with RESULT (and overrides), as a provider would."""
    analysis = Analysis.objects.filter(pattern=pattern).order_by(
        "-pk"
    ).first() or Analysis.objects.create(pattern=pattern, trigger=Analysis.Trigger.OPERATOR)
    Analysis.objects.filter(pk=analysis.pk).update(
        status=Analysis.Status.DONE,
        result={**RESULT, **result},
        text=RESULT["summary"],
        provider_name="fake",
        model="fake-model",
        finished_at=timezone.now(),
    )
    analysis.refresh_from_db()
    return analysis


def deliver(ticket: Ticket, *, steps: int = 10) -> Ticket:
    """Run the ticket's task back to back, as if each countdown had already passed."""
    for _ in range(steps):
        Ticket.objects.filter(pk=ticket.pk).update(next_attempt_at=timezone.now())
        Integration.objects.update(paused_until=None)
        wait = ticket_deliver(ticket_id=ticket.pk)
        ticket.refresh_from_db()
        if wait is None:
            break
    return ticket


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
