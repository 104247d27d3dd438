"""Provider configuration: the rules a provider must meet, saving one, applying a config file.

The admin form and `manage.py apply_config` both go through `provider_problems`
and `provider_save`, so a provider is held to the same rules and the default
moves the same way however it is configured.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone

from analysis.models import Provider
from analysis.providers.openai import CLOUDFLARE_GATEWAY_HOST
from gogent.config import ConfigError, ConfigReport, config_table_problems

ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
AZURE_KINDS = (Provider.Kind.AZURE_OPENAI, Provider.Kind.AZURE_AD)
KEYLESS_KINDS = (Provider.Kind.OLLAMA,)

# What an admin or a config file sets; the limiter and health state is the workers'.
EDITABLE_FIELDS: tuple[str, ...] = tuple(
    f.name for f in Provider._meta.concrete_fields if f.editable and not f.primary_key
)
# The config file's key for each editable field: `default` reads better than is_default.
FIELD_OF_KEY: dict[str, str] = {
    ("default" if name == "is_default" else name): name for name in EDITABLE_FIELDS
}
KEY_OF_FIELD: dict[str, str] = {name: key for key, name in FIELD_OF_KEY.items()}
TABLE_FIELDS = {key: Provider._meta.get_field(name) for key, name in FIELD_OF_KEY.items()}
# TOML has no null: 0 means "no limit", as the limiter reads it.
ZERO_IS_UNLIMITED = ("requests_per_minute", "tokens_per_minute", "max_concurrent")


def provider_problems(provider: Provider) -> dict[str, str]:
    """What a provider lacks for its kind, by field name; empty when it can be used."""
    problems: dict[str, str] = {}
    kind = provider.kind
    if kind in AZURE_KINDS:
        if not provider.base_url:
            problems["base_url"] = (
                "Azure OpenAI needs the deployment URL: "
                "https://<resource>.openai.azure.com/openai/deployments/<deployment>."
            )
        if not provider.api_version:
            problems["api_version"] = "Azure OpenAI needs an api-version, e.g. 2024-10-21."
    if kind == Provider.Kind.AZURE_AD:
        if not provider.tenant_id:
            problems["tenant_id"] = "Entra ID needs the tenant id of the app registration."
        if not provider.client_id:
            problems["client_id"] = "Entra ID needs the client id of the app registration."
    if (
        kind == Provider.Kind.CLOUDFLARE
        and not provider.account_id
        and CLOUDFLARE_GATEWAY_HOST not in provider.base_url
    ):
        problems["account_id"] = (
            "Cloudflare Workers AI needs the account id, unless the base URL is an AI Gateway "
            f"URL (https://{CLOUDFLARE_GATEWAY_HOST}/v1/<account>/<gateway>)."
        )
    if provider.api_key_env and not ENV_NAME.fullmatch(provider.api_key_env):
        problems["api_key_env"] = (
            "Not an environment variable name: use letters, digits and underscores, "
            "not starting with a digit (e.g. OPENAI_API_KEY)."
        )
    elif kind not in KEYLESS_KINDS and not (provider.api_key or provider.api_key_env):
        if kind == Provider.Kind.AZURE_AD:
            problems["api_key"] = (
                "Entra ID needs the app's client secret: as the API key, or in the "
                "environment variable named by api_key_env."
            )
        else:
            label = Provider.Kind(kind).label if kind in Provider.Kind.values else kind
            problems["api_key"] = (
                f"{label} needs an API key, or api_key_env naming the environment variable "
                "that holds it."
            )
    return problems


def provider_save(*, provider: Provider, fields: Iterable[str] | None = None) -> Provider:
    """Save a provider; making it the default takes the flag from the previous default.

    `fields` limits the UPDATE to those columns (and updated_at) for an existing row,
    so the workers' limiter and health state written meanwhile is not overwritten.
    """
    with transaction.atomic():
        if provider.is_default:
            others = Provider.objects.filter(is_default=True)
            if not provider._state.adding:
                others = others.exclude(pk=provider.pk)
            # Before the save: the database allows one default at any moment.
            others.update(is_default=False, updated_at=timezone.now())
        if fields is None or provider._state.adding:
            provider.save()
        else:
            update_fields = {*fields, "updated_at"}
            if provider.is_default:
                update_fields.add("is_default")
            provider.save(update_fields=sorted(update_fields))
    return provider


@dataclass
class _Planned:
    provider: Provider
    # Config keys whose value differs from the stored row; empty for a new provider.
    changed: list[str]
    literal_key: bool


def config_apply_providers(*, tables: object, prune: bool) -> ConfigReport:
    """Make the providers match a config file's [[providers]] tables; raises ConfigError,
    applying nothing (CONFIG_SECTIONS["providers"], run by `manage.py apply_config`).

    Each table describes one provider completely, matched by name: a key left out
    takes the field's default, except `api_key`, which keeps the stored key (entered
    in admin) unless the file sets it. Rows that already match are not written. With
    `prune`, enabled providers not in the file are disabled; they are kept because
    analyses refer to them.
    """
    with transaction.atomic():
        problems: list[str] = []
        if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
            raise ConfigError(["providers must be a list of [[providers]] tables"])
        existing = Provider.objects.select_for_update().in_bulk(
            [t["name"] for t in tables if isinstance(t.get("name"), str)], field_name="name"
        )
        planned: list[_Planned] = []
        seen: set[str] = set()
        for number, table in enumerate(tables, start=1):
            name = table.get("name")
            label = f"[[providers]] #{number}" + (f" ({name})" if isinstance(name, str) else "")
            table_problems = config_table_problems(table, TABLE_FIELDS, _expected_type)
            if isinstance(name, str) and name in seen:
                table_problems.append(f"name {name!r} is used by an earlier [[providers]] table")
            if table_problems:
                problems.extend(f"{label}: {problem}" for problem in table_problems)
                continue
            seen.add(name)
            plan, plan_problems = _plan(table, existing.get(name))
            problems.extend(f"{label}: {problem}" for problem in plan_problems)
            planned.append(plan)
        defaults = [plan.provider.name for plan in planned if plan.provider.is_default]
        if len(defaults) > 1:
            problems.append(f"only one provider can be the default, not {', '.join(defaults)}")
        if problems:
            raise ConfigError(problems)

        report = ConfigReport()
        for plan in planned:
            name = plan.provider.name
            if plan.provider._state.adding:
                report.created.append(name)
            elif plan.changed:
                report.updated.append(name)
                report.changes[name] = plan.changed
            else:
                report.unchanged.append(name)
            if plan.literal_key:
                report.warnings.append(
                    f"{name}: api_key is written in the file; secrets belong in the "
                    "environment (name the variable with api_key_env)"
                )
        if defaults:
            previous = Provider.objects.filter(is_default=True).exclude(name__in=seen)
            for name in previous.values_list("name", flat=True):
                report.updated.append(name)
                report.changes[name] = ["default"]
        outside = Provider.objects.exclude(name__in=seen)
        if prune:
            report.disabled = list(outside.filter(enabled=True).values_list("name", flat=True))

        for plan in planned:
            if plan.provider._state.adding or plan.changed:
                provider_save(
                    provider=plan.provider, fields=[FIELD_OF_KEY[k] for k in plan.changed]
                )
        if prune:
            outside.filter(enabled=True).update(enabled=False, updated_at=timezone.now())
    return report


def _expected_type(model_field: models.Field) -> tuple[tuple[type, ...], str]:
    if isinstance(model_field, models.BooleanField):
        return (bool,), "true or false"
    if isinstance(model_field, models.FloatField | models.DecimalField):
        return (int, float), "a number"
    if isinstance(model_field, models.IntegerField):
        return (int,), "a whole number"
    return (str,), "a string"


def _plan(table: dict[str, Any], current: Provider | None) -> tuple[_Planned, list[str]]:
    """The provider as the table describes it, what changed, and what is wrong with it."""
    provider = current or Provider()
    before = {name: getattr(provider, name) for name in EDITABLE_FIELDS}
    for key, name in FIELD_OF_KEY.items():
        model_field = Provider._meta.get_field(name)
        if key in table:
            value = table[key]
            if name in ZERO_IS_UNLIMITED and value == 0:
                value = None
            elif isinstance(model_field, models.DecimalField):
                value = Decimal(str(value))
        elif name == "api_key":
            continue
        else:
            value = model_field.get_default()
        setattr(provider, name, value)
    problems: list[str] = []
    errors: dict[str, list[str]] = {}
    try:
        provider.full_clean(validate_constraints=False)
        # provider_save moves the default, so the one-default constraint holds after it.
        provider.validate_constraints(exclude={"is_default"})
    except ValidationError as error:
        errors = error.message_dict
    for name, message in provider_problems(provider).items():
        errors.setdefault(name, []).append(message)
    for name, messages in errors.items():
        where = "" if name == NON_FIELD_ERRORS else f"{KEY_OF_FIELD.get(name, name)}: "
        problems.extend(f"{where}{message}" for message in messages)
    changed = [
        KEY_OF_FIELD[name]
        for name in EDITABLE_FIELDS
        if current is not None and getattr(provider, name) != before[name]
    ]
    plan = _Planned(provider=provider, changed=changed, literal_key=bool(table.get("api_key")))
    return plan, problems
