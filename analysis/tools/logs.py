"""Tools over logs and patterns: search, timeline, breakdown, neighbours, history.

Each reads through the logs app's selectors with every bound fixed here: row counts,
time windows and the length of each value returned. Log text goes back as data (strings),
cut to MESSAGE_CHARS; what the model does with it is the investigation's concern.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, Literal

from django.db.models import Count
from django.utils.dateparse import parse_datetime
from pydantic import Field

from analysis.models import Analysis
from analysis.tools.base import Tool, ToolArguments, ToolContext, ToolRefused, ToolResult
from analysis.tools.similarity import similar_templates
from logs.models import LogEntry, LogPattern, Severity
from logs.plant import plant_scope_ids
from logs.search import SearchSyntaxError, parse_query, search_newest
from logs.selectors import (
    NEWEST_FIRST,
    LogFilters,
    hourly_activity,
    log_queryset,
    pattern_breakdown,
)

MESSAGE_CHARS = 300
CONTEXT_CHARS = 300
VALUE_CHARS = 120
SINCE = Literal["1h", "24h", "7d", "30d"]
SEVERITY = Literal["DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY"]
PatternId = Field(
    default=None, ge=1, le=2**62, description="Another pattern's id; default: this one."
)


def cut(value: Any, limit: int = VALUE_CHARS) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def pattern_of(context: ToolContext, pattern_id: int | None) -> LogPattern:
    """The pattern a call names (a merged one: the pattern it became), or this one."""
    pattern = LogPattern.objects.filter(pk=pattern_id or context.pattern_id).first()
    for _ in range(10):
        if pattern is None or pattern.merged_into_id is None:
            break
        pattern = LogPattern.objects.filter(pk=pattern.merged_into_id).first()
    if pattern is None:
        raise ToolRefused(f"no pattern {pattern_id}")
    return pattern


def _log_row(entry: LogEntry) -> dict[str, Any]:
    return {
        "time": entry.timestamp.isoformat(timespec="seconds"),
        "host": cut(entry.hostname),
        "service": cut(entry.service),
        "severity": entry.get_severity_display(),
        "message": cut(entry.message, MESSAGE_CHARS),
        "context": cut(entry.context, CONTEXT_CHARS) if entry.context else "",
        "pattern": entry.pattern_id,
    }


class SearchArguments(ToolArguments):
    text: str = Field(
        default="", max_length=200,
        description='Words or "a phrase" the message contains; host:, service:, severity: '
        "terms also work. Empty: every log of the filters.",
    )  # fmt: skip
    host: str = Field(default="", max_length=255)
    service: str = Field(default="", max_length=255)
    min_severity: SEVERITY | None = None
    since: SINCE = "24h"
    line: str = Field(default="", max_length=100, description="A plant line's name.")
    context_key: str = Field(
        default="", max_length=64, pattern=r"^([A-Za-z0-9-]+_?)*$",
        description="A key of the logs' context object (letters, digits, - and single _).",
    )  # fmt: skip
    context_value: str = Field(default="", max_length=200, description="Its value, as text.")
    pattern_id: int | None = PatternId
    only_this_pattern: bool = Field(default=False, description="Only logs of the pattern.")
    limit: int = Field(default=10, ge=1, le=20)


def _search(context: ToolContext, arguments: SearchArguments) -> ToolResult:
    pattern_id = None
    if arguments.only_this_pattern or arguments.pattern_id:
        pattern_id = pattern_of(context, arguments.pattern_id).pk
    filters = LogFilters(
        q=arguments.text,
        host=arguments.host,
        service=arguments.service,
        min_severity=Severity[arguments.min_severity] if arguments.min_severity else None,
        since=arguments.since,
        pattern_id=pattern_id,
        place=(("line", arguments.line),) if arguments.line else (),
    )
    try:
        query = parse_query(arguments.text)
    except SearchSyntaxError as error:
        raise ToolRefused(f"search text not understood: {error}") from None
    logs = log_queryset(filters)
    if arguments.context_key:
        # The key is letters, digits, - and single _ (no "__": no other lookup); the
        # value is compared as a string.
        logs = logs.filter(**{f"context__{arguments.context_key}": arguments.context_value})
    found = search_newest(logs, query, size=arguments.limit + 1, order=NEWEST_FIRST)
    more = len(found) > arguments.limit
    rows = [_log_row(entry) for entry in found[: arguments.limit]]
    return ToolResult(
        data={"logs": rows, "more": more},
        summary=f"{len(rows)} log{'s' if len(rows) != 1 else ''}"
        + (" (more exist)" if more else ""),
    )


SEARCH_LOGS = Tool(
    name="search_logs",
    description="Search stored logs (newest first) by text, host, service, severity, plant "
    "line, a context key and value, and time (last 1h, 24h, 7d or 30d). Up to 20 logs, "
    "messages cut to 300 characters.",
    arguments=SearchArguments,
    run=_search,
)


class TimelineArguments(ToolArguments):
    pattern_id: int | None = PatternId
    hours: int = Field(default=24, ge=1, le=168, description="The last N hours, 1 to 168.")


def _timeline(context: ToolContext, arguments: TimelineArguments) -> ToolResult:
    pattern = pattern_of(context, arguments.pattern_id)
    counts = hourly_activity([pattern.pk], hours=arguments.hours)[pattern.pk]
    busiest = max(range(len(counts)), key=counts.__getitem__)
    return ToolResult(
        data={
            "pattern": pattern.pk,
            "hours_ago_oldest_first": arguments.hours,
            "counts_per_hour": counts,
            "total": pattern.count,
            "first_seen": pattern.first_seen.isoformat(timespec="seconds"),
            "last_seen": pattern.last_seen.isoformat(timespec="seconds"),
        },
        summary=f"{sum(counts)} in {arguments.hours} h, busiest hour "
        f"{arguments.hours - busiest} h ago ({counts[busiest]})",
    )


PATTERN_TIMELINE = Tool(
    name="pattern_timeline",
    description="Occurrences per hour of a pattern over the last N hours (oldest first), "
    "with its first and last occurrence.",
    arguments=TimelineArguments,
    run=_timeline,
)


class BreakdownArguments(ToolArguments):
    pattern_id: int | None = PatternId


def _breakdown(context: ToolContext, arguments: BreakdownArguments) -> ToolResult:
    pattern = pattern_of(context, arguments.pattern_id)
    breakdown = pattern_breakdown(pattern, top=10)

    def pairs(values: list[tuple[str, int]]) -> list[list[Any]]:
        return [[cut(value), count] for value, count in values]

    data = {
        "pattern": pattern.pk,
        "severities": pairs(breakdown.severities),
        "hosts": pairs(breakdown.hosts),
        "hosts_in_all": breakdown.host_total,
        "services": pairs(breakdown.services),
        "services_in_all": breakdown.service_total,
        "places": {key: pairs(values) for key, values in breakdown.places.items()},
    }
    return ToolResult(
        data=data,
        summary=f"{breakdown.host_total} hosts, {breakdown.service_total} services",
    )


PATTERN_BREAKDOWN = Tool(
    name="pattern_breakdown",
    description="Where a pattern occurs: its top hosts, services, severities and plant "
    "places (site, line, cell, asset) with counts.",
    arguments=BreakdownArguments,
    run=_breakdown,
)


class NearbyArguments(ToolArguments):
    around: str = Field(
        default="", max_length=40,
        description="An ISO time; default: the pattern's last occurrence.",
    )  # fmt: skip
    minutes: int = Field(default=30, ge=1, le=720, description="Window on each side.")
    by: Literal["host", "line"] = "host"


NEARBY_HOSTS = 5
NEARBY_SHOWN = 15


def _nearby(context: ToolContext, arguments: NearbyArguments) -> ToolResult:
    pattern = pattern_of(context, None)
    around = pattern.last_seen
    if arguments.around:
        try:
            parsed = parse_datetime(arguments.around)
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            raise ToolRefused("around must be an ISO time with a zone, 2026-03-04T02:10:00Z")
        around = parsed
    window = timedelta(minutes=arguments.minutes)
    logs = LogEntry.objects.filter(timestamp__gte=around - window, timestamp__lte=around + window)
    breakdown = pattern_breakdown(pattern, top=NEARBY_HOSTS)
    if arguments.by == "host":
        where = [host for host, _ in breakdown.hosts]
        logs = logs.filter(hostname__in=where)
    else:
        where = [line for line, _ in breakdown.places.get("line", [])][:NEARBY_HOSTS]
        if not where:
            raise ToolRefused("this pattern's logs name no plant line; try by host")
        logs = logs.filter(plant_id__in=plant_scope_ids({"line": where}))
    counts = list(
        logs.exclude(pattern_id=pattern.pk)
        .exclude(pattern_id=None)
        .values("pattern_id")
        .annotate(n=Count("id"))
        .order_by("-n")[:NEARBY_SHOWN]
    )
    templates = dict(
        LogPattern.objects.filter(pk__in=[row["pattern_id"] for row in counts]).values_list(
            "pk", "template"
        )
    )
    rows = [
        {"pattern": row["pattern_id"], "count": row["n"],
         "template": cut(templates.get(row["pattern_id"], ""), MESSAGE_CHARS)}
        for row in counts
    ]  # fmt: skip
    return ToolResult(
        data={
            "around": around.isoformat(timespec="seconds"),
            "minutes": arguments.minutes,
            arguments.by + "s": [cut(value) for value in where],
            "patterns": rows,
        },
        summary=f"{len(rows)} other patterns on the same {arguments.by}s",
    )


PATTERNS_NEARBY = Tool(
    name="patterns_nearby",
    description="Other patterns that occurred on the same hosts (or plant lines) as this "
    "pattern within N minutes of a time (default: its last occurrence), busiest first.",
    arguments=NearbyArguments,
    run=_nearby,
)


class SimilarArguments(ToolArguments):
    limit: int = Field(default=5, ge=1, le=10)


def _similar(context: ToolContext, arguments: SimilarArguments) -> ToolResult:
    pattern = pattern_of(context, None)
    found = similar_templates(pattern, limit=arguments.limit)
    rows = [
        {"pattern": other.pk, "similarity": round(score, 3), "count": other.count,
         "status": other.status, "template": cut(other.template, MESSAGE_CHARS)}
        for other, score in found
    ]  # fmt: skip
    return ToolResult(data={"patterns": rows}, summary=f"{len(rows)} similar patterns")


SIMILAR_PATTERNS = Tool(
    name="similar_patterns",
    description="Patterns whose templates are most like this one's (resolved ones too: "
    "a similar problem may have been solved before).",
    arguments=SimilarArguments,
    run=_similar,
)


class HistoryArguments(ToolArguments):
    pattern_id: int | None = PatternId


HISTORY_SHOWN = 5


def _history(context: ToolContext, arguments: HistoryArguments) -> ToolResult:
    pattern = pattern_of(context, arguments.pattern_id)
    analyses = (
        Analysis.objects.filter(pattern=pattern, status=Analysis.Status.DONE)
        .exclude(pk=context.analysis_id)
        .order_by("-finished_at")[:HISTORY_SHOWN]
    )
    rows = []
    for analysis in analyses:
        result = analysis.result if isinstance(analysis.result, dict) else {}
        rows.append({
            "when": analysis.finished_at.isoformat(timespec="seconds"),
            "by": "offline analyzer" if analysis.is_offline else cut(analysis.source_label),
            "summary": cut(result.get("summary", ""), MESSAGE_CHARS),
            "probable_cause": cut(result.get("probable_cause", ""), MESSAGE_CHARS),
            "severity": result.get("severity"),
            "confidence": result.get("confidence"),
        })  # fmt: skip
    return ToolResult(
        data={"pattern": pattern.pk, "status": pattern.status, "analyses": rows},
        summary=f"{len(rows)} earlier analyses",
    )


PATTERN_HISTORY = Tool(
    name="pattern_history",
    description="A pattern's earlier analyses (newest first) and its status.",
    arguments=HistoryArguments,
    run=_history,
)
