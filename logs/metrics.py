"""The logs app's numbers for /metrics and /api/v1/stats, from rollups rather than the logs.

Counting LogEntry rows costs a scan of millions; the per-pattern severity counters
(LogPatternStat) and the per-minute volume (LogVolume), both kept at ingest, give
the same totals from a few hundred rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Count, Sum
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from logs.models import IngestEvent, LogPattern, LogPatternStat, LogVolume, StreamEpoch
from logs.selectors import rejected_counts


def ingested_by_severity() -> dict[str, int]:
    """Logs stored since the start, by severity name (each is counted once, in its pattern)."""
    return dict(
        LogPatternStat.objects.filter(dimension=LogPatternStat.Dimension.SEVERITY)
        .values("value")
        .annotate(total=Sum("count"))
        .order_by()
        .values_list("value", "total")
    )


def ingest_rate(*, minutes: int) -> float:
    """Logs stored per second over the last `minutes` minutes, the current one included."""
    now = timezone.now()
    start = now.replace(second=0, microsecond=0) - timedelta(minutes=minutes - 1)
    total = LogVolume.objects.filter(minute__gte=start).aggregate(total=Sum("count"))["total"]
    return (total or 0) / max((now - start).total_seconds(), 1.0)


def patterns_by_status() -> dict[str, int]:
    return dict(
        LogPattern.objects.filter(merged_into=None)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("status", "n")
    )


def collect() -> Iterable[Metric]:
    ingested = CounterMetricFamily(
        "gogent_logs_ingested", "Logs stored, by severity.", labels=["severity"]
    )
    for severity, count in sorted(ingested_by_severity().items()):
        ingested.add_metric([severity], count)
    rejected = CounterMetricFamily(
        "gogent_logs_rejected", "Messages quarantined, by reason.", labels=["reason"]
    )
    for reason, _label, count in rejected_counts():
        rejected.add_metric([reason], count)
    patterns = GaugeMetricFamily("gogent_patterns", "Patterns by status.", labels=["status"])
    for status, count in sorted(patterns_by_status().items()):
        patterns.add_metric([status], count)
    resets = CounterMetricFamily(
        "gogent_nats_stream_resets",
        "Times the JetStream stream was found created anew; its logs went to a new epoch.",
        value=StreamEpoch.objects.filter(is_reset=True).count(),
    )
    events = CounterMetricFamily(
        "gogent_ingest_events",
        "Things ingest got past: reply headers ignored, receipts not sent.",
        labels=["kind"],
    )
    counted = dict(IngestEvent.objects.values_list("kind", "count"))
    for kind in IngestEvent.Kind.values:
        events.add_metric([kind], counted.get(kind, 0))
    return [ingested, rejected, patterns, resets, events]
