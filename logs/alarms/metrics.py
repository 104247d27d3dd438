"""Alarm health's /metrics series per scope over the last 24 hours, from AlarmLoad: the
database sums each scope's 144 10-minute periods (an index range per scope) and returns one
row per scope; scrapes are cached METRICS_CACHE_SECONDS."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db import connection
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from logs.alarms.health import FLOOD_ALARMS
from logs.alarms.rollup import ALL, SCOPES_PER_QUERY, epoch_minute
from logs.models import AlarmLoad, AlarmScope

WINDOW = timedelta(hours=24)
# Series per family at most: the scopes with the most alarms (all alarms always). Sites and
# lines come from producers' names through the context rules; this bounds /metrics.
SCOPES_MAX = 200


def alarm_metrics() -> Iterable[Metric]:
    per_scope = _last_day()
    busiest = sorted(per_scope, key=lambda scope_id: (-per_scope[scope_id][0], scope_id))
    scopes = {scope.pk: scope for scope in AlarmScope.objects.filter(kind=ALL)}
    scopes.update(AlarmScope.objects.in_bulk(busiest[:SCOPES_MAX]))
    if not any(scope.kind == ALL for scope in scopes.values()):
        scopes[0] = AlarmScope(pk=0, kind=ALL)  # no alarm counted yet: all zeros
    labels = ["site", "line"]
    per_hour = GaugeMetricFamily(
        "gogent_alarms_per_hour",
        "Alarms (logs at or above ALARM_SEVERITY) per hour over the last 24 hours; no labels: "
        "all alarms, site: a site's, site and line: a line's. ISA-18.2: about 6 acceptable, "
        "12 manageable.",
        labels=labels,
    )
    peak = GaugeMetricFamily(
        "gogent_alarms_peak_10m",
        "The most alarms in one 10-minute period of the last 24 hours.",
        labels=labels,
    )
    flood = GaugeMetricFamily(
        "gogent_alarm_flood_ratio",
        "Share of the last 24 hours' 10-minute periods in flood (more than 10 alarms). "
        "ISA-18.2: under 0.01.",
        labels=labels,
    )
    hours = WINDOW / timedelta(hours=1)
    periods = WINDOW / timedelta(minutes=10)
    for scope in sorted(scopes.values(), key=lambda scope: (scope.kind, scope.site, scope.line)):
        alarms, most, flooded = per_scope.get(scope.pk, (0, 0, 0))
        values = [scope.site, scope.line]
        per_hour.add_metric(values, alarms / hours)
        peak.add_metric(values, most)
        flood.add_metric(values, flooded / periods)
    return [per_hour, peak, flood]


def _last_day() -> dict[int, tuple[int, int, int]]:
    """scope -> (alarms, the most in one 10-minute period, periods in flood) over the 144
    10-minute periods up to the current one, summed by the database."""
    first_slot = epoch_minute(timezone.now() - WINDOW) // 10 + 1
    table = connection.ops.quote_name(AlarmLoad._meta.db_table)
    scope_ids = list(AlarmScope.objects.order_by("pk").values_list("pk", flat=True))
    found: dict[int, tuple[int, int, int]] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(scope_ids), SCOPES_PER_QUERY):
            scopes = scope_ids[start : start + SCOPES_PER_QUERY]
            # Identifiers from the model; values are parameters.
            cursor.execute(
                "SELECT scope_id, SUM(n), MAX(n), SUM(CASE WHEN n > %s THEN 1 ELSE 0 END) "  # noqa: S608
                f"FROM (SELECT scope_id, slot, SUM(count) AS n FROM {table} "
                f"WHERE scope_id IN ({', '.join(['%s'] * len(scopes))}) AND slot >= %s "
                "GROUP BY scope_id, slot) AS per_slot GROUP BY scope_id",
                [FLOOD_ALARMS, *scopes, first_slot],
            )
            found.update((row[0], (int(row[1]), int(row[2]), int(row[3]))) for row in cursor)
    return found
