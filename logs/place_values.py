"""The pattern inspector: for each `<*>` of a pattern's template, its most common values
and how many logs had others, counted at ingest into a bounded sketch per pattern and place.

A sketch keeps at most SKETCH_SIZE values with their counts; when a batch brings more,
the least common go and their logs are counted in `other`. A value kept all along has
its exact count; one that was dropped once and came back counts from its return (the
sketch says it was trimmed). A sketch starts again when its pattern's template changes
(its places changed with it). Logs the template does not match word for word (grouped
there by an operator's merge) are counted apart, as `unmatched`.

Counted with the pattern's counters, in the batch's transaction, after the pattern rows
are locked (patterns_count): no other batch counts on the same rows meanwhile.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter

import orjson
from django.db import connection

from logs.grouping import WILDCARD
from logs.grouping.corrections import template_values
from logs.grouping.miner import template_key
from logs.models import PatternPlaceValues

SKETCH_SIZE = 50
# Longest value kept; a longer one is kept cut, with "…".
VALUE_KEPT = 100
# A template with more `<*>` than this gets no sketch (the inspector reads stored logs):
# a row is rewritten with every batch, and its size is places x SKETCH_SIZE x VALUE_KEPT.
PLACES_MAX = 16


@dataclass(slots=True)
class _Tally:
    template_key: str
    places: list[Counter[str]]
    unmatched: int = 0


def _kept(value: str) -> str:
    return value if len(value) <= VALUE_KEPT else value[: VALUE_KEPT - 1] + "…"


# message -> (the template it was matched to, its value at each place or None)
KnownValues = dict[str, tuple[str, list[str] | None]]


def place_values_known(pairs: Iterable[tuple[str, str]]) -> KnownValues:
    """Values of (template, message) pairs, worked out before a batch's transaction (from
    its match) so that counting in it only adds them up."""
    known: KnownValues = {}
    tokens_of: dict[str, tuple[str, ...]] = {}
    for template, message in pairs:
        if WILDCARD not in template or message in known:
            continue
        tokens = tokens_of.get(template)
        if tokens is None:
            tokens = tokens_of[template] = tuple(template.split(" "))
        known[message] = (template, template_values(tokens, message))
    return known


def place_values_tally(
    templates: Mapping[int, str],
    entries: Iterable[tuple[int, str]],
    known: KnownValues | None = None,
) -> dict[int, _Tally]:
    """Values per pattern and place of (pattern id, message) pairs, for patterns whose
    template has a `<*>`. A message repeated in the batch is matched once; one in `known`
    under the pattern's template is not matched again."""
    tallies: dict[int, _Tally] = {}
    tokens_of: dict[int, tuple[str, ...] | None] = {}
    known = known or {}
    seen: KnownValues = {}
    for pattern_id, message in entries:
        tokens = tokens_of.get(pattern_id, ())
        if tokens == ():
            template = templates.get(pattern_id, "")
            tokens = tuple(template.split(" ")) if WILDCARD in template else None
            places = sum(WILDCARD in token for token in tokens) if tokens else 0
            if places > PLACES_MAX:
                tokens = None
            tokens_of[pattern_id] = tokens
            if tokens is not None:
                tallies[pattern_id] = _Tally(
                    template_key(template), [Counter() for _ in range(places)]
                )
        if tokens is None:
            continue
        template = templates[pattern_id]
        hit = known.get(message) or seen.get(message)
        if hit is None or hit[0] != template:
            hit = seen[message] = (template, template_values(tokens, message))
        values = hit[1]
        tally = tallies[pattern_id]
        if values is None:
            tally.unmatched += 1
            continue
        for counter, value in zip(tally.places, values, strict=True):
            counter[value if len(value) <= VALUE_KEPT else _kept(value)] += 1
    return tallies


def place_values_count(tallies: Mapping[int, _Tally], *, sign: int = 1) -> None:
    """Add the tallies to the stored sketches (sign=-1: take them off, for logs that moved
    to another pattern). Call with the patterns' rows locked, as patterns_count does."""
    if not tallies:
        return
    table = connection.ops.quote_name(PatternPlaceValues._meta.db_table)
    ids = sorted(tallies)
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pattern_id, template_key, places, unmatched, trimmed FROM {table} "  # noqa: S608
            f"WHERE pattern_id IN ({marks})",
            ids,
        )
        stored = {row[0]: row[1:] for row in cursor.fetchall()}
        updates, inserts = [], []
        for pattern_id in ids:
            tally = tallies[pattern_id]
            row = stored.get(pattern_id)
            if row is None or row[0] != tally.template_key:
                if sign < 0:
                    continue  # nothing counted under this template to take off
                places: list = [[{}, 0] for _ in tally.places]
                unmatched, trimmed = 0, False
            else:
                places, unmatched, trimmed = orjson.loads(row[1]), row[2], bool(row[3])
            for sketch, counter in zip(places, tally.places, strict=True):
                if sign > 0:
                    sketch[0], dropped = _added(sketch[0], counter)
                    sketch[1] += dropped
                    trimmed = trimmed or bool(dropped)
                else:
                    sketch[0], missing = _taken(sketch[0], counter)
                    sketch[1] = max(sketch[1] - missing, 0)
            unmatched = max(unmatched + sign * tally.unmatched, 0)
            values = (tally.template_key, orjson.dumps(places).decode(), unmatched, trimmed)
            if row is None:
                inserts.append((pattern_id, *values))
            else:
                updates.append((*values, pattern_id))
        if updates:
            cursor.executemany(
                f"UPDATE {table} SET template_key = %s, places = %s, unmatched = %s, "  # noqa: S608
                "trimmed = %s WHERE pattern_id = %s",
                updates,
            )
        if inserts:
            cursor.executemany(
                f"INSERT INTO {table} (pattern_id, template_key, places, unmatched, trimmed) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s)",
                inserts,
            )


def _added(counts: dict[str, int], batch: Counter[str]) -> tuple[dict[str, int], int]:
    """The sketch with the batch's values added, and how many logs the trim dropped."""
    for value, count in batch.items():
        counts[value] = counts.get(value, 0) + count
    if len(counts) <= SKETCH_SIZE:
        return counts, 0
    total = sum(counts.values())
    kept = dict(heapq.nlargest(SKETCH_SIZE, counts.items(), key=itemgetter(1)))
    return kept, total - sum(kept.values())


def _taken(counts: dict[str, int], batch: Counter[str]) -> tuple[dict[str, int], int]:
    """The sketch with the batch's values taken off, and how many were not in it."""
    missing = 0
    for value, count in batch.items():
        held = counts.get(value, 0)
        if held > count:
            counts[value] = held - count
        else:
            counts.pop(value, None)
            missing += count - held
    return counts, missing


@dataclass(frozen=True, slots=True)
class StoredPlaceValues:
    place: int
    top: list[tuple[str, int]]
    other: int  # logs counted with a value not in top
    distinct_kept: int
    total: int  # logs the template matched, counted since it last changed
    unmatched: int
    trimmed: bool


def place_values_read(
    pattern_id: int, template: str, *, top: int
) -> list[StoredPlaceValues] | None:
    """The pattern's sketches for its current template, or None if it has none yet."""
    row = PatternPlaceValues.objects.filter(
        pattern_id=pattern_id, template_key=template_key(template)
    ).first()
    if row is None:
        return None
    places = orjson.loads(row.places)
    if len(places) != sum(WILDCARD in token for token in template.split(" ")):
        return None
    result = []
    for place, (counts, other) in enumerate(places):
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        total = sum(counts.values()) + other
        shown = ranked[:top]
        result.append(
            StoredPlaceValues(
                place=place,
                top=shown,
                other=total - sum(count for _, count in shown),
                distinct_kept=len(counts),
                total=total,
                unmatched=row.unmatched,
                trimmed=row.trimmed,
            )
        )
    return result


def pattern_sketches_drop(pattern_ids: Sequence[int]) -> None:
    """Forget the sketches of patterns merged away (their places are another template's)."""
    PatternPlaceValues.objects.filter(pattern_id__in=list(pattern_ids)).delete()
