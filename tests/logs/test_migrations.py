"""Migration 0004: logs stored before patterns existed are grouped on upgrade."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Sum

from logs.models import LogEntry, LogPattern, LogPatternStat, LogVolume, RejectedMessage

BEFORE_PATTERNS = [("logs", "0002_agent_logs_view")]


@pytest.mark.django_db(transaction=True)
def test_upgrading_groups_the_logs_already_stored():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_PATTERNS)
    old_apps = executor.loader.project_state(BEFORE_PATTERNS).apps
    OldLogEntry = old_apps.get_model("logs", "LogEntry")
    messages = [
        ("Connection to 10.0.3.7:5432 timed out after 30s", 40, "plc-1"),
        ("Connection to 10.0.9.1:5432 timed out after 15s", 30, "plc-2"),
        ("Connection to 10.0.4.4:5432 timed out after 5s", 40, "plc-1"),
        ("Disk /var/lib/postgresql full", 50, ""),
    ]
    OldLogEntry.objects.bulk_create(
        OldLogEntry(
            timestamp=f"2025-01-01T10:0{seq}:00Z",
            hostname=host,
            severity=severity,
            service="",
            message=message,
            context={},
            received_at="2025-01-01T10:10:00Z",
            subject="agent.technical.support",
            stream_seq=seq,
        )
        for seq, (message, severity, host) in enumerate(messages, start=1)
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert not LogEntry.objects.filter(pattern__isnull=True).exists()
    timeout = LogPattern.objects.get(template="Connection to <*> timed out after <*>")
    assert timeout.count == 3
    assert timeout.max_severity == 40
    assert str(timeout.first_seen) == "2025-01-01 10:01:00+00:00"
    assert str(timeout.last_seen) == "2025-01-01 10:03:00+00:00"
    assert set(timeout.entries.values_list("stream_seq", flat=True)) == {1, 2, 3}
    assert {(s.dimension, s.value): s.count for s in timeout.stats.all()} == {
        ("severity", "ERROR"): 2,
        ("severity", "WARNING"): 1,
        ("host", "plc-1"): 2,
        ("host", "plc-2"): 1,
        ("hour", "2025-01-01T10"): 3,
    }
    assert LogVolume.objects.aggregate(total=Sum("count"))["total"] == LogEntry.objects.count()
    assert LogPattern.objects.count() == 2
    # Severity and hour; no rows for its empty host and service.
    assert set(
        LogPatternStat.objects.filter(pattern__template="Disk <*> full").values_list(
            "dimension", flat=True
        )
    ) == {"severity", "hour"}


BEFORE_STREAM_IDENTITY = [("logs", "0009_console_indexes")]


@pytest.mark.django_db(transaction=True)
def test_upgrading_keeps_stored_logs_as_epoch_zero_and_agent_logs_answers():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_STREAM_IDENTITY)
    old_apps = executor.loader.project_state(BEFORE_STREAM_IDENTITY).apps
    OldLogEntry = old_apps.get_model("logs", "LogEntry")
    OldRejected = old_apps.get_model("logs", "RejectedMessage")
    OldPattern = old_apps.get_model("logs", "LogPattern")
    pattern = OldPattern.objects.create(
        key="k1",
        template="Pump <*> stopped",
        sample_message="Pump 1 stopped",
        first_seen="2025-01-01T10:00:00Z",
        last_seen="2025-01-01T10:00:00Z",
        count=2,
        max_severity=40,
        explanation="Summary: the pump lost power",
    )
    for seq in (1, 2):
        OldLogEntry.objects.create(
            timestamp="2025-01-01T10:00:00Z",
            hostname="plc-1",
            severity=40,
            message=f"Pump {seq} stopped",
            context={},
            received_at="2025-01-01T10:00:01Z",
            subject="agent.technical.support",
            stream_seq=seq,
            pattern=pattern,
        )
    OldRejected.objects.create(
        received_at="2025-01-01T10:00:01Z",
        subject="agent.technical.support",
        stream_seq=3,
        reason="not_json",
        detail="x",
        raw=b"x",
        size=1,
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert sorted(LogEntry.objects.values_list("stream_epoch", "stream_seq")) == [(0, 1), (0, 2)]
    assert RejectedMessage.objects.get().stream_epoch == 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT timestamp, severity, message, analysis FROM agent_logs "
            "WHERE severity = 'ERROR' ORDER BY timestamp DESC LIMIT 5;"
        )
        rows = cursor.fetchall()
    assert [(severity, analysis) for _, severity, _, analysis in rows] == [
        ("ERROR", "Summary: the pump lost power"),
        ("ERROR", "Summary: the pump lost power"),
    ]
    # The same sequence in a new epoch is a new log; in the same epoch it is not.
    LogEntry.objects.create(
        timestamp="2025-01-02T10:00:00Z",
        severity=40,
        message="Pump 9 stopped",
        received_at="2025-01-02T10:00:01Z",
        subject="agent.technical.support",
        stream_epoch=1,
        stream_seq=1,
        pattern_id=pattern.pk,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        LogEntry.objects.create(
            timestamp="2025-01-02T10:00:00Z",
            severity=40,
            message="Pump 9 stopped",
            received_at="2025-01-02T10:00:01Z",
            subject="agent.technical.support",
            stream_epoch=1,
            stream_seq=1,
            pattern_id=pattern.pk,
        )
