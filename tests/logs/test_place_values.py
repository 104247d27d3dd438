"""The pattern inspector's sketches: each <*>'s values counted at ingest, against the
stored logs; bounded; following logs that move; starting again when the template changes."""

from __future__ import annotations

from collections import Counter

import pytest

from gogent.audit import Actor
from logs import patterns, place_values
from logs.grouping.corrections import template_values
from logs.models import LogEntry, LogPattern, PatternPlaceValues
from logs.selectors import pattern_place_values
from logs.services import corrections
from logs.services.corrections import logs_move_for_rule, pattern_split
from tests.logs.test_grouping_corrections import ingest, users_logged_in
from tests.logs.test_patterns import Stream

pytestmark = [pytest.mark.production, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def fresh_catalog(monkeypatch):
    monkeypatch.setattr(patterns, "catalog", patterns.PatternCatalog())
    monkeypatch.setattr(corrections, "SETTLE_SECONDS", 0.0)


def stored_values(pattern: LogPattern) -> list[Counter[str]]:
    """What each <*> of the pattern's template holds in its stored logs, counted by hand."""
    tokens = tuple(pattern.template.split(" "))
    counters: list[Counter[str]] = []
    for message in LogEntry.objects.filter(pattern=pattern).values_list("message", flat=True):
        values = template_values(tokens, message)
        counters = counters or [Counter() for _ in values]
        for counter, value in zip(counters, values, strict=True):
            counter[value] += 1
    return counters


def shown(pattern: LogPattern, top: int = 50) -> list[dict[str, int]]:
    return [dict(values.top) for values in pattern_place_values(pattern, top=top)]


def test_the_counts_at_ingest_are_those_of_the_stored_logs():
    stream = Stream()
    ingest(stream, *users_logged_in("alice", "bob", "carol"), hostname="gw")
    for _ in range(3):
        ingest(stream, *users_logged_in("alice", "dave", "alice", "erin"), hostname="gw")
    (pattern,) = LogPattern.objects.filter(merged_into=None)

    values = pattern_place_values(pattern)

    assert all(v.counted_at_ingest and not v.trimmed for v in values)
    assert [v.logs for v in values] == [pattern.count, pattern.count] == [15, 15]
    assert shown(pattern) == [dict(counter) for counter in stored_values(pattern)]
    assert shown(pattern)[0] == {"alice": 7, "bob": 1, "carol": 1, "dave": 3, "erin": 3}


def test_a_sketch_keeps_the_most_common_values_and_counts_the_rest_as_other(monkeypatch):
    monkeypatch.setattr(place_values, "SKETCH_SIZE", 2)
    stream = Stream()
    ingest(stream, *users_logged_in("alice", "bob", "carol", "alice", "alice"))
    ingest(stream, *users_logged_in("bob", "dave", "bob"))
    (pattern,) = LogPattern.objects.filter(merged_into=None)

    (users, _) = pattern_place_values(pattern, top=1)

    assert users.top == [("alice", 3)]
    assert (users.other, users.logs, users.trimmed) == (5, 8, True)
    assert PatternPlaceValues.objects.filter(pattern=pattern).count() == 1


def test_a_long_value_is_kept_cut_and_a_template_of_many_places_gets_no_sketch():
    ingest(Stream(), *(f"Job failed: /data/{'x' * 500}/{n}" for n in range(3)))
    (pattern,) = LogPattern.objects.filter(merged_into=None)
    assert pattern.template == "Job failed: <*>"
    (values,) = shown(pattern)
    assert len(values) == 1 and all(len(value) == 100 for value in values)
    assert next(iter(values)).endswith("…") and sum(values.values()) == 3
    many = " ".join(f"key{letter}={{}}" for letter in "abcdefghijklmnopq")  # 17
    ingest(Stream(), *(many.format(*range(n, n + 17)) for n in range(3)))
    wide = LogPattern.objects.get(template=many.format(*["<*>"] * 17), merged_into=None)
    assert place_values.PLACES_MAX < 17
    assert not PatternPlaceValues.objects.filter(pattern=wide).exists()
    assert not any(values.counted_at_ingest for values in pattern_place_values(wide))


def test_counts_follow_logs_a_split_moves():
    stream = Stream()
    ingest(stream, *users_logged_in("alice", "bob", "carol", "alice"), hostname="gw")
    (pattern,) = LogPattern.objects.filter(merged_into=None)
    rule = pattern_split(pattern_id=pattern.pk, place=0, value="alice", actor=Actor("ops"))
    logs_move_for_rule(rule.pk)

    alice = LogPattern.objects.get(split_rule=rule)
    assert shown(pattern) == [dict(c) for c in stored_values(pattern)]
    assert shown(pattern)[0] == {"bob": 1, "carol": 1}
    assert shown(alice) == [{"10.0.0.0": 1, "10.0.0.3": 1}]


def test_a_template_that_generalizes_starts_its_sketch_again():
    stream = Stream()
    ingest(stream, "Valve V1 opened by alice", "Valve V1 opened by bob")
    ingest(stream, "Valve V1 opened by carol")  # a third user: "by <*>"
    (pattern,) = LogPattern.objects.filter(merged_into=None)
    assert pattern.template == "Valve <*> opened by <*>"
    # The first templates had one <*> (the valve). A batch is counted under the template
    # it leaves behind, so this template's sketch starts with carol's batch.
    ingest(stream, "Valve V2 opened by dave")

    (valves, users) = pattern_place_values(pattern)
    assert valves.counted_at_ingest
    assert (valves.logs, dict(valves.top), dict(users.top)) == (
        2, {"V1": 1, "V2": 1}, {"carol": 1, "dave": 1}
    )  # fmt: skip


def test_without_a_sketch_the_newest_stored_logs_are_read(settings):
    settings.PATTERN_VALUE_SKETCHES = False
    ingest(Stream(), *users_logged_in("alice", "bob", "carol", "alice"))
    (pattern,) = LogPattern.objects.filter(merged_into=None)

    (users, _) = pattern_place_values(pattern)

    assert not PatternPlaceValues.objects.exists()
    assert not users.counted_at_ingest
    assert dict(users.top) == {"alice": 2, "bob": 1, "carol": 1}
