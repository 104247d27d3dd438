"""Maintenance windows in a config file: the [[maintenance_windows]] section.

Each table is validated by the admin's form, like [[integrations]] and [[rules]], and
matched to a window by name. Times are TOML date-times with their UTC offset.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gogent.config import ConfigKey, ConfigReport, ConfigSection, config_section_apply
from integrations.maintenance.forms import MaintenanceWindowForm


def _moment(value: Any) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a date-time (2026-12-06T02:00:00+01:00)") from None
    if not isinstance(value, datetime):
        raise ValueError("a day alone is not a moment; write 2026-12-06T02:00:00+01:00")
    if value.tzinfo is None:
        raise ValueError(
            f"{value.isoformat()} has no UTC offset; write it as {value.isoformat()}+00:00 "
            "or with your offset (the recurrence follows time_zone)"
        )
    return value


MOMENT = ConfigKey(
    to_form=_moment,
    types=((datetime, str), "a date-time with its UTC offset (2026-12-06T02:00:00+01:00)"),
)
MAINTENANCE_WINDOWS = ConfigSection(
    label="maintenance_windows",
    form=MaintenanceWindowForm,
    converted={"starts_at": MOMENT, "ends_at": MOMENT},
)


def config_apply_maintenance_windows(*, tables: object, prune: bool) -> ConfigReport:
    """Make the maintenance windows match [[maintenance_windows]] tables (CONFIG_SECTIONS);
    raises ConfigError, applying nothing. With prune, windows not in the file are
    disabled."""
    return config_section_apply(section=MAINTENANCE_WINDOWS, tables=tables, prune=prune)
