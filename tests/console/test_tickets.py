"""Tickets in the console: buttons on the pattern page, drafts, the list column and filter."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

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


# --- The Tickets page -----------------------------------------------------------------


def make_ticket(pattern: LogPattern, integration: Integration, status: str, n: int, **fields):
    """A ticket of a pattern of its own (one active ticket per pattern and integration),
    like `pattern` but on line n."""
    now = timezone.now()
    own = LogPattern.objects.create(
        key=f"{pattern.key[:20]}-{n}", template=f"{pattern.template} (line {n})",
        sample_message=pattern.sample_message, first_seen=now, last_seen=now, count=1,
        max_severity=pattern.max_severity,
    )  # fmt: skip
    return Ticket.objects.create(
        integration=integration, pattern=own, status=status, correlation_id=f"t-{n}", **fields
    )


def listed(response) -> list[int]:
    return [ticket.pk for ticket in response.context["page"].tickets]


def test_the_tickets_page_starts_with_what_needs_attention(pattern, jira, role_client):
    draft = make_ticket(pattern, jira, Ticket.Status.DRAFT, 1, draft_reason="confidence 0.40")
    failed = make_ticket(pattern, jira, Ticket.Status.FAILED, 2, error="HTTP 400: no project")
    pending = make_ticket(pattern, jira, Ticket.Status.PENDING, 3)
    opened = make_ticket(pattern, jira, Ticket.Status.OPEN, 4, external_key="OPS-9")
    make_ticket(pattern, jira, Ticket.Status.CLOSED, 5, external_key="OPS-3")

    response = role_client("viewer").get(reverse("integrations:tickets"))

    assert response.status_code == 200
    assert listed(response) == [pending.pk, failed.pk, draft.pk]
    body = response.content.decode()
    assert "Needs attention (3)" in body and "Open (1)" in body and "Closed (1)" in body
    assert "HTTP 400: no project" in body and "confidence 0.40" in body
    # A viewer sees the queue but no buttons.
    assert "Approve" not in body and "Retry" not in body
    opened_page = role_client("viewer").get(reverse("integrations:tickets"), {"status": "open"})
    assert listed(opened_page) == [opened.pk]
    assert "OPS-9" in opened_page.content.decode()


def test_the_tickets_page_filters_by_integration_and_text_and_pages(pattern, jira, role_client):
    snow = Integration.objects.create(
        name="Plant ServiceNow", kind=Integration.Kind.SERVICENOW, base_url="http://127.0.0.1:9",
        auth=Integration.Auth.BASIC, username="gogent", secret="snow-secret",
    )  # fmt: skip
    on_jira = make_ticket(pattern, jira, Ticket.Status.OPEN, 1, external_key="OPS-1")
    on_snow = make_ticket(pattern, snow, Ticket.Status.OPEN, 2, external_key="INC0010001")
    browser = role_client("viewer")
    url = reverse("integrations:tickets")

    assert listed(browser.get(url, {"status": "open", "integration": snow.pk})) == [on_snow.pk]
    assert listed(browser.get(url, {"status": "open", "q": "ops-1"})) == [on_jira.pk]
    assert listed(browser.get(url, {"status": "open", "q": "Modbus"})) == [on_snow.pk, on_jira.pk]
    # Nonsense in the query string is no filter, never an error.
    for junk in ({"integration": "x"}, {"integration": "9" * 30}, {"status": "<b>"}):
        assert browser.get(url, junk).status_code == 200

    for n in range(3, 56):
        make_ticket(pattern, jira, Ticket.Status.CLOSED, n)
    first = browser.get(url, {"status": "closed"})
    assert len(listed(first)) == 50
    second = browser.get(url, {"status": "closed", "before": first.context["page"].before})
    assert len(listed(second)) == 3
    assert not set(listed(first)) & set(listed(second))
    assert second.context["page"].before is None


def test_a_draft_is_approved_in_place_on_the_tickets_page(pattern, jira, role_client):
    draft = make_ticket(pattern, jira, Ticket.Status.DRAFT, 1, draft_reason="confidence 0.40")
    browser = role_client("operator")
    assert "Approve" in browser.get(reverse("integrations:tickets")).content.decode()

    response = browser.post(
        reverse("integrations:approve", args=[draft.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"ticket-{draft.pk}",
    )

    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="ticket-{draft.pk}">')
    assert "Being opened" in body and "Approve" not in body
    draft.refresh_from_db()
    assert draft.status == Ticket.Status.PENDING


def test_a_refused_action_in_place_says_why_in_its_row(pattern, jira, role_client):
    discarded = make_ticket(pattern, jira, Ticket.Status.DISCARDED, 1)
    response = role_client("operator").post(
        reverse("integrations:approve", args=[discarded.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"ticket-{discarded.pk}",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'<tr id="ticket-{discarded.pk}">' in body and 'role="alert"' in body


def test_dashboard_ticket_counts_link_to_the_tickets_page(pattern, jira, role_client):
    make_ticket(pattern, jira, Ticket.Status.FAILED, 1)
    body = role_client("viewer").get(reverse("dashboard")).content.decode()
    assert 'href="/tickets/?status=failed">failed 1</a>' in body
    assert 'href="/tickets/"' in body  # in the navigation
