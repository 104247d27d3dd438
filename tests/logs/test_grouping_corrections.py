"""Operators correct grouping: merge, split, undo; every consumer follows the rules."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from types import SimpleNamespace

import pytest

from analysis.models import Analysis
from gogent.audit import Actor
from gogent.errors import StateRefused
from gogent.models import AuditEvent
from integrations.models import Ticket
from logs import patterns
from logs.grouping import TemplateMiner
from logs.grouping.corrections import Correction, Corrections, template_values
from logs.models import GroupingRule, LogEntry, LogPattern, LogPatternStat
from logs.services import corrections, logs_ingest_batch
from logs.services.corrections import (
    grouping_rule_undo,
    logs_move_for_rule,
    logs_move_pending,
    pattern_split,
    patterns_merge_by_operator,
)
from tests.helpers.tickets import jira_integration_at
from tests.logs.test_patterns import Stream

pytestmark = pytest.mark.production
ALICE = Actor(label="alice")
db = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_catalog(monkeypatch):
    monkeypatch.setattr(patterns, "catalog", patterns.PatternCatalog())
    # Stored logs move once (no batch is in flight here); see the settling test.
    monkeypatch.setattr(corrections, "SETTLE_SECONDS", 0.0)


@pytest.mark.parametrize(
    ("template", "message", "values"),
    [
        ("Connection to <*> timed out after <*>", "Connection to 10.0.0.1:80 timed out after 3 s",
         ["10.0.0.1:80", "3 s"]),
        ("Wake reason: <*>", "Wake reason: RTC (Alarm) at boot", ["RTC (Alarm) at boot"]),
        ("intent action:<*> sent", "intent action:SCREEN_ON sent", ["SCREEN_ON"]),
        ("user=<*> logged (<*>)", "user=bob logged (pid 42)", ["bob", "pid 42"]),
        ("job <*> <*> done", "job a b c done", ["a", "b c"]),
        ("started at <*> by <*>", "started at Sun Dec 04 04:47:44 2005 by cron",
         ["Sun Dec 04 04:47:44 2005", "cron"]),
        ("Connection to <*> timed out after <*>", "Connection to x refused", None),
        ("Connection to <*> timed out", "Connection to timed out", None),
        ("Disk <*> full", "Disk sda full now", None),
        ("intent action:<*> sent", "intent action: sent", None),
    ],
)  # fmt: skip
def test_template_values_finds_each_place(template, message, values):
    assert template_values(tuple(template.split(" ")), message) == values


def test_template_values_stays_linear_on_a_hostile_message():
    tokens = tuple(["a", "<*>", "b", "<*>", "c", "<*>", "d"])
    # Every word could start a place; a backtracking matcher would try them all.
    message = "a " + "b " * 200_000 + "c x"
    assert template_values(tokens, message) is None


def test_corrections_route_the_newest_rule_first_and_only_matching_values():
    corrections = Corrections(
        [
            Correction(1, "Disk <*> full", key="disk"),
            Correction(2, "Disk <*> full", place=0, value="sda"),
        ]
    )
    assert corrections.route("Disk sda full")[1] == "sda"
    assert corrections.route("Disk sdb full")[0].rule_id == 1  # split only "sda"
    assert corrections.route("Disk sdb is full") is None
    match = corrections.match(*corrections.route("Disk sda full"))
    assert match.cluster.template == "Disk sda full"


def ingest(stream: Stream, *messages: str, **fields):
    return logs_ingest_batch(stream.batch(*({"message": m, **fields} for m in messages)))


def counts_match_stored_logs():
    """Each live pattern's count and statistics equal what its stored logs say."""
    for pattern in LogPattern.objects.filter(merged_into=None):
        stored = LogEntry.objects.filter(pattern=pattern)
        assert pattern.count == stored.count(), pattern
        hosts = Counter(stored.values_list("hostname", flat=True))
        stats = dict(
            LogPatternStat.objects.filter(pattern=pattern, dimension="host").values_list(
                "value", "count"
            )
        )
        assert stats == {host: n for host, n in hosts.items() if host}, pattern


@db
def test_a_merge_moves_everything_now_and_sends_future_logs_there_in_every_consumer(monkeypatch):
    stream = Stream()
    ingest(stream, "Disk sda on plc-1 is full", "Volume /data has no space left", hostname="h1")
    disk, volume = LogPattern.objects.order_by("pk")

    (rule,) = patterns_merge_by_operator(
        survivor_id=disk.pk, absorbed_ids=[volume.pk], actor=ALICE, reason="same problem"
    )

    volume.refresh_from_db()
    assert volume.merged_into_id == disk.pk
    assert rule.kind == "merge" and rule.created_by_label == "alice" and rule.logs_moved == 1
    event = AuditEvent.objects.get(action=AuditEvent.Action.PATTERNS_MERGED)
    assert (event.actor_label, event.pattern_id, event.reason) == ("alice", disk.pk, "same problem")
    # This process, and a consumer started before the merge that knew both patterns.
    ingest(stream, "Volume /logs has no space left", hostname="h2")
    other = patterns.PatternCatalog()
    monkeypatch.setattr(patterns, "catalog", other)
    ingest(stream, "Volume /tmp has no space left", hostname="h2")
    assert LogPattern.objects.filter(merged_into=None).count() == 1
    assert LogEntry.objects.filter(pattern=disk).count() == 4
    counts_match_stored_logs()


@db
def test_undoing_a_merge_brings_the_pattern_and_its_logs_back():
    stream = Stream()
    ingest(stream, "Disk sda on plc-1 is full", "Volume /data has no space left", hostname="h1")
    disk, volume = LogPattern.objects.order_by("pk")
    (rule,) = patterns_merge_by_operator(survivor_id=disk.pk, absorbed_ids=[volume.pk], actor=ALICE)
    ingest(stream, "Volume /logs has no space left", hostname="h2")

    grouping_rule_undo(rule_id=rule.pk, actor=Actor(label="bob"))
    moved = logs_move_for_rule(rule.pk)

    volume.refresh_from_db()
    assert volume.merged_into_id is None
    assert moved.moved == 2
    assert sorted(volume.entries.values_list("message", flat=True)) == [
        "Volume /data has no space left",
        "Volume /logs has no space left",
    ]
    ingest(stream, "Volume /tmp has no space left")
    assert volume.entries.count() == 3
    counts_match_stored_logs()
    rule.refresh_from_db()
    assert (rule.undone_by_label, rule.logs_pending) == ("bob", False)
    with pytest.raises(StateRefused, match="undone already"):
        grouping_rule_undo(rule_id=rule.pk, actor=ALICE)


@db
def test_undoing_a_merge_gives_back_the_analyses_and_tickets_it_moved_and_keeps_newer_ones():
    stream = Stream()
    ingest(stream, "Disk sda on plc-1 is full", "Volume /data has no space left", hostname="h1")
    disk, volume = LogPattern.objects.order_by("pk")
    LogPattern.objects.filter(pk=volume.pk).update(explanation="The volume filled up.")
    volume_analysis = Analysis.objects.create(pattern=volume, trigger=Analysis.Trigger.OPERATOR)
    integration = jira_integration_at("http://127.0.0.1:9")
    volume_ticket = Ticket.objects.create(
        integration=integration, pattern=volume, status=Ticket.Status.OPEN, correlation_id="v"
    )
    earlier = LogPattern.objects.create(
        key="earlier", template="Volume <*> has no space", sample_message="Volume /x has no space",
        first_seen=volume.first_seen, last_seen=volume.last_seen, count=0,
        max_severity=volume.max_severity, merged_into=volume,
    )  # fmt: skip

    (rule,) = patterns_merge_by_operator(survivor_id=disk.pk, absorbed_ids=[volume.pk], actor=ALICE)
    assert set(Analysis.objects.values_list("pattern_id", flat=True)) == {disk.pk}
    assert Ticket.objects.get(pk=volume_ticket.pk).pattern_id == disk.pk
    disk.refresh_from_db()
    assert disk.explanation == "The volume filled up."
    # Made on the survivor after the merge: the survivor's, and it stays there.
    disk_analysis = Analysis.objects.create(pattern=disk, trigger=Analysis.Trigger.OPERATOR)

    grouping_rule_undo(rule_id=rule.pk, actor=Actor(label="bob"))

    assert Analysis.objects.get(pk=volume_analysis.pk).pattern_id == volume.pk
    assert Analysis.objects.get(pk=disk_analysis.pk).pattern_id == disk.pk
    assert Ticket.objects.get(pk=volume_ticket.pk).pattern_id == volume.pk
    earlier.refresh_from_db()
    assert earlier.merged_into_id == volume.pk
    disk.refresh_from_db()
    volume.refresh_from_db()
    assert (disk.explanation, volume.explanation) == ("", "The volume filled up.")
    event = AuditEvent.objects.get(action=AuditEvent.Action.GROUPING_RULE_UNDONE)
    assert event.details["given_back"] == {
        "analysis.Analysis.pattern": 1,
        "integrations.Ticket.pattern": 1,
        "logs.LogPattern.merged_into": 1,
    }


@db
def test_undoing_a_merge_finds_the_moved_rows_where_a_later_merge_took_the_survivor():
    stream = Stream()
    ingest(
        stream,
        "Disk sda on plc-1 is full",
        "Volume /data has no space left",
        "Fan 2 stopped on rack 7",
        hostname="h1",
    )
    disk, volume, fan = LogPattern.objects.order_by("pk")
    volume_analysis = Analysis.objects.create(pattern=volume, trigger=Analysis.Trigger.OPERATOR)
    (rule,) = patterns_merge_by_operator(survivor_id=disk.pk, absorbed_ids=[volume.pk], actor=ALICE)
    patterns_merge_by_operator(survivor_id=fan.pk, absorbed_ids=[disk.pk], actor=ALICE)
    assert Analysis.objects.get(pk=volume_analysis.pk).pattern_id == fan.pk

    grouping_rule_undo(rule_id=rule.pk, actor=ALICE)

    assert Analysis.objects.get(pk=volume_analysis.pk).pattern_id == volume.pk


def users_logged_in(*names: str, host: str = "gw") -> list[str]:
    return [f"User {name} logged in from 10.0.0.{n}" for n, name in enumerate(names)]


@db
def test_a_split_gives_each_value_its_pattern_and_the_miner_never_folds_them_back(monkeypatch):
    stream = Stream()
    ingest(stream, *users_logged_in("alice", "bob", "carol"), hostname="gw")
    this = patterns.catalog
    other = patterns.PatternCatalog()  # a second consumer, which knows the pattern
    monkeypatch.setattr(patterns, "catalog", other)
    ingest(stream, *users_logged_in("alice"), hostname="gw")
    (pattern,) = LogPattern.objects.filter(merged_into=None)
    assert pattern.template == "User <*> logged in from <*>"

    monkeypatch.setattr(patterns, "catalog", this)
    rule = pattern_split(pattern_id=pattern.pk, place=0, value=None, actor=ALICE)
    assert [move.moved for move in logs_move_pending()] == [4]

    children = {p.template: p for p in LogPattern.objects.filter(split_rule=rule)}
    assert sorted(children) == [
        "User alice logged in from <*>",
        "User bob logged in from <*>",
        "User carol logged in from <*>",
    ]
    assert children["User alice logged in from <*>"].count == 2
    pattern.refresh_from_db()
    assert pattern.count == 0 and pattern.merged_into_id is None
    # New values get their own pattern in the other consumer too (three of them would
    # have been one template to its miner), and in one started after the split.
    monkeypatch.setattr(patterns, "catalog", other)
    ingest(stream, *users_logged_in("dave", "erin", "frank"), hostname="gw")
    monkeypatch.setattr(patterns, "catalog", patterns.PatternCatalog())
    ingest(stream, *users_logged_in("bob", "gina"), hostname="gw")
    assert LogPattern.objects.filter(split_rule=rule).count() == 7
    assert (
        LogPattern.objects.get(template="User bob logged in from <*>", merged_into=None).count == 2
    )
    counts_match_stored_logs()


@db
def test_turning_one_value_into_literal_text_leaves_the_others(monkeypatch):
    stream = Stream()
    ingest(stream, *users_logged_in("alice", "bob", "carol", "root", "root"), hostname="gw")
    (pattern,) = LogPattern.objects.filter(merged_into=None)

    rule = pattern_split(pattern_id=pattern.pk, place=0, value="root", actor=ALICE)
    logs_move_for_rule(rule.pk)
    ingest(stream, *users_logged_in("root", "dave"), hostname="gw")

    root = LogPattern.objects.get(split_rule=rule)
    assert (root.template, root.count) == ("User root logged in from <*>", 3)
    pattern.refresh_from_db()
    assert pattern.count == 4
    counts_match_stored_logs()
    with pytest.raises(StateRefused, match="in place already"):
        pattern_split(pattern_id=pattern.pk, place=0, value="root", actor=ALICE)


@db
def test_a_split_of_a_place_with_endless_values_stops_at_its_limit(monkeypatch):
    monkeypatch.setattr(patterns, "SPLIT_VALUES_MAX", 2)
    stream = Stream()
    ingest(stream, *users_logged_in("alice", "bob", "carol"), hostname="gw")
    (pattern,) = LogPattern.objects.filter(merged_into=None)
    rule = pattern_split(pattern_id=pattern.pk, place=0, value=None, actor=ALICE)
    logs_move_for_rule(rule.pk)
    ingest(stream, *users_logged_in("dave", "alice"), hostname="gw")

    assert LogPattern.objects.filter(split_rule=rule).count() == 2
    pattern.refresh_from_db()
    assert pattern.count == 2  # carol and dave stay in the pattern that was split
    counts_match_stored_logs()


@db
def test_undoing_a_split_merges_its_patterns_back():
    stream = Stream()
    ingest(stream, *users_logged_in("alice", "bob", "carol", "alice"), hostname="gw")
    (pattern,) = LogPattern.objects.filter(merged_into=None)
    rule = pattern_split(pattern_id=pattern.pk, place=0, value=None, actor=ALICE)
    logs_move_for_rule(rule.pk)

    grouping_rule_undo(rule_id=rule.pk, actor=ALICE)
    logs_move_for_rule(rule.pk)
    ingest(stream, *users_logged_in("dave"), hostname="gw")

    assert list(LogPattern.objects.filter(merged_into=None)) == [pattern]
    pattern.refresh_from_db()
    assert pattern.count == 5
    counts_match_stored_logs()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.GROUPING_RULE_UNDONE).count() == 1


@db
@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"place": 2, "value": None}, "from 1 to 2"),
        ({"place": 0, "value": "   "}, "Give the value"),
        ({"place": 0, "value": "x" * 1001}, "at most 1000"),
    ],
)
def test_a_split_that_cannot_be_made_is_refused_clearly(kwargs, problem):
    ingest(Stream(), *users_logged_in("alice", "bob", "carol"))
    (pattern,) = LogPattern.objects.filter(merged_into=None)
    with pytest.raises(StateRefused, match=problem):
        pattern_split(pattern_id=pattern.pk, actor=ALICE, **kwargs)
    assert not GroupingRule.objects.exists()


@db
def test_a_merge_that_cannot_be_made_is_refused_clearly():
    ingest(Stream(), "Disk sda on plc-1 is full", "Volume /data has no space left")
    disk, volume = LogPattern.objects.order_by("pk")
    with pytest.raises(StateRefused, match="into itself"):
        patterns_merge_by_operator(survivor_id=disk.pk, absorbed_ids=[disk.pk], actor=ALICE)
    with pytest.raises(StateRefused, match="no pattern #999"):
        patterns_merge_by_operator(survivor_id=disk.pk, absorbed_ids=[999], actor=ALICE)
    patterns_merge_by_operator(survivor_id=disk.pk, absorbed_ids=[volume.pk], actor=ALICE)
    with pytest.raises(StateRefused, match="merged into"):
        patterns_merge_by_operator(survivor_id=volume.pk, absorbed_ids=[disk.pk], actor=ALICE)


def test_the_miner_alone_groups_these_as_one_template():
    # The premise of the split tests: without the rule, the miner folds the users together.
    miner = TemplateMiner()
    templates = {miner.add(m).cluster.template for m in users_logged_in("a", "b", "c", "d")}
    assert "User <*> logged in from <*>" in templates


@db
def test_a_batch_in_flight_during_a_split_is_moved_by_the_next_run(monkeypatch):
    monkeypatch.setattr(corrections, "SETTLE_SECONDS", 30.0)
    stream = Stream()
    ingest(stream, *users_logged_in("alice", "bob", "carol"), hostname="gw")
    (pattern,) = LogPattern.objects.filter(merged_into=None)
    # A consumer matched its batch before the split and stores it after the first move.
    in_flight = patterns.catalog.match([SimpleNamespace(message=users_logged_in("alice")[0])])
    rule = pattern_split(pattern_id=pattern.pk, place=0, value=None, actor=ALICE)

    assert logs_move_for_rule(rule.pk).moved == 3
    rule.refresh_from_db()
    assert rule.logs_pending  # too soon after the split to be sure no batch was in flight
    with monkeypatch.context() as patch:
        patch.setattr(patterns.catalog, "match", lambda logs: in_flight)
        ingest(stream, *users_logged_in("alice"), hostname="gw")
    pattern.refresh_from_db()
    assert pattern.count == 1
    GroupingRule.objects.filter(pk=rule.pk).update(
        created_at=rule.created_at - timedelta(minutes=1)
    )

    assert [moved.moved for moved in logs_move_pending()] == [1]
    rule.refresh_from_db()
    assert (rule.logs_pending, rule.logs_moved) == (False, 4)
    alice = LogPattern.objects.get(template="User alice logged in from <*>", merged_into=None)
    assert alice.count == 2
    counts_match_stored_logs()
