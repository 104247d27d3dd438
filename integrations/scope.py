"""Scope by service and host: ticket rules, notification rules and maintenance windows
name services and hosts as comma-separated globs (`press-*, hydraulics`), matched against
the values a pattern has seen (LogPatternStat)."""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase
from typing import Protocol

from logs.models import LogPatternStat

# A pattern's seen values: dimension (LogPatternStat.Dimension) -> values.
Seen = dict[str, list[str]]
DIMENSIONS = (LogPatternStat.Dimension.SERVICE, LogPatternStat.Dimension.HOST)


class Scoped(Protocol):
    services: str
    hosts: str


def scope_globs(filters: str) -> list[str]:
    """The globs of a comma-separated list, lower-cased; empty: any value."""
    return [item.strip().lower() for item in filters.split(",") if item.strip()]


def scope_filters(scoped: Scoped) -> bool:
    """Whether it names any service or host (else it covers every pattern)."""
    return bool(scope_globs(scoped.services) or scope_globs(scoped.hosts))


def scope_seen(pattern_ids: Iterable[int]) -> dict[int, Seen]:
    """The services and hosts each pattern has seen, in one query."""
    seen: dict[int, Seen] = {}
    for pattern_id, dimension, value in LogPatternStat.objects.filter(
        pattern_id__in=list(pattern_ids), dimension__in=DIMENSIONS
    ).values_list("pattern_id", "dimension", "value"):
        seen.setdefault(pattern_id, {}).setdefault(dimension, []).append(value)
    return seen


def scope_matches(scoped: Scoped, seen: Seen) -> bool:
    """Each glob list blank, or matching one of the values seen in its dimension."""
    for dimension, filters in zip(DIMENSIONS, (scoped.services, scoped.hosts), strict=True):
        globs = scope_globs(filters)
        values = seen.get(dimension, [])
        if globs and not any(fnmatchcase(v.lower(), g) for v in values for g in globs):
            return False
    return True
