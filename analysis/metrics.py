"""The analysis app's numbers for /metrics, from its tables.

Workers are separate processes, so nothing is counted in memory: the histogram of
LLM latency, the token totals and the limiter's state are read from Analysis,
ProviderCall and Provider, which every worker writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)

from analysis.models import Analysis, Provider, ProviderCall
from analysis.offline import OFFLINE_ANALYZER_NAME
from analysis.ratelimit import provider_headroom
from analysis.selectors import results_outbox

LATENCY_BUCKETS = (0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0)
CALLS_WINDOW = timedelta(hours=1)


def _source(provider_name: str, is_offline: bool) -> str:
    if is_offline:
        return OFFLINE_ANALYZER_NAME
    return provider_name or "none"


def collect() -> Iterable[Metric]:
    analyses = GaugeMetricFamily(
        "gogent_analyses",
        "Analyses by status and provider (the one answering or being tried).",
        labels=["status", "provider"],
    )
    for status, name, offline, count in (
        Analysis.objects.values_list("status", "provider_name", "is_offline")
        .annotate(n=Count("id"))
        .order_by()
    ):
        analyses.add_metric([status, _source(name, offline)], count)

    latency = HistogramMetricFamily(
        "gogent_llm_latency_seconds",
        "Latency of the call that produced each analysis.",
        labels=["provider"],
    )
    tokens = CounterMetricFamily(
        "gogent_llm_tokens", "Tokens used, as providers reported them.", labels=["provider", "kind"]
    )
    buckets = {
        f"le_{index}": Count("id", filter=Q(latency_ms__lte=bound * 1000))
        for index, bound in enumerate(LATENCY_BUCKETS)
    }
    for row in (
        Analysis.objects.filter(latency_ms__isnull=False)
        .values("provider_name", "is_offline")
        .annotate(
            n=Count("id"),
            latency_total=Sum("latency_ms"),
            tokens_in_total=Sum("tokens_in"),
            tokens_out_total=Sum("tokens_out"),
            **buckets,
        )
        .order_by()
    ):
        source = _source(row["provider_name"], row["is_offline"])
        cumulative = [
            (str(bound), row[f"le_{index}"]) for index, bound in enumerate(LATENCY_BUCKETS)
        ]
        latency.add_metric(
            [source],
            [*cumulative, ("+Inf", row["n"])],
            sum_value=(row["latency_total"] or 0) / 1000,
        )
        tokens.add_metric([source, "prompt"], row["tokens_in_total"] or 0)
        tokens.add_metric([source, "completion"], row["tokens_out_total"] or 0)

    waiting = GaugeMetricFamily(
        "gogent_analysis_rate_limit_waiting",
        "Analyses waiting for a turn under their provider's limits.",
        labels=["provider"],
    )
    for name, count in (
        Analysis.objects.filter(status=Analysis.Status.QUEUED, turn_at__isnull=False)
        .values_list("provider__name")
        .annotate(n=Count("id"))
        .order_by()
    ):
        waiting.add_metric([name or "none"], count)

    calls = GaugeMetricFamily(
        "gogent_llm_calls_last_hour",
        "LLM calls in the last hour by outcome (rate_limited: the provider answered 429).",
        labels=["provider", "outcome"],
    )
    for name, outcome, count in (
        ProviderCall.objects.filter(started_at__gte=timezone.now() - CALLS_WINDOW)
        .values_list("provider__name", "outcome")
        .annotate(n=Count("id"))
        .order_by()
    ):
        calls.add_metric([name, outcome or "in_flight"], count)

    paused = GaugeMetricFamily(
        "gogent_provider_paused",
        "1 while every worker holds off the provider.",
        labels=["provider"],
    )
    in_flight = GaugeMetricFamily(
        "gogent_provider_in_flight", "Calls in flight to the provider.", labels=["provider"]
    )
    window = GaugeMetricFamily(
        "gogent_provider_requests_in_window",
        "Requests counted against the provider's per-minute limit now.",
        labels=["provider"],
    )
    for provider in Provider.objects.filter(enabled=True):
        headroom = provider_headroom(provider)
        paused.add_metric([provider.name], 1 if headroom.paused_until else 0)
        in_flight.add_metric([provider.name], headroom.in_flight)
        window.add_metric([provider.name], headroom.requests_used)
    return [analyses, latency, tokens, waiting, calls, paused, in_flight, window, *_outbox()]


def _outbox() -> list[Metric]:
    outbox = results_outbox()
    publisher = outbox.publisher
    waiting = GaugeMetricFamily(
        "gogent_results_outbox",
        "Completed analyses and answers to waiting logs not yet published on NATS.",
        labels=["kind"],
    )
    waiting.add_metric(["analysis"], outbox.analyses)
    waiting.add_metric(["answer"], outbox.answers)
    oldest = GaugeMetricFamily(
        "gogent_results_outbox_oldest_seconds",
        "Age of the oldest result waiting to be published (0: none waits).",
        value=(timezone.now() - outbox.oldest).total_seconds() if outbox.oldest else 0,
    )
    published = CounterMetricFamily(
        "gogent_results_published",
        "Analyses and answers published on NATS.",
        value=publisher.published_total,
    )
    metrics: list[Metric] = [waiting, oldest, published]
    if publisher.reachable is not None:
        metrics.append(
            GaugeMetricFamily(
                "gogent_nats_reachable",
                "1 when NATS took the results publisher's last attempt, 0 when it failed.",
                value=1 if publisher.reachable else 0,
            )
        )
    return metrics
