"""The integrations admin through real views: write-only secrets, Test connection, draft
review, and the audit log only admins see."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from analysis.models import Provider
from gogent.models import AuditEvent
from integrations.models import Integration, Ticket
from integrations.services import rules_evaluate
from tests.helpers.tickets import JIRA_TOKEN, analysis_done

pytestmark = pytest.mark.django_db

INTEGRATIONS = "/admin/integrations/integration/"
TICKETS = "/admin/integrations/ticket/"
AUDIT = "/admin/gogent/auditevent/"
NEW_TOKEN = "typed-token-5e0c1d9a-NEW"


def user_in(role: str):
    user = get_user_model().objects.create_user(role, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def form_data(integration: Integration, **overrides: object) -> dict[str, object]:
    """The change form as a browser posts it: secret fields blank, as rendered."""
    data: dict[str, object] = {
        "secret": "",
        "client_secret": "",
        **{
            name: getattr(integration, name)
            for name in [
                "name", "kind", "base_url", "instance", "auth", "username", "secret_env",
                "client_id", "client_secret_env", "timeout_seconds", "project_key",
                "issue_type", "reopen_transition", "table", "assignment_group", "category",
                "on_recurrence",
            ]
        },
        "labels": json.dumps(integration.labels),
        "priority_map": json.dumps(integration.priority_map),
        # Fields with a callable default carry their initial value in a hidden input.
        "initial-labels": json.dumps(integration.labels),
        "initial-priority_map": json.dumps(integration.priority_map),
    }  # fmt: skip
    for flag in ("enabled", "resolve_pattern_on_close"):
        if getattr(integration, flag):
            data[flag] = "on"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not False}


def test_the_change_page_never_contains_a_stored_secret(admin_client, jira_integration):
    page = admin_client.get(f"{INTEGRATIONS}{jira_integration.pk}/change/")

    html = page.content.decode()
    assert page.status_code == 200
    assert JIRA_TOKEN not in html
    field = re.search(r'<input type="password" name="secret"[^>]*>', html)[0]
    assert "value=" not in field
    assert "A password or token is stored; leave blank to keep it" in html


def test_a_view_only_page_shows_that_a_secret_is_stored(client, jira_integration):
    client.force_login(user_in("viewer"))

    page = client.get(f"{INTEGRATIONS}{jira_integration.pk}/change/")

    html = page.content.decode()
    assert page.status_code == 200
    assert JIRA_TOKEN not in html
    assert "Secret stored" in html


def test_saving_keeps_replaces_or_clears_the_secret_and_is_audited(
    admin_client, admin_user, jira_integration
):
    url = f"{INTEGRATIONS}{jira_integration.pk}/change/"
    Integration.objects.filter(pk=jira_integration.pk).update(auth_failed_at="2026-01-01T00:00Z")

    response = admin_client.post(url, form_data(jira_integration, project_key="PLANT"))

    assert response.status_code == 302, response.content.decode()[:3000]
    jira_integration.refresh_from_db()
    assert (jira_integration.secret, jira_integration.project_key) == (JIRA_TOKEN, "PLANT")
    assert jira_integration.auth_failed_at is None  # saved by an admin: rules may try again
    admin_client.post(url, form_data(jira_integration, secret=NEW_TOKEN))
    jira_integration.refresh_from_db()
    assert jira_integration.secret == NEW_TOKEN
    page = admin_client.post(url, form_data(jira_integration, clear_secret="on"))
    assert "A password or token is needed" in page.content.decode()  # a PAT needs one
    events = AuditEvent.objects.filter(action=AuditEvent.Action.CONFIG_CHANGED).order_by("pk")
    assert [(e.actor, e.object_repr, e.details) for e in events] == [
        (admin_user, "Plant Jira (Jira)", {"fields": ["Jira project key"]}),
        (admin_user, "Plant Jira (Jira)", {"fields": ["Secret"]}),
    ]
    assert NEW_TOKEN not in str(list(AuditEvent.objects.values_list("details", "reason")))


def test_the_admin_checks_what_the_kind_needs(admin_client, jira_integration):
    page = admin_client.post(
        f"{INTEGRATIONS}{jira_integration.pk}/change/", form_data(jira_integration, project_key="")
    )

    assert "Jira needs the key of the project issues go to" in page.content.decode()


def test_test_connection_shows_the_answer_or_the_exact_error(
    admin_client, jira_integration, snow_integration
):
    Integration.objects.filter(pk=snow_integration.pk).update(secret="wrong")

    page = admin_client.post(
        INTEGRATIONS,
        {"action": "test_connection", "_selected_action": [jira_integration.pk,
                                                           snow_integration.pk]},
        follow=True,
    )  # fmt: skip

    html = page.content.decode()
    assert "✓ Plant Jira:" in html
    assert "Jira 9.12.2 (Server), signed in as Gogent Bot, project OPS (Operations)" in html
    assert (
        "✗ Plant ServiceNow: ServiceNow refused the credentials (HTTP 401) to read the incident "
        "table: User Not Authenticated: Required to provide Auth information"
    ) in html


def test_operators_review_drafts_and_viewers_cannot(client, pattern, jira_integration, make_rule):
    analysis_done(pattern, confidence=0.3)
    make_rule(jira_integration)
    (draft,) = rules_evaluate(pattern=pattern)
    client.force_login(user_in("viewer"))
    page = client.get(TICKETS)
    assert page.status_code == 200
    assert "Approve draft" not in page.content.decode()

    client.force_login(user_in("operator"))
    page = client.post(TICKETS, {"action": "approve", "_selected_action": [draft.pk]}, follow=True)

    assert "Approved: 1 ticket." in page.content.decode()
    draft.refresh_from_db()
    assert draft.status == Ticket.Status.PENDING
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DRAFT_APPROVED, actor__username="operator"
    ).exists()


def test_the_audit_log_is_for_admins(client, admin_client, jira_integration):
    Provider.objects.create(name="Cloud", kind=Provider.Kind.OPENAI, api_key="sk-x")
    provider = Provider.objects.get(name="Cloud")
    admin_client.post(
        "/admin/analysis/provider/",
        {"action": "delete_selected", "_selected_action": [provider.pk], "post": "yes"},
    )

    page = admin_client.get(AUDIT)
    assert page.status_code == 200
    assert "Cloud (OpenAI, deepseek-r1:1.5b)" in page.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.CONFIG_DELETED)
    assert (event.object_type, event.actor_label) == ("analysis.provider", "admin")

    client.force_login(user_in("operator"))
    assert client.get(AUDIT).status_code == 403
