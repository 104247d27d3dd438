"""Snoozing a pattern: until a time, for a while, or for N more logs; it wakes by itself,
and every change says who made it. Through the services and the console; the API in
tests/api/test_pattern_snooze.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gogent.audit import Actor
from gogent.errors import StateRefused
from gogent.models import AuditEvent
from integrations.models import Integration, TicketRule
from integrations.services import rules_evaluate
from logs.models import LogPattern
from logs.patterns import pattern_merge
from logs.services import pattern_set_status, pattern_snooze, patterns_wake
from logs.tasks import wake_snoozed_patterns
from tests.helpers.api import ingest as api_ingest
from tests.helpers.api import log as api_log
from tests.helpers.users import user_with_role

pytestmark = pytest.mark.production

ALICE = Actor(label="alice")
MESSAGE = "Spindle 3 overheated on line 2: 97 C"


@pytest.fixture
def pattern(db) -> LogPattern:
    api_ingest(api_log(MESSAGE))
    return LogPattern.objects.get()


def more_logs(count: int) -> LogPattern:
    api_ingest(*[api_log(MESSAGE) for _ in range(count)])
    return LogPattern.objects.get()


def status_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.PATTERN_STATUS).order_by("pk"))


def test_a_pattern_snoozed_for_n_more_logs_wakes_with_the_log_past_the_mark(pattern):
    pattern_snooze(pattern=pattern, actor=ALICE, more=3, reason="vendor on site")
    pattern.refresh_from_db()
    assert (pattern.status, pattern.status_by) == (LogPattern.Status.SNOOZED, "alice")
    assert (pattern.snoozed_until, pattern.snoozed_until_count) == (None, pattern.count + 3)
    assert pattern.is_quiet

    assert more_logs(3).status == LogPattern.Status.SNOOZED
    woken = more_logs(1)

    assert (woken.status, woken.status_by) == (LogPattern.Status.ACTIVE, "system")
    assert (woken.snoozed_until, woken.snoozed_until_count) == (None, None)
    snoozed, wake = status_events()
    assert (snoozed.actor_label, snoozed.reason) == ("alice", "vendor on site")
    assert snoozed.details["more"] == 3 and snoozed.details["to"] == "snoozed"
    assert (wake.actor_label, wake.reason) == ("system", "snooze ended: 1 log(s) past its mark")


def test_a_pattern_snoozed_until_a_time_wakes_when_it_comes(pattern):
    until = timezone.now() + timedelta(hours=2)
    pattern_snooze(pattern=pattern, actor=ALICE, until=until)
    assert patterns_wake() == 0
    more_logs(5)  # logs do not wake it early
    assert LogPattern.objects.get().status == LogPattern.Status.SNOOZED

    LogPattern.objects.update(snoozed_until=timezone.now() - timedelta(seconds=1))
    wake_snoozed_patterns()  # the beat task

    pattern.refresh_from_db()
    assert pattern.status == LogPattern.Status.ACTIVE
    assert status_events()[-1].reason == "snooze ended: its time came"
    assert patterns_wake() == 0


def test_a_snooze_needs_an_end_in_the_future(pattern):
    for kwargs in (
        {},
        {"until": timezone.now() - timedelta(minutes=1)},
        {"until": timezone.now() + timedelta(days=400)},
        {"more": 0},
    ):
        with pytest.raises(StateRefused):
            pattern_snooze(pattern=pattern, actor=ALICE, **kwargs)
    with pytest.raises(StateRefused, match="needs an end"):
        pattern_set_status(pattern=pattern, status=LogPattern.Status.SNOOZED, actor=ALICE)
    pattern.refresh_from_db()
    assert pattern.status == LogPattern.Status.NEW
    assert not status_events()


def test_a_merged_pattern_cannot_be_snoozed(pattern):
    api_ingest(api_log("Conveyor 4 motor overtemperature 97C"))
    other = LogPattern.objects.exclude(pk=pattern.pk).get()
    with transaction.atomic():
        pattern_merge(absorbed_id=pattern.pk, survivor_id=other.pk, revision=99)
    with pytest.raises(StateRefused, match="merged into"):
        pattern_snooze(pattern=pattern, actor=ALICE, more=5)


def test_waking_or_muting_by_hand_ends_the_snooze_and_says_who(pattern):
    pattern_snooze(pattern=pattern, actor=ALICE, more=10)
    pattern_set_status(pattern=pattern, status=LogPattern.Status.ACTIVE, actor=Actor(label="bob"))
    pattern.refresh_from_db()
    assert (pattern.status, pattern.status_by) == (LogPattern.Status.ACTIVE, "bob")
    assert pattern.snoozed_until_count is None
    pattern_set_status(pattern=pattern, status=LogPattern.Status.MUTED, actor=ALICE)
    pattern.refresh_from_db()
    assert (pattern.status, pattern.status_by) == (LogPattern.Status.MUTED, "alice")


def test_rules_open_no_ticket_for_a_snoozed_pattern(pattern):
    integration = Integration.objects.create(
        name="Plant Jira", kind=Integration.Kind.JIRA, base_url="http://127.0.0.1:9",
        auth=Integration.Auth.TOKEN, secret="token", project_key="OPS",
    )  # fmt: skip
    TicketRule.objects.create(name="all", integration=integration, act_on_model_judgement=True)
    pattern_snooze(pattern=pattern, actor=ALICE, more=100)
    pattern.refresh_from_db()
    assert rules_evaluate(pattern=pattern) == []


def operator() -> Client:
    client = Client()
    client.force_login(user_with_role("operator"))
    return client


def test_an_operator_snoozes_from_the_pattern_page_and_sees_until_when_and_by_whom(pattern):
    page = operator().get(reverse("logs:pattern", args=[pattern.pk])).content.decode()
    assert "Snooze for" in page

    response = operator().post(
        reverse("logs:pattern-snooze", args=[pattern.pk]),
        {"minutes": "240", "more": "50"},
        HTTP_HX_REQUEST="true",
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Snoozed" in body and "50 more logs" in body and "by operator" in body
    pattern.refresh_from_db()
    assert (
        timedelta(hours=3, minutes=59)
        < pattern.snoozed_until - timezone.now()
        <= timedelta(hours=4)
    )
    assert "Wake" in body  # the way back


def test_the_console_says_what_is_wrong_with_a_snooze(pattern):
    for data, problem in (
        ({}, "Choose how long, or how many more logs."),
        ({"minutes": "17"}, "Select a valid choice."),
        ({"more": "-3"}, "greater than or equal to 1"),
    ):
        body = operator().post(reverse("logs:pattern-snooze", args=[pattern.pk]), data)
        assert problem in body.content.decode(), data
    pattern.refresh_from_db()
    assert pattern.status == LogPattern.Status.NEW
    viewer = Client()
    viewer.force_login(user_with_role("viewer"))
    response = viewer.post(reverse("logs:pattern-snooze", args=[pattern.pk]), {"more": "5"})
    assert response.status_code == 403
