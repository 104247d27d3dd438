"""The alarm-health KPIs of a scope over a period, read from the rollups (logs.alarms.rollup).

Targets are ISA-18.2's (Table 16, after EEMUA 191), for one operator's span of control;
choose the site or line one operator watches:

- average alarms per hour: about 6 acceptable, 12 the most manageable; per 10 minutes:
  about 1 acceptable, 2 the most manageable;
- a flood is a 10-minute period with more than 10 alarms; under 1 % of the time in flood;
- chattering: a pattern that raised 3 or more alarms within one minute at one place (a
  chattering minute; minutes are clock minutes, UTC), repeatedly: in at least 2 different
  hours of the period. Target: none;
- stale: a pattern that alarmed in every hour of more than 24 consecutive hours (its
  condition never cleared for a day). Target: fewer than 5;
- the 10 most frequent patterns ("bad actors") should cause no more than about 5 % of all
  alarms (a Pareto chart shows how few cause most);
- priority mix: about 80 % low, 15 % high, 5 % urgent (ALARM_PRIORITY_HIGH/URGENT).

Periods are whole hours (UTC, logs.alarms.period): "the last 7 days" are the 168 hours up
to the end of the current one, so the per-pattern figures (kept per hour and per day) and
the loads (per 10 minutes) cover the same alarms. Averages divide by the time elapsed, not
the whole hours.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.urls import reverse

from logs.alarms.period import HOUR, Period, Scope
from logs.alarms.rollup import epoch_minute
from logs.models import (
    AlarmLoad,
    AlarmPatternDay,
    AlarmPatternHour,
    LogPattern,
    Severity,
)

PER_HOUR_ACCEPTABLE, PER_HOUR_MANAGEABLE = 6.0, 12.0
PER_10_MINUTES_ACCEPTABLE, PER_10_MINUTES_MANAGEABLE = 1.0, 2.0
FLOOD_ALARMS = 10  # more than this in 10 minutes
FLOOD_PERCENT_TARGET = 1.0
CHATTER_HOURS = 2  # "repeatedly": chattering minutes in at least this many hours
STALE_HOURS = 24  # alarming in every hour of more than this many consecutive hours
STALE_TARGET = 5
TOP_ACTORS = 10
TOP_ACTORS_PERCENT_TARGET = 5.0
PRIORITY_TARGETS = {"low": 80.0, "high": 15.0, "urgent": 5.0}
LIST_MAX = 20  # patterns listed as chattering, stale
FLOODS_LISTED = 10
FLOOD_PATTERNS = 3  # patterns named per flood period
TIMELINE_COLUMNS = 360

OK, MANAGEABLE, OVER, NONE = "ok", "manageable", "over", "none"
VERDICT_LABELS = {
    OK: "acceptable",
    MANAGEABLE: "manageable",
    OVER: "over target",
    NONE: "no alarms",
}
ALL_DAY = (1 << 24) - 1  # a day's hours, bit n: hour n
EDGE_HOURS = 1 | 1 << 23  # a day's first and last hour: a run longer than a day crosses one
LATE_13, EARLY_13 = ALL_DAY & ~((1 << 11) - 1), (1 << 13) - 1  # hours 11-23, hours 0-12


# --- The figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    value: float
    verdict: str
    acceptable: float
    manageable: float

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]


@dataclass(frozen=True)
class Slot:
    start: datetime
    alarms: int
    patterns: list[tuple[LogPattern, int]] = field(default_factory=list)


@dataclass(frozen=True)
class TimelineColumn:
    start: datetime
    end: datetime
    peak: int  # most alarms in one of its 10-minute periods
    alarms: int
    floods: int  # its 10-minute periods in flood


@dataclass(frozen=True)
class Floods:
    periods: int
    percent: float
    verdict: str
    worst: list[Slot]


@dataclass(frozen=True)
class Actor:
    pattern: LogPattern
    alarms: int
    percent: float
    cumulative: float


@dataclass(frozen=True)
class Chatter:
    pattern: LogPattern
    minutes: int  # chattering minutes
    hours: int  # different hours they fell in
    alarms: int


@dataclass(frozen=True)
class Stale:
    pattern: LogPattern
    hours: int  # the longest run of consecutive alarming hours
    start: datetime
    end: datetime  # exclusive
    active_now: bool  # the run reaches the current hour
    alarms: int


@dataclass(frozen=True)
class Priority:
    name: str
    alarms: int
    percent: float
    target: float
    min_severity: int
    severities: list[str]  # the severity names it takes


@dataclass(frozen=True)
class AlarmHealth:
    period: Period
    scope: Scope
    alarm_severity: int
    alarms: int
    per_hour: Rate
    per_10_minutes: Rate
    peak: Slot | None
    floods: Floods
    timeline: list[TimelineColumn]
    bad_actors: list[Actor]
    alarming_patterns: int  # patterns with alarms in the period
    top_percent: float
    top_verdict: str
    chattering: list[Chatter]
    chattering_verdict: str
    stale: list[Stale]
    stale_verdict: str
    priorities: list[Priority]
    priority_verdict: str

    @property
    def alarm_severity_label(self) -> str:
        return Severity(self.alarm_severity).label


def alarm_health(period: Period, scope: Scope) -> AlarmHealth:
    """Every figure of the scope over the period, from the rollups (a few indexed reads)."""
    first_slot, end_slot = epoch_minute(period.start) // 10, epoch_minute(period.end) // 10
    loads = AlarmLoad.objects.filter(
        scope_id__in=scope.ids, slot__gte=first_slot, slot__lt=end_slot
    )
    per_slot = dict(
        loads.values("slot").annotate(n=Sum("count")).order_by().values_list("slot", "n")
    )
    per_severity = dict(
        loads.values("severity").annotate(n=Sum("count")).order_by().values_list("severity", "n")
    )
    alarms = sum(per_slot.values())
    top, total, alarming = _top_patterns(period, scope)
    chattering = sorted(
        (row for row in _chattering(period, scope) if row[2] >= CHATTER_HOURS),
        key=lambda row: (-row[1], row[0]),
    )
    stale = sorted(_stale_runs(period, scope).items(), key=lambda item: (-item[1][0], item[0]))
    worst = sorted(
        ((slot, n) for slot, n in per_slot.items() if n > FLOOD_ALARMS),
        key=lambda item: (-item[1], item[0]),
    )
    flood_patterns = _slot_patterns(scope, [slot for slot, _ in worst[:FLOODS_LISTED]])
    listed = (
        {pattern_id for pattern_id, _ in top}
        | {row[0] for row in chattering[:LIST_MAX]}
        | {pattern_id for pattern_id, _ in stale[:LIST_MAX]}
        | {pattern_id for rows in flood_patterns.values() for pattern_id, _ in rows}
    )
    patterns = LogPattern.objects.in_bulk(listed)
    per_pattern = dict(top)
    per_pattern.update(_pattern_alarms(period, scope, listed - per_pattern.keys()))
    bad_actors = _bad_actors(top, total, patterns)
    top_percent = bad_actors[-1].cumulative if bad_actors else 0.0
    flood_percent = _percent(len(worst), period.slots)
    priorities = _priorities(per_severity, alarms)
    high, urgent = priorities[1].percent, priorities[2].percent
    return AlarmHealth(
        period=period,
        scope=scope,
        alarm_severity=int(Severity[settings.ALARM_SEVERITY]),
        alarms=alarms,
        per_hour=_rate(
            alarms / (period.elapsed / HOUR), PER_HOUR_ACCEPTABLE, PER_HOUR_MANAGEABLE, alarms
        ),
        per_10_minutes=_rate(
            alarms / period.slots, PER_10_MINUTES_ACCEPTABLE, PER_10_MINUTES_MANAGEABLE, alarms
        ),
        peak=_peak(per_slot),
        floods=Floods(
            periods=len(worst),
            percent=flood_percent,
            verdict=_target(flood_percent < FLOOD_PERCENT_TARGET, alarms),
            worst=[
                Slot(_slot_start(slot), n, _named(flood_patterns[slot], patterns))
                for slot, n in worst[:FLOODS_LISTED]
            ],
        ),
        timeline=_timeline(per_slot, first_slot, end_slot),
        bad_actors=bad_actors,
        alarming_patterns=alarming,
        top_percent=top_percent,
        top_verdict=_target(top_percent <= TOP_ACTORS_PERCENT_TARGET, alarms),
        chattering=[
            Chatter(patterns[pattern_id], minutes, hours, per_pattern.get(pattern_id, 0))
            for pattern_id, minutes, hours in chattering[:LIST_MAX]
            if pattern_id in patterns
        ],
        chattering_verdict=_target(not chattering, alarms),
        stale=_stale(stale[:LIST_MAX], period, patterns, per_pattern),
        stale_verdict=_target(len(stale) < STALE_TARGET, alarms),
        priorities=priorities,
        priority_verdict=_target(
            urgent <= PRIORITY_TARGETS["urgent"]
            and high + urgent <= PRIORITY_TARGETS["high"] + PRIORITY_TARGETS["urgent"],
            alarms,
        ),
    )


def _bad_actors(
    top: list[tuple[int, int]], total: int, patterns: dict[int, LogPattern]
) -> list[Actor]:
    actors, cumulative = [], 0
    for pattern_id, count in top:
        cumulative += count
        if pattern_id in patterns:
            actors.append(
                Actor(
                    patterns[pattern_id],
                    count,
                    _percent(count, total),
                    _percent(cumulative, total),
                )
            )
    return actors


def _named(
    rows: list[tuple[int, int]], patterns: dict[int, LogPattern]
) -> list[tuple[LogPattern, int]]:
    return [(patterns[pattern_id], count) for pattern_id, count in rows if pattern_id in patterns]


def _stale(
    runs: list[tuple[int, tuple[int, int]]],
    period: Period,
    patterns: dict[int, LogPattern],
    per_pattern: dict[int, int],
) -> list[Stale]:
    # Still on: the run reaches the current hour or the one before, in a period up to now.
    now_hour = epoch_minute(period.now) // 60 if period.end > period.now else None
    return [
        Stale(
            pattern=patterns[pattern_id],
            hours=hours,
            start=_hour_start(first),
            end=_hour_start(first + hours),
            active_now=now_hour is not None and first + hours >= now_hour,
            alarms=per_pattern.get(pattern_id, 0),
        )
        for pattern_id, (hours, first) in runs
        if pattern_id in patterns
    ]


def _rate(value: float, acceptable: float, manageable: float, alarms: int) -> Rate:
    if not alarms:
        verdict = NONE
    elif value <= acceptable:
        verdict = OK
    elif value <= manageable:
        verdict = MANAGEABLE
    else:
        verdict = OVER
    return Rate(round(value, 2), verdict, acceptable, manageable)


def _target(met: bool, alarms: int) -> str:
    if not alarms:
        return NONE
    return OK if met else OVER


def _percent(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


def _slot_start(slot: int) -> datetime:
    return datetime.fromtimestamp(slot * 600, UTC)


def _hour_start(hour: int) -> datetime:
    return datetime.fromtimestamp(hour * 3600, UTC)


def _peak(per_slot: dict[int, int]) -> Slot | None:
    if not per_slot:
        return None
    slot = min(per_slot, key=lambda s: (-per_slot[s], s))
    return Slot(_slot_start(slot), per_slot[slot])


def _timeline(per_slot: dict[int, int], first: int, end: int) -> list[TimelineColumn]:
    """The period in at most TIMELINE_COLUMNS columns of whole 10-minute periods."""
    width = max(math.ceil((end - first) / TIMELINE_COLUMNS), 1)
    columns = []
    for start in range(first, end, width):
        counts = [per_slot.get(slot, 0) for slot in range(start, min(start + width, end))]
        columns.append(
            TimelineColumn(
                start=_slot_start(start),
                end=_slot_start(start + len(counts)),
                peak=max(counts),
                alarms=sum(counts),
                floods=sum(1 for n in counts if n > FLOOD_ALARMS),
            )
        )
    return columns


def _hour_ranges(period: Period) -> tuple[tuple[int, int], list[tuple[int, int]]]:
    """The period's whole UTC days [first, end), and its hours outside them."""
    start, end = period.start_hour, period.end_hour
    first_day, end_day = -(-start // 24), end // 24
    if first_day >= end_day:
        return (0, 0), [(start, end)]
    edges = [(start, first_day * 24), (end_day * 24, end)]
    return (first_day, end_day), [(a, b) for a, b in edges if a < b]


def _alarm_rows(
    period: Period, scope: Scope, pattern_ids: Collection[int] = ()
) -> tuple[str, list[int]]:
    """SQL for (pattern_id, count) rows covering the period once: whole UTC days from the
    day rows, the hours around them from the hour rows; only `pattern_ids` when given."""
    (first_day, end_day), edges = _hour_ranges(period)
    quote = connection.ops.quote_name
    scopes = ", ".join(["%s"] * len(scope.ids))
    patterns = ""
    if pattern_ids:
        patterns = f" AND pattern_id IN ({', '.join(['%s'] * len(pattern_ids))})"
    parts, params = [], []
    ranges = [(AlarmPatternDay, "day", first_day, end_day)] if first_day < end_day else []
    ranges += [(AlarmPatternHour, "hour", first, end) for first, end in edges]
    for model, column, first, end in ranges:
        # Identifiers from the models; values are parameters.
        parts.append(
            f"SELECT pattern_id, {quote('count')} AS n FROM {quote(model._meta.db_table)} "  # noqa: S608
            f"WHERE scope_id IN ({scopes}) AND {column} >= %s AND {column} < %s{patterns}"
        )
        params += [*scope.ids, first, end, *pattern_ids]
    return " UNION ALL ".join(parts), params


def _top_patterns(period: Period, scope: Scope) -> tuple[list[tuple[int, int]], int, int]:
    """The TOP_ACTORS patterns with the most alarms, the alarms of all patterns and how many
    patterns had any: the database groups and ranks, a few rows come back."""
    if not scope.ids:
        return [], 0, 0
    rows, params = _alarm_rows(period, scope)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pattern_id, n, SUM(n) OVER (), COUNT(*) OVER () FROM "  # noqa: S608
            f"(SELECT pattern_id, SUM(n) AS n FROM ({rows}) AS alarm_rows GROUP BY pattern_id) "
            "AS totals ORDER BY n DESC, pattern_id LIMIT %s",
            [*params, TOP_ACTORS],
        )
        found = cursor.fetchall()
    if not found:
        return [], 0, 0
    return [(row[0], int(row[1])) for row in found], int(found[0][2]), int(found[0][3])


def _pattern_alarms(period: Period, scope: Scope, pattern_ids: Collection[int]) -> dict[int, int]:
    """Alarms of these patterns over the period."""
    if not scope.ids or not pattern_ids:
        return {}
    ids = sorted(pattern_ids)
    rows, params = _alarm_rows(period, scope, ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pattern_id, SUM(n) FROM ({rows}) AS alarm_rows GROUP BY pattern_id",  # noqa: S608
            params,
        )
        return {pattern_id: int(count) for pattern_id, count in cursor.fetchall()}


def _chattering(period: Period, scope: Scope) -> list[tuple[int, int, int]]:
    """(pattern, chattering minutes, different hours) of the patterns that chattered."""
    return list(
        AlarmPatternHour.objects.filter(
            scope_id__in=scope.ids,
            hour__gte=period.start_hour,
            hour__lt=period.end_hour,
            chatter__gt=0,
        )
        .values("pattern_id")
        .annotate(minutes=Sum("chatter"), hours=Count("hour", distinct=True))
        .order_by()
        .values_list("pattern_id", "minutes", "hours")
    )


def _stale_runs(period: Period, scope: Scope) -> dict[int, tuple[int, int]]:
    """pattern -> (hours, first hour) of its longest run of consecutive alarming hours in the
    period, for the patterns whose longest run is over STALE_HOURS.

    A run over a day crosses midnight: it ends some day's hours with 13 or more alarming
    hours up to midnight, or starts the next one with 13 or more from midnight (or takes a
    whole day). Only patterns with such a day are looked at, and of them only the days that
    alarmed in hour 0 or 23: the others cannot be part of a run across midnight.
    """
    start, end = period.start_hour, period.end_hour
    days = AlarmPatternDay.objects.filter(
        scope_id__in=scope.ids, day__gte=start // 24, day__lte=(end - 1) // 24
    )
    long_edges = (
        days.annotate(late=F("hours").bitand(LATE_13), early=F("hours").bitand(EARLY_13))
        .filter(Q(late=LATE_13) | Q(early=EARLY_13))
        .values("pattern_id")
    )
    rows = (
        days.filter(pattern_id__in=long_edges)
        .annotate(edge=F("hours").bitand(EDGE_HOURS))
        .filter(edge__gt=0)
        .values_list("pattern_id", "day", "hours")
    )
    by_pattern: dict[int, dict[int, int]] = {}
    for pattern_id, day, bits in rows:
        by_day = by_pattern.setdefault(pattern_id, {})
        by_day[day] = by_day.get(day, 0) | bits
    runs: dict[int, tuple[int, int]] = {}
    for pattern_id, by_day in by_pattern.items():
        longest = _longest_run(by_day, start, end)
        if longest[0] > STALE_HOURS:
            runs[pattern_id] = longest
    return runs


def _longest_run(by_day: dict[int, int], start: int, end: int) -> tuple[int, int]:
    """(length, first hour) of the longest run of alarming hours across midnight (a day's
    bit n: its hour n) within the hours [start, end); (0, 0) when none crosses one."""
    best = (0, 0)
    run, run_start, previous = 0, 0, None  # the run reaching the end of the previous day
    for day in sorted(by_day):
        first = day * 24
        bits = by_day[day] & _hours_within(first, start, end)
        if previous is None or day != previous + 1:
            run = 0
        previous = day
        if bits == ALL_DAY:
            run, run_start = (run + 24, run_start) if run else (24, first)
            best = max(best, (run, run_start), key=lambda found: found[0])
            continue
        if run:
            # It ends in this day's first hours: (bits ^ (bits + 1)) >> 1 keeps them.
            ended = (run + ((bits ^ (bits + 1)) >> 1).bit_length(), run_start)
            best = max(best, ended, key=lambda found: found[0])
        late = 24 - (bits ^ ALL_DAY).bit_length()  # alarming hours up to midnight
        run, run_start = late, first + 24 - late
    return best


def _hours_within(first: int, start: int, end: int) -> int:
    """The bits of a day (starting at hour `first`) whose hours lie in [start, end)."""
    low = min(max(start - first, 0), 24)
    high = min(max(end - first, 0), 24)
    return ALL_DAY & ~((1 << low) - 1) & ((1 << high) - 1)


def _slot_patterns(scope: Scope, slots: list[int]) -> dict[int, list[tuple[int, int]]]:
    """The FLOOD_PATTERNS patterns with the most alarms in the hour of each slot (a flood's
    likely cause: patterns are counted per hour, not per 10 minutes)."""
    hours = {slot: slot // 6 for slot in slots}
    if not hours or not scope.ids:
        return {slot: [] for slot in slots}
    table = connection.ops.quote_name(AlarmPatternHour._meta.db_table)
    wanted = sorted(set(hours.values()))
    by_hour: dict[int, list[tuple[int, int]]] = {}
    with connection.cursor() as cursor:
        # Identifiers from the model; values are parameters.
        cursor.execute(
            "SELECT hour, pattern_id, n FROM (SELECT hour, pattern_id, n, ROW_NUMBER() OVER "  # noqa: S608
            "(PARTITION BY hour ORDER BY n DESC, pattern_id) AS place FROM (SELECT hour, "
            f"pattern_id, SUM({connection.ops.quote_name('count')}) AS n FROM {table} "
            f"WHERE scope_id IN ({', '.join(['%s'] * len(scope.ids))}) "
            f"AND hour IN ({', '.join(['%s'] * len(wanted))}) GROUP BY hour, pattern_id) "
            "AS per_pattern) AS ranked WHERE place <= %s ORDER BY hour, place",
            [*scope.ids, *wanted, FLOOD_PATTERNS],
        )
        for hour, pattern_id, count in cursor.fetchall():
            by_hour.setdefault(hour, []).append((pattern_id, int(count)))
    return {slot: by_hour.get(hour, []) for slot, hour in hours.items()}


def _priorities(per_severity: dict[int, int], alarms: int) -> list[Priority]:
    threshold = int(Severity[settings.ALARM_SEVERITY])
    high = int(Severity[settings.ALARM_PRIORITY_HIGH])
    urgent = int(Severity[settings.ALARM_PRIORITY_URGENT])
    counts = {"low": 0, "high": 0, "urgent": 0}
    for severity, count in per_severity.items():
        name = "urgent" if severity >= urgent else "high" if severity >= high else "low"
        counts[name] += count
    floors = {"low": threshold, "high": high, "urgent": urgent}
    ceilings = {"low": high, "high": urgent, "urgent": max(Severity.values) + 1}
    return [
        Priority(
            name,
            counts[name],
            _percent(counts[name], alarms),
            target,
            floors[name],
            [s.label for s in Severity if floors[name] <= s.value < ceilings[name]],
        )
        for name, target in PRIORITY_TARGETS.items()
    ]


# --- Links -------------------------------------------------------------------------------


def alarm_links(report: AlarmHealth) -> dict[str, str]:
    """The console lists behind the figures: patterns and logs of the scope's alarms (the
    patterns list filters by place and "last seen", not by the period's hours)."""
    scope = {"site": report.scope.site, "line": report.scope.line}
    patterns = reverse("logs:patterns")
    links = {
        "patterns": _link(
            patterns, severity=report.alarm_severity, since=report.period.since, **scope
        ),
        "logs": _link(reverse("logs:logs"), severity=report.alarm_severity, **scope),
    }
    for priority in report.priorities:
        links[priority.name] = _link(
            patterns, severity=priority.min_severity, since=report.period.since, **scope
        )
    return links


def _link(path: str, **params: object) -> str:
    query = urlencode({name: value for name, value in params.items() if value not in ("", None)})
    return f"{path}?{query}" if query else path
