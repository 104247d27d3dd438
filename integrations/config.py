"""Integrations, ticket rules, notification channels and rules, remediation actions in a
config file: the [[integrations]], [[rules]], [[channels]], [[notification_rules]] and
[[actions]] sections.

Each table is validated by the admin's form (integrations.forms), so each is held to the
same rules however it is configured. Tables are matched by name, like [[providers]]; a
rule names its integration, a notification rule its channel.
"""

from __future__ import annotations

from gogent.config import ConfigKey, ConfigReport, ConfigSection, config_section_apply
from integrations.forms import (
    ChannelForm,
    IntegrationForm,
    NotificationRuleForm,
    RemediationActionForm,
    TicketRuleForm,
)
from integrations.models import NotificationRule
from integrations.notifications import channel_save
from integrations.services import integration_save
from logs.models import Severity


def _severity_value(name: str) -> int:
    try:
        return Severity[name.upper()].value
    except KeyError:
        names = ", ".join(Severity.names)
        raise ValueError(f"min_severity {name!r} is not one of {names}") from None


def _comma_separated(value: str | list[str]) -> str:
    return ", ".join(value) if isinstance(value, list) else value


INTEGRATIONS = ConfigSection(
    label="integrations",
    form=IntegrationForm,
    literal_warning="a secret is written in the file; secrets belong in the environment "
    "(name the variable with secret_env or client_secret_env)",
)
# Comma-separated in admin; a file may write an array.
NAME_PATTERNS = ConfigKey(
    to_form=_comma_separated, types=((str, list), "a string or an array of strings")
)
RULES = ConfigSection(
    label="rules",
    form=TicketRuleForm,
    converted={
        # Severities by name, as logs show them.
        "min_severity": ConfigKey(to_form=_severity_value, types=((str,), "a name")),
        "services": NAME_PATTERNS,
        "hosts": NAME_PATTERNS,
    },
)


def _event_names(value: list[str]) -> list[str]:
    if not all(isinstance(name, str) for name in value):
        raise ValueError("events must be an array of event names")
    unknown = [name for name in value if name not in NotificationRule.Event.values]
    if unknown:
        known = ", ".join(NotificationRule.Event.values)
        raise ValueError(f"unknown event(s) {', '.join(map(repr, unknown))}; use {known}")
    return value


CHANNELS = ConfigSection(
    label="channels",
    form=ChannelForm,
    literal_warning="a secret (webhook URL, signing secret or SMTP password) is written in "
    "the file; secrets belong in the environment (name the variable with url_env, "
    "signing_secret_env or smtp_password_env)",
)
NOTIFICATION_RULES = ConfigSection(
    label="notification_rules",
    form=NotificationRuleForm,
    converted={
        "events": ConfigKey(to_form=_event_names, types=((list,), "an array of event names")),
        "min_severity": ConfigKey(to_form=_severity_value, types=((str,), "a name")),
        "services": NAME_PATTERNS,
        "hosts": NAME_PATTERNS,
    },
)


def config_apply_integrations(*, tables: object, prune: bool) -> ConfigReport:
    """Make the integrations match [[integrations]] tables (CONFIG_SECTIONS); raises
    ConfigError, applying nothing. A left-out secret keeps the stored one; with prune,
    integrations not in the file are disabled (kept: tickets refer to them)."""
    return config_section_apply(
        section=INTEGRATIONS,
        tables=tables,
        prune=prune,
        save=lambda integration: integration_save(integration=integration),
    )


def config_apply_rules(*, tables: object, prune: bool) -> ConfigReport:
    """Make the ticket rules match [[rules]] tables; `integration` is an integration's name
    (from the database or the file's [[integrations]], applied first)."""
    return config_section_apply(section=RULES, tables=tables, prune=prune)


def config_apply_channels(*, tables: object, prune: bool) -> ConfigReport:
    """Make the notification channels match [[channels]] tables; a left-out secret keeps
    the stored one; with prune, channels not in the file are disabled."""
    return config_section_apply(
        section=CHANNELS,
        tables=tables,
        prune=prune,
        save=lambda channel: channel_save(channel=channel),
    )


def config_apply_notification_rules(*, tables: object, prune: bool) -> ConfigReport:
    """Make the notification rules match [[notification_rules]] tables; `channel` is a
    channel's name (from the database or the file's [[channels]], applied first)."""
    return config_section_apply(section=NOTIFICATION_RULES, tables=tables, prune=prune)


ACTIONS = ConfigSection(
    label="actions",
    form=RemediationActionForm,
    converted={"services": NAME_PATTERNS, "hosts": NAME_PATTERNS},
)


def config_apply_actions(*, tables: object, prune: bool) -> ConfigReport:
    """Make the remediation actions match [[actions]] tables, matched by name; the secret
    comes from the environment only (secret_env). With prune, actions not in the file are
    disabled (kept: proposals refer to them)."""
    return config_section_apply(section=ACTIONS, tables=tables, prune=prune)
