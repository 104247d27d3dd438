"""Integrations and ticket rules: the rules each must meet, and their config file sections.

The admin forms and `manage.py apply_config` both use `integration_problems` and
`rule_problems`, so an integration or rule is held to the same rules however it
is configured. [[integrations]] and [[rules]] tables are matched by name, like
[[providers]]; a rule names its integration.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone

from gogent.config import ConfigError, ConfigReport, config_table_problems
from integrations.models import PRIORITIES, Integration, TicketRule
from integrations.services import integration_save
from logs.models import Severity

ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
NO_CREDENTIAL = (
    "A password or token is needed: as the secret, or in the environment variable named by "
    "the secret environment variable."
)
NO_CLIENT_CREDENTIAL = "OAuth needs the client secret (or the variable that holds it)."
# Write-only fields: a file that leaves them out keeps what is stored (entered in admin).
SECRETS = ("secret", "client_secret")
INTEGRATION_FIELDS: tuple[str, ...] = tuple(
    f.name for f in Integration._meta.concrete_fields if f.editable and not f.primary_key
)
RULE_FIELDS: tuple[str, ...] = tuple(
    f.name
    for f in TicketRule._meta.concrete_fields
    if f.editable and not f.primary_key and f.name not in ("created_at", "updated_at")
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
        if value and not ENV_NAME.fullmatch(value):
            problems[env_field] = (
                "Not an environment variable name: use letters, digits and underscores, "
                "not starting with a digit (e.g. JIRA_API_TOKEN)."
            )
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


# --- apply_config -------------------------------------------------------------------


def config_apply_integrations(*, tables: object, prune: bool) -> ConfigReport:
    """Make the integrations match [[integrations]] tables (CONFIG_SECTIONS); raises
    ConfigError, applying nothing. A left-out secret keeps the stored one; with prune,
    integrations not in the file are disabled (kept: tickets refer to them)."""
    return _apply(INTEGRATIONS, tables, prune)


def config_apply_rules(*, tables: object, prune: bool) -> ConfigReport:
    """Make the ticket rules match [[rules]] tables; `integration` is an integration's name
    (from the database or the file's [[integrations]], applied first)."""
    return _apply(RULES, tables, prune)


@dataclass(frozen=True)
class _Section:
    label: str
    model: type[models.Model]
    fields: tuple[str, ...]
    # Config values that are not the model field's value as they are (names, lists).
    convert: Callable[[str, Any], Any]
    problems: Callable[[Any], dict[str, str]]
    save: Callable[[Any], None]


def _convert_integration(key: str, value: Any) -> Any:
    return value


def _convert_rule(key: str, value: Any) -> Any:
    if key == "integration":
        integration = Integration.objects.filter(name=value).first()
        if integration is None:
            raise ValueError(f"no integration is named {value!r}")
        return integration
    if key == "min_severity":
        try:
            return Severity[value.upper()].value
        except KeyError:
            names = ", ".join(Severity.names)
            raise ValueError(f"min_severity {value!r} is not one of {names}") from None
    if key in ("services", "hosts") and isinstance(value, list):
        return ", ".join(value)
    return value


INTEGRATIONS = _Section(
    label="integrations",
    model=Integration,
    fields=INTEGRATION_FIELDS,
    convert=_convert_integration,
    problems=integration_problems,
    save=lambda integration: integration_save(integration=integration),
)
RULES = _Section(
    label="rules",
    model=TicketRule,
    fields=RULE_FIELDS,
    convert=_convert_rule,
    problems=rule_problems,
    save=lambda rule: rule.save(),
)


def _apply(section: _Section, tables: object, prune: bool) -> ConfigReport:
    label = section.label
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ConfigError([f"{label} must be a list of [[{label}]] tables"])
    with transaction.atomic():
        existing = section.model.objects.select_for_update().in_bulk(
            [t["name"] for t in tables if isinstance(t.get("name"), str)], field_name="name"
        )
        problems: list[str] = []
        planned: list[tuple[Any, list[str], bool]] = []
        seen: set[str] = set()
        for number, table in enumerate(tables, start=1):
            name = table.get("name")
            where = f"[[{label}]] #{number}" + (f" ({name})" if isinstance(name, str) else "")
            table_problems = config_table_problems(
                table,
                {key: section.model._meta.get_field(key) for key in section.fields},
                _expected_type,
            )
            if isinstance(name, str) and name in seen:
                table_problems.append(f"name {name!r} is used by an earlier [[{label}]] table")
            if table_problems:
                problems.extend(f"{where}: {problem}" for problem in table_problems)
                continue
            seen.add(name)
            row, changed, plan_problems = _plan(section, table, existing.get(name))
            problems.extend(f"{where}: {problem}" for problem in plan_problems)
            literal = any(table.get(key) for key in SECRETS)
            planned.append((row, changed, literal))
        if problems:
            raise ConfigError(problems)

        report = ConfigReport()
        for row, changed, literal in planned:
            if row._state.adding:
                report.created.append(row.name)
            elif changed:
                report.updated.append(row.name)
                report.changes[row.name] = changed
            else:
                report.unchanged.append(row.name)
            if literal:
                report.warnings.append(
                    f"{row.name}: a secret is written in the file; secrets belong in the "
                    "environment (name the variable with secret_env or client_secret_env)"
                )
            if row._state.adding or changed:
                section.save(row)
        if prune:
            outside = section.model.objects.exclude(name__in=seen).filter(enabled=True)
            report.disabled = list(outside.values_list("name", flat=True))
            outside.update(enabled=False, updated_at=timezone.now())
    return report


def _expected_type(model_field: models.Field) -> tuple[tuple[type, ...], str]:
    if isinstance(model_field, models.BooleanField):
        return (bool,), "true or false"
    if isinstance(model_field, models.ForeignKey):
        return (str,), "a name"
    if model_field.name in ("services", "hosts"):
        return (str, list), "a string or an array of strings"
    if model_field.choices and isinstance(model_field, models.IntegerField):
        return (str,), "a name"
    if isinstance(model_field, models.FloatField):
        return (int, float), "a number"
    if isinstance(model_field, models.IntegerField):
        return (int,), "a whole number"
    if isinstance(model_field, models.JSONField):
        default = model_field.get_default()
        return ((list,), "an array") if isinstance(default, list) else ((dict,), "a table")
    return (str,), "a string"


def _plan(
    section: _Section, table: dict[str, Any], current: Any
) -> tuple[Any, list[str], list[str]]:
    """The row as the table describes it, the keys that changed, and what is wrong."""
    row = current or section.model()
    before = {name: getattr(row, name) for name in section.fields if name != "integration"}
    before_fk = getattr(row, "integration_id", None)
    problems: list[str] = []
    for name in section.fields:
        model_field = section.model._meta.get_field(name)
        if name in table:
            try:
                value = section.convert(name, table[name])
            except ValueError as error:
                problems.append(str(error))
                continue
        elif name in SECRETS:
            continue
        elif model_field.has_default():
            value = model_field.get_default()
        else:
            value = "" if not isinstance(model_field, models.ForeignKey) else None
        if isinstance(model_field, models.ForeignKey) and value is None:
            problems.append(f"{name} is required")
            continue
        setattr(row, name, value)
    if problems:
        return row, [], problems
    errors: dict[str, list[str]] = {}
    try:
        row.full_clean()
    except ValidationError as error:
        errors = error.message_dict
    for name, message in section.problems(row).items():
        errors.setdefault(name, []).append(message)
    for name, messages in errors.items():
        where = "" if name == NON_FIELD_ERRORS else f"{name}: "
        problems.extend(f"{where}{message}" for message in messages)
    changed = []
    if current is not None:
        changed = [name for name, value in before.items() if getattr(row, name) != value]
        if section is RULES and row.integration_id != before_fk:
            changed.append("integration")
    return row, changed, problems
