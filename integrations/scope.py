"""Scope by service, host and place: ticket rules, notification rules and maintenance
windows name services and hosts as comma-separated globs (`press-*, hydraulics`) and places
as `key = glob` pairs (`site = plant-a, line = 3`), matched against the values a pattern
has seen (LogPatternStat). Each key is matched on its own: a pattern seen on line 3 at one
site and on line 4 at another matches `line = 3` and either site."""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase
from typing import Protocol

from django.core.exceptions import ValidationError

from logs.models import PLANT_KEYS, LogPatternStat
from logs.plant import plant_matches, plant_scope_parse

# A pattern's seen values: dimension (LogPatternStat.Dimension) -> values.
Seen = dict[str, list[str]]
DIMENSIONS = (LogPatternStat.Dimension.SERVICE, LogPatternStat.Dimension.HOST)


class Scoped(Protocol):
    services: str
    hosts: str
    places: str


def scope_globs(filters: str) -> list[str]:
    """The globs of a comma-separated list, lower-cased; empty: any value."""
    return [item.strip().lower() for item in filters.split(",") if item.strip()]


def scope_words(text: str) -> list[str]:
    """The words or phrases of a comma-separated list, lower-cased; empty: any template."""
    return [word.strip().lower() for word in text.split(",") if word.strip()]


def scope_words_found(words: list[str], template: str) -> int:
    """How many of the words the template contains (case does not matter)."""
    template = template.lower()
    return sum(1 for word in words if word in template)


def scope_filters(scoped: Scoped) -> bool:
    """Whether it names any service, host or place (else it covers every pattern)."""
    return bool(scope_globs(scoped.services) or scope_globs(scoped.hosts) or scoped.places.strip())


def scope_seen(pattern_ids: Iterable[int]) -> dict[int, Seen]:
    """The services, hosts and places each pattern has seen, in one query."""
    seen: dict[int, Seen] = {}
    for pattern_id, dimension, value in LogPatternStat.objects.filter(
        pattern_id__in=list(pattern_ids), dimension__in=[*DIMENSIONS, *PLANT_KEYS]
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
    # Validated when saved; a scope that no longer reads (edited in the database) matches
    # nothing rather than everything.
    try:
        places = plant_scope_parse(scoped.places)
    except ValidationError:
        return False
    return all(
        any(plant_matches(value, globs) for value in seen.get(key, []))
        for key, globs in places.items()
    )
