"""The admin and `manage.py apply_config` validate integrations and ticket rules with the same
forms: a value one refuses, the other refuses for the same reasons; a value one accepts,
the other stores the same way."""

from __future__ import annotations

import pytest

from integrations.models import Integration, TicketRule
from logs.models import Severity
from tests.analysis.test_apply_config import apply
from tests.analysis.test_config_forms import admin_refusal, file_refusal, toml_table
from tests.helpers.tickets import jira_integration_at
from tests.integrations.test_admin import INTEGRATIONS, form_data

pytestmark = pytest.mark.django_db

RULES = "/admin/integrations/ticketrule/"
JIRA = {
    "kind": "jira",
    "base_url": "https://acme.atlassian.net",
    "auth": "token",
    "secret_env": "GOGENT_SECRET_JIRA_PAT",
    "project_key": "OPS",
    "labels": ["gogent"],
}
RULE = {
    "min_severity": "CRITICAL",
    "min_occurrences": 3,
    "window_minutes": 15,
    "min_confidence": 0.8,
    "services": ["press*", "line-?"],
}


def rule_form_data(integration: Integration, **overrides: object) -> dict[str, object]:
    """The rule's add form as a browser posts it, for RULE."""
    data: dict[str, object] = {
        "name": "Checked",
        "integration": integration.pk,
        "enabled": "on",
        "min_severity": Severity.CRITICAL.value,
        "min_occurrences": 3,
        "window_minutes": 15,
        "require_recommendation": "on",
        "min_confidence": 0.8,
        "services": "press*, line-?",
        "hosts": "",
        "cooldown_minutes": 60,
    }
    return data | overrides


@pytest.mark.parametrize(
    ("changed"),
    [
        {"secret_env": "SECRET_KEY"},
        {"timeout_seconds": 500},
        {"auth": "oauth"},
        {"labels": ["two words"]},
        {"priority_map": {"urgent": "High"}},
        {"project_key": ""},
        {"base_url": "not a url"},
    ],
)
def test_an_integration_the_admin_refuses_the_file_refuses_for_the_same_reasons(
    admin_client, changed
):
    fields = JIRA | changed
    page = admin_client.post(f"{INTEGRATIONS}add/", form_data(Integration(name="J", **fields)))
    refused_in_admin = admin_refusal(page)

    refused_in_file = file_refusal(
        toml_table("integrations", name="J", **fields), "integrations", "J"
    )

    assert refused_in_admin
    assert refused_in_file == refused_in_admin
    assert not Integration.objects.exists()


@pytest.mark.parametrize(
    ("admin_fields", "file_fields"),
    [
        ({"min_confidence": 1.5}, {"min_confidence": 1.5}),
        ({"min_occurrences": 0}, {"min_occurrences": 0}),
        ({"window_minutes": -5}, {"window_minutes": -5}),
        ({"hosts": "x" * 501}, {"hosts": "x" * 501}),
    ],
)
def test_a_rule_the_admin_refuses_the_file_refuses_for_the_same_reasons(
    admin_client, admin_fields, file_fields
):
    integration = jira_integration_at("https://acme.atlassian.net")
    page = admin_client.post(f"{RULES}add/", rule_form_data(integration, **admin_fields))
    refused_in_admin = admin_refusal(page)

    text = toml_table("rules", name="Checked", integration=integration.name, **(RULE | file_fields))
    refused_in_file = file_refusal(text, "rules", "Checked")

    assert refused_in_admin
    assert refused_in_file == refused_in_admin
    assert not TicketRule.objects.exists()


def test_what_the_admin_accepts_the_file_stores_the_same_way(admin_client):
    # No scheme: https, for both (credentials must not go out in clear text).
    fields = JIRA | {"base_url": "acme.atlassian.net", "priority_map": {"high": "Highest"}}
    page = admin_client.post(
        f"{INTEGRATIONS}add/", form_data(Integration(name="By admin", **fields))
    )
    assert page.status_code == 302
    by_admin = Integration.objects.get(name="By admin")
    page = admin_client.post(f"{RULES}add/", rule_form_data(by_admin, name="By admin"))
    assert page.status_code == 302

    apply(
        toml_table("integrations", name="By file", **fields)
        + "\n"
        + toml_table("rules", name="By file", integration="By file", **RULE)
    )

    by_file = Integration.objects.get(name="By file")
    assert by_file.base_url == by_admin.base_url == "https://acme.atlassian.net"
    compared = ["kind", "auth", "secret_env", "project_key", "labels", "priority_map"]
    assert [getattr(by_file, f) for f in compared] == [getattr(by_admin, f) for f in compared]
    rule_by_admin, rule_by_file = (
        TicketRule.objects.get(name="By admin"),
        TicketRule.objects.get(name="By file"),
    )
    compared = ["min_severity", "min_occurrences", "window_minutes", "min_confidence", "services"]
    assert [getattr(rule_by_file, f) for f in compared] == [
        getattr(rule_by_admin, f) for f in compared
    ]
    assert (rule_by_file.integration, rule_by_admin.integration) == (by_file, by_admin)
