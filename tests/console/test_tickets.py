"""Tickets in the console: buttons on the pattern page, drafts, the list column and filter."""

from __future__ import annotations

import pytest
from django.urls import reverse

from integrations.models import Integration, Ticket
from logs.models import LogPattern
from tests.console.test_pages import ingest, log


@pytest.fixture
def jira(db) -> Integration:
    return Integration.objects.create(
        name="Plant Jira",
        kind=Integration.Kind.JIRA,
        base_url="http://127.0.0.1:9",
        auth=Integration.Auth.TOKEN,
        secret="jira-token-never-shown",
        project_key="OPS",
    )


@pytest.fixture
def pattern(db) -> LogPattern:
    ingest(
        log("Modbus timeout reading register 40001 from slave 7"),
        log("Conveyor 4 motor overtemperature 97C", severity="CRITICAL"),
    )
    return LogPattern.objects.get(template__startswith="Modbus")


def test_operator_opens_a_jira_issue_from_the_pattern_page(pattern, jira, role_client):
    browser = role_client("operator")
    page = browser.get(reverse("logs:pattern", args=[pattern.pk])).content.decode()
    assert "Open Jira issue" in page
    assert "jira-token-never-shown" not in page

    response = browser.post(
        reverse("integrations:open", args=[pattern.pk]),
        {"integration": jira.pk},
        HTTP_HX_REQUEST="true",
    )

    ticket = Ticket.objects.get()
    assert ticket.status == Ticket.Status.PENDING
    body = response.content.decode()
    assert "Being opened" in body
    assert 'hx-trigger="every 2s"' in body  # polls until the worker has the key or the error
    # Pressing again gives the same ticket, never a second one.
    browser.post(reverse("integrations:open", args=[pattern.pk]), {"integration": jira.pk})
    assert Ticket.objects.count() == 1


def test_the_list_shows_tickets_and_filters_by_them(pattern, jira, role_client):
    Ticket.objects.create(
        integration=jira, pattern=pattern, status=Ticket.Status.OPEN, external_key="OPS-7",
        url="http://jira.example/browse/OPS-7", correlation_id="c-1",
    )  # fmt: skip
    browser = role_client("viewer")
    body = browser.get(reverse("logs:patterns")).content.decode()
    assert "OPS-7" in body
    with_ticket = browser.get(reverse("logs:patterns"), {"ticket": "yes"}).context["rows"]
    without = browser.get(reverse("logs:patterns"), {"ticket": "no"}).context["rows"]
    assert [row["pattern"].pk for row in with_ticket] == [pattern.pk]
    assert pattern.pk not in [row["pattern"].pk for row in without]
    assert len(without) == 1


def test_drafts_are_approved_or_discarded_by_operators_only(pattern, jira, role_client):
    draft = Ticket.objects.create(
        integration=jira, pattern=pattern, status=Ticket.Status.DRAFT, correlation_id="c-2",
        draft_reason="confidence 0.40 below the rule's 0.70",
    )  # fmt: skip
    url = reverse("integrations:discard", args=[draft.pk])
    assert role_client("viewer").post(url).status_code == 403
    page = role_client("operator").get(reverse("logs:pattern", args=[pattern.pk])).content
    assert b"below the rule" in page and b"Approve" in page
    response = role_client("operator").post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == Ticket.Status.DISCARDED


def test_ticket_actions_need_permission(pattern, jira, role_client):
    for role, expected in ((None, 302), ("viewer", 403), ("operator", 200), ("admin", 200)):
        response = role_client(role).post(
            reverse("integrations:open", args=[pattern.pk]), {"integration": jira.pk}
        )
        assert response.status_code == expected, role
    assert (
        role_client("viewer")
        .get(reverse("integrations:pattern-panel", args=[pattern.pk]))
        .status_code
        == 200
    )


def test_dashboard_counts_tickets(pattern, jira, role_client):
    Ticket.objects.create(
        integration=jira, pattern=pattern, status=Ticket.Status.FAILED, correlation_id="c-3",
        error="401 Unauthorized: check the integration's credentials",
    )  # fmt: skip
    body = role_client("viewer").get(reverse("dashboard")).content.decode()
    assert "failed 1" in body
