"""The integration, ticket rule, channel and notification rule forms: every rule each must
meet, however configured.

The admin edits them with these forms and `manage.py apply_config` binds each
[[integrations]], [[rules]], [[channels]] and [[notification_rules]] table to them
(integrations.config), so the two accept and refuse the same values with the same messages.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from gogent.forms import WriteOnlySecretsForm, https_url_field, secret_field
from gogent.secrets_env import env_name_problem
from integrations.models import (
    PRIORITIES,
    Channel,
    Integration,
    NotificationRule,
    RemediationAction,
    TicketRule,
)
from logs.models import PLANT_KEYS

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
    problem = _plant_fields_problem(integration)
    if problem:
        problems["plant_fields"] = problem
    return problems


# What Gogent writes itself on a ServiceNow record: a mapping cannot take them over.
SERVICENOW_OWN_FIELDS = frozenset(
    {"short_description", "description", "correlation_id", "correlation_display", "state",
     "work_notes", "urgency", "impact", "assignment_group", "category", "sys_id"}
)  # fmt: skip
SERVICENOW_FIELD = re.compile(r"[a-z][a-z0-9_]{0,79}")


def _plant_fields_problem(integration: Integration) -> str:
    mapping = integration.plant_fields
    keys = ", ".join(PLANT_KEYS)
    if not isinstance(mapping, dict):
        return "A table: see the examples below."
    if integration.kind == Integration.Kind.JIRA:
        if set(mapping) - {"labels", "components"}:
            return 'Jira takes "labels" and "components", each a list of keys.'
        for target, wanted in mapping.items():
            if not isinstance(wanted, list) or not set(wanted) <= set(PLANT_KEYS):
                return f'"{target}" is a list of keys among {keys}.'
        return ""
    for field_name, key in mapping.items():
        if not SERVICENOW_FIELD.fullmatch(field_name):
            return f"{field_name[:80]!r} is not a ServiceNow field name (u_line, location)."
        if field_name in SERVICENOW_OWN_FIELDS:
            return f"{field_name} is written by Gogent itself; choose another field."
        if key not in PLANT_KEYS:
            return f"{field_name} takes one of {keys}."
    return ""


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
            "act_on_model_judgement", "services", "hosts", "places", "cooldown_minutes",
        ]  # fmt: skip

    def _post_clean(self) -> None:
        super()._post_clean()
        for name, message in rule_problems(self.instance).items():
            self.add_error(name if name in self.fields else None, message)


# --- Notifications ----------------------------------------------------------------------

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
NO_URL = (
    "A webhook URL is needed: as the URL, or in the environment variable named by the "
    "webhook URL environment variable."
)
CHANNEL_FIELDS: tuple[str, ...] = tuple(
    f.name for f in Channel._meta.concrete_fields if f.editable and not f.primary_key
)


def _url_problem(url: str) -> str:
    """Why a typed webhook URL cannot be used; never quotes it (it holds a token)."""
    try:
        URLValidator(schemes=["https", "http"])(url)
        parts = urlsplit(url)
    except (ValidationError, ValueError):
        return "The webhook URL is not a valid http(s) URL (it is not shown: it holds a token)."
    if parts.scheme == "http" and (parts.hostname or "") not in LOOPBACK_HOSTS:
        return "The webhook URL must use https: its token must not cross the network in clear."
    return ""


def _address_problem(value: str, label: str) -> str:
    try:
        validate_email(value)
    except ValidationError:
        return f"{label}: {value!r} is not an e-mail address."
    return ""


def channel_problems(channel: Channel) -> dict[str, str]:
    """What a channel lacks for its kind, by field name; empty when it can be used."""
    problems: dict[str, str] = {}
    for env_field in ("url_env", "signing_secret_env", "smtp_password_env"):
        if env_problem := env_name_problem(getattr(channel, env_field), example="SLACK_WEBHOOK"):
            problems[env_field] = env_problem
    if channel.kind == Channel.Kind.EMAIL:
        if not channel.smtp_host:
            problems["smtp_host"] = "E-mail needs the SMTP server's host name."
        if not channel.email_from:
            problems["email_from"] = "E-mail needs a From address."
        elif problem := _address_problem(channel.email_from, "From"):
            problems["email_from"] = problem
        recipients = channel.recipients()
        if not recipients:
            problems["email_to"] = "E-mail needs at least one To address."
        for address in recipients:
            if problem := _address_problem(address, "To"):
                problems["email_to"] = problem
                break
        has_password = bool(channel.smtp_password or channel.smtp_password_env)
        if channel.smtp_username and not has_password:
            problems["smtp_password"] = "A user needs a password (or the variable that holds it)."  # noqa: S105
        if (
            channel.smtp_username
            and channel.smtp_security == Channel.Security.NONE
            and channel.smtp_host not in LOOPBACK_HOSTS
        ):
            problems["smtp_security"] = (
                "Without TLS the password would cross the network in clear: use STARTTLS or "
                "TLS, or a relay on this host."
            )
        return problems
    if not (channel.url or channel.url_env) and "url_env" not in problems:
        problems["url"] = NO_URL
    elif isinstance(channel.url, str) and channel.url and (problem := _url_problem(channel.url)):
        problems["url"] = problem
    if channel.kind != Channel.Kind.WEBHOOK and (
        channel.signing_secret or channel.signing_secret_env
    ):
        problems["signing_secret"] = "Only JSON webhooks are signed; clear the signing secret."  # noqa: S105
    return problems


def notification_rule_problems(rule: NotificationRule) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not rule.events:
        problems["events"] = "Choose at least one event."
    if rule.wants(NotificationRule.Event.THRESHOLD):
        if rule.threshold_count < 1:
            problems["threshold_count"] = "At least 1."
        if rule.threshold_minutes < 1:
            problems["threshold_minutes"] = "At least 1 minute."
    return problems


class ChannelForm(WriteOnlySecretsForm):
    """Secrets are write-only: the webhook URL (its path is a token), the signing secret and
    the SMTP password are never values of this form."""

    secrets = {
        "url": "webhook URL",
        "signing_secret": "signing secret",
        "smtp_password": "SMTP password",
    }
    url = secret_field("Webhook URL")
    clear_url = forms.BooleanField(label="Clear stored webhook URL", required=False)
    signing_secret = secret_field("Signing secret")
    clear_signing_secret = forms.BooleanField(label="Clear stored signing secret", required=False)
    smtp_password = secret_field("SMTP password")
    clear_smtp_password = forms.BooleanField(label="Clear stored SMTP password", required=False)
    instance_problems = staticmethod(channel_problems)

    class Meta:
        model = Channel
        fields = CHANNEL_FIELDS


class NotificationRuleForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=NotificationRule.Event.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Pattern events pass the filters below; site events (ingest, providers, "
        "maintenance) go to every rule that chooses them.",
    )

    class Meta:
        model = NotificationRule
        fields = [
            "name", "channel", "enabled", "events", "min_severity", "services", "hosts", "places",
            "threshold_count", "threshold_minutes", "group_seconds", "cooldown_minutes",
        ]  # fmt: skip

    def _post_clean(self) -> None:
        super()._post_clean()
        for name, message in notification_rule_problems(self.instance).items():
            self.add_error(name if name in self.fields else None, message)


# --- Remediation actions ----------------------------------------------------------------


class RemediationActionForm(forms.ModelForm):
    url = https_url_field(RemediationAction, "url", "URL")

    class Meta:
        model = RemediationAction
        fields = [
            "name", "description", "enabled", "dry_run", "method", "url", "headers",
            "secret_header", "secret_env", "body", "services", "hosts", "places",
            "template_words", "cooldown_minutes", "max_concurrent_runs", "timeout_seconds",
        ]  # fmt: skip
        widgets = {"body": forms.Textarea(attrs={"rows": 10, "class": "vLargeTextField"})}
