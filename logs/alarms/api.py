"""GET /api/v1/alarm-health: the alarm-health page's figures as JSON (logs.alarms.health).

gogent.api mounts alarm_health_router; the endpoint parses, checks the permission and calls
the selector the page calls.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field

from gogent.access import ApiError, errors, require_perm
from logs.alarms import health
from logs.alarms.health import AlarmHealth, alarm_health, alarm_links
from logs.alarms.period import DEFAULT_PERIOD, PeriodError, period_of, scope_of
from logs.models import PLANT_VALUE_MAX, LogPattern, Severity

alarm_health_router = Router(tags=["alarm health"])

# PostgreSQL cannot hold NUL in a query parameter: refused up front.
NO_NUL = r"^[^\x00]*$"
Verdict = Literal["ok", "manageable", "over", "none"]
# "from" and "to" are Python keywords: the parameters take them as aliases.
FIRST_DAY = Query(None, alias="from", description="The first day (YYYY-MM-DD).")
LAST_DAY = Query(None, alias="to", description="The last day (YYYY-MM-DD).")


class PatternRef(Schema):
    id: int
    template: str
    url: str = Field(description="The pattern's page in the console.")


class RateOut(Schema):
    value: float
    verdict: Verdict = Field(
        description="ok: at most the acceptable target; manageable: at most the manageable "
        "one; over: above it; none: no alarms in the period."
    )
    acceptable: float
    manageable: float


class SlotOut(Schema):
    start: datetime
    alarms: int


class FloodOut(SlotOut):
    patterns: list[PatternRef] = Field(
        description="The patterns with the most alarms in the hour of that period."
    )


class FloodsOut(Schema):
    periods: int = Field(description="10-minute periods with more than 10 alarms.")
    percent_of_time: float
    target_percent: float
    verdict: Verdict
    worst: list[FloodOut]


class ActorOut(Schema):
    pattern: PatternRef
    alarms: int
    percent: float
    cumulative_percent: float


class BadActorsOut(Schema):
    top: list[ActorOut]
    patterns: int = Field(description="Patterns with alarms in the period.")
    percent: float = Field(description="The share of all alarms the top patterns cause.")
    target_percent: float
    verdict: Verdict


class ChatterOut(Schema):
    pattern: PatternRef
    chattering_minutes: int
    hours: int
    alarms: int


class StaleOut(Schema):
    pattern: PatternRef
    hours: int = Field(description="The longest run of consecutive hours with alarms.")
    start: datetime
    end: datetime
    active_now: bool


class PriorityOut(Schema):
    priority: Literal["low", "high", "urgent"]
    severities: list[str]
    alarms: int
    percent: float
    target_percent: float


class PrioritiesOut(Schema):
    mix: list[PriorityOut]
    verdict: Verdict


class PeriodOut(Schema):
    start: datetime
    end: datetime
    label: str = Field(description="1d, 7d, 30d, 90d, or custom.")


class ScopeOut(Schema):
    site: str
    line: str
    label: str


class AlarmHealthOut(Schema):
    period: PeriodOut
    scope: ScopeOut
    alarm_severity: str
    alarms: int
    per_hour: RateOut
    per_10_minutes: RateOut
    peak_10_minutes: SlotOut | None
    floods: FloodsOut
    chattering: list[ChatterOut]
    chattering_verdict: Verdict
    stale: list[StaleOut]
    stale_verdict: Verdict
    bad_actors: BadActorsOut
    priorities: PrioritiesOut
    patterns_url: str = Field(description="The console's patterns list of these alarms.")
    logs_url: str = Field(description="The console's logs list of these alarms.")


@alarm_health_router.get(
    "",
    response={200: AlarmHealthOut, **errors()},
    summary="Alarm-health KPIs (ISA-18.2 / EEMUA 191) of a site or line over a period",
    description=(
        "Logs at or above ALARM_SEVERITY are alarms. The period is the last 1, 7, 30 or 90 "
        "days up to the end of the current hour (UTC), or `from` and `to` (dates, both "
        "included, in the server's TIME_ZONE; at most 400 days). `site` and `line` choose "
        "the scope as the context rules placed the logs: a line alone means that line at "
        "every site; neither means all alarms. A period that cannot be reported is a 422 "
        "invalid_period saying why."
    ),
)
def get_alarm_health(
    request: HttpRequest,
    period: Literal["1d", "7d", "30d", "90d"] = Query(DEFAULT_PERIOD),
    start: date | None = FIRST_DAY,
    end: date | None = LAST_DAY,
    site: str = Query("", max_length=PLANT_VALUE_MAX, pattern=NO_NUL),
    line: str = Query("", max_length=PLANT_VALUE_MAX, pattern=NO_NUL),
) -> dict:
    require_perm(request, "logs.view_logpattern")
    try:
        chosen = period_of(period, start=start, end=end)
    except PeriodError as problem:
        raise ApiError(422, "invalid_period", str(problem)) from None
    report = alarm_health(chosen, scope_of(site=site, line=line))
    return alarm_health_json(report)


def _pattern(pattern: LogPattern) -> dict:
    return {
        "id": pattern.pk,
        "template": pattern.template,
        "url": reverse("logs:pattern", args=[pattern.pk]),
    }


def alarm_health_json(report: AlarmHealth) -> dict:
    links = alarm_links(report)
    return {
        "period": {
            "start": report.period.start,
            "end": report.period.end,
            "label": report.period.label,
        },
        "scope": {
            "site": report.scope.site,
            "line": report.scope.line,
            "label": report.scope.label,
        },
        "alarm_severity": Severity(report.alarm_severity).label,
        "alarms": report.alarms,
        "per_hour": vars(report.per_hour),
        "per_10_minutes": vars(report.per_10_minutes),
        "peak_10_minutes": (
            {"start": report.peak.start, "alarms": report.peak.alarms} if report.peak else None
        ),
        "floods": {
            "periods": report.floods.periods,
            "percent_of_time": report.floods.percent,
            "target_percent": health.FLOOD_PERCENT_TARGET,
            "verdict": report.floods.verdict,
            "worst": [
                {
                    "start": slot.start,
                    "alarms": slot.alarms,
                    "patterns": [_pattern(pattern) for pattern, _ in slot.patterns],
                }
                for slot in report.floods.worst
            ],
        },
        "chattering": [
            {
                "pattern": _pattern(row.pattern),
                "chattering_minutes": row.minutes,
                "hours": row.hours,
                "alarms": row.alarms,
            }
            for row in report.chattering
        ],
        "chattering_verdict": report.chattering_verdict,
        "stale": [
            {
                "pattern": _pattern(row.pattern),
                "hours": row.hours,
                "start": row.start,
                "end": row.end,
                "active_now": row.active_now,
            }
            for row in report.stale
        ],
        "stale_verdict": report.stale_verdict,
        "bad_actors": {
            "top": [
                {
                    "pattern": _pattern(actor.pattern),
                    "alarms": actor.alarms,
                    "percent": actor.percent,
                    "cumulative_percent": actor.cumulative,
                }
                for actor in report.bad_actors
            ],
            "patterns": report.alarming_patterns,
            "percent": report.top_percent,
            "target_percent": health.TOP_ACTORS_PERCENT_TARGET,
            "verdict": report.top_verdict,
        },
        "priorities": {
            "mix": [
                {
                    "priority": priority.name,
                    "severities": priority.severities,
                    "alarms": priority.alarms,
                    "percent": priority.percent,
                    "target_percent": priority.target,
                }
                for priority in report.priorities
            ],
            "verdict": report.priority_verdict,
        },
        "patterns_url": links["patterns"],
        "logs_url": links["logs"],
    }
