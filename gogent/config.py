"""The config file's plumbing shared by its sections (`manage.py apply_config`).

settings.CONFIG_SECTIONS names, in order, the function that applies each top-level
array of tables ([[providers]], [[integrations]], [[rules]]): called as
`apply(tables=..., prune=...)`, it returns a ConfigReport or raises ConfigError.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models


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


def config_table_problems(
    table: Mapping[str, Any],
    fields: Mapping[str, models.Field],
    expected_type: Callable[[models.Field], tuple[tuple[type, ...], str]],
) -> list[str]:
    """Structure only: the name, unknown keys and value types. `fields` maps each key a
    table may have to its model field; `expected_type` gives the types a field takes and
    how they read in an error."""
    problems: list[str] = []
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append("name is required and must be a non-empty string")
    unknown = sorted(set(table) - set(fields))
    if unknown:
        problems.append(
            f"unknown key(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(sorted(fields))}"
        )
    for key, value in table.items():
        if key in fields and key != "name":
            expected, wanted = expected_type(fields[key])
            # bool is an int to Python, not to a config file.
            if not isinstance(value, expected) or isinstance(value, bool) != (bool in expected):
                # The type, never the value: the value may be a secret.
                problems.append(f"{key} must be {wanted}, not {type_name(value)}")
    return problems
