"""What an alarm-health report covers: a period of whole UTC hours (the last 1, 7, 30 or 90
days, or chosen days) and a scope (all alarms, a site, a line of a site or of every site)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from logs.alarms.rollup import ALL, LINE, SITE, epoch_minute
from logs.models import AlarmScope

PERIODS = {"1d": 1, "7d": 7, "30d": 30, "90d": 90}
DEFAULT_PERIOD = "30d"
# A chosen from/to period spans at most this many days (the rollups' reads grow with it).
CUSTOM_DAYS_MAX = 400
SCOPES_LISTED = 500
SLOT = timedelta(minutes=10)
HOUR = timedelta(hours=1)


class PeriodError(ValueError):
    """A period that cannot be reported: the message says why."""


@dataclass(frozen=True)
class Period:
    start: datetime  # on the hour, UTC
    end: datetime  # exclusive, on the hour
    now: datetime
    label: str  # "30d", or "custom"

    @property
    def start_hour(self) -> int:
        return epoch_minute(self.start) // 60

    @property
    def end_hour(self) -> int:
        return epoch_minute(self.end) // 60

    @property
    def elapsed(self) -> timedelta:
        """The time alarms could be counted in: up to now, for a period that reaches it."""
        return max(min(self.end, self.now) - self.start, timedelta(minutes=1))

    @property
    def slots(self) -> int:
        """10-minute periods elapsed, the current one counted."""
        return max(math.ceil(self.elapsed / SLOT), 1)

    @property
    def since(self) -> str:
        """The patterns list's `since` filter closest to the period ("" when none fits)."""
        return {"1d": "24h", "7d": "7d", "30d": "30d"}.get(self.label, "")


def period_of(
    label: str = DEFAULT_PERIOD,
    *,
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
) -> Period:
    """The last 1, 7, 30 or 90 days up to the end of the current hour, or the days from
    `start` to `end` (both included, in TIME_ZONE) as whole UTC hours, cut at the current
    hour's end. Raises PeriodError for what cannot be reported."""
    now = (now or timezone.now()).astimezone(UTC)
    current_end = now.replace(minute=0, second=0, microsecond=0) + HOUR
    if start is None and end is None:
        if label not in PERIODS:
            raise PeriodError(f"The period must be one of {', '.join(PERIODS)}, not {label!r}.")
        return Period(current_end - timedelta(days=PERIODS[label]), current_end, now, label)
    if start is None or end is None:
        raise PeriodError("Give both the first and the last day of the period.")
    if end < start:
        raise PeriodError("The last day of the period comes before its first.")
    zone = timezone.get_current_timezone()
    today = now.astimezone(zone).date()
    if start > today:
        raise PeriodError("The period starts in the future.")
    end = min(end, today)
    if (end - start).days + 1 > CUSTOM_DAYS_MAX:
        raise PeriodError(f"A period spans at most {CUSTOM_DAYS_MAX} days.")
    try:
        first = datetime.combine(start, time(), zone).astimezone(UTC)
        last = datetime.combine(end + timedelta(days=1), time(), zone).astimezone(UTC)
    except OverflowError:
        raise PeriodError("The period is out of the calendar's range.") from None
    first = first.replace(minute=0, second=0, microsecond=0)
    if last.minute or last.second or last.microsecond:
        last = last.replace(minute=0, second=0, microsecond=0) + HOUR
    return Period(first, min(last, current_end), now, "custom")


@dataclass(frozen=True)
class Scope:
    site: str = ""
    line: str = ""
    ids: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        if self.site and self.line:
            return f"site {self.site}, line {self.line}"
        if self.site:
            return f"site {self.site}"
        if self.line:
            return f"line {self.line} (every site)"
        return "all alarms"


def scope_of(*, site: str = "", line: str = "") -> Scope:
    """The scope of a site, a line of a site, a line of any site, or all alarms; its ids are
    empty when no alarm was counted in it yet."""
    site, line = site.strip(), line.strip()
    if line and site:
        query = Q(kind=LINE, site=site, line=line)
    elif line:
        query = Q(kind=LINE, line=line)
    elif site:
        query = Q(kind=SITE, site=site)
    else:
        query = Q(kind=ALL)
    ids = tuple(AlarmScope.objects.filter(query).order_by("pk").values_list("pk", flat=True))
    return Scope(site=site, line=line, ids=ids)


@dataclass(frozen=True)
class ScopeChoices:
    sites: list[str]
    lines: list[tuple[str, str]]  # (site, line)


def scope_choices() -> ScopeChoices:
    """The sites and lines alarms were counted in, for the page's pickers."""
    rows = AlarmScope.objects.exclude(kind=ALL).order_by("kind", "site", "line")
    sites = list(rows.filter(kind=SITE).values_list("site", flat=True)[:SCOPES_LISTED])
    lines = list(rows.filter(kind=LINE).values_list("site", "line")[:SCOPES_LISTED])
    return ScopeChoices(sites=sites, lines=lines)
