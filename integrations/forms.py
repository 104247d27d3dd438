"""The integration and ticket rule forms: every rule each must meet, however configured.

The admin edits integrations and rules with these forms and `manage.py apply_config`
binds each [[integrations]] and [[rules]] table to them (integrations.config), so the
two accept and refuse the same values with the same messages.
"""

from __future__ import annotations

from django import forms

from gogent.forms import WriteOnlySecretsForm, https_url_field, secret_field
from gogent.secrets_env import env_name_problem
from integrations.models import PRIORITIES, Integration, TicketRule

NO_CREDENTIAL = (
    "A password or token is needed: as the secret, or in the environment variable named by "
    "the secret environment variable."
)
NO_CLIENT_CREDENTIAL = "OAuth needs the client secret (or the variable that holds it)."
INTEGRATION_FIELDS: tuple[str, ...] = tuple(
    f.name for f in Integration._meta.concrete_fields if f.editable and not f.primary_key
)


def integration_problems(integration: Integration) -> dict[str, str]:
    """What an integration lacks for its kind, by field name; empty when it can be used."""
    problems: dict[str, str] = {}
    jira = integration.kind == Integration.Kind.JIRA
    if jira:
        if not integration.base_url:
            problems["base_url"] = "Jira needs the site URL, e.g. https://acme.atlassian.net."
        if not integration.project_key:
            problems["project_key"] = "Jira needs the key of the project issues go to (OPS)."
        if not integration.issue_type:
            problems["issue_type"] = "Jira needs an issue type, e.g. Task or Bug."
        if integration.auth == Integration.Auth.OAUTH:
            problems["auth"] = "OAuth is for ServiceNow; Jira takes a user and API token or a PAT."
    else:
        if bool(integration.instance) == bool(integration.base_url):
            problems["instance"] = (
                "ServiceNow needs either the instance name (acme for acme.service-now.com) "
                "or the base URL, not both."
            )
        if not integration.table:
            problems["table"] = "ServiceNow needs a table, usually incident."
        if integration.auth == Integration.Auth.TOKEN:
            problems["auth"] = (
                "Personal access tokens are for Jira; ServiceNow takes basic or OAuth."
            )
    for env_field in ("secret_env", "client_secret_env"):
        value = getattr(integration, env_field)
        if env_problem := env_name_problem(value, example="JIRA_API_TOKEN"):
            problems[env_field] = env_problem
    if integration.auth != Integration.Auth.TOKEN and not integration.username:
        problems["username"] = "A user name is needed (Jira Cloud: the account's e-mail)."
    if not integration.has_secret and "secret_env" not in problems:
        problems["secret"] = NO_CREDENTIAL
    if integration.auth == Integration.Auth.OAUTH:
        if not integration.client_id:
            problems["client_id"] = "OAuth needs the client id of the ServiceNow application."
        if not (integration.client_secret or integration.client_secret_env):
            problems["client_secret"] = NO_CLIENT_CREDENTIAL
    labels = integration.labels
    if not isinstance(labels, list) or not all(
        isinstance(label, str) and label and not any(c.isspace() for c in label) for label in labels
    ):
        problems["labels"] = 'Labels are a list of words without spaces, e.g. ["gogent"].'
    problem = _priority_map_problem(integration)
    if problem:
        problems["priority_map"] = problem
    return problems


def _priority_map_problem(integration: Integration) -> str:
    mapping = integration.priority_map
    if not isinstance(mapping, dict):
        return "The priority map is a table: analysis priority to the ticket's."
    unknown = sorted(set(mapping) - set(PRIORITIES))
    if unknown:
        return f"Unknown priorities {', '.join(unknown)}; use {', '.join(PRIORITIES)}."
    for value in mapping.values():
        if integration.kind == Integration.Kind.JIRA:
            if not isinstance(value, str):
                return 'Jira priorities are names, e.g. {"high": "High"}.'
        elif not (
            isinstance(value, dict)
            and set(value) <= {"urgency", "impact"}
            and all(v in (1, 2, 3) for v in value.values())
        ):
            return 'ServiceNow priorities are {"urgency": 1-3, "impact": 1-3}.'
    return ""


def rule_problems(rule: TicketRule) -> dict[str, str]:
    problems: dict[str, str] = {}
    if rule.min_occurrences < 1:
        problems["min_occurrences"] = "At least 1."
    return problems


class IntegrationForm(WriteOnlySecretsForm):
    """Secrets are write-only: a stored secret is never a value of this form."""

    secrets = {"secret": "password or token", "client_secret": "client secret"}
    secret = secret_field("Secret")
    clear_secret = forms.BooleanField(label="Clear stored secret", required=False)
    client_secret = secret_field("OAuth client secret")
    clear_client_secret = forms.BooleanField(label="Clear stored client secret", required=False)
    base_url = https_url_field(Integration)
    instance_problems = staticmethod(integration_problems)

    class Meta:
        model = Integration
        fields = INTEGRATION_FIELDS


class TicketRuleForm(forms.ModelForm):
    class Meta:
        model = TicketRule
        fields = [
            "name", "integration", "enabled", "min_severity", "min_occurrences",
            "window_minutes", "require_recommendation", "min_confidence", "accept_offline",
            "act_on_model_judgement", "services", "hosts", "cooldown_minutes",
        ]  # fmt: skip

    def _post_clean(self) -> None:
        super()._post_clean()
        for name, message in rule_problems(self.instance).items():
            self.add_error(name if name in self.fields else None, message)
