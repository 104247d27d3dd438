"""What apps above logs add to the pattern pages shows only to users allowed to read it.

A user with logs.view_logpattern alone sees the pattern list and page without the analysis
and ticket columns, panels and "has ticket" filter, and without their data in the HTML;
view_analysis and view_ticket bring each back.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from analysis.models import Analysis
from integrations.models import Integration, Ticket
from logs.models import LogPattern
from tests.console.test_pages import ingest, log

ANALYSIS_TEXT = "Slave 7 drops off the bus when the line is loaded"
TICKET_KEY = "OPS-4711"


@pytest.fixture
def pattern(db) -> LogPattern:
    ingest(log("Modbus timeout reading register 40001 from slave 7"))
    pattern = LogPattern.objects.get()
    Analysis.objects.create(
        pattern=pattern,
        trigger=Analysis.Trigger.OPERATOR,
        status=Analysis.Status.DONE,
        provider_name="plant-llm",
        model="modbus-expert-7b",
        result={"summary": ANALYSIS_TEXT},
        text=ANALYSIS_TEXT,
    )
    jira = Integration.objects.create(
        name="Plant Jira",
        kind=Integration.Kind.JIRA,
        base_url="http://127.0.0.1:9",
        auth=Integration.Auth.TOKEN,
        secret="jira-token",
        project_key="OPS",
    )
    Ticket.objects.create(
        integration=jira, pattern=pattern, status=Ticket.Status.OPEN, external_key=TICKET_KEY,
        url=f"http://jira.example/browse/{TICKET_KEY}", correlation_id="c-1",
    )  # fmt: skip
    return pattern


def browser_with(*permissions: str) -> Client:
    user = User.objects.create_user("reader")
    for name in ("logs.view_logpattern", *permissions):
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    browser = Client()
    browser.force_login(user)
    return browser


def pages(browser: Client, pattern: LogPattern) -> tuple[str, str, str]:
    responses = (
        browser.get(reverse("logs:patterns")),
        browser.get(reverse("logs:patterns"), HTTP_HX_REQUEST="true"),
        browser.get(reverse("logs:pattern", args=[pattern.pk])),
    )
    assert [response.status_code for response in responses] == [200, 200, 200]
    return tuple(response.content.decode() for response in responses)


def test_patterns_alone_show_no_analysis_or_ticket(pattern):
    page, fragment, detail = pages(browser_with(), pattern)
    assert "Modbus timeout reading register" in page and "Modbus timeout" in detail
    for body in (page, fragment):
        assert '<th scope="col">Analysis</th>' not in body
        assert '<th scope="col">Ticket</th>' not in body
        assert TICKET_KEY not in body
        assert "Done" not in body  # the analysis cell's status badge
    assert 'name="ticket"' not in page  # the "Has ticket" filter
    assert 'id="analysis-panel"' not in detail
    assert 'id="ticket-panel"' not in detail
    assert ANALYSIS_TEXT not in detail and "modbus-expert-7b" not in detail
    assert TICKET_KEY not in detail


def test_a_ticket_filter_is_ignored_without_view_ticket(pattern):
    ingest(log("Conveyor 4 motor overtemperature 97C", severity="CRITICAL"), start=100)
    browser = browser_with()
    rows = browser.get(reverse("logs:patterns"), {"ticket": "yes"}).context["rows"]
    assert len(rows) == 2  # not narrowed to the pattern with a ticket


def test_view_analysis_brings_back_the_analysis_column_and_panel(pattern):
    page, fragment, detail = pages(browser_with("analysis.view_analysis"), pattern)
    for body in (page, fragment):
        assert '<th scope="col">Analysis</th>' in body
        assert '<th scope="col">Ticket</th>' not in body
    assert 'id="analysis-panel"' in detail
    assert ANALYSIS_TEXT in detail and "modbus-expert-7b" in detail
    assert 'id="ticket-panel"' not in detail and TICKET_KEY not in detail


def test_view_ticket_brings_back_the_ticket_column_panel_and_filter(pattern):
    page, fragment, detail = pages(browser_with("integrations.view_ticket"), pattern)
    for body in (page, fragment):
        assert '<th scope="col">Ticket</th>' in body
        assert TICKET_KEY in body
        assert '<th scope="col">Analysis</th>' not in body
    assert 'name="ticket"' in page
    assert 'id="ticket-panel"' in detail and TICKET_KEY in detail
    assert 'id="analysis-panel"' not in detail and ANALYSIS_TEXT not in detail


def test_the_dashboard_cards_follow_the_same_permissions(pattern):
    alone = browser_with().get(reverse("dashboard")).context["panels"]
    assert alone == []
    User.objects.filter(username="reader").delete()
    both = browser_with("analysis.view_analysis", "integrations.view_ticket")
    templates = [template for template, _ in both.get(reverse("dashboard")).context["panels"]]
    assert templates == ["analysis/_dashboard_card.html", "integrations/_dashboard_card.html"]
