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

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import orjson
from django.db import connection

from logs.grouping import WILDCARD
from logs.grouping.corrections import template_values
from logs.grouping.miner import template_key
from logs.models import PatternPlaceValues

SKETCH_SIZE = 50
# Longest value kept; a longer one is kept cut, with "…".
VALUE_KEPT = 200


@dataclass(slots=True)
class _Tally:
    template_key: str
    places: list[Counter[str]]
    unmatched: int = 0


def _kept(value: str) -> str:
    return value if len(value) <= VALUE_KEPT else value[: VALUE_KEPT - 1] + "…"


def place_values_tally(
    templates: Mapping[int, str], entries: Iterable[tuple[int, str]]
) -> dict[int, _Tally]:
    """Values per pattern and place of (pattern id, message) pairs, for patterns whose
    template has a `<*>`. A message repeated in the batch is matched once."""
    tallies: dict[int, _Tally] = {}
    tokens_of: dict[int, tuple[str, ...] | None] = {}
    seen: dict[tuple[int, str], list[str] | None] = {}
    for pattern_id, message in entries:
        tokens = tokens_of.get(pattern_id, ())
        if tokens == ():
            template = templates.get(pattern_id, "")
            tokens = tuple(template.split(" ")) if WILDCARD in template else None
            tokens_of[pattern_id] = tokens
            if tokens is not None:
                places = sum(WILDCARD in token for token in tokens)
                tallies[pattern_id] = _Tally(
                    template_key(template), [Counter() for _ in range(places)]
                )
        if tokens is None:
            continue
        values = seen.get((pattern_id, message), ())
        if values == ():
            values = template_values(tokens, message)
            seen[(pattern_id, message)] = values
        tally = tallies[pattern_id]
        if values is None:
            tally.unmatched += 1
            continue
        for counter, value in zip(tally.places, values, strict=True):
            counter[_kept(value)] += 1
    return tallies


def place_values_count(tallies: Mapping[int, _Tally], *, sign: int = 1) -> None:
    """Add the tallies to the stored sketches (sign=-1: take them off, for logs that moved
    to another pattern). Call with the patterns' rows locked, as patterns_count does."""
    if not tallies:
        return
    quote = connection.ops.quote_name
    table = quote(PatternPlaceValues._meta.db_table)
    ids = sorted(tallies)
    marks = ", ".join(["%s"] * len(ids))
    stored: dict[tuple[int, int], tuple] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pattern_id, place, template_key, counts, other, unmatched, trimmed "  # noqa: S608
            f"FROM {table} WHERE pattern_id IN ({marks}) ORDER BY pattern_id, place",
            ids,
        )
        for pattern_id, place, key, counts, other, unmatched, trimmed in cursor.fetchall():
            stored[(pattern_id, place)] = (key, counts, other, unmatched, trimmed)
        updates, inserts = [], []
        for pattern_id in ids:
            tally = tallies[pattern_id]
            for place, counter in enumerate(tally.places):
                row = stored.get((pattern_id, place))
                if row is None or row[0] != tally.template_key:
                    if sign < 0:
                        continue  # nothing counted under this template to take off
                    counts, other, unmatched, trimmed = {}, 0, 0, False
                else:
                    counts = orjson.loads(row[1])
                    other, unmatched, trimmed = row[2], row[3], bool(row[4])
                if sign > 0:
                    counts, dropped = _added(counts, counter)
                    other += dropped
                    unmatched += tally.unmatched
                    trimmed = trimmed or bool(dropped)
                else:
                    counts, missing = _taken(counts, counter)
                    other = max(other - missing, 0)
                    unmatched = max(unmatched - tally.unmatched, 0)
                values = (tally.template_key, orjson.dumps(counts).decode(), other, unmatched,
                          trimmed)  # fmt: skip
                if row is None:
                    inserts.append((pattern_id, place, *values))
                else:
                    updates.append((*values, pattern_id, place))
        if updates:
            cursor.executemany(
                f"UPDATE {table} SET template_key = %s, counts = %s, other = %s, "  # noqa: S608
                "unmatched = %s, trimmed = %s WHERE pattern_id = %s AND place = %s",
                updates,
            )
        if inserts:
            cursor.executemany(
                f"INSERT INTO {table} (pattern_id, place, template_key, counts, other, "  # noqa: S608
                "unmatched, trimmed) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                inserts,
            )


def _added(counts: dict[str, int], batch: Counter[str]) -> tuple[dict[str, int], int]:
    """The sketch with the batch's values added, and how many logs the trim dropped."""
    for value, count in batch.items():
        counts[value] = counts.get(value, 0) + count
    if len(counts) <= SKETCH_SIZE:
        return counts, 0
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    kept = dict(ranked[:SKETCH_SIZE])
    return kept, sum(count for _, count in ranked[SKETCH_SIZE:])


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
    rows = {
        row.place: row
        for row in PatternPlaceValues.objects.filter(
            pattern_id=pattern_id, template_key=template_key(template)
        )
    }
    places = sum(WILDCARD in token for token in template.split(" "))
    if not places or len(rows) != places:
        return None
    result = []
    for place in range(places):
        row = rows[place]
        counts: dict[str, int] = orjson.loads(row.counts)
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        total = sum(counts.values()) + row.other
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
