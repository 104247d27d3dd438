"""Plant context on tickets: ticket rules scoped to places, and each integration's
plant_fields carrying the pattern's site, line… to Jira labels and components and to
ServiceNow fields, through the real client libraries against fake servers."""

from __future__ import annotations

import pytest

from integrations.forms import integration_problems
from integrations.models import Integration, Ticket
from integrations.selectors import rule_match
from integrations.services import ticket_open
from logs.models import ContextRule, LogPattern
from tests.fakes.jira import FakeJira
from tests.helpers.analysis import ingest, log
from tests.helpers.tickets import JIRA_TOKEN, deliver, jira_integration_at

pytestmark = pytest.mark.production


@pytest.fixture
def placed(db) -> LogPattern:
    ContextRule.objects.create(
        name="line from PLC names", position=1, source="hostname",
        pattern=r"plc-line(?P<line>\d+)", site="plant a",
    )  # fmt: skip
    ContextRule.objects.create(
        name="asset", position=2, source="context", context_field="asset", assign_to="asset"
    )
    press = log("Hydraulic pressure 112 bar below threshold on press 4", host="plc-line3-a")
    press["context"] = {"asset": "press-4"}
    other = {**press, "hostname": "plc-line5-b"}
    ingest(press, press, other)
    return LogPattern.objects.get()


def test_a_rule_scoped_to_a_line_matches_patterns_seen_on_it(placed, jira_integration, make_rule):
    on_line_3 = make_rule(jira_integration, places="line = 3", require_recommendation=False,
                          min_confidence=0)  # fmt: skip
    on_line_7 = make_rule(jira_integration, places="site = plant*, line = 7",
                          require_recommendation=False, min_confidence=0)  # fmt: skip

    assert rule_match(rule=on_line_3, pattern=placed, analysis=None) is not None
    assert rule_match(rule=on_line_7, pattern=placed, analysis=None) is None


def test_jira_issues_carry_the_place_as_labels_and_components(placed, admin_user):
    with FakeJira(token=JIRA_TOKEN, components={"OPS": {"press-4"}}) as jira:
        integration = jira_integration_at(
            jira.url, plant_fields={"labels": ["site", "line"], "components": ["asset"]}
        )
        ticket = deliver(ticket_open(pattern=placed, integration=integration, user=admin_user))

        assert ticket.status == Ticket.Status.OPEN, ticket.error
        (issue,) = jira.issues.values()
        # The most frequent line (3: two logs of three); a label has no spaces.
        assert {"site-plant_a", "line-3"} <= set(issue["labels"])
        assert issue["fields"]["components"] == [{"name": "press-4"}]
        assert "Lines" in issue["fields"]["description"]


def test_a_component_jira_does_not_know_fails_the_ticket_with_jiras_words(placed, admin_user):
    with FakeJira(token=JIRA_TOKEN) as jira:
        integration = jira_integration_at(jira.url, plant_fields={"components": ["asset"]})
        ticket = deliver(ticket_open(pattern=placed, integration=integration, user=admin_user))

        assert ticket.status == Ticket.Status.FAILED
        assert "Component name 'press-4' is not valid" in ticket.error


def test_servicenow_records_carry_the_place_in_the_mapped_fields(
    placed, snow_integration, fake_snow, admin_user
):
    snow_integration.plant_fields = {"u_line": "line", "location": "site", "cmdb_ci": "cell"}
    snow_integration.save()
    ticket = deliver(ticket_open(pattern=placed, integration=snow_integration, user=admin_user))

    assert ticket.status == Ticket.Status.OPEN, ticket.error
    (record,) = fake_snow.records.values()
    assert (record["u_line"], record["location"]) == ("3", "plant a")
    assert "cmdb_ci" not in record  # no rule gives a cell: the field is left alone


@pytest.mark.parametrize(
    ("kind", "mapping", "message"),
    [
        (Integration.Kind.JIRA, {"fixVersions": ["line"]}, 'Jira takes "labels"'),
        (Integration.Kind.JIRA, {"labels": ["room"]}, "a list of keys"),
        (Integration.Kind.SERVICENOW, {"short_description": "line"}, "written by Gogent"),
        (Integration.Kind.SERVICENOW, {"u_line": "room"}, "takes one of"),
        (Integration.Kind.SERVICENOW, {"U Line!": "line"}, "not a ServiceNow field name"),
    ],
)
def test_plant_fields_that_cannot_be_sent_are_refused(db, kind, mapping, message):
    integration = Integration(name="x", kind=kind, plant_fields=mapping)
    assert message in integration_problems(integration).get("plant_fields", "")
