"""Ticket test data: the fake servers' credentials, a Jira integration, completed analyses,
and delivering a ticket without waiting out its countdowns."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from analysis.models import Analysis
from integrations.models import Integration, Ticket
from integrations.services import ticket_deliver
from logs.models import LogPattern
from tests.helpers.analysis import ingest, log

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
    """Run the ticket's task back to back, as if each countdown had already passed, and the
    index lag after an ambiguous create too (tests/integrations/test_index_lag.py waits it)."""
    for _ in range(steps):
        Ticket.objects.filter(pk=ticket.pk).update(next_attempt_at=timezone.now())
        Ticket.objects.filter(pk=ticket.pk, ambiguous_create_at__isnull=False).update(
            ambiguous_create_at=timezone.now() - timedelta(seconds=settings.TICKETS_INDEX_LAG)
        )
        Integration.objects.update(paused_until=None)
        wait = ticket_deliver(ticket_id=ticket.pk)
        ticket.refresh_from_db()
        if wait is None:
            break
    return ticket
