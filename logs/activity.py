"""The dashboard's reads: activity over time, from the rollups kept at ingest (LogVolume
minutes, LogPatternStat hours), never from counting logs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Sum
from django.utils import timezone

from logs.models import LogPattern, LogPatternStat, LogVolume, Severity

HOUR = LogPatternStat.Dimension.HOUR


@dataclass(frozen=True)
class VolumeSeries:
    minutes: list[datetime]
    by_severity: dict[str, list[int]]

    @property
    def total(self) -> int:
        return sum(sum(counts) for counts in self.by_severity.values())


def log_volume(*, hours: int = 3, bucket_minutes: int = 5) -> VolumeSeries:
    """Logs received per bucket and severity over the last hours, oldest first."""
    now = timezone.now().replace(second=0, microsecond=0)
    start = now - timedelta(hours=hours)
    start -= timedelta(minutes=start.minute % bucket_minutes)
    buckets = int((now - start) / timedelta(minutes=bucket_minutes)) + 1
    minutes = [start + timedelta(minutes=bucket_minutes * i) for i in range(buckets)]
    by_severity: dict[str, list[int]] = {}
    for minute, severity, count in LogVolume.objects.filter(minute__gte=start).values_list(
        "minute", "severity", "count"
    ):
        index = int((minute - start) / timedelta(minutes=bucket_minutes))
        if 0 <= index < buckets:
            name = Severity(severity).label
            by_severity.setdefault(name, [0] * buckets)[index] += count
    return VolumeSeries(minutes=minutes, by_severity=by_severity)


def patterns_new_since(hours: int = 24) -> int:
    return LogPattern.objects.filter(
        merged_into=None, created_at__gte=timezone.now() - timedelta(hours=hours)
    ).count()


def patterns_top_active(*, hours: int = 24, limit: int = 8) -> list[tuple[LogPattern, int]]:
    """Patterns with the most occurrences in the last hours (from the hourly rollup)."""
    start = (timezone.now() - timedelta(hours=hours)).astimezone(UTC).strftime("%Y-%m-%dT%H")
    top = (
        LogPatternStat.objects.filter(dimension=HOUR, value__gte=start)
        .values("pattern_id")
        .annotate(recent=Sum("count"))
        .order_by("-recent")[:limit]
    )
    counts = {row["pattern_id"]: row["recent"] for row in top}
    patterns = LogPattern.objects.in_bulk(list(counts))
    return [(patterns[pk], count) for pk, count in counts.items() if pk in patterns]
