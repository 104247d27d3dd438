"""`manage.py apply_config` with [[integrations]] and [[rules]]: one transaction with
[[providers]], matched by name, secrets write-only, audited."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analysis.models import Provider
from gogent.models import AuditEvent
from integrations.models import Integration, TicketRule
from logs.models import Severity
from tests.analysis.test_apply_config import apply, apply_error
from tests.helpers.processes import BASE_DIR

pytestmark = pytest.mark.django_db

LITERAL = "literal-token-0d9c7b1e-SECRET"
JIRA = """
[[integrations]]
name = "Plant Jira"
kind = "jira"
base_url = "https://acme.atlassian.net"
auth = "token"
secret_env = "GOGENT_SECRET_JIRA_PAT"
project_key = "OPS"
labels = ["gogent"]
"""
SNOW = """
[[integrations]]
name = "ServiceNow"
kind = "servicenow"
instance = "acme"
username = "gogent"
secret_env = "GOGENT_SECRET_SNOW_PASSWORD"
[integrations.priority_map]
critical = { urgency = 1, impact = 1 }
"""
RULE = """
[[rules]]
name = "Critical to Jira"
integration = "Plant Jira"
min_severity = "critical"
min_occurrences = 3
services = ["press*", "line-?"]
min_confidence = 0.8
"""


def test_integrations_and_rules_are_created_and_a_second_run_writes_nothing():
    output = apply(JIRA + SNOW + RULE)

    assert "integrations:\n  created (2): Plant Jira, ServiceNow" in output
    assert "rules:\n  created (1): Critical to Jira" in output
    jira = Integration.objects.get(name="Plant Jira")
    assert (jira.auth, jira.secret_env, jira.labels, jira.issue_type) == (
        "token", "GOGENT_SECRET_JIRA_PAT", ["gogent"], "Task",
    )  # fmt: skip
    snow = Integration.objects.get(kind="servicenow")
    assert snow.priority_map == {"critical": {"urgency": 1, "impact": 1}}
    rule = TicketRule.objects.get()
    assert (rule.integration, rule.min_severity, rule.services, rule.min_confidence) == (
        jira, Severity.CRITICAL, "press*, line-?", 0.8,
    )  # fmt: skip

    with CaptureQueriesContext(connection) as queries:
        again = apply(JIRA + SNOW + RULE)

    assert "unchanged (2): Plant Jira, ServiceNow" in again
    assert "unchanged (1): Critical to Jira" in again
    writes = [q["sql"] for q in queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


def test_a_change_updates_the_row_and_is_audited_by_key_name():
    apply(JIRA + RULE)

    output = apply(JIRA.replace('"OPS"', '"PLANT"') + RULE.replace("= 3", "= 5"))

    assert "updated (1): Plant Jira (project_key)" in output
    assert "updated (1): Critical to Jira (min_occurrences)" in output
    changed = AuditEvent.objects.filter(action=AuditEvent.Action.CONFIG_CHANGED).order_by("pk")
    assert [(e.object_type, e.object_repr, e.details, e.actor_label) for e in changed] == [
        ("integrations.integration", "Plant Jira", {"keys": ["project_key"]}, "apply_config stdin"),
        ("integrations.ticketrule", "Critical to Jira", {"keys": ["min_occurrences"]},
         "apply_config stdin"),
    ]  # fmt: skip


def test_a_rule_naming_an_unknown_integration_applies_nothing_of_the_file():
    text = (
        '[[providers]]\nname = "New LLM"\nkind = "ollama"\n'
        + JIRA
        + RULE.replace('"Plant Jira"', '"Plant Jria"')
    )

    error = apply_error(text)

    assert "[[rules]] #1 (Critical to Jira): no integration is named 'Plant Jria'" in error
    assert not Integration.objects.exists()
    assert not Provider.objects.filter(name="New LLM").exists()
    assert not AuditEvent.objects.exists()


def test_a_rule_accepts_offline_analyses_only_when_the_file_says_so():
    apply(JIRA + RULE)
    assert TicketRule.objects.get().accept_offline is False

    output = apply(JIRA + RULE + "accept_offline = true\n")

    assert "updated (1): Critical to Jira (accept_offline)" in output
    assert TicketRule.objects.get().accept_offline is True
    error = apply_error(JIRA + RULE + 'accept_offline = "yes"\n')
    assert "[[rules]] #1 (Critical to Jira): accept_offline must be true or false" in error


def test_a_rule_acts_on_the_models_judgement_only_when_the_file_says_so():
    apply(JIRA + RULE)
    assert TicketRule.objects.get().act_on_model_judgement is False

    output = apply(JIRA + RULE + "act_on_model_judgement = true\n")

    assert "updated (1): Critical to Jira (act_on_model_judgement)" in output
    assert TicketRule.objects.get().act_on_model_judgement is True


def test_kind_rules_are_the_admins():
    error = apply_error(
        '[[integrations]]\nname = "J"\nkind = "jira"\nauth = "oauth"\n'
        '[[integrations]]\nname = "S"\nkind = "servicenow"\ninstance = "a"\n'
        'base_url = "https://snow.example.com"\nsecret_env = "1BAD"\nlabels = ["two words"]\n'
    )

    for problem in (
        "[[integrations]] #1 (J): base_url: Jira needs the site URL",
        "[[integrations]] #1 (J): project_key: Jira needs the key of the project",
        "[[integrations]] #1 (J): auth: OAuth is for ServiceNow",
        "[[integrations]] #1 (J): secret: A password or token is needed",
        "[[integrations]] #2 (S): instance: ServiceNow needs either the instance name",
        "[[integrations]] #2 (S): secret_env: Not an environment variable name",
        "[[integrations]] #2 (S): labels: Labels are a list of words without spaces",
    ):
        assert problem in error


def test_types_unknown_keys_and_severities_are_reported():
    error = apply_error(
        JIRA + '[[rules]]\nname = "R"\nintegration = "Plant Jira"\nmin_severity = "loud"\n'
        'cooldown = 5\nmin_confidence = "high"\n'
    )

    assert "[[rules]] #1 (R): unknown key(s) 'cooldown'; allowed: " in error
    assert "[[rules]] #1 (R): min_confidence must be a number, not a string" in error
    error = apply_error(JIRA + '[[rules]]\nname = "R"\nintegration = "Plant Jira"\n'
                        'min_severity = "loud"\n')  # fmt: skip
    assert "min_severity 'loud' is not one of DEBUG, INFO, NOTICE, WARNING" in error


def test_a_literal_secret_is_stored_with_a_warning_and_never_printed_or_audited():
    text = JIRA.replace('secret_env = "GOGENT_SECRET_JIRA_PAT"', f'secret = "{LITERAL}"')

    output = apply(text)

    assert Integration.objects.get().secret == LITERAL
    assert "warning: Plant Jira: a secret is written in the file" in output
    assert LITERAL not in output
    output = apply(text.replace(LITERAL, "another-token"))
    assert "updated (1): Plant Jira (secret)" in output
    assert LITERAL not in str(list(AuditEvent.objects.values_list("details", "reason")))


def test_a_secret_stored_in_admin_survives_a_file_without_one():
    apply(JIRA)
    Integration.objects.update(secret=LITERAL)

    assert "unchanged (1): Plant Jira" in apply(JIRA)
    assert Integration.objects.get().secret == LITERAL


def test_prune_disables_what_the_files_sections_leave_out():
    apply(JIRA + SNOW + RULE)
    provider_count = Provider.objects.filter(enabled=True).count()

    output = apply("prune = true\n" + SNOW.replace('"ServiceNow"', '"ServiceNow"'))

    assert "disabled (1): Plant Jira" in output
    assert not Integration.objects.get(name="Plant Jira").enabled
    assert Integration.objects.get(name="ServiceNow").enabled
    # The file has no [[providers]] nor [[rules]]: those are left alone.
    assert Provider.objects.filter(enabled=True).count() == provider_count
    assert TicketRule.objects.get().enabled


def test_a_dry_run_checks_rules_against_the_files_integrations_and_writes_nothing():
    output = apply(JIRA + RULE, "--dry-run")

    assert output.startswith("Dry run: nothing was written.")
    assert "created (1): Critical to Jira" in output
    assert not Integration.objects.exists() and not TicketRule.objects.exists()
    assert not AuditEvent.objects.exists()


def test_the_documented_example_configures_tickets_too():
    path = str(BASE_DIR / "docs" / "config.example.toml")
    out = StringIO()
    call_command("apply_config", path, stdout=out)

    assert "warning" not in out.getvalue()
    jira = Integration.objects.get(kind="jira")
    snow = Integration.objects.get(kind="servicenow")
    assert (jira.on_recurrence, snow.on_recurrence, snow.auth) == ("reopen", "new", "oauth")
    assert snow.priorities()["high"] == {"urgency": 1, "impact": 2}
    assert TicketRule.objects.filter(integration=snow).get().services == "press*, hydraulics"
    again = StringIO()
    call_command("apply_config", path, stdout=again)
    assert "created (" not in again.getvalue().replace("created (0)", "")
    assert "updated (" not in again.getvalue().replace("updated (0)", "")
