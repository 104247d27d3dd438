"""What differs between sites: Jira Cloud and Server, ServiceNow OAuth, workflows without a
way back, connection checks; through the real clients against the fakes."""

from __future__ import annotations

import pytest

from integrations import jira, servicenow
from integrations.models import Integration, Ticket
from integrations.remote import Section, TicketContent, TicketError
from integrations.services import integration_test, ticket_deliver, ticket_open, tickets_sync
from tests.fakes.jira import FakeJira, Fault
from tests.fakes.servicenow import FakeServiceNow
from tests.helpers.tickets import deliver

pytestmark = pytest.mark.django_db

CONTENT = TicketContent(
    title="[ERROR] Sensor [code]<b>x</b>[/code]",
    sections=(Section("Recent logs", code=("[code]<script>alert(1)</script>[/code]",)),),
    link="https://gogent.example.com/patterns/1/",
    priority="low",
)


def test_jira_cloud_signs_in_with_an_api_token_and_searches_with_jql(pattern, admin_user):
    with FakeJira(user="bot@acme.example", password="api-token", cloud=True) as fake:
        integration = Integration.objects.create(
            name="Cloud", kind=Integration.Kind.JIRA, base_url=fake.url,
            username="bot@acme.example", secret="api-token", project_key="OPS",
            timeout_seconds=1,
        )  # fmt: skip
        fake.fail("create", Fault.after(3))

        ticket = deliver(ticket_open(pattern=pattern, integration=integration, user=admin_user))

        assert ticket.external_key == "OPS-1" and len(fake.issues) == 1
        assert {r.path for r in fake.requests("search")} == {"/rest/api/2/search/jql"}


def test_a_named_reopen_transition_that_the_workflow_lacks_leads_to_a_new_issue(
    pattern, admin_user
):
    with FakeJira(token="pat", reopen=False) as fake:
        integration = Integration.objects.create(
            name="Strict", kind=Integration.Kind.JIRA, base_url=fake.url,
            auth=Integration.Auth.TOKEN, secret="pat", project_key="OPS", timeout_seconds=1,
        )  # fmt: skip
        first = deliver(ticket_open(pattern=pattern, integration=integration, user=admin_user))
        fake.close("OPS-1")
        tickets_sync()

        deliver(ticket_open(pattern=pattern, integration=integration, user=admin_user))

        first.refresh_from_db()
        assert first.status == Ticket.Status.CLOSED
        assert first.error == ("issue 10001 has no transition out of done (available: none)")
        second = Ticket.objects.exclude(pk=first.pk).get()
        assert deliver(second).external_key == "OPS-2"


def test_servicenow_oauth_gets_a_token_with_the_password_grant(pattern, admin_user, monkeypatch):
    # oauthlib refuses http:// unless told it is a local test; real instances are https.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    with FakeServiceNow(user="gogent", password="pw", client_id="cid", client_secret="cs") as fake:
        integration = Integration.objects.create(
            name="SN", kind=Integration.Kind.SERVICENOW, base_url=fake.url,
            auth=Integration.Auth.OAUTH, username="gogent", secret="pw", client_id="cid",
            client_secret="cs", timeout_seconds=1,
        )  # fmt: skip

        ticket = deliver(ticket_open(pattern=pattern, integration=integration, user=admin_user))

        assert ticket.external_key == "INC0010001"
        assert len(fake.requests("token")) == 2  # one per call's client: search, create
        Integration.objects.filter(pk=integration.pk).update(client_secret="wrong")
        check = integration_test(integration=Integration.objects.get(pk=integration.pk))
        assert not check.ok
        assert check.detail.startswith("ServiceNow refused the OAuth credentials")


def test_servicenow_text_defuses_code_tags(db):
    text = servicenow.plain_text(CONTENT)

    assert "[code]" not in text.lower() and "[ code ]<script>" in text


def test_a_failed_ticket_asked_for_again_keeps_its_correlation_id(
    pattern, jira_integration, fake_jira, admin_user, settings
):
    settings.TICKETS_MAX_ATTEMPTS = 1
    fake_jira.fail("create", Fault.after(4))  # created remotely, the reply lost
    ticket = ticket_open(pattern=pattern, integration=jira_integration, user=admin_user)
    assert ticket_deliver(ticket_id=ticket.pk) is None
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.FAILED

    again = ticket_open(pattern=pattern, integration=jira_integration, user=admin_user)

    assert again.pk == ticket.pk and again.status == Ticket.Status.PENDING
    assert deliver(again).status == Ticket.Status.OPEN
    assert len(fake_jira.issues) == 1


def test_connection_checks_name_what_is_wrong(jira_integration, fake_jira):
    Integration.objects.filter(pk=jira_integration.pk).update(project_key="NOPE")
    check = integration_test(integration=Integration.objects.get(pk=jira_integration.pk))

    assert not check.ok
    assert check.detail == (
        "Jira refused (HTTP 404) to read project NOPE: No project could be found with key 'NOPE'."
    )
    integration = Integration(
        name="x", kind="jira", base_url="http://127.0.0.1:9", auth="token", secret="s",
        project_key="OPS", timeout_seconds=1,
    )  # fmt: skip
    with pytest.raises(TicketError, match=r"cannot reach Jira at http://127.0.0.1:9 \(connect\)"):
        jira.connection_test(integration)
