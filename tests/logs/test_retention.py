"""Retention: old raw logs go in small batches; patterns keep their totals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest
from django.db import connection

from gogent.runlock import Deadline, run_lock_release, run_lock_take
from logs.models import LogEntry, LogPattern, LogPatternStat, LogVolume
from logs.services import IncomingMessage, logs_ingest_batch, logs_purge, logs_purge_expired
from logs.services.purge import RETENTION_LOCK
from logs.tasks import purge_old_logs

pytestmark = pytest.mark.production


def ingest(count: int, *, received_at: datetime, start: int) -> None:
    logs_ingest_batch(
        [
            IncomingMessage(
                subject="agent.technical.support",
                stream_seq=start + n,
                data=orjson.dumps(
                    {
                        "timestamp": received_at.isoformat(),
                        "severity": "ERROR",
                        "hostname": "plc-1",
                        "message": f"Valve {n} stuck open",
                    }
                ),
                received_at=received_at,
            )
            for n in range(count)
        ]
    )


def test_old_logs_are_deleted_in_batches_and_patterns_keep_their_totals(db):
    now = datetime.now(UTC)
    ingest(25, received_at=now - timedelta(days=40), start=1)
    ingest(5, received_at=now, start=100)
    pattern = LogPattern.objects.get()

    report = logs_purge(older_than=now - timedelta(days=30), batch_size=10)

    assert report.logs == 25
    assert LogEntry.objects.count() == 5
    pattern.refresh_from_db()
    assert pattern.count == 30
    assert pattern.first_seen < now - timedelta(days=39)
    assert LogPatternStat.objects.get(pattern=pattern, dimension="host").count == 30
    hours = LogPatternStat.objects.filter(pattern=pattern, dimension="hour")
    assert [h.count for h in hours] == [5]
    assert LogVolume.objects.filter(minute__lt=now - timedelta(days=30)).count() == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM agent_logs")
        assert cursor.fetchone() == (5,)


def test_a_bounded_run_leaves_the_rest_for_the_next(db):
    now = datetime.now(UTC)
    ingest(25, received_at=now - timedelta(days=40), start=1)
    assert logs_purge(older_than=now, batch_size=10, max_batches=2).logs == 20
    assert LogEntry.objects.count() == 5


def test_the_task_keeps_everything_by_default(db, settings):
    now = datetime.now(UTC)
    ingest(3, received_at=now - timedelta(days=4000), start=1)
    purge_old_logs()
    assert LogEntry.objects.count() == 3
    settings.LOG_RETENTION_DAYS = 30
    purge_old_logs()
    assert LogEntry.objects.count() == 0


def test_a_purge_out_of_time_deletes_nothing_and_the_next_run_does(db):
    now = datetime.now(UTC)
    ingest(5, received_at=now - timedelta(days=40), start=1)

    report = logs_purge(older_than=now - timedelta(days=30), batch_size=10, deadline=Deadline(0))

    assert (report.logs, LogEntry.objects.count()) == (0, 5)
    later = logs_purge(older_than=now - timedelta(days=30), batch_size=10, deadline=Deadline(60))
    assert (later.logs, LogEntry.objects.count()) == (5, 0)


def test_a_retention_run_that_finds_the_lock_held_does_nothing(db, settings):
    settings.LOG_RETENTION_DAYS = 30
    ingest(3, received_at=datetime.now(UTC) - timedelta(days=40), start=1)
    token = run_lock_take(RETENTION_LOCK, seconds=60)
    assert token is not None

    assert logs_purge_expired() is None
    purge_old_logs()

    assert LogEntry.objects.count() == 3
    run_lock_release(RETENTION_LOCK, token)
    assert logs_purge_expired().logs == 3
    assert LogEntry.objects.count() == 0
