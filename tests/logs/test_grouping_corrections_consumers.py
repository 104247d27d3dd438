"""Grouping corrections with real consume_logs processes: two consumers running while an
operator merges and splits follow the rules from their next batches."""

from __future__ import annotations

import orjson
import pytest

from gogent.audit import Actor
from logs.models import LogEntry, LogPattern
from logs.services import corrections
from logs.services.corrections import (
    logs_move_pending,
    pattern_split,
    patterns_merge_by_operator,
)
from tests.logs.harness import final_stats, publish, stop_gracefully, wait_until_drained

pytestmark = [pytest.mark.slow, pytest.mark.production, pytest.mark.django_db(transaction=True)]
USERS = ["alice", "bob", "carol", "dave", "erin", "frank"]


def logins(count: int, start: int = 0) -> list[bytes]:
    return [
        orjson.dumps(
            {
                "message": f"User {USERS[n % len(USERS)]} logged in from 10.0.{n % 7}.{n % 250}",
                "hostname": f"gw-{n % 3}",
            }
        )
        for n in range(start, start + count)
    ]


def disk_full(count: int) -> list[bytes]:
    return [
        orjson.dumps({"message": f"Volume /data{n % 9} has no space left"}) for n in range(count)
    ]


def test_two_running_consumers_follow_a_split_and_a_merge(nats_server, start_consumer, monkeypatch):
    monkeypatch.setattr(corrections, "SETTLE_SECONDS", 0.0)
    consumers = [start_consumer("--batch-size", "25") for _ in range(2)]
    publish(nats_server, logins(100) + disk_full(20))
    wait_until_drained(nats_server, 120)
    (users,) = LogPattern.objects.filter(template="User <*> logged in from <*>", merged_into=None)
    (volume,) = LogPattern.objects.filter(template="Volume <*> has no space left", merged_into=None)

    rule = pattern_split(pattern_id=users.pk, place=0, value=None, actor=Actor("ops"))
    logs_move_pending()
    publish(nats_server, [orjson.dumps({"message": "Disk sda on plc-1 is full"})])
    wait_until_drained(nats_server, 121)
    (disk,) = LogPattern.objects.filter(template="Disk sda on <*> is full", merged_into=None)
    patterns_merge_by_operator(survivor_id=disk.pk, absorbed_ids=[volume.pk], actor=Actor("ops"))
    # Enough small batches that both consumers store some after the corrections.
    publish(nats_server, logins(2_000, start=100) + disk_full(1_000))
    wait_until_drained(nats_server, 3_121)
    stored = [final_stats(stop_gracefully(consumer))["stored"] for consumer in consumers]

    assert all(n > 121 for n in stored), f"both consumers stored after the rules: {stored}"
    children = LogPattern.objects.filter(split_rule=rule, merged_into=None)
    assert sorted(children.values_list("template", flat=True)) == [
        f"User {name} logged in from <*>" for name in sorted(USERS)
    ]
    assert sum(children.values_list("count", flat=True)) == 2_100
    users.refresh_from_db()
    assert users.count == 0 == LogEntry.objects.filter(pattern=users).count()
    disk.refresh_from_db()
    assert disk.count == 1_021 == LogEntry.objects.filter(pattern=disk).count()
    live = LogPattern.objects.filter(merged_into=None)
    assert sum(live.values_list("count", flat=True)) == LogEntry.objects.count() == 3_121
