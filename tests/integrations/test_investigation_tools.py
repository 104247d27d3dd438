"""The investigation's ticket and runbook tools: tickets Gogent opened, a text search of
Jira and ServiceNow through their real clients (hostile text stays words), runbooks matched
and rendered safely."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from analysis.tools.base import ToolContext, ToolRefused, tools_available
from integrations import jira, servicenow
from integrations.models import Integration, Runbook, Ticket
from integrations.remote import Section, TicketContent
from integrations.runbooks import runbook_html, runbooks_for_pattern
from integrations.tools import FIND_RUNBOOKS, PATTERN_TICKETS, SEARCH_TICKETS
from logs.models import ContextRule, LogPattern
from tests.helpers.analysis import ingest, log

pytestmark = [pytest.mark.production, pytest.mark.django_db]

HOSTILE = [
    '" OR project = SECRET OR text ~ "',
    'modbus\\" ORDER BY created',
    "^ORactive=true^NQsys_id!=x",
    "hydraulic AND NOT pressure",
    "line1\nline2\r\n" + "x" * 150,
]


def SNOW_QUERIES(fake) -> list[str]:
    return [r.query["sysparm_query"] for r in fake.requests() if r.method == "GET"
            and "sysparm_query" in r.query]  # fmt: skip


def content(title: str) -> TicketContent:
    return TicketContent(
        title=title, sections=(Section("Why", text=title),), link="", priority="low"
    )


def context_of(pattern: LogPattern) -> ToolContext:
    return ToolContext(pattern_id=pattern.pk, now=timezone.now())


def test_pattern_tickets_lists_what_gogent_opened(pattern, jira_integration):
    Ticket.objects.create(
        integration=jira_integration, pattern=pattern, status=Ticket.Status.OPEN,
        correlation_id="gogent-1", title="Hydraulic pressure low", external_key="OPS-7",
        url="https://jira.example/browse/OPS-7", reason="rule 'Errors to Jira'",
    )  # fmt: skip
    result = PATTERN_TICKETS.call(context_of(pattern), {})
    (ticket,) = result.data["tickets"]
    assert (ticket["key"], ticket["status"], ticket["system"]) == ("OPS-7", "Open", "Jira")
    with pytest.raises(ToolRefused):
        PATTERN_TICKETS.call(context_of(pattern), {"pattern_id": 123456789})


def test_search_tickets_in_jira_through_its_client(pattern, jira_integration, fake_jira):
    jira.ticket_create(jira_integration, content("Hydraulic pressure low on press 4"), "g-1")
    jira.ticket_create(jira_integration, content("Conveyor jam on line 2"), "g-2")
    found = SEARCH_TICKETS.call(context_of(pattern), {"text": "Hydraulic PRESSURE"})
    assert [t["title"] for t in found.data["tickets"]] == ["Hydraulic pressure low on press 4"]
    assert found.data["words"] == ["hydraulic", "pressure"]
    search = fake_jira.requests("search")[-1]
    jql = (search.body or search.query)["jql"]
    assert jql == 'project = "OPS" AND text ~ "hydraulic pressure" ORDER BY updated DESC'


def test_search_tickets_in_servicenow_through_pysnow(pattern, snow_integration, fake_snow):
    servicenow.ticket_create(snow_integration, content("Hydraulic pressure low"), "g-1")
    servicenow.ticket_create(snow_integration, content("Conveyor jam"), "g-2")
    found = SEARCH_TICKETS.call(context_of(pattern), {"text": "pressure hydraulic"})
    assert [t["title"] for t in found.data["tickets"]] == ["Hydraulic pressure low"]
    query = SNOW_QUERIES(fake_snow)[-1]
    assert query == (
        "short_descriptionLIKEpressure^short_descriptionLIKEhydraulic^ORDERBYDESCsys_updated_on"
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_search_text_stays_words(text, pattern, jira_integration, snow_integration,
                                         fake_jira, fake_snow):  # fmt: skip
    try:
        found = SEARCH_TICKETS.call(context_of(pattern), {"text": text[:200]})
    except ToolRefused:
        return  # nothing searchable in it
    for word in found.data["words"]:
        assert word.isalnum() or "_" in word
        assert word == word.lower()
    search = fake_jira.requests("search")[-1]
    jql = (search.body or search.query)["jql"]
    assert jql.count('"') == 4 and "SECRET" not in jql and "ORDER BY created" not in jql
    # Lower-cased words: no ^NQ (a new query), no = (a condition) from the text.
    query = SNOW_QUERIES(fake_snow)[-1]
    assert "^NQ" not in query and "=" not in query


def test_search_tickets_is_offered_only_with_an_integration_and_fails_softly(pattern, db):
    assert "search_tickets" not in {tool.name for tool in tools_available()}
    Integration.objects.create(
        name="Down Jira", kind=Integration.Kind.JIRA, base_url="http://127.0.0.1:9",
        auth=Integration.Auth.TOKEN, secret="s3cret-token", project_key="OPS",
        timeout_seconds=0.5,
    )  # fmt: skip
    assert "search_tickets" in {tool.name for tool in tools_available()}
    with pytest.raises(ToolRefused) as refused:
        SEARCH_TICKETS.call(context_of(pattern), {"text": "pressure"})
    assert "s3cret-token" not in str(refused.value)
    assert str(refused.value).startswith("ticket search failed: Down Jira: cannot reach Jira")


def test_runbooks_match_by_service_host_place_and_words_most_specific_first(db):
    ContextRule.objects.create(name="lines", position=10, source="hostname",
                               pattern=r"plc-line(?P<line>\d+)", site="a")  # fmt: skip
    ingest(log("Modbus timeout reading register 7 from slave 3", host="plc-line3",
               service="press"))  # fmt: skip
    pattern = LogPattern.objects.get()
    general = Runbook.objects.create(title="Modbus basics", body="Check the cable.",
                                     template_words="modbus")  # fmt: skip
    specific = Runbook.objects.create(title="Line 3 press Modbus", body="Call Anna.",
                                      services="press", places="line = 3",
                                      template_words="modbus, slave")  # fmt: skip
    Runbook.objects.create(title="Other line", body="x", places="line = 4")
    Runbook.objects.create(title="Disabled", body="x", template_words="modbus", enabled=False)
    Runbook.objects.create(title="Boilers", body="x", template_words="boiler")
    assert runbooks_for_pattern(pattern) == [specific, general]
    found = FIND_RUNBOOKS.call(context_of(pattern), {})
    assert [r["title"] for r in found.data["runbooks"]] == ["Line 3 press Modbus", "Modbus basics"]
    long = Runbook.objects.create(title="Long", body="y" * 19_000, template_words="register")
    bodies = {
        r["title"]: r["body"] for r in FIND_RUNBOOKS.call(context_of(pattern), {}).data["runbooks"]
    }
    assert len(bodies.get(long.title, "")) <= 3000


def test_a_runbook_must_name_something_and_renders_no_script(db):
    with pytest.raises(ValidationError):
        Runbook(title="All", body="x").full_clean()
    html = runbook_html(
        "# Steps\n\n<script>alert(1)</script>\n\n[bad](javascript:alert(1)) [ok](https://wiki)"
    )
    assert "<script" not in html and "javascript:" not in html
    assert '<a href="https://wiki"' in html and "<h1>Steps</h1>" in html


def test_runbooks_on_the_pattern_page(admin_client, db):
    ingest(log("Modbus timeout reading register 7 from slave 3"))
    pattern = LogPattern.objects.get()
    body = "**Check** <img src=x onerror=alert(1)>"
    Runbook.objects.create(title="Modbus <b>basics</b>", body=body, template_words="modbus")
    page = admin_client.get(f"/patterns/{pattern.pk}/").content.decode()
    assert "Modbus &lt;b&gt;basics&lt;/b&gt;" in page
    assert "<strong>Check</strong>" in page and "onerror" not in page
