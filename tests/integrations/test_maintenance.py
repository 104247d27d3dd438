"""Maintenance windows: when they are on (once, or every Sunday 02:00 on a wall clock), what
they hold (analyses, ticket rules) for the patterns in their scope while logs are still
stored, and the summary and release when they end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from analysis.models import Analysis, Provider
from gogent.models import AuditEvent
from gogent.runlock import run_lock_release, run_lock_take
from integrations.maintenance import maintenance_covering, occurrence_at, occurrence_next
from integrations.maintenance.forms import MaintenanceWindowForm
from integrations.maintenance.release import RELEASE_LOCK, maintenance_release
from integrations.maintenance.selectors import maintenance_windows
from integrations.models import (
    Channel,
    MaintenanceHold,
    MaintenanceOccurrence,
    MaintenanceWindow,
    NotificationEvent,
    NotificationRule,
    Ticket,
)
from integrations.services import rules_evaluate
from logs.models import ContextRule, LogEntry, LogPattern
from tests.helpers.analysis import ingest, log
from tests.helpers.tickets import analysis_done

pytestmark = [pytest.mark.production, pytest.mark.django_db]

BERLIN = ZoneInfo("Europe/Berlin")


def sundays(**fields) -> MaintenanceWindow:
    """Every Sunday 02:00-04:00 Berlin time, from the first Sunday of 2026."""
    values = {
        "name": "Sunday patching",
        "starts_at": datetime(2026, 1, 4, 2, 0, tzinfo=BERLIN),
        "ends_at": datetime(2026, 1, 4, 4, 0, tzinfo=BERLIN),
        "recurrence": "FREQ=WEEKLY;BYDAY=SU",
        "time_zone": "Europe/Berlin",
    }
    return MaintenanceWindow(**(values | fields))


def window_now(**fields) -> MaintenanceWindow:
    """A window on from a minute ago for an hour."""
    now = timezone.now()
    values = {
        "name": "Press line rebuild",
        "starts_at": now - timedelta(minutes=1),
        "ends_at": now + timedelta(hours=1),
        "reason": "Rebuilding press 4",
    }
    values.update(fields)
    return MaintenanceWindow.objects.create(**values)


def end(window: MaintenanceWindow) -> None:
    """As if the window had ended long enough ago to be released."""
    ended = timezone.now() - timedelta(seconds=settings.MAINTENANCE_RELEASE_GRACE + 1)
    MaintenanceWindow.objects.filter(pk=window.pk).update(ends_at=ended)
    MaintenanceOccurrence.objects.filter(window=window).update(ends_at=ended)


def test_a_weekly_window_keeps_its_wall_clock_across_daylight_saving_time():
    window = sundays()
    winter = occurrence_next(window, datetime(2026, 2, 1, 0, 0, tzinfo=UTC))
    summer = occurrence_next(window, datetime(2026, 7, 1, 0, 0, tzinfo=UTC))

    assert winter.starts_at.astimezone(UTC) == datetime(2026, 2, 1, 1, 0, tzinfo=UTC)
    assert summer.starts_at.astimezone(UTC) == datetime(2026, 7, 5, 0, 0, tzinfo=UTC)
    assert summer.ends_at.astimezone(UTC) == datetime(2026, 7, 5, 2, 0, tzinfo=UTC)
    assert occurrence_at(window, datetime(2026, 7, 5, 1, 59, tzinfo=UTC)) == summer
    assert occurrence_at(window, datetime(2026, 7, 5, 2, 0, tzinfo=UTC)) is None
    assert occurrence_at(window, datetime(2026, 7, 6, 1, 0, tzinfo=UTC)) is None  # a Monday


def test_a_window_that_is_over_has_no_next_occurrence():
    window = sundays(recurrence="FREQ=WEEKLY;BYDAY=SU;COUNT=2")

    assert occurrence_next(window, datetime(2026, 1, 10, tzinfo=UTC)).starts_at.day == 11
    assert occurrence_next(window, datetime(2026, 1, 12, tzinfo=UTC)) is None


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"recurrence": "FREQ=SOMETIMES"}, "recurrence", "not an iCalendar RRULE"),
        ({"recurrence": "FREQ=MINUTELY"}, "recurrence", "too fine"),
        ({"recurrence": "DTSTART:20200101T000000\nRRULE:FREQ=DAILY"}, "recurrence", "parts only"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "not an IANA name"),
        ({"ends_at": "2026-01-04 01:00"}, "ends_at", "must end after it starts"),
    ],
)
def test_the_form_refuses_a_window_that_cannot_be_planned(fields, field, message):
    data = {
        "name": "Sunday patching", "enabled": True, "starts_at": "2026-01-04 02:00",
        "ends_at": "2026-01-04 04:00", "recurrence": "FREQ=WEEKLY;BYDAY=SU",
        "time_zone": "Europe/Berlin", **fields,
    }  # fmt: skip
    form = MaintenanceWindowForm(data)

    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_only_patterns_in_scope_are_covered():
    window_now(services="press-*", hosts="plc-4*")
    ingest(
        log("Hydraulic pressure low on press 4", host="plc-4a", service="press-line"),
        log("Conveyor belt slipping at station 9", host="plc-4a", service="conveyor"),
        log("Hydraulic valve stuck open on press 7", host="plc-7", service="press-line"),
    )
    by_message = {p.sample_message.split()[1]: p.pk for p in LogPattern.objects.all()}

    covered = maintenance_covering(by_message.values())

    assert set(covered) == {by_message["pressure"]}


def test_inside_a_window_logs_are_stored_but_analyses_and_rules_wait(jira_integration, make_rule):
    window = window_now(services="press-*")
    make_rule(jira_integration, require_recommendation=False, min_confidence=0)

    ingest(*[log(f"Hydraulic pressure {n} bar on press 4", service="press-line") for n in (1, 2)])
    ingest(log("Spindle 3 overheated", service="mill"))

    press = LogPattern.objects.get(template__contains="Hydraulic")
    mill = LogPattern.objects.get(template__contains="Spindle")
    assert press.count == 2 and LogEntry.objects.filter(pattern=press).count() == 2
    assert not Analysis.objects.filter(pattern=press).exists()
    assert Analysis.objects.filter(pattern=mill).exists()
    assert not Ticket.objects.filter(pattern=press).exists()
    assert Ticket.objects.filter(pattern=mill).exists()
    hold = MaintenanceHold.objects.get(pattern=press)
    assert (hold.analysis_trigger, hold.tickets, hold.occurrence.window_id) == (
        Analysis.Trigger.NEW_PATTERN, True, window.pk,
    )  # fmt: skip


def test_a_log_that_asks_for_its_analysis_is_never_held():
    window_now()

    ingest(log("Spindle 3 overheated"), reply_to="_INBOX.asker")

    assert Analysis.objects.filter(trigger=Analysis.Trigger.NEW_PATTERN).count() == 1
    assert not MaintenanceHold.objects.exists()


def test_at_the_end_the_summary_is_written_and_what_waited_is_done(jira_integration, make_rule):
    window = window_now(services="press-*", starts_at=timezone.now() - timedelta(minutes=5))
    make_rule(jira_integration, require_recommendation=False, min_confidence=0)
    during = (timezone.now() - timedelta(minutes=2)).isoformat()
    ingest(
        *[
            log(f"Hydraulic pressure {n} bar on press 4", service="press-line")
            | {"timestamp": during}
            for n in range(3)
        ]
    )
    press = LogPattern.objects.get()
    assert maintenance_release() == 0  # still on

    end(window)
    assert maintenance_release() == 1
    assert maintenance_release() == 0  # once

    occurrence = MaintenanceOccurrence.objects.get()
    assert occurrence.released_at is not None
    summary = occurrence.summary
    assert {k: summary[k] for k in ("window", "patterns", "logs", "analyses", "tickets")} == {
        "window": "Press line rebuild", "patterns": 1, "logs": 3, "analyses": 1, "tickets": 1,
    }  # fmt: skip
    assert summary["top"] == [
        {"pattern_id": press.pk, "template": press.template, "count": 3, "severity": "ERROR"}
    ]
    assert Analysis.objects.get(pattern=press).trigger == Analysis.Trigger.NEW_PATTERN
    assert Ticket.objects.filter(pattern=press).count() == 1
    event = AuditEvent.objects.get(action=AuditEvent.Action.MAINTENANCE_ENDED)
    assert (event.actor_label, event.reason, event.details["logs"]) == (
        "system", "Rebuilding press 4", 3,
    )  # fmt: skip


def test_a_pattern_another_window_still_covers_stays_held(jira_integration, make_rule):
    first = window_now(name="A first window")
    ingest(log("Spindle 3 overheated"))
    window_now(name="B longer window", ends_at=timezone.now() + timedelta(hours=3))

    end(first)
    maintenance_release()

    pattern = LogPattern.objects.get()
    assert not Analysis.objects.filter(pattern=pattern).exists()
    held = MaintenanceHold.objects.get(occurrence__window__name="B longer window")
    assert held.analysis_trigger == Analysis.Trigger.NEW_PATTERN


def test_a_rule_decided_after_an_analysis_is_held_too(jira_integration, make_rule):
    ingest(log("Spindle 3 overheated"))
    pattern = LogPattern.objects.get()
    window_now()
    make_rule(jira_integration)

    assert rules_evaluate(pattern=pattern, analysis=analysis_done(pattern)) == []

    assert MaintenanceHold.objects.get(pattern=pattern).tickets is True


def test_a_disabled_window_holds_nothing():
    window_now(enabled=False)

    ingest(log("Spindle 3 overheated"))

    assert Analysis.objects.count() == 1
    assert not MaintenanceHold.objects.exists()


def test_a_release_that_finds_the_lock_held_does_nothing():
    window = window_now()
    ingest(log("Spindle 3 overheated"))
    end(window)
    token = run_lock_take(RELEASE_LOCK, seconds=60)
    try:
        assert maintenance_release() == 0
    finally:
        run_lock_release(RELEASE_LOCK, token)

    assert maintenance_release() == 1


SUNDAYS_TOML = """
[[maintenance_windows]]
name = "Sunday patching"
reason = "OS updates on the line PCs"
starts_at = 2026-01-04T02:00:00+01:00
ends_at = 2026-01-04T04:00:00+01:00
recurrence = "FREQ=WEEKLY;BYDAY=SU"
time_zone = "Europe/Berlin"
hosts = "line-pc-*"
"""


def apply(text: str, *args: str) -> str:
    out = StringIO()
    call_command("apply_config", "-", *args, stdin=StringIO(text), stdout=out)
    return out.getvalue()


def test_a_config_file_plans_windows_idempotently():
    assert "created (1): Sunday patching" in apply(SUNDAYS_TOML)
    window = MaintenanceWindow.objects.get()
    assert (window.recurrence, window.time_zone, window.hosts) == (
        "FREQ=WEEKLY;BYDAY=SU", "Europe/Berlin", "line-pc-*",
    )  # fmt: skip
    assert window.starts_at == datetime(2026, 1, 4, 1, 0, tzinfo=UTC)

    assert "unchanged (1): Sunday patching" in apply(SUNDAYS_TOML)
    assert "updated (1): Sunday patching (hosts)" in apply(
        SUNDAYS_TOML.replace("line-pc-*", "line-pc-*, hmi-*")
    )
    event = AuditEvent.objects.filter(action=AuditEvent.Action.CONFIG_CHANGED).latest("pk")
    assert event.object_repr == "Sunday patching"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("+01:00", ""), "has no UTC offset"),
        (("WEEKLY;BYDAY=SU", "SECONDLY"), "too fine"),
        (("Europe/Berlin", "Europe/Atlantis"), "not an IANA name"),
        (("starts_at = 2026-01-04T02:00:00+01:00", "starts_at = 2026-01-04"), "a date-time"),
    ],
)
def test_a_config_file_with_a_window_that_cannot_be_planned_applies_nothing(change, message):
    with pytest.raises(CommandError) as raised:
        apply(SUNDAYS_TOML.replace(*change) + PROVIDER_TOML)

    assert message in str(raised.value)
    assert "[[maintenance_windows]] #1 (Sunday patching)" in str(raised.value)
    assert not MaintenanceWindow.objects.exists()
    assert not Provider.objects.filter(name="Workstation").exists()


PROVIDER_TOML = """
[[providers]]
name = "Workstation"
kind = "ollama"
base_url = "http://10.0.0.5:11434"
model = "qwen2.5:7b"
"""


def test_the_console_shows_a_banner_and_the_windows_while_one_is_on(role_client):
    window_now(hosts="plc-4*")
    # Weekly from two days ahead, so it is off whatever day the test runs (a
    # fixed Sunday window was on during a CI run early on a Sunday).
    later = timezone.now() + timedelta(days=2)
    sundays(
        name="Weekly patching",
        starts_at=later,
        ends_at=later + timedelta(hours=2),
        recurrence="FREQ=WEEKLY",
        time_zone="UTC",
    ).save()
    viewer = role_client("viewer")

    dashboard = viewer.get(reverse("dashboard")).content.decode()
    page = viewer.get(reverse("integrations:maintenance")).content.decode()

    assert "Maintenance: Press line rebuild" in dashboard and "hosts plc-4*" in dashboard
    assert "Weekly patching" not in dashboard
    assert page.index("Press line rebuild") < page.index("Weekly patching")
    assert "<strong>on</strong> until" in page and "FREQ=WEEKLY" in page


def test_windows_on_now_come_first_then_by_start():
    sundays().save()
    one_off = datetime(2026, 12, 6, 2, 30, tzinfo=BERLIN)  # a Sunday
    window_now(starts_at=one_off, ends_at=one_off + timedelta(hours=2, minutes=30))

    def order(at: datetime) -> list[str]:
        return [state.window.name for state in maintenance_windows(at)]

    both_on = order(datetime(2026, 12, 6, 3, 0, tzinfo=BERLIN))
    one_on = order(datetime(2026, 12, 6, 4, 30, tzinfo=BERLIN))
    none_on = order(datetime(2026, 12, 7, 12, 0, tzinfo=BERLIN))

    assert both_on == ["Sunday patching", "Press line rebuild"]  # earlier start first
    assert one_on == ["Press line rebuild", "Sunday patching"]  # on now first
    assert none_on == ["Sunday patching", "Press line rebuild"]  # next start, then over


def test_the_console_shows_what_an_ended_window_held_with_its_text_escaped(role_client):
    window = window_now(starts_at=timezone.now() - timedelta(minutes=5))
    during = (timezone.now() - timedelta(minutes=2)).isoformat()
    ingest(log("<script>alert(1)</script> on press 4") | {"timestamp": during})
    end(window)
    maintenance_release()

    dashboard = role_client("viewer").get(reverse("dashboard")).content.decode()
    page = role_client("viewer").get(reverse("integrations:maintenance")).content.decode()

    assert "Maintenance:" not in dashboard
    assert "1 patterns, 1 logs; 1 analyses" in page
    template = LogPattern.objects.get().template
    assert "<" in template and escape(template) in page and template not in page


def test_a_window_holds_pattern_notifications_and_its_end_is_one_message():
    channel = Channel.objects.create(
        name="ops", kind=Channel.Kind.WEBHOOK, url="http://127.0.0.1:9/hook"
    )
    NotificationRule.objects.create(
        name="new and planned", channel=channel, group_seconds=0, cooldown_minutes=0,
        events=[NotificationRule.Event.NEW_PATTERN, NotificationRule.Event.MAINTENANCE_ENDED],
    )  # fmt: skip
    window = window_now(services="press-*", starts_at=timezone.now() - timedelta(minutes=5))
    during = (timezone.now() - timedelta(minutes=2)).isoformat()

    ingest(log("Hydraulic pressure low on press 4", service="press-line") | {"timestamp": during})
    ingest(log("Spindle 3 overheated", service="mill"))

    told = NotificationEvent.objects.values_list("kind", flat=True)
    assert list(told) == [NotificationRule.Event.NEW_PATTERN]  # the mill's, not the press's
    assert MaintenanceHold.objects.get().notifications == 1

    end(window)
    maintenance_release()

    ended = NotificationEvent.objects.get(kind=NotificationRule.Event.MAINTENANCE_ENDED)
    assert (ended.data["window"], ended.data["patterns"], ended.data["notifications"]) == (
        "Press line rebuild", 1, 1,
    )  # fmt: skip


def test_a_window_scoped_to_a_line_covers_only_patterns_seen_there():
    ContextRule.objects.create(
        name="line from PLC names", source="hostname", pattern=r"plc-line(?P<line>\d+)"
    )
    window_now(places="line = 3")
    ingest(
        log("Hydraulic pressure low on press 4", host="plc-line3-a"),
        log("Conveyor belt slipping at station 9", host="plc-line4-a"),
    )
    by_message = {p.sample_message.split()[0]: p.pk for p in LogPattern.objects.all()}

    assert set(maintenance_covering(by_message.values())) == {by_message["Hydraulic"]}
