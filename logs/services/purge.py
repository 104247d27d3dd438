"""Retention: deleting old logs and the rollups that go with them, and old quarantine."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gogent.runlock import Deadline, run_alone
from logs.alarms.rollup import alarm_minutes_prune, alarms_purge
from logs.models import LogEntry, LogPatternStat, LogVolume, RejectedMessage

RETENTION_LOCK = "logs-retention"
# Hourly; a first purge of a large backlog takes several runs of this length.
RETENTION_TIME_LIMIT = 600.0
# The quarantine's share of a run: a backlog of old rejects never holds back the logs' purge.
QUARANTINE_TIME_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class PurgeReport:
    logs: int
    hours: int
    minutes: int
    # Quarantined messages (RejectedMessage) deleted.
    rejected: int = 0
    # Alarm-health rollup rows (logs.alarms) deleted with the logs.
    alarms: int = 0


def logs_purge_expired() -> PurgeReport | None:
    """Retention, hourly: logs older than LOG_RETENTION_DAYS and quarantined messages older
    than QUARANTINE_RETENTION_DAYS go, at most RETENTION_TIME_LIMIT per run (the quarantine
    at most a quarter of it) and one run at a time. None when both are off or another run
    is purging. Alarm health's minute counts older than a day go on every run."""
    alarm_minutes_prune()
    log_days, quarantine_days = settings.LOG_RETENTION_DAYS, settings.QUARANTINE_RETENTION_DAYS
    if log_days <= 0 and quarantine_days <= 0:
        return None
    with run_alone(RETENTION_LOCK, seconds=RETENTION_TIME_LIMIT) as deadline:
        if deadline is None:
            return None
        now = timezone.now()
        rejected = 0
        if quarantine_days > 0:
            rejected = quarantine_purge(
                older_than=now - timedelta(days=quarantine_days),
                batch_size=settings.LOG_RETENTION_BATCH,
                deadline=Deadline(
                    min(deadline.left(), RETENTION_TIME_LIMIT * QUARANTINE_TIME_SHARE)
                ),
            )
        if log_days <= 0:
            return PurgeReport(logs=0, hours=0, minutes=0, rejected=rejected)
        report = logs_purge(
            older_than=now - timedelta(days=log_days),
            batch_size=settings.LOG_RETENTION_BATCH,
            deadline=deadline,
        )
        return replace(report, rejected=rejected)


def quarantine_purge(
    *, older_than: datetime, batch_size: int = 2000, deadline: Deadline | None = None
) -> int:
    """Delete quarantined messages received before `older_than`, in short transactions of
    `batch_size` (as logs_purge does); returns how many went. Quarantine is for messages
    someone may still replay (`manage.py replay quarantine`) or read; past the retention
    they are gone for good."""
    deleted = 0
    while deadline is None or not deadline.passed():
        with transaction.atomic():
            ids = list(
                RejectedMessage.objects.filter(received_at__lt=older_than)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            RejectedMessage.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    return deleted


def logs_purge(
    *,
    older_than: datetime,
    batch_size: int = 2000,
    max_batches: int | None = None,
    deadline: Deadline | None = None,
) -> PurgeReport:
    """Delete logs received before `older_than`, in short transactions of `batch_size`.

    Each batch is its own transaction, so ingest (which needs the write lock on
    SQLite) waits at most one small delete. Patterns keep their counts, first and
    last seen and per-host/service/severity statistics: those are totals, not rows.
    The hourly and per-minute activity rollups and alarm health's rollups older than the
    cutoff go too.
    """
    deleted = batches = 0
    while max_batches is None or batches < max_batches:
        if deadline is not None and deadline.passed():
            break
        with transaction.atomic():
            ids = list(
                LogEntry.objects.filter(received_at__lt=older_than)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            LogEntry.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
        batches += 1
    cutoff_hour = older_than.astimezone(UTC).strftime("%Y-%m-%dT%H")
    hours, _ = LogPatternStat.objects.filter(
        dimension=LogPatternStat.Dimension.HOUR, value__lt=cutoff_hour
    ).delete()
    minutes, _ = LogVolume.objects.filter(minute__lt=older_than).delete()
    alarms = alarms_purge(older_than=older_than)
    return PurgeReport(
        logs=deleted,
        hours=hours,
        minutes=minutes,
        alarms=alarms.load + alarms.hours + alarms.days,
    )
