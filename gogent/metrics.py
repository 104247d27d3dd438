"""/metrics in Prometheus format, gathered from the database and the components.

Each app contributes a collector (settings.METRICS_COLLECTORS: logs.metrics,
analysis.metrics, ...) that returns metric families computed from its tables, so
every web process reports the same numbers whatever process did the work. The
rendered page is kept METRICS_CACHE_SECONDS per process: a scrape costs a few
cheap queries, a NATS and a broker round trip at most that often.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric

from gogent.monitoring import broker_queue_depths, consumer_lag

logger = logging.getLogger(__name__)

CACHE_KEY = "gogent:metrics"


class _Collectors:
    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "gogent_metrics_collector_up",
            "1 if the collector's metrics are in this scrape, 0 if it failed (see the web log).",
            labels=["collector"],
        )
        for path in settings.METRICS_COLLECTORS:
            try:
                families = list(import_string(path)())
            except Exception:
                logger.exception("metrics collector %s failed", path)
                up.add_metric([path], 0)
                continue
            up.add_metric([path], 1)
            yield from families
        yield up


registry = CollectorRegistry(auto_describe=False)
registry.register(_Collectors())


def metrics_render() -> bytes:
    seconds = settings.METRICS_CACHE_SECONDS
    page = cache.get(CACHE_KEY) if seconds > 0 else None
    if page is None:
        page = generate_latest(registry)
        if seconds > 0:
            cache.set(CACHE_KEY, page, seconds)
    return page


def infrastructure_collect() -> Iterable[Metric]:
    """The JetStream consumer's backlog and the Celery queues' depths."""
    lag = consumer_lag()
    up = GaugeMetricFamily(
        "gogent_jetstream_up", "1 if the consumer's state could be read from JetStream."
    )
    up.add_metric([], 1 if lag.ok else 0)
    yield up
    if lag.ok:
        for name, value, text in (
            ("pending", lag.pending, "Messages in the stream not yet delivered to consume_logs."),
            ("ack_pending", lag.ack_pending, "Messages delivered, not yet stored and acked."),
            ("redelivered", lag.redelivered, "Messages delivered more than once, not yet acked."),
            ("waiting_pulls", lag.waiting_pulls, "Open pull requests from consume_logs."),
        ):
            yield GaugeMetricFamily(f"gogent_jetstream_consumer_{name}", text, value=value)
        yield GaugeMetricFamily(
            "gogent_jetstream_stream_messages",
            "Messages the stream holds.",
            value=lag.stream_messages,
        )
    queues = GaugeMetricFamily(
        "gogent_celery_queue_messages", "Tasks waiting in each Celery queue.", labels=["queue"]
    )
    for queue, depth in broker_queue_depths().items():
        if depth is not None:
            queues.add_metric([queue], depth)
    yield queues
