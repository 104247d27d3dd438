"""Reads for the logs app: the console's lists, filters and activity rollups.

Lists use keyset pagination (a cursor holding the last row's sort value and id),
so page 500 costs what page 1 does. A pattern's activity over time comes from the rollups
kept at ingest (LogPatternStat hours), never from counting logs; the dashboard's is in
logs.activity, ingest health in logs.operations.
Reads of logs are bounded: a text search (logs.search) goes through a full-text index of
every retained log, and the CSV export writes at most LOGS_EXPORT_MAX_ROWS logs, saying how
far it went (SearchWindow).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from gogent.cursors import decode_cursor, encode_cursor
from logs.grouping import WILDCARD
from logs.grouping.corrections import template_values
from logs.models import (
    PLANT_KEYS,
    GroupingRule,
    LogEntry,
    LogPattern,
    LogPatternStat,
    RejectedMessage,
)
from logs.place_values import place_values_read
from logs.plant import plant_scope_ids, plant_values
from logs.search import parse_query, search_logs, search_newest

PAGE_SIZE = 50
SINCE_CHOICES = {
    "1h": timedelta(hours=1),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
}
HOUR = LogPatternStat.Dimension.HOUR


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    next_cursor: str = ""


@dataclass(frozen=True)
class PatternFilters:
    q: str = ""
    min_severity: int | None = None
    service: str = ""
    host: str = ""
    status: str = ""
    since: str = ""
    sort: str = "last_seen"
    # (key, value or glob) of the plant context: site, area, line, cell, asset.
    place: tuple[tuple[str, str], ...] = ()
    # (pattern ids query, wanted): yes/no filters other apps add (logs.console.PatternFlag).
    flags: tuple[tuple[Any, bool], ...] = ()


@dataclass(frozen=True)
class LogFilters:
    q: str = ""
    min_severity: int | None = None
    service: str = ""
    host: str = ""
    since: str = ""
    pattern_id: int | None = None
    place: tuple[tuple[str, str], ...] = ()


def place_scope(place: tuple[tuple[str, str], ...]) -> dict[str, list[str]]:
    """key -> lower-cased globs, from a filter's (key, value) pairs."""
    scope: dict[str, list[str]] = {}
    for key, value in place:
        if value.strip():
            scope.setdefault(key, []).append(value.strip().lower())
    return scope


# Sort name → (field, ordering fields); newest / largest first, id breaks ties.
PATTERN_SORTS = {
    "last_seen": "last_seen",
    "count": "count",
    "severity": "max_severity",
}


def pattern_queryset(filters: PatternFilters) -> QuerySet[LogPattern]:
    patterns = LogPattern.objects.filter(merged_into=None)
    if filters.q:
        patterns = patterns.filter(template__icontains=filters.q)
    if filters.min_severity is not None:
        patterns = patterns.filter(max_severity__gte=filters.min_severity)
    if filters.status:
        patterns = patterns.filter(status=filters.status)
    if filters.since in SINCE_CHOICES:
        patterns = patterns.filter(last_seen__gte=timezone.now() - SINCE_CHOICES[filters.since])
    for dimension, value in (
        (LogPatternStat.Dimension.SERVICE, filters.service),
        (LogPatternStat.Dimension.HOST, filters.host),
    ):
        if value:
            patterns = patterns.filter(
                pk__in=LogPatternStat.objects.filter(dimension=dimension, value=value).values(
                    "pattern_id"
                )
            )
    for key, globs in place_scope(filters.place).items():
        patterns = patterns.filter(
            pk__in=LogPatternStat.objects.filter(
                dimension=key, value__in=plant_values(key, globs)
            ).values("pattern_id")
        )
    for pattern_ids, wanted in filters.flags:
        patterns = (
            patterns.filter(pk__in=pattern_ids) if wanted else patterns.exclude(pk__in=pattern_ids)
        )
    return patterns


def pattern_page(filters: PatternFilters, cursor: str = "", size: int = PAGE_SIZE) -> Page:
    sort_field = PATTERN_SORTS.get(filters.sort, "last_seen")
    patterns = pattern_queryset(filters)
    after = decode_cursor(cursor)
    if after is not None:
        value = _cursor_value(LogPattern, sort_field, after[0])
        if value is not None:
            patterns = patterns.filter(
                Q(**{f"{sort_field}__lt": value}) | Q(**{sort_field: value, "pk__lt": after[1]})
            )
    rows = list(patterns.order_by(f"-{sort_field}", "-pk")[: size + 1])
    next_cursor = ""
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, sort_field), last.pk])
    return Page(rows=rows, next_cursor=next_cursor)


def _cursor_value(model: type, field_name: str, raw: Any) -> Any:
    field = model._meta.get_field(field_name)
    try:
        if field.get_internal_type() == "DateTimeField":
            return datetime.fromisoformat(raw)
        return int(raw)
    except (TypeError, ValueError):
        return None


def hourly_activity(pattern_ids: Iterable[int], *, hours: int = 24) -> dict[int, list[int]]:
    """Occurrences per hour, oldest first, for the last `hours` hours (logs' own times)."""
    now = timezone.now().astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    slots = [now - timedelta(hours=offset) for offset in range(hours - 1, -1, -1)]
    labels = {slot.strftime("%Y-%m-%dT%H"): index for index, slot in enumerate(slots)}
    ids = list(pattern_ids)
    activity = {pattern_id: [0] * hours for pattern_id in ids}
    rows = LogPatternStat.objects.filter(
        pattern_id__in=ids, dimension=HOUR, value__gte=slots[0].strftime("%Y-%m-%dT%H")
    ).values_list("pattern_id", "value", "count")
    for pattern_id, value, count in rows:
        index = labels.get(value)
        if index is not None:
            activity[pattern_id][index] = count
    return activity


def host_counts(pattern_ids: Iterable[int]) -> dict[int, int]:
    return dict(
        LogPatternStat.objects.filter(
            pattern_id__in=list(pattern_ids), dimension=LogPatternStat.Dimension.HOST
        )
        .values("pattern_id")
        .annotate(hosts=Count("id"))
        .values_list("pattern_id", "hosts")
    )


@dataclass(frozen=True)
class Breakdown:
    severities: list[tuple[str, int]] = field(default_factory=list)
    hosts: list[tuple[str, int]] = field(default_factory=list)
    services: list[tuple[str, int]] = field(default_factory=list)
    host_total: int = 0
    service_total: int = 0
    # key -> (value, count), most first: the sites, lines… the pattern occurs on.
    places: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def pattern_breakdown(pattern: LogPattern, *, top: int = 10) -> Breakdown:
    stats = LogPatternStat.objects.filter(pattern=pattern).exclude(dimension=HOUR)
    grouped: dict[str, list[tuple[str, int]]] = {"severity": [], "host": [], "service": []}
    grouped.update({key: [] for key in PLANT_KEYS})
    totals: dict[str, int] = dict.fromkeys(grouped, 0)
    for dimension, value, count in stats.order_by("-count", "value").values_list(
        "dimension", "value", "count"
    ):
        if dimension not in grouped:
            continue
        totals[dimension] += 1
        if len(grouped[dimension]) < top:
            grouped[dimension].append((value, count))
    return Breakdown(
        places={key: grouped[key] for key in PLANT_KEYS if grouped[key]},
        severities=grouped["severity"],
        hosts=grouped["host"],
        services=grouped["service"],
        host_total=totals["host"],
        service_total=totals["service"],
    )


def filter_choices() -> dict[str, list[str]]:
    """Values for the service and host pickers: the most common ones."""
    choices: dict[str, list[str]] = {}
    for dimension in (LogPatternStat.Dimension.SERVICE, LogPatternStat.Dimension.HOST):
        choices[dimension] = list(
            LogPatternStat.objects.filter(dimension=dimension)
            .values("value")
            .annotate(total=Sum("count"))
            .order_by("-total")
            .values_list("value", flat=True)[:200]
        )
    return choices


NEWEST_FIRST = ("-timestamp", "-pk")
EXPORT_FIELDS = ("timestamp", "severity", "hostname", "service", "message", "context", "pattern_id")


@dataclass(frozen=True)
class SearchWindow:
    """How far a bounded read went: the logs from `oldest` to `newest` (their own times),
    `size` of them, and no further, though older ones match the filter."""

    newest: datetime
    oldest: datetime
    size: int
    # A cursor for the logs older than the window (gogent.cursors).
    cursor: str


@dataclass(frozen=True)
class SearchedPage(Page):
    # How far a bounded read went; a text search reads the index of every log, so None.
    searched: SearchWindow | None = None


@dataclass(frozen=True)
class LogExport:
    rows: Iterator[tuple[Any, ...]]  # EXPORT_FIELDS, newest first
    truncated: SearchWindow | None  # set when older logs of the filter were left out


def log_queryset(filters: LogFilters) -> QuerySet[LogEntry]:
    """Every log the filters other than the text (q) select; q is a search (logs.search)."""
    logs = LogEntry.objects.all()
    if filters.pattern_id is not None:
        logs = logs.filter(pattern_id=filters.pattern_id)
    if filters.min_severity is not None:
        logs = logs.filter(severity__gte=filters.min_severity)
    if filters.service:
        logs = logs.filter(service=filters.service)
    if filters.host:
        logs = logs.filter(hostname=filters.host)
    if filters.since in SINCE_CHOICES:
        logs = logs.filter(timestamp__gte=timezone.now() - SINCE_CHOICES[filters.since])
    scope = place_scope(filters.place)
    if scope:
        logs = logs.filter(plant_id__in=plant_scope_ids(scope))
    return logs


def _newest(logs: QuerySet[LogEntry], limit: int) -> tuple[QuerySet[LogEntry], SearchWindow | None]:
    """The newest `limit` logs of the queryset, and the window if older ones were left out.

    The cut is found by walking the filter's logs in timestamp order (an index), not by
    reading messages; a substring match then reads only the logs inside the cut.
    """
    limit = max(limit, 1)
    edge = list(logs.order_by(*NEWEST_FIRST).values_list("timestamp", "pk")[limit - 1 : limit + 1])
    if len(edge) < 2:
        return logs, None
    timestamp, pk = edge[0]
    newest = logs.order_by(*NEWEST_FIRST).values_list("timestamp", flat=True).first()
    window = SearchWindow(
        newest=newest, oldest=timestamp, size=limit, cursor=encode_cursor([timestamp, pk])
    )
    # The plain bound lets the database walk an index range; the OR alone would scan.
    inside = logs.filter(timestamp__gte=timestamp).filter(
        Q(timestamp__gt=timestamp) | Q(timestamp=timestamp, pk__gte=pk)
    )
    return inside, window


def _older_than(logs: QuerySet[LogEntry], cursor: str) -> QuerySet[LogEntry]:
    after = decode_cursor(cursor)
    if after is not None:
        value = _cursor_value(LogEntry, "timestamp", after[0])
        if value is not None:
            logs = logs.filter(timestamp__lte=value).filter(
                Q(timestamp__lt=value) | Q(timestamp=value, pk__lt=after[1])
            )
    return logs


def log_page(filters: LogFilters, cursor: str = "", size: int = PAGE_SIZE) -> SearchedPage:
    """A page of logs, newest first, after the cursor.

    q is a search (logs.search: words, "phrases", host:/service:/severity: terms) over every
    retained log, through the full-text index; SearchSyntaxError if it cannot be understood.
    """
    query = parse_query(filters.q)
    logs = _older_than(log_queryset(filters), cursor).select_related("pattern", "plant")
    rows = search_newest(logs, query, size=size + 1, order=NEWEST_FIRST)
    if len(rows) > size:
        rows = rows[:size]
        return SearchedPage(rows=rows, next_cursor=encode_cursor([rows[-1].timestamp, rows[-1].pk]))
    return SearchedPage(rows=rows)


def log_export_rows(filters: LogFilters, *, limit: int) -> LogExport:
    """The newest `limit` logs of the filter and search (q, as log_page reads it), newest
    first, streamed from the database; `truncated` says when older ones exist."""
    logs, window = _newest(search_logs(log_queryset(filters), parse_query(filters.q)), limit)
    rows = logs.order_by(*NEWEST_FIRST).values_list(*EXPORT_FIELDS).iterator(chunk_size=2000)
    return LogExport(rows=rows, truncated=window)


def recent_logs(pattern: LogPattern, *, limit: int = 20) -> list[LogEntry]:
    logs = LogEntry.objects.filter(pattern=pattern).select_related("plant")
    return list(logs.order_by("-timestamp", "-pk")[:limit])


def rejected_page(reason: str = "", cursor: str = "", size: int = PAGE_SIZE) -> Page:
    rejected = RejectedMessage.objects.all()
    if reason:
        rejected = rejected.filter(reason=reason)
    after = decode_cursor(cursor)
    if after is not None:
        value = _cursor_value(RejectedMessage, "received_at", after[0])
        if value is not None:
            rejected = rejected.filter(
                Q(received_at__lt=value) | Q(received_at=value, pk__lt=after[1])
            )
    rows = list(rejected.order_by("-received_at", "-pk")[: size + 1])
    next_cursor = ""
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = encode_cursor([rows[-1].received_at, rows[-1].pk])
    return Page(rows=rows, next_cursor=next_cursor)


def rejected_counts() -> list[tuple[str, str, int]]:
    """(reason, label, count) for every reason seen, most frequent first."""
    labels = dict(RejectedMessage.Reason.choices)
    return [
        (reason, labels.get(reason, reason), count)
        for reason, count in RejectedMessage.objects.values("reason")
        .annotate(count=Count("id"))
        .order_by("-count")
        .values_list("reason", "count")
    ]


# Without a sketch counted at ingest (a pattern not seen since its template last changed),
# the inspector reads this many of the pattern's newest stored logs.
PLACE_VALUES_LOGS = 1000
PLACE_VALUES_TOP = 10


@dataclass(frozen=True, slots=True)
class PlaceValues:
    """One `<*>` of a template (from 0) and the values logs had there."""

    place: int
    token: str  # the template's token holding it: "<*>", "action:<*>"
    top: list[tuple[str, int]]  # most common values first
    other: int  # logs with a value not in top
    distinct: int  # distinct values known (at most the sketch's size when counted)
    logs: int  # logs counted whose message the template matched
    counted_at_ingest: bool  # else: read from the newest stored logs
    trimmed: bool = False  # the sketch dropped rare values: kept counts may be short
    unmatched: int = 0  # logs of the pattern the template does not match (merged in)


def pattern_place_values(
    pattern: LogPattern, *, logs: int = PLACE_VALUES_LOGS, top: int = PLACE_VALUES_TOP
) -> list[PlaceValues]:
    """For each `<*>` of the pattern's template, the values its logs hold there: counted at
    ingest since the template last changed, else read from its newest stored logs."""
    tokens = tuple(pattern.template.split(" "))
    places = [token for token in tokens if WILDCARD in token]
    if not places:
        return []
    sketches = (
        place_values_read(pattern.pk, pattern.template, top=top)
        if settings.PATTERN_VALUE_SKETCHES
        else None
    )
    if sketches is not None:
        return [
            PlaceValues(
                place=sketch.place,
                token=token,
                top=sketch.top,
                other=sketch.other,
                distinct=sketch.distinct_kept,
                logs=sketch.total,
                counted_at_ingest=True,
                trimmed=sketch.trimmed,
                unmatched=sketch.unmatched,
            )
            for sketch, token in zip(sketches, places, strict=True)
        ]
    counters: list[Counter[str]] = [Counter() for _ in places]
    read = unmatched = 0
    messages = (
        LogEntry.objects.filter(pattern=pattern)
        .order_by("-timestamp", "-pk")
        .values_list("message", flat=True)[:logs]
    )
    for message in messages:
        values = template_values(tokens, message)
        if values is None:
            unmatched += 1  # grouped here by a merge, or by a template since generalized
            continue
        read += 1
        for counter, value in zip(counters, values, strict=True):
            counter[value] += 1
    result = []
    for place, (token, counter) in enumerate(zip(places, counters, strict=True)):
        common = counter.most_common(top)
        result.append(
            PlaceValues(
                place=place,
                token=token,
                top=common,
                other=read - sum(n for _, n in common),
                distinct=len(counter),
                logs=read,
                counted_at_ingest=False,
                unmatched=unmatched,
            )
        )
    return result


def grouping_rules_of(pattern: LogPattern) -> list[GroupingRule]:
    """Corrections that made, split or merged into this pattern, newest first."""
    rules = GroupingRule.objects.filter(
        Q(pattern=pattern) | Q(source=pattern) | Q(patterns=pattern)
    ).distinct()
    return list(rules.select_related("pattern", "source").order_by("-pk")[:50])
