"""When a maintenance window is on: its occurrences, once or by an iCalendar RRULE computed
on the window's own wall clock (python-dateutil's rrule, a well-kept RFC 5545 engine)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr
from django.utils import timezone

from integrations.models import MaintenanceOccurrence, MaintenanceWindow

# rrulestr accepts these parts; a window's recurrence must not set its own DTSTART.
RRULE_FORBIDDEN = ("DTSTART", "RDATE", "EXDATE", "EXRULE")
# Daily at the finest: an evaluation walks the rule from the first start, a few hundred
# steps a year, where every minute for years would be half a million.
RECURRENCE_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")


@dataclass(frozen=True, slots=True)
class Occurrence:
    window: MaintenanceWindow
    starts_at: datetime
    ends_at: datetime

    def covers(self, at: datetime) -> bool:
        return self.starts_at <= at < self.ends_at


def window_zone(window: MaintenanceWindow) -> ZoneInfo:
    try:
        return ZoneInfo(window.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"time zone {window.time_zone!r} is not an IANA name (Europe/Berlin, UTC)"
        ) from None


def recurrence_problem(recurrence: str) -> str | None:
    """Why an RRULE cannot be a window's recurrence, or None."""
    text = recurrence.strip()
    if not text:
        return None
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if any(part in text.upper() for part in RRULE_FORBIDDEN) or "\n" in text:
        return "write the rule's parts only (FREQ=WEEKLY;BYDAY=SU); the start is the window's"
    try:
        rrulestr(text, dtstart=datetime(2026, 1, 1))
    except (ValueError, TypeError) as error:
        return f"not an iCalendar RRULE ({error}); e.g. FREQ=WEEKLY;BYDAY=SU"
    parts = dict(part.split("=", 1) for part in text.upper().split(";") if "=" in part)
    frequency = parts.get("FREQ", "")
    if frequency not in RECURRENCE_FREQUENCIES:
        return f"FREQ={frequency} is too fine; a window recurs daily at most (FREQ=DAILY)"
    return None


def occurrences(window: MaintenanceWindow, *, after: datetime) -> Iterator[Occurrence]:
    """The window's occurrences that end after `after`, in order. Recurrences are computed
    on the window's wall clock: every Sunday 02:00 local, whatever the UTC offset."""
    duration = window.ends_at - window.starts_at
    if duration <= timedelta(0):
        return
    if not window.recurrence.strip():
        if window.ends_at > after:
            yield Occurrence(window, window.starts_at, window.ends_at)
        return
    zone = window_zone(window)
    first_local = window.starts_at.astimezone(zone).replace(tzinfo=None)
    text = window.recurrence.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    rule = rrulestr(text, dtstart=first_local)
    # Starts before this cannot reach `after`; local wall time, a day of slack for offsets.
    earliest = (after - duration).astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
    for local_start in rule.xafter(earliest, inc=True) if earliest > first_local else rule:
        starts_at = local_start.replace(tzinfo=zone)
        ends_at = (local_start + duration).replace(tzinfo=zone)
        if ends_at > after:
            yield Occurrence(window, starts_at, ends_at)


def occurrence_at(window: MaintenanceWindow, at: datetime) -> Occurrence | None:
    """The window's occurrence going on at `at`, if any."""
    for occurrence in occurrences(window, after=at):
        return occurrence if occurrence.covers(at) else None
    return None


def occurrence_next(window: MaintenanceWindow, at: datetime) -> Occurrence | None:
    """The occurrence going on at `at`, else the next one; None when there is none."""
    return next(occurrences(window, after=at), None)


def maintenance_active(at: datetime | None = None) -> list[Occurrence]:
    """Occurrences going on at `at` (now), of enabled windows, less those ended early."""
    at = at or timezone.now()
    active = []
    for window in MaintenanceWindow.objects.filter(enabled=True, starts_at__lte=at):
        occurrence = occurrence_at(window, at)
        if occurrence is not None:
            active.append(occurrence)
    if active:
        ended_early = set(
            MaintenanceOccurrence.objects.filter(
                window__in=[occurrence.window for occurrence in active], ends_at__lte=at
            ).values_list("window_id", "starts_at")
        )
        active = [o for o in active if (o.window.pk, o.starts_at) not in ended_early]
    return active
