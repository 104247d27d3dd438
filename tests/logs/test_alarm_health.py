"""Alarm health (ISA-18.2 / EEMUA 191): the rollups kept at ingest agree with the stored
logs through batches, redeliveries, replays, merges and retention; each KPI is right on a
crafted set; the page, the API and /metrics show them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from itertools import count

import orjson
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse

from gogent.apikeys import api_key_create
from gogent.audit import Actor
from logs import patterns, plant
from logs.alarms import rollup
from logs.alarms.health import alarm_health
from logs.alarms.period import PeriodError, period_of, scope_of
from logs.grouping import template_key
from logs.models import (
    AlarmLoad,
    AlarmMinute,
    AlarmPatternDay,
    AlarmPatternHour,
    AlarmScope,
    ContextRule,
    LogEntry,
    LogPattern,
    PlantContext,
    Severity,
)
from logs.services import IncomingMessage, logs_ingest_batch, logs_purge
from logs.services.replay import LogsSelection, logs_replay
from tests.console.test_browser import (  # noqa: F401 (fixtures)
    ARTIFACTS,
    RECORD_CSP_VIOLATIONS,
    browser,
    log_in,
    page,
)
from tests.helpers.api import KeyClient

pytestmark = pytest.mark.django_db
OPERATOR = Actor(label="test operator")
# A Wednesday; every crafted log is placed by its minutes from here.
T0 = datetime(2026, 11, 18, 0, 0, tzinfo=UTC)
_seq = count(1)


@pytest.fixture(autouse=True)
def fresh_catalog(monkeypatch):
    """Each test groups as a freshly started process would."""
    monkeypatch.setattr(patterns, "catalog", patterns.PatternCatalog())


@pytest.fixture
def lines(db) -> None:
    """PLCs named plc-<site>-l<line>-<n> are placed at their site and line."""
    ContextRule.objects.create(
        name="site and line from PLC names",
        source="hostname",
        pattern=r"^plc-(?P<site>[a-z]+)-l(?P<line>\d+)-(?P<cell>\d+)$",
    )


def log(
    message: str,
    *,
    at: datetime,
    severity: str = "error",
    host: str = "plc-north-l1-1",
) -> dict:
    return {
        "timestamp": at.isoformat(),
        "hostname": host,
        "severity": severity,
        "service": "press",
        "message": message,
    }


def messages(*logs: dict) -> list[IncomingMessage]:
    return [
        IncomingMessage(
            subject="agent.technical.support",
            stream_seq=next(_seq),
            data=orjson.dumps(entry),
            received_at=datetime.now(UTC),
        )
        for entry in logs
    ]


def store(*logs: dict) -> None:
    logs_ingest_batch(messages(*logs))


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


# --- The rollups agree with the stored logs --------------------------------------------------


def scope_key(site: str, line: str) -> list[tuple[str, str, str]]:
    keys = [("all", "", "")]
    if site:
        keys.append(("site", site, ""))
    if line:
        keys.append(("line", site, line))
    return keys


def expected_rollups() -> dict[str, Counter]:
    """The rollups as the stored logs say they must be (alarms: ALARM_SEVERITY and worse)."""
    places = {p.pk: (p.site, p.line) for p in PlantContext.objects.all()}
    load, hours, days, bits, minute_counts = Counter(), Counter(), Counter(), Counter(), Counter()
    threshold = Severity[settings.ALARM_SEVERITY]
    alarms = LogEntry.objects.filter(severity__gte=threshold).values_list(
        "pattern_id", "plant_id", "timestamp", "severity"
    )
    for pattern_id, plant_id, timestamp, severity in alarms:
        minute = int(timestamp.timestamp() // 60)
        minute_counts[(pattern_id, plant_id or 0, minute)] += 1
        for scope in scope_key(*places.get(plant_id, ("", ""))):
            load[(scope, minute // 10, severity)] += 1
            hours[(scope, minute // 60, pattern_id)] += 1
            days[(scope, minute // 1440, pattern_id)] += 1
            bits[(scope, minute // 1440, pattern_id)] |= 1 << (minute // 60 % 24)
    chatter = Counter()
    for (pattern_id, plant_id, minute), n in minute_counts.items():
        if n >= 3:
            for scope in scope_key(*places.get(plant_id, ("", ""))):
                chatter[(scope, minute // 60, pattern_id)] += 1
    return {
        "load": load,
        "hours": hours,
        "days": days,
        "bits": bits,
        "chatter": chatter,
        "minutes": minute_counts,
    }


def stored_rollups() -> dict[str, Counter]:
    def key(row) -> tuple[str, str, str]:
        return (row.scope.kind, row.scope.site, row.scope.line)

    rows = {
        "load": AlarmLoad.objects.select_related("scope"),
        "hours": AlarmPatternHour.objects.select_related("scope"),
        "days": AlarmPatternDay.objects.select_related("scope"),
    }
    return {
        "load": Counter({(key(r), r.slot, r.severity): r.count for r in rows["load"]}),
        "hours": Counter({(key(r), r.hour, r.pattern_id): r.count for r in rows["hours"]}),
        "days": Counter({(key(r), r.day, r.pattern_id): r.count for r in rows["days"]}),
        "bits": Counter({(key(r), r.day, r.pattern_id): r.hours for r in rows["days"]}),
        "chatter": Counter(
            {(key(r), r.hour, r.pattern_id): r.chatter for r in rows["hours"] if r.chatter}
        ),
        "minutes": Counter(
            {(m.pattern_id, m.plant, m.minute): m.count for m in AlarmMinute.objects.all()}
        ),
    }


def assert_rollups_match_the_logs() -> None:
    expected, stored = expected_rollups(), stored_rollups()
    for name in expected:
        assert stored[name] == expected[name], name


@pytest.mark.production
def test_batches_across_minute_and_ten_minute_boundaries_are_counted_as_the_logs_say(lines):
    # 00:09:58 to 00:10:02 on line 1 of north: crosses a minute and a 10-minute period.
    store(*(log(f"Valve {n} stuck open", at=minutes(9) + timedelta(seconds=58 + n))
            for n in range(4)))  # fmt: skip
    store(
        log("Valve 7 stuck open", at=minutes(10.5), host="plc-north-l2-4"),
        log("Valve 8 stuck open", at=minutes(59.9), host="plc-south-l1-1"),
        log("Valve 9 stuck open", at=minutes(60.1), host="web-01"),
        log("Motor overheated at 97 C", at=minutes(61), severity="critical"),
        log("Cycle done in 812 ms", at=minutes(61), severity="warning"),
        log("Door opened by operator 12", at=minutes(62), severity="info"),
    )

    assert_rollups_match_the_logs()
    scopes = set(AlarmScope.objects.values_list("kind", "site", "line"))
    assert scopes == {
        ("all", "", ""),
        ("site", "north", ""),
        ("site", "south", ""),
        ("line", "north", "1"),
        ("line", "north", "2"),
        ("line", "south", "1"),
    }
    everything = AlarmLoad.objects.filter(scope__kind="all")
    # WARNING and INFO are no alarms; ERROR and CRITICAL are.
    assert everything.aggregate(n=Sum("count"))["n"] == 8
    assert dict(everything.values_list("slot").annotate(n=Sum("count"))) == {
        int(minutes(0).timestamp()) // 600: 2,
        int(minutes(10).timestamp()) // 600: 3,
        int(minutes(50).timestamp()) // 600: 1,
        int(minutes(60).timestamp()) // 600: 2,
    }


@pytest.mark.production
def test_a_redelivered_batch_is_counted_once(lines):
    batch = messages(*(log(f"Valve {n} stuck open", at=minutes(1)) for n in range(3)))
    logs_ingest_batch(batch)
    logs_ingest_batch(batch)

    assert_rollups_match_the_logs()
    assert AlarmLoad.objects.filter(scope__kind="all").get().count == 3
    assert AlarmPatternHour.objects.filter(scope__kind="all").get().chatter == 1


@pytest.mark.production
def test_three_alarms_in_a_minute_at_one_place_make_one_chattering_minute_across_batches(lines):
    store(log("Valve 1 stuck open", at=minutes(5)), log("Valve 2 stuck open", at=minutes(5.5)))
    assert not AlarmPatternHour.objects.filter(chatter__gt=0).exists()
    # The third in that minute, in another batch, makes it chatter; the fourth changes nothing.
    store(log("Valve 3 stuck open", at=minutes(5.9)))
    store(log("Valve 4 stuck open", at=minutes(5.95)))
    # Three in a minute at three different places, and three spread over two minutes: no.
    store(*(log(f"Valve {n} stuck open", at=minutes(20), host=f"plc-north-l1-{n}")
            for n in range(3)))  # fmt: skip
    store(*(log(f"Valve {n} stuck open", at=minutes(30.9 + n / 10), host="plc-north-l2-1")
            for n in range(3)))  # fmt: skip

    assert_rollups_match_the_logs()
    chatter = dict(
        AlarmPatternHour.objects.filter(chatter__gt=0).values_list("scope__kind", "chatter")
    )
    assert chatter == {"all": 1, "site": 1, "line": 1}


def disk(n: int, *, at: datetime, severity: str, line: int) -> dict:
    return log(
        f"Disk sda{n} has {n * 100} KB free", at=at, severity=severity, host=f"plc-north-l{line}-1"
    )


@pytest.mark.production
def test_a_replay_that_moves_logs_and_merges_their_pattern_keeps_the_rollups_right(lines):
    store(
        # Minute 0 on line 1: 2 errors and 2 criticals chatter together, not apart.
        *(disk(n, at=minutes(n / 10), severity="error", line=1) for n in (1, 2)),
        *(disk(n, at=minutes(n / 10), severity="critical", line=1) for n in (3, 4)),
        # Minute 70 on line 2: 3 errors and 3 criticals, each enough alone.
        *(disk(n, at=minutes(70 + n / 10), severity="error", line=2) for n in (5, 6, 7)),
        *(disk(n, at=minutes(70 + n / 10), severity="critical", line=2) for n in (8, 9, 10)),
    )
    old = LogPattern.objects.get()
    assert_rollups_match_the_logs()
    assert AlarmPatternHour.objects.filter(pattern=old, chatter__gt=0).count() == 2 * 3
    # An older grouping gave them a template today's never makes (nor matches: it is
    # longer): the replay moves them to today's.
    old_template = "Legacy grouping: disk <*> has <*> free blocks"
    LogPattern.objects.filter(pk=old.pk).update(
        template=old_template, key=template_key(old_template)
    )
    patterns.catalog = patterns.PatternCatalog()

    moved = logs_replay(selection=LogsSelection(min_severity=50), actor=OPERATOR)
    assert moved.moved == 5
    assert_rollups_match_the_logs()
    # Minute 0 of the old pattern fell to 2 alarms: it no longer chatters; minute 70 does.
    assert AlarmPatternHour.objects.filter(pattern=old, chatter__gt=0).count() == 3

    rest = logs_replay(selection=LogsSelection(pattern_ids=(old.pk,)), actor=OPERATOR)
    assert rest.merged
    assert_rollups_match_the_logs()
    assert not AlarmPatternHour.objects.filter(pattern=old).exists()
    assert not AlarmMinute.objects.filter(pattern=old).exists()


@pytest.mark.production
def test_merged_patterns_chatter_where_their_alarms_together_reach_three_in_a_minute(lines):
    # Valve and Motor each chatter in minute 5 only.
    valve = [
        log(f"Valve {n} stuck open", at=minutes(m)) for n, m in enumerate([0, 0, 5, 5, 5, 9, 9])
    ]
    motor = [
        log(f"Motor {n} overheated", at=minutes(m)) for n, m in enumerate([0, 0.5, 5, 5, 5, 9])
    ]
    store(*valve, *motor)
    absorbed, survivor = LogPattern.objects.order_by("template")
    everything = AlarmPatternHour.objects.filter(scope__kind="all")
    assert dict(everything.values_list("pattern_id", "chatter")) == {absorbed.pk: 1, survivor.pk: 1}

    with transaction.atomic():
        state = patterns.grouping_lock()
        patterns.pattern_merge(
            absorbed_id=absorbed.pk, survivor_id=survivor.pk, revision=state.revision + 1
        )

    assert_rollups_match_the_logs()
    # Together: minute 0 has 4 alarms, minute 5 is one chattering minute (not two), minute 9
    # has 3.
    assert dict(everything.values_list("pattern_id", "chatter")) == {survivor.pk: 3}


@pytest.mark.production
def test_retention_drops_the_rollups_of_deleted_logs_and_keeps_the_rest(lines):
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    old, recent = now - timedelta(days=40), now - timedelta(minutes=5)
    logs_ingest_batch(
        [
            IncomingMessage(
                subject="agent.technical.support",
                stream_seq=next(_seq),
                data=orjson.dumps(log(f"Valve {n} stuck open", at=at)),
                received_at=at,
            )
            for n, at in enumerate([old, old, recent])
        ]
    )

    report = logs_purge(older_than=now - timedelta(days=30))

    assert report.logs == 2
    assert report.alarms > 0
    assert_rollups_match_the_logs_but_minutes()
    assert AlarmLoad.objects.filter(scope__kind="all").get().count == 1


def assert_rollups_match_the_logs_but_minutes() -> None:
    """Retention leaves minute counts to their own prune (a day, not the retention)."""
    expected, stored = expected_rollups(), stored_rollups()
    for name in ("load", "hours", "days", "bits"):
        assert stored[name] == expected[name], name


@pytest.mark.production
def test_minutes_older_than_a_day_are_pruned_and_a_rebuild_counts_everything_again(lines, settings):
    now = datetime.now(UTC)
    store(*(log(f"Valve {n} stuck open", at=now - timedelta(days=2)) for n in range(3)))
    store(log("Motor overheated at 97 C", at=now, severity="warning"))
    assert rollup.alarm_minutes_prune() == 1
    assert not AlarmMinute.objects.exists()

    # WARNINGs count once ALARM_SEVERITY says so, for the logs stored since a rebuild.
    settings.ALARM_SEVERITY = "WARNING"
    report = rollup.alarms_rebuild()

    assert report.logs == 4
    assert AlarmLoad.objects.filter(scope__kind="all").aggregate(n=Sum("count"))["n"] == 4
    assert AlarmPatternHour.objects.filter(chatter__gt=0, scope__kind="all").count() == 1
    assert_rollups_match_the_logs_but_minutes()


@pytest.mark.production
def test_the_rebuild_command_recounts_the_last_days_and_says_so(lines, settings):
    now = datetime.now(UTC)
    store(log("Valve 1 stuck open", at=now - timedelta(days=5)))
    store(*(log(f"Motor {n} overheated", at=now, severity="warning") for n in range(2)))
    settings.ALARM_SEVERITY = "WARNING"
    out = StringIO()

    call_command("rebuild_alarm_health", "--days", "1", stdout=out)

    assert "Counting logs at WARNING or worse as alarms, from " in out.getvalue()
    assert "Done: 2 alarms counted." in out.getvalue()
    # The older alarm's rows were left as they were.
    assert AlarmLoad.objects.filter(scope__kind="all").aggregate(n=Sum("count"))["n"] == 3
    assert_rollups_match_the_logs_but_minutes()
    with pytest.raises(CommandError, match="at least 1"):
        call_command("rebuild_alarm_health", "--days", "0")


# --- The figures, on a crafted week ----------------------------------------------------------

# The week from T0 as seen half an hour before its end: 167.5 hours elapsed.
NOW = T0 + timedelta(days=7) - timedelta(minutes=30)


def hourly(message: str, hours: list[int], **fields) -> list[dict]:
    return [log(message.format(n=h), at=T0 + timedelta(hours=h, minutes=30), **fields)
            for h in hours]  # fmt: skip


def at_minutes(message: str, hour: int, offsets: list[float], **fields) -> list[dict]:
    return [
        log(message.format(n=i), at=T0 + timedelta(hours=hour, minutes=m), **fields)
        for i, m in enumerate(offsets)
    ]


@pytest.fixture
def week(lines) -> dict[str, LogPattern]:
    """126 alarms (and 5 warnings) whose figures are worked out by hand in the tests."""
    store(
        # Floods: 12 and 11 alarms in one 10-minute period each, never 3 in a minute.
        *at_minutes("Valve {n} stuck open", 1, [0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
        *at_minutes("Motor {n} overheated at the bearing", 2, [0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8]),
        # Chattering in two hours; chattering once.
        *at_minutes("Conveyor {n} jammed", 5, [0, 0.1, 0.2]),
        *at_minutes("Conveyor {n} jammed", 7, [0, 0.1, 0.2]),
        *at_minutes("Sensor {n} offline since boot time", 9, [0, 0.1, 0.2]),
    )
    store(
        # Stale: 31 hours in a row. Not stale: 24 hours in a row; 30 hours with a gap.
        *hourly("Pressure {n} bar below the low limit", list(range(10, 41))),
        *hourly("Hopper {n} empty", list(range(50, 74))),
        *hourly("Chiller unit {n} fault reported by controller", [*range(80, 95), *range(96, 111)]),
        # Priorities: 2 high, 1 urgent.
        *at_minutes("Emergency stop {n} pressed on panel", 3, [0, 20], severity="critical"),
        *at_minutes("Coolant {n} level critical", 4, [0], severity="alert"),
        # No alarms.
        *at_minutes("Cycle {n} slow", 6, [0, 1, 2, 3, 4], severity="warning"),
        # Elsewhere: south's line 1, north's line 2.
        *at_minutes("Valve {n} stuck open", 12, [0, 1, 2, 3], host="plc-south-l1-1"),
        *at_minutes("Door {n} open too long", 13, [0, 1], host="plc-north-l2-1"),
    )
    found = {p.template.split()[0]: p for p in LogPattern.objects.all()}
    assert len(found) == 11, [p.template for p in found.values()]
    return found


@pytest.mark.production
def test_the_week_s_rates_floods_and_priorities_are_worked_out_from_the_rollups(week):
    report = alarm_health(period_of("7d", now=NOW), scope_of())

    assert report.period.start == T0
    assert report.period.end == T0 + timedelta(days=7)
    assert report.alarms == 126
    assert report.per_hour.value == round(126 / 167.5, 2)
    assert report.per_hour.verdict == "ok"
    assert report.per_10_minutes.value == round(126 / 1005, 2)
    assert (report.peak.alarms, report.peak.start) == (12, T0 + timedelta(hours=1))
    assert report.floods.periods == 2
    assert report.floods.percent == round(200 / 1005, 2)
    assert report.floods.verdict == "ok"
    assert [(slot.start, slot.alarms) for slot in report.floods.worst] == [
        (T0 + timedelta(hours=1), 12),
        (T0 + timedelta(hours=2), 11),
    ]
    assert [p.template for p, _ in report.floods.worst[0].patterns] == ["Valve <*> stuck open"]
    assert len(report.timeline) == 336  # 1008 periods, 3 per column
    flooded = [column for column in report.timeline if column.floods]
    assert [(column.start, column.peak) for column in flooded] == [
        (T0 + timedelta(hours=1), 12),
        (T0 + timedelta(hours=2), 11),
    ]
    assert [(p.name, p.alarms, p.percent) for p in report.priorities] == [
        ("low", 123, round(12300 / 126, 2)),
        ("high", 2, round(200 / 126, 2)),
        ("urgent", 1, round(100 / 126, 2)),
    ]
    assert report.priorities[0].severities == ["ERROR"]
    assert report.priority_verdict == "ok"


@pytest.mark.production
def test_the_week_s_bad_actors_chattering_and_stale_patterns(week):
    report = alarm_health(period_of("7d", now=NOW), scope_of())

    actors = [(a.pattern.template.split()[0], a.alarms, a.cumulative) for a in report.bad_actors]
    assert actors[:4] == [
        ("Pressure", 31, round(3100 / 126, 2)),
        ("Chiller", 30, round(6100 / 126, 2)),
        ("Hopper", 24, round(8500 / 126, 2)),
        ("Valve", 16, round(10100 / 126, 2)),
    ]
    assert len(actors) == report.alarming_patterns == 10
    assert report.top_percent == 100.0
    assert report.top_verdict == "over"
    # Conveyor chattered in two hours; Sensor in one, which is no habit yet.
    assert [(c.pattern.template, c.minutes, c.hours, c.alarms) for c in report.chattering] == [
        ("Conveyor <*> jammed", 2, 2, 6)
    ]
    assert report.chattering_verdict == "over"
    stale = report.stale
    assert [(s.pattern.template.split()[0], s.hours) for s in stale] == [("Pressure", 31)]
    assert (stale[0].start, stale[0].end) == (T0 + timedelta(hours=10), T0 + timedelta(hours=41))
    assert not stale[0].active_now
    assert report.stale_verdict == "ok"


@pytest.mark.production
def test_a_site_a_line_and_a_line_of_every_site_count_only_their_alarms(week):
    period = period_of("7d", now=NOW)
    assert alarm_health(period, scope_of(site="north")).alarms == 122
    assert alarm_health(period, scope_of(site="north", line="1")).alarms == 120
    assert alarm_health(period, scope_of(site="south")).alarms == 4
    # Line 1 of north and of south.
    line_one = alarm_health(period, scope_of(line="1"))
    assert line_one.alarms == 124
    assert line_one.scope.label == "line 1 (every site)"
    assert alarm_health(period, scope_of(site="nowhere")).alarms == 0


@pytest.mark.production
def test_a_period_counts_whole_days_from_their_rows_and_the_hours_around_them(week):
    # Days 1 to 3 of the week (hours 24 to 96): from the day rows alone.
    period = period_of(start=date(2026, 11, 19), end=date(2026, 11, 21), now=NOW)
    assert (period.start, period.end) == (T0 + timedelta(days=1), T0 + timedelta(days=4))
    report = alarm_health(period, scope_of())
    per_pattern = {a.pattern.template.split()[0]: a.alarms for a in report.bad_actors}
    assert per_pattern == {"Pressure": 17, "Hopper": 24, "Chiller": 15}
    assert report.alarms == 56

    # 7 days up to hour 101: hours -67 to -48 and 96 to 101 from the hour rows, days -2 to 3
    # from the day rows. Chiller's hours 101 to 110 are after it.
    report = alarm_health(period_of("7d", now=T0 + timedelta(hours=100, minutes=5)), scope_of())
    per_pattern = {a.pattern.template.split()[0]: a.alarms for a in report.bad_actors}
    assert per_pattern["Chiller"] == 20
    assert report.alarms == sum(a.alarms for a in report.bad_actors) == 116

    # The last 24 hours in the middle of day 2: no whole day, hour rows on both sides.
    period = period_of("1d", now=T0 + timedelta(hours=60, minutes=5))
    report = alarm_health(period, scope_of())
    assert (period.start, period.end) == (T0 + timedelta(hours=37), T0 + timedelta(hours=61))
    assert {a.pattern.template.split()[0]: a.alarms for a in report.bad_actors} == {
        "Pressure": 4,
        "Hopper": 11,
    }
    assert report.alarms == 15


def test_periods_that_cannot_be_reported_say_why(settings):
    with pytest.raises(PeriodError, match="one of 1d, 7d, 30d, 90d"):
        period_of("2w")
    with pytest.raises(PeriodError, match="both"):
        period_of(start=date(2026, 11, 1))
    with pytest.raises(PeriodError, match="before its first"):
        period_of(start=date(2026, 11, 2), end=date(2026, 11, 1))
    with pytest.raises(PeriodError, match="at most 400 days"):
        period_of(start=date(2024, 1, 1), end=date(2026, 1, 1))
    with pytest.raises(PeriodError, match="future"):
        period_of(start=date(2026, 12, 1), end=date(2026, 12, 2), now=T0)
    with pytest.raises(PeriodError, match="future"):
        period_of(start=date(9999, 12, 31), end=date(9999, 12, 31))
    # A period reaching past today ends now; one long ago is only as long as it says.
    period = period_of(start=date(2026, 11, 17), end=date(9999, 12, 31), now=NOW)
    assert (period.start, period.end) == (T0 - timedelta(days=1), T0 + timedelta(days=7))
    assert period_of(start=date(1, 1, 1), end=date(1, 1, 2), now=NOW).start.year == 1
    settings.TIME_ZONE = "Asia/Tokyo"  # its year 1 starts in UTC's year 0
    with pytest.raises(PeriodError, match="out of the calendar's range"):
        period_of(start=date(1, 1, 1), end=date(1, 1, 2), now=NOW)


# --- The page, the API, /metrics -----------------------------------------------------------

HOSTILE = "<script>alert(1)</script> valve {n} stuck"


@pytest.fixture
def recent(lines) -> LogPattern:
    """A flood on north's line 1 a few minutes ago, of a pattern whose text is markup."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    start = now - timedelta(minutes=now.minute % 10) - timedelta(minutes=20)
    store(*(log(HOSTILE.format(n=n), at=start + timedelta(seconds=20 * n)) for n in range(12)))
    store(log("Door 1 open too long", at=now - timedelta(hours=2), host="plc-south-l2-1"))
    pattern = LogPattern.objects.get(template__contains="valve")
    # Producers write templates: any text, markup too (masking hid this one's).
    LogPattern.objects.filter(pk=pattern.pk).update(template=HOSTILE.format(n="<*>"))
    pattern.refresh_from_db()
    return pattern


@pytest.mark.production
def test_the_page_shows_the_figures_and_links_each_to_its_patterns_with_their_text_escaped(
    recent, role_client
):
    response = role_client("viewer").get(reverse("logs:alarm-health"), {"period": "1d"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; valve &lt;*&gt; stuck" in html
    assert f'href="{reverse("logs:pattern", args=[recent.pk])}"' in html
    assert f"?pattern={recent.pk}&amp;severity=40" in html
    # One flooded period of the last 24 hours: under 1 % of the time.
    assert 'class="kpi ok" href="#floods"' in html
    assert "1 period of 10 minutes with more than 10 alarms" in html
    assert "13</strong> alarms" in html
    assert 'href="/patterns/?severity=40&amp;since=24h"' in html
    assert '<option value="north">north</option>' in html
    assert "Alarm health" in html and 'aria-current="page"' in html


@pytest.mark.production
def test_the_picker_reloads_the_report_for_a_site_by_htmx_and_explains_a_bad_period(
    recent, role_client
):
    viewer = role_client("viewer")
    fragment = viewer.get(
        reverse("logs:alarm-health"), {"period": "7d", "site": "south"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in fragment
    assert "Site south" in fragment and "<strong>1</strong> alarm<" in fragment
    assert '<option value="south" selected>south</option>' in fragment
    # South has line 2 only.
    assert '<option value="2">2</option>' in fragment
    assert '<option value="1">' not in fragment

    # Days with "last 7 days" chosen: the choice wins, and the days are not shown.
    chosen = viewer.get(
        reverse("logs:alarm-health"), {"period": "7d", "from": "2026-11-01", "to": "2026-11-02"}
    ).content.decode()
    assert '<option value="7d" selected>' in chosen
    assert 'name="from" id="id_from" value=""' in chosen
    days = viewer.get(reverse("logs:alarm-health"), {"from": "2026-11-01", "to": "2026-11-02"})
    assert '<option value="custom" selected>' in days.content.decode()
    assert 'value="2026-11-01"' in days.content.decode()

    refused = viewer.get(reverse("logs:alarm-health"), {"from": "2026-11-02", "to": "2026-11-01"})
    assert refused.status_code == 200
    assert "The last day of the period comes before its first." in refused.content.decode()
    assert "Showing the last 30 days of all alarms instead." in refused.content.decode()


def test_the_page_needs_the_view_pattern_permission(db, role_client):
    assert role_client(None).get(reverse("logs:alarm-health")).status_code == 302
    user_browser = role_client("viewer")
    assert user_browser.get(reverse("logs:alarm-health")).status_code == 200


@pytest.mark.production
def test_the_api_answers_the_page_s_figures_as_json(recent):
    _, raw = api_key_create(name="kpi", role="viewer")
    response = KeyClient(raw).get("/api/v1/alarm-health", {"period": "1d", "site": "north"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["scope"] == {"site": "north", "line": "", "label": "site north"}
    assert body["period"]["label"] == "1d"
    assert body["alarm_severity"] == "ERROR"
    assert body["alarms"] == 12
    assert body["floods"]["periods"] == 1
    assert body["floods"]["verdict"] == "ok"
    assert body["per_hour"]["verdict"] == "ok"
    assert body["per_hour"]["acceptable"] == 6.0
    (worst,) = body["floods"]["worst"]
    assert worst["alarms"] == 12
    assert worst["patterns"] == [
        {
            "id": recent.pk,
            "template": "<script>alert(1)</script> valve <*> stuck",
            "url": f"/patterns/{recent.pk}/",
        }
    ]
    assert body["bad_actors"]["patterns"] == 1
    top = body["bad_actors"]["top"]
    assert [(a["pattern"]["id"], a["alarms"], a["cumulative_percent"]) for a in top] == [
        (recent.pk, 12, 100.0)
    ]
    assert [p["priority"] for p in body["priorities"]["mix"]] == ["low", "high", "urgent"]
    assert body["patterns_url"] == "/patterns/?severity=40&since=24h&site=north"


@pytest.mark.production
def test_the_api_refuses_a_period_it_cannot_report(db):
    _, raw = api_key_create(name="kpi", role="viewer")
    client = KeyClient(raw)
    response = client.get("/api/v1/alarm-health", {"from": "2026-11-01"})
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "invalid_period",
        "message": "Give both the first and the last day of the period.",
    }
    assert client.get("/api/v1/alarm-health", {"period": "2w"}).status_code == 422
    assert client.get("/api/v1/alarm-health", {"site": "a\x00b"}).status_code == 422


@pytest.mark.production
def test_metrics_give_the_last_24_hours_per_site_and_line(recent, settings):
    from prometheus_client.parser import text_string_to_metric_families

    settings.METRICS_CACHE_SECONDS = 0
    settings.METRICS_COLLECTORS = ["logs.alarms.metrics.alarm_metrics"]
    _, raw = api_key_create(name="prom", role="viewer")
    response = KeyClient(raw).get("/metrics")

    assert response.status_code == 200
    samples = {
        (sample.name, sample.labels.get("site", ""), sample.labels.get("line", "")): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }
    assert samples[("gogent_alarms_per_hour", "", "")] == 13 / 24
    assert samples[("gogent_alarms_per_hour", "north", "1")] == 12 / 24
    assert samples[("gogent_alarms_per_hour", "south", "")] == 1 / 24
    assert samples[("gogent_alarms_peak_10m", "north", "")] == 12
    assert samples[("gogent_alarm_flood_ratio", "north", "1")] == 1 / 144
    assert samples[("gogent_alarm_flood_ratio", "south", "2")] == 0


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"ALARM_SEVERITY": "LOUD"}, "ALARM_SEVERITY must be one of DEBUG, INFO, NOTICE,"),
        ({"ALARM_PRIORITY_URGENT": "7"}, "ALARM_PRIORITY_URGENT must be one of"),
        (
            {"ALARM_SEVERITY": "critical", "ALARM_PRIORITY_HIGH": "error"},
            "must rise (or stay) in that order, not CRITICAL, ERROR, ALERT",
        ),
    ],
)
def test_a_bad_alarm_setting_stops_the_start_with_its_name(tmp_path, env, says):
    environment = {key: val for key, val in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(GOGENT_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="gogent.settings")
    environment.update(env)

    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode != 0
    assert says in done.stderr


@pytest.fixture
def forget_places():
    """Place ids a committed batch remembered die with the test's database."""
    plant.plant_places_forget()
    yield
    plant.plant_places_forget()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_the_page_runs_under_the_csp_and_the_picker_swaps_the_report(
    page,  # noqa: F811 (the fixture)
    forget_places,
    lines,
):
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    start = now - timedelta(minutes=now.minute % 10 + 20)
    store(*(log(f"Valve {n} stuck open", at=start + timedelta(seconds=20 * n))
            for n in range(12)))  # fmt: skip
    store(log("Door 1 open too long", at=now - timedelta(hours=2), host="plc-south-l2-1"))
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    log_in(page, "viewer")

    page.get_by_role("link", name="Alarm health").click()
    page.wait_for_url("**/alarm-health/")
    assert page.evaluate("typeof htmx") == "object"
    assert page.locator(".kpi").count() == 7
    assert page.locator("#floods svg rect[fill='#c0392b']").count() == 1  # the flood, in red
    page.screenshot(path=str(ARTIFACTS / "alarm-health.png"), full_page=True)
    page.evaluate("window.__noReload = true")
    page.get_by_label("Site").select_option("south")
    page.wait_for_url("**site=south**")
    page.get_by_text("Site south,").wait_for()
    assert page.evaluate("window.__noReload") is True  # swapped in place, not reloaded
    assert page.get_by_label("Line").locator("option").all_inner_texts() == [
        "all lines of the site",
        "2",
    ]
    page.locator("#bad-actors table a", has_text="Door").click()
    page.wait_for_url("**/patterns/*/")
    assert page.evaluate("window.__cspViolations") == []
