"""The config file's plumbing shared by its sections (`manage.py apply_config`).

settings.CONFIG_SECTIONS names, in order, the function that applies each top-level
array of tables ([[providers]], [[integrations]], [[rules]]): called as
`apply(tables=..., prune=...)`, it returns a ConfigReport or raises ConfigError.

Each table is validated by the admin's form for its model, bound as a browser posts
it (`config_section_plan`), so the file and the admin accept and refuse the same values
with the same messages. What only a file has is here, once: TOML types (a form sees
text), keys a file names or writes otherwise (ConfigSection), rows referred to by name,
a key left out taking its field's default, and matching tables to rows by name.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models, transaction
from django.utils import timezone


class ConfigError(Exception):
    """A config file that cannot be applied; nothing of it was."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ConfigReport:
    """What applying one section did, by name (matched by name, never by id)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Name -> the config keys that changed (names only, never values).
    changes: dict[str, list[str]] = field(default_factory=dict)

    def __str__(self) -> str:
        updated = [f"{name} ({', '.join(self.changes.get(name, []))})" for name in self.updated]
        lines = [
            f"{label} ({len(names)}): {', '.join(names) if names else '-'}"
            for label, names in (
                ("created", self.created),
                ("updated", updated),
                ("unchanged", self.unchanged),
                ("disabled", self.disabled),
            )
        ]
        lines.extend(f"warning: {warning}" for warning in self.warnings)
        return "\n".join(lines)


@dataclass(frozen=True)
class ConfigKey:
    """A key the file writes otherwise than the admin's form takes it."""

    # The file's value as the form takes it; a ValueError's message is the file's problem.
    to_form: Callable[[Any], Any]
    # The TOML types the key takes and how they read in an error; None: the form field's.
    types: tuple[tuple[type, ...], str] | None = None


@dataclass(frozen=True)
class ConfigSection:
    """One array of tables ([[label]]), a row each, validated by the admin's form."""

    label: str
    form: type[forms.ModelForm]
    # The file's key for a form field, where the file names the field otherwise.
    keys: Mapping[str, str] = field(default_factory=dict)
    # By the file's key.
    converted: Mapping[str, ConfigKey] = field(default_factory=dict)
    # Warned after the row's name when the file writes the value of one of the form's
    # write-only secrets (WriteOnlySecretsForm.secrets) instead of naming a variable.
    literal_warning: str = ""

    @property
    def model(self) -> type[models.Model]:
        return self.form._meta.model

    def key(self, name: str) -> str:
        return self.keys.get(name, name)

    def form_fields(self) -> dict[str, forms.Field]:
        """The form fields a table may set, by the file's key."""
        return {self.key(name): self.form.base_fields[name] for name in self.form._meta.fields}


@dataclass
class ConfigPlan:
    """One table as the admin's form cleaned it: the row to save, and what changed."""

    row: Any
    # Fields whose value differs from the stored row; empty for a new row.
    changed: list[str]
    literal_secret: bool

    @property
    def writes(self) -> bool:
        return self.row._state.adding or bool(self.changed)


class ConfigAppliedHook(Protocol):
    """One of settings.CONFIG_APPLIED_HOOKS: hears what a configuration file changed, inside
    the transaction that applied it (audit)."""

    def __call__(self, *, reports: dict[str, ConfigReport], source: str) -> None: ...


def type_name(value: object) -> str:
    """How a config value's type reads in an error (never the value: it may be a secret)."""
    if isinstance(value, bool):
        return "a boolean"
    return {
        str: "a string",
        int: "a whole number",
        float: "a number",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def config_section_plan(
    *, section: ConfigSection, tables: object
) -> tuple[list[ConfigPlan], list[str]]:
    """Each table bound to the section's form, with the stored row of its name (locked
    until the transaction ends); the plans, and every problem naming its table."""
    label = section.label
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ConfigError([f"{label} must be a list of [[{label}]] tables"])
    existing = section.model.objects.select_for_update().in_bulk(
        [t["name"] for t in tables if isinstance(t.get("name"), str)], field_name="name"
    )
    plans: list[ConfigPlan] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, table in enumerate(tables, start=1):
        name = table.get("name")
        where = f"[[{label}]] #{number}" + (f" ({name})" if isinstance(name, str) else "")
        table_problems = _table_problems(section, table)
        if isinstance(name, str) and name in seen:
            table_problems.append(f"name {name!r} is used by an earlier [[{label}]] table")
        if not table_problems:
            seen.add(name)
            plan, table_problems = _bind(section, table, existing.get(name))
            plans.append(plan)
        problems.extend(f"{where}: {problem}" for problem in table_problems)
    return plans, problems


def config_section_apply(
    *,
    section: ConfigSection,
    tables: object,
    prune: bool,
    save: Callable[[Any], object] = lambda row: row.save(),
) -> ConfigReport:
    """Make the section's rows match its tables, all or nothing: raises ConfigError,
    applying nothing, when any table is refused. With prune, rows not in the file are
    disabled (config_section_prune)."""
    with transaction.atomic():
        plans, problems = config_section_plan(section=section, tables=tables)
        if problems:
            raise ConfigError(problems)
        report = config_section_report(section=section, plans=plans)
        for plan in plans:
            if plan.writes:
                save(plan.row)
        if prune:
            report.disabled = config_section_prune(section=section, plans=plans)
    return report


def config_section_report(*, section: ConfigSection, plans: list[ConfigPlan]) -> ConfigReport:
    """What saving the plans does, before they are saved."""
    report = ConfigReport()
    for plan in plans:
        name = plan.row.name
        if plan.row._state.adding:
            report.created.append(name)
        elif plan.changed:
            report.updated.append(name)
            report.changes[name] = [section.key(field_name) for field_name in plan.changed]
        else:
            report.unchanged.append(name)
        if plan.literal_secret:
            report.warnings.append(f"{name}: {section.literal_warning}")
    return report


def config_section_prune(*, section: ConfigSection, plans: list[ConfigPlan]) -> list[str]:
    """Disable the enabled rows the tables leave out, by name; they are kept, not deleted,
    because analyses and tickets refer to them."""
    outside = section.model.objects.exclude(name__in=[plan.row.name for plan in plans])
    outside = outside.filter(enabled=True)
    names = list(outside.values_list("name", flat=True))
    outside.update(enabled=False, updated_at=timezone.now())
    return names


def _table_problems(section: ConfigSection, table: Mapping[str, Any]) -> list[str]:
    """Structure only: the name, unknown keys and the values' TOML types."""
    problems: list[str] = []
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append("name is required and must be a non-empty string")
    fields = section.form_fields()
    unknown = sorted(set(table) - set(fields))
    if unknown:
        problems.append(
            f"unknown key(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(sorted(fields))}"
        )
    for key, value in table.items():
        if key in fields and key != "name":
            converted = section.converted.get(key)
            expected, wanted = (converted and converted.types) or _toml_types(fields[key])
            # bool is an int to Python, not to a config file.
            if not isinstance(value, expected) or isinstance(value, bool) != (bool in expected):
                # The type, never the value: the value may be a secret.
                problems.append(f"{key} must be {wanted}, not {type_name(value)}")
    return problems


def _toml_types(form_field: forms.Field) -> tuple[tuple[type, ...], str]:
    """The TOML types a form field takes from a file, and how they read in an error."""
    if isinstance(form_field, forms.BooleanField):
        return (bool,), "true or false"
    # Before IntegerField: FloatField and DecimalField are IntegerFields to Django.
    if isinstance(form_field, forms.FloatField | forms.DecimalField):
        return (int, float), "a number"
    if isinstance(form_field, forms.IntegerField):
        return (int,), "a whole number"
    if isinstance(form_field, forms.ModelChoiceField):
        return (str,), "a name"
    if isinstance(form_field, forms.JSONField):
        initial = form_field.initial() if callable(form_field.initial) else form_field.initial
        return ((list,), "an array") if isinstance(initial, list) else ((dict,), "a table")
    return (str,), "a string"


def _bind(
    section: ConfigSection, table: Mapping[str, Any], current: models.Model | None
) -> tuple[ConfigPlan, list[str]]:
    """The table bound to the form as a browser posts it: a key left out takes its field's
    default, except a secret, left blank so that the form keeps the stored one."""
    form_class = section.form
    model_fields = [section.model._meta.get_field(name) for name in form_class._meta.fields]
    secrets = getattr(form_class, "secrets", {})
    literal_secret = any(table.get(name) for name in secrets)
    row = current or section.model()
    data: dict[str, Any] = {}
    problems: list[str] = []
    for model_field in model_fields:
        name = model_field.name
        key = section.key(name)
        form_field = form_class.base_fields[name]
        if key in table:
            try:
                value = _form_value(section, key, form_field, table[key])
            except ValueError as error:
                problems.append(str(error))
                continue
        elif name in secrets:
            value = ""
        else:
            value = model_field.get_default()
        if isinstance(form_field, forms.JSONField):
            value = json.dumps(value)  # as the admin's text area posts it
        data[name] = value
    if problems:
        return ConfigPlan(row=row, changed=[], literal_secret=literal_secret), problems
    before = {f.name: f.value_from_object(row) for f in model_fields}
    form = form_class(data, instance=row)
    for name, messages in form.errors.items():
        where = "" if name == NON_FIELD_ERRORS else f"{section.key(name)}: "
        problems.extend(f"{where}{message}" for message in messages)
    changed = [
        f.name
        for f in model_fields
        if current is not None and f.value_from_object(row) != before[f.name]
    ]
    return ConfigPlan(row=row, changed=changed, literal_secret=literal_secret), problems


def _form_value(section: ConfigSection, key: str, form_field: forms.Field, value: Any) -> Any:
    """A file's value as the form takes it; ValueError says what is wrong with it."""
    converted = section.converted.get(key)
    if converted is not None:
        return converted.to_form(value)
    if isinstance(form_field, forms.ModelChoiceField):
        # The file refers to rows by name, as it matches them; the form takes the id.
        pk = form_field.queryset.filter(name=value).values_list("pk", flat=True).first()
        if pk is None:
            raise ValueError(f"no {key} is named {value!r}")
        return pk
    return value
