"""Migration 0004: logs stored before patterns existed are grouped on upgrade."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Sum

from logs.models import LogEntry, LogPattern, LogPatternStat, LogVolume

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
