"""Reads for the console's live lists: only what changed since the client's mark.

The patterns list sends the rows it shows, each with the version it was drawn at
(`pattern_version`), and the bottom of its first page as loaded (the page's cursor, the
"floor"). One query reads those rows again by primary key; a second finds patterns it
does not show that now belong above the floor. The logs list sends its newest row; one
query finds the logs of its filters above it. Nothing counts logs, and a poll where
nothing changed reads only indexed ranges that are empty or as small as the page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from gogent.cursors import decode_cursor, encode_cursor
from logs.models import LogEntry, LogPattern
from logs.search import parse_query, search_newest
from logs.selectors import (
    NEWEST_FIRST,
    PAGE_SIZE,
    PATTERN_SORTS,
    LogFilters,
    PatternFilters,
    _cursor_value,
    log_queryset,
    pattern_queryset,
)

# Sorted by count or severity, a pattern below the page joins it when one of its logs
# stamped within this long moves it above the page's last row; the bound keeps that
# query on the last_seen index (neither count nor severity has one).
RECENT = timedelta(minutes=15)


def pattern_version(pattern: LogPattern, *, matches: bool = True) -> str:
    """What the list draws of a pattern, as a short digest: a row whose version the client
    already has is not sent again."""
    parts = (
        pattern.revision,
        pattern.count,
        pattern.last_seen.isoformat(),
        pattern.max_severity,
        pattern.status,
        pattern.status_changed_at.isoformat() if pattern.status_changed_at else "",
        pattern.regressed_at.isoformat() if pattern.regressed_at else "",
        pattern.merged_into_id or "",
        matches,
    )
    return hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=6).hexdigest()


@dataclass(frozen=True)
class PatternChanges:
    # Shown rows whose version changed and that still match the filters.
    changed: list[LogPattern] = field(default_factory=list)
    # Shown rows that changed so that they no longer match (muted under "status: new",
    # merged into another): drawn in place, marked, until the list is reloaded.
    leaving: list[LogPattern] = field(default_factory=list)
    # Shown ids that are no longer in the database.
    gone: list[int] = field(default_factory=list)
    # Patterns not shown that now belong above the first page's floor, in the list's order.
    added: list[LogPattern] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changed or self.leaving or self.gone or self.added)


def pattern_changes(
    filters: PatternFilters,
    shown: Mapping[int, str],
    *,
    floor: str = "",
    first_page: bool = True,
    limit: int = PAGE_SIZE,
) -> PatternChanges:
    """What changed for a patterns list showing `shown` ({id: version}) under `filters`.

    `floor` is the cursor of the first page's last row as loaded (empty: the page held
    every match); patterns above it that the list does not show are `added`. Older pages
    (`first_page=False`) only have their rows updated: new patterns belong on the first.
    """
    changed: list[LogPattern] = []
    leaving: list[LogPattern] = []
    found: set[int] = set()
    if shown:
        # One query by primary key; the filters are applied to each row alone (Exists).
        matching = pattern_queryset(filters).filter(pk=OuterRef("pk"))
        rows = LogPattern.objects.filter(pk__in=list(shown)).annotate(matches=Exists(matching))
        for pattern in rows:
            found.add(pattern.pk)
            if pattern_version(pattern, matches=pattern.matches) == shown[pattern.pk]:
                continue
            (changed if pattern.matches else leaving).append(pattern)
    gone = sorted(set(shown) - found)
    added: list[LogPattern] = []
    if first_page:
        added = _patterns_above(filters, set(shown), floor, limit)
    order = {pk: index for index, pk in enumerate(shown)}
    changed.sort(key=lambda pattern: order[pattern.pk])
    leaving.sort(key=lambda pattern: order[pattern.pk])
    return PatternChanges(changed=changed, leaving=leaving, gone=gone, added=added)


def _patterns_above(
    filters: PatternFilters, shown: set[int], floor: str, limit: int
) -> list[LogPattern]:
    sort_field = PATTERN_SORTS.get(filters.sort, "last_seen")
    patterns = pattern_queryset(filters)
    if shown:
        patterns = patterns.exclude(pk__in=shown)
    after = decode_cursor(floor)
    if after is not None:
        value = _cursor_value(LogPattern, sort_field, after[0])
        if value is not None:
            # The plain bound offers the database an index range; the OR alone would scan.
            patterns = patterns.filter(**{f"{sort_field}__gte": value}).filter(
                Q(**{f"{sort_field}__gt": value}) | Q(**{sort_field: value, "pk__gt": after[1]})
            )
    if sort_field != "last_seen":
        patterns = patterns.filter(last_seen__gte=timezone.now() - RECENT)
    return list(patterns.order_by(f"-{sort_field}", "-pk")[:limit])


@dataclass(frozen=True)
class NewLogs:
    rows: list[LogEntry]  # newest first
    # More logs than `rows` came above the client's newest: the rows are the newest ones,
    # and a gap separates them from what the client shows.
    more: bool
    # The cursor of the newest log now shown (the client's next mark).
    top: str


def logs_newer(filters: LogFilters, top: str, *, limit: int = PAGE_SIZE) -> NewLogs:
    """The logs of `filters` that sort above `top` (the cursor of the newest log the client
    shows), newest first, at most `limit`. A log stamped older than that one (a late
    producer) sorts below it and is left to a reload, where it is in its place.
    SearchSyntaxError for a search (q) that cannot be understood, as log_page."""
    logs = log_queryset(filters)
    after = decode_cursor(top)
    if after is not None:
        value = _cursor_value(LogEntry, "timestamp", after[0])
        if value is not None:
            # The plain bound keeps the database on an index range; the OR alone scans.
            logs = logs.filter(timestamp__gte=value).filter(
                Q(timestamp__gt=value) | Q(timestamp=value, pk__gt=after[1])
            )
    # The search as the page reads it (logs.search: words, phrases, host:/service: terms).
    query = parse_query(filters.q)
    rows = search_newest(
        logs.select_related("pattern", "plant"), query, size=limit + 1, order=NEWEST_FIRST
    )
    more = len(rows) > limit
    rows = rows[:limit]
    mark = encode_cursor([rows[0].timestamp, rows[0].pk]) if rows else top
    return NewLogs(rows=rows, more=more, top=mark)
