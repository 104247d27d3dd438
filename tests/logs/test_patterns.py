"""Patterns at ingest: grouping, counters, regressions, identity across generalization."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import orjson
import pytest
from django.core.management import call_command

from logs import patterns
from logs.models import LogEntry, LogPattern, LogPatternStat, Severity
from logs.services import IncomingMessage, logs_ingest_batch

pytestmark = [pytest.mark.production, pytest.mark.django_db]
RECEIVED_AT = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fresh_catalog(monkeypatch):
    """Each test starts as a freshly started process would."""
    monkeypatch.setattr(patterns, "catalog", patterns.PatternCatalog())


class Stream:
    """Hands out stream sequences like JetStream does."""

    def __init__(self) -> None:
        self.seq = 0

    def batch(self, *logs: dict):
        messages = []
        for log in logs:
            self.seq += 1
            messages.append(
                IncomingMessage(
                    subject="agent.technical.support",
                    stream_seq=self.seq,
                    data=orjson.dumps(log),
                    received_at=RECEIVED_AT,
                )
            )
        return messages


def timeout_log(ip: str, seconds: int, **fields) -> dict:
    return {"message": f"Connection to {ip}:5432 timed out after {seconds}s", **fields}


def test_repeats_become_one_pattern_with_exact_counters():
    stream = Stream()
    result = logs_ingest_batch(
        stream.batch(
            timeout_log("10.0.3.7", 30, severity="warning", hostname="plc-1", service="hmi",
                        timestamp="2025-01-01T10:00:00Z"),
            timeout_log("10.0.3.8", 15, severity="error", hostname="plc-2", service="hmi",
                        timestamp="2025-01-01T09:00:00Z"),
            timeout_log("192.168.1.20", 5, severity="error", hostname="plc-1",
                        timestamp="2025-01-01T11:00:00Z"),
            {"message": "Disk /var/lib/postgresql full", "severity": "critical"},
        )
    )  # fmt: skip
    timeout = LogPattern.objects.get(template="Connection to <*> timed out after <*>")
    assert result.patterns.created == set(LogPattern.objects.values_list("pk", flat=True))
    assert timeout.count == 3
    assert timeout.first_seen == datetime(2025, 1, 1, 9, tzinfo=UTC)
    assert timeout.last_seen == datetime(2025, 1, 1, 11, tzinfo=UTC)
    assert timeout.max_severity == Severity.ERROR
    assert timeout.sample_message == "Connection to 10.0.3.7:5432 timed out after 30s"
    assert timeout.status == LogPattern.Status.NEW
    assert set(timeout.entries.values_list("stream_seq", flat=True)) == {1, 2, 3}
    stats = {(s.dimension, s.value): s.count for s in timeout.stats.all()}
    assert stats == {
        ("severity", "WARNING"): 1,
        ("severity", "ERROR"): 2,
        ("host", "plc-1"): 2,
        ("host", "plc-2"): 1,
        ("service", "hmi"): 2,
        ("hour", "2025-01-01T09"): 1,
        ("hour", "2025-01-01T10"): 1,
        ("hour", "2025-01-01T11"): 1,
    }
    assert LogPattern.objects.count() == 2
    assert not LogEntry.objects.filter(pattern__isnull=True).exists()


def test_redelivered_logs_are_not_counted_twice():
    stream = Stream()
    batch = stream.batch(*(timeout_log(f"10.1.0.{i}", i) for i in range(5)))
    logs_ingest_batch(batch)
    again = logs_ingest_batch([*batch, *stream.batch(timeout_log("10.1.0.99", 1))])
    assert (again.stored, again.duplicates) == (1, 5)
    pattern = LogPattern.objects.get()
    assert pattern.count == 6 == LogEntry.objects.count()
    assert LogPatternStat.objects.get(pattern=pattern, dimension="severity").count == 6


def test_a_resolved_pattern_that_recurs_is_a_regression():
    stream = Stream()
    logs_ingest_batch(stream.batch(timeout_log("10.0.0.1", 3)))
    pattern = LogPattern.objects.get()
    LogPattern.objects.filter(pk=pattern.pk).update(status=LogPattern.Status.RESOLVED)

    result = logs_ingest_batch(stream.batch(timeout_log("10.0.0.2", 4)))

    pattern.refresh_from_db()
    assert pattern.status == LogPattern.Status.ACTIVE
    assert pattern.regressed_at is not None
    assert pattern.is_regression
    assert result.patterns.regressed == {pattern.pk}
    muted = logs_ingest_batch(stream.batch(timeout_log("10.0.0.3", 5)))
    assert muted.patterns.regressed == set()


def test_a_generalizing_template_keeps_its_pattern_and_attachments():
    stream = Stream()
    logs_ingest_batch(stream.batch({"message": "Line conveyor stopped: sensor alpha blocked"}))
    first = LogPattern.objects.get()
    for name in ("beta", "gamma", "delta"):
        logs_ingest_batch(
            stream.batch({"message": f"Line conveyor stopped: sensor {name} blocked"})
        )

    survivor = LogPattern.objects.get(merged_into__isnull=True)
    assert survivor.pk == first.pk
    assert survivor.key == first.key
    assert survivor.template == "Line conveyor stopped: sensor <*> blocked"
    assert survivor.count == 4
    assert set(survivor.entries.values_list("stream_seq", flat=True)) == {1, 2, 3, 4}
    assert LogPatternStat.objects.get(pattern=survivor, dimension="severity").count == 4
    for absorbed in LogPattern.objects.filter(merged_into__isnull=False):
        assert absorbed.merged_into_id == survivor.pk
        assert absorbed.count == 0
        assert not absorbed.entries.exists()
        assert not absorbed.stats.exists()


def test_port_80_then_443_is_one_pattern():
    stream = Stream()
    logs_ingest_batch(stream.batch({"message": "listener bound to port 80"}))
    first = LogPattern.objects.get()
    logs_ingest_batch(stream.batch({"message": "listener bound to port 443"}))
    assert LogPattern.objects.get().pk == first.pk
    assert first.template == "listener bound to port <*>"


def test_a_restart_neither_loses_nor_renumbers_patterns(monkeypatch):
    stream = Stream()
    messages = [{"message": f"Connection to 10.0.0.{i}:80 refused"} for i in range(3)] + [
        {"message": f"Motor {i} overheated at {60 + i} C"} for i in range(3)
    ]
    logs_ingest_batch(stream.batch(*messages))
    before = dict(LogEntry.objects.values_list("message", "pattern__key"))

    restarted = patterns.PatternCatalog()
    monkeypatch.setattr(patterns, "catalog", restarted)
    logs_ingest_batch(stream.batch(*messages))

    assert LogPattern.objects.count() == 2
    for message, key in LogEntry.objects.values_list("message", "pattern__key"):
        assert before[message] == key
    assert sorted(LogPattern.objects.values_list("count", flat=True)) == [6, 6]


def test_a_pattern_made_by_another_process_is_reused_not_duplicated(monkeypatch):
    stream = Stream()
    other_process = patterns.PatternCatalog()
    monkeypatch.setattr(patterns, "catalog", other_process)
    logs_ingest_batch(stream.batch(timeout_log("10.0.0.1", 1)))

    this_process = patterns.PatternCatalog()
    monkeypatch.setattr(patterns, "catalog", this_process)
    logs_ingest_batch(stream.batch(timeout_log("10.0.0.2", 2)))

    assert LogPattern.objects.count() == 1
    assert LogPattern.objects.get().count == 2


def test_group_logs_prints_key_and_template_per_line_and_writes_nothing(tmp_path):
    lines = tmp_path / "messages.txt"
    lines.write_text(
        "Connection to 10.0.3.7:5432 timed out after 30s\n"
        "Failed password for root from 203.0.113.9 port 52113 ssh2\n"
        "Connection to 10.0.9.1:5432 timed out after 15s\n"
    )
    out = StringIO()
    call_command("group_logs", str(lines), stdout=out)
    rows = [line.split("\t") for line in out.getvalue().splitlines()]
    assert len(rows) == 3
    assert rows[0] == rows[2]
    assert rows[0][1] == "Connection to <*> timed out after <*>"
    assert rows[1][1] == "Failed password for root from <*> port <*>"  # "ssh2" has a digit
    assert rows[0][0] != rows[1][0]
    assert not LogPattern.objects.exists()


def test_a_merge_moves_everything_that_points_at_the_pattern():
    stream = Stream()
    logs_ingest_batch(stream.batch({"message": "valve V1 opened"}, {"message": "pump P1 on"}))
    valve, pump = LogPattern.objects.order_by("pk")
    earlier = LogPattern.objects.create(
        key="earlier", template="x", sample_message="x", first_seen=RECEIVED_AT,
        last_seen=RECEIVED_AT, max_severity=Severity.INFO, merged_into=pump,
    )  # fmt: skip

    patterns.pattern_merge(absorbed_id=pump.pk, survivor_id=valve.pk, revision=99)

    valve.refresh_from_db()
    assert valve.count == 2
    assert valve.revision == 99
    assert set(valve.entries.values_list("message", flat=True)) == {"valve V1 opened", "pump P1 on"}
    assert LogPatternStat.objects.get(pattern=valve, dimension="severity").count == 2
    earlier.refresh_from_db()
    assert earlier.merged_into_id == valve.pk
    with pytest.raises(ValueError, match="into itself"):
        patterns.pattern_merge(absorbed_id=valve.pk, survivor_id=valve.pk, revision=100)


def test_a_batch_rolled_back_after_grouping_leaves_no_stale_patterns(monkeypatch):
    stream = Stream()
    logs_ingest_batch(stream.batch(timeout_log("10.0.0.1", 1)))
    failing = stream.batch({"message": "Spindle motor M7 overheated"}, timeout_log("10.0.0.2", 2))

    def disk_full(*args, **kwargs):
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(patterns, "patterns_count", disk_full)
        with pytest.raises(OSError):
            logs_ingest_batch(failing)
    assert LogPattern.objects.count() == 1  # the new pattern was rolled back with the batch

    logs_ingest_batch(failing)  # redelivered

    assert LogPattern.objects.count() == 2
    assert sum(LogPattern.objects.values_list("count", flat=True)) == 3 == LogEntry.objects.count()
