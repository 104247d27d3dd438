"""Provider configuration: saving a provider, and applying a config file's [[providers]].

A provider's rules are ProviderForm's (analysis.forms): the admin and `manage.py
apply_config` both validate with it and save with `provider_save`, so a provider is
held to the same rules and the default moves the same way however it is configured.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from analysis.forms import ProviderForm
from analysis.forms import provider_problems as provider_problems  # imported from here too
from analysis.models import Provider
from gogent.config import (
    ConfigError,
    ConfigKey,
    ConfigReport,
    ConfigSection,
    config_section_plan,
    config_section_prune,
    config_section_report,
)

PROVIDERS = ConfigSection(
    label="providers",
    form=ProviderForm,
    # `default` reads better in a file than is_default.
    keys={"is_default": "default"},
    # TOML has no null: 0 means "no limit", as the limiter reads it (and a blank in admin);
    # likewise no budget, and the settings' investigation caps.
    converted={
        name: ConfigKey(to_form=lambda value: value or None)
        for name in (
            "requests_per_minute",
            "tokens_per_minute",
            "max_concurrent",
            "budget_tokens_per_day",
            "budget_tokens_per_month",
            "budget_cost_per_day",
            "budget_cost_per_month",
            "investigation_max_steps",
            "investigation_max_tokens",
        )
    },
    literal_warning="api_key is written in the file; secrets belong in the environment "
    "(name the variable with api_key_env)",
)


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
        plans, problems = config_section_plan(section=PROVIDERS, tables=tables)
        defaults = [plan.row.name for plan in plans if plan.row.is_default]
        if len(defaults) > 1:
            problems.append(f"only one provider can be the default, not {', '.join(defaults)}")
        if problems:
            raise ConfigError(problems)

        report = config_section_report(section=PROVIDERS, plans=plans)
        if defaults:
            # Before the saves: provider_save takes the flag from the previous default.
            previous = Provider.objects.filter(is_default=True)
            previous = previous.exclude(name__in=[plan.row.name for plan in plans])
            for name in previous.values_list("name", flat=True):
                report.updated.append(name)
                report.changes[name] = ["default"]
        for plan in plans:
            if plan.writes:
                provider_save(provider=plan.row, fields=plan.changed)
        if prune:
            report.disabled = config_section_prune(section=PROVIDERS, plans=plans)
    return report
