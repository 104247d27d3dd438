"""Patterns with real consume_logs processes: parallel consumers, restarts."""

from __future__ import annotations

import orjson
import pytest
from django.db.models import Count

from logs.models import LogEntry, LogPattern
from tests.logs.harness import (
    batch_counts,
    final_stats,
    generated,
    publish,
    stop_gracefully,
    wait_until_drained,
)

pytestmark = [pytest.mark.slow, pytest.mark.production, pytest.mark.django_db(transaction=True)]


def test_two_consumers_in_parallel_make_one_pattern_per_template(nats_server, start_consumer):
    payloads = generated(50_000)
    publish(nats_server, payloads)
    consumers = [start_consumer("--batch-size", "200") for _ in range(2)]
    wait_until_drained(nats_server, 50_000)
    outputs = [stop_gracefully(consumer) for consumer in consumers]
    stored = [final_stats(output)["stored"] for output in outputs]

    assert all(stored), f"both consumers should have taken part: {stored}"
    # Only batches that create, generalize or merge patterns take the grouping lock; the
    # others store side by side.
    counts = [batch_counts(output) for output in outputs]
    assert all(locked < batches for batches, locked in counts), counts
    assert sum(locked for _, locked in counts) > 0, counts
    assert sum(stored) == LogEntry.objects.count() == 50_000
    live = LogPattern.objects.filter(merged_into__isnull=True)
    templates = list(live.values_list("template", flat=True))
    duplicates = [
        (p.pk, p.key, p.template, p.count, p.revision)
        for p in live.order_by("template", "pk")
        if templates.count(p.template) > 1
    ]
    assert not duplicates, f"two patterns for one template: {duplicates}"
    assert sum(live.values_list("count", flat=True)) == 50_000
    entries_per_pattern = dict(
        LogEntry.objects.values_list("pattern").annotate(n=Count("id")).values_list("pattern", "n")
    )
    assert entries_per_pattern == dict(live.values_list("pk", "count"))
    # The generator's own template names are the truth: none may be split across patterns
    # merely because two processes met it at the same time.
    by_truth: dict[str, set[int]] = {}
    for message, pattern_id in LogEntry.objects.values_list("message", "pattern_id"):
        by_truth.setdefault(message, set()).add(pattern_id)
    assert all(len(ids) == 1 for ids in by_truth.values()), "one message, several patterns"


def test_a_restarted_consumer_puts_the_same_messages_in_the_same_patterns(
    nats_server, start_consumer
):
    payloads = generated(2_000, seed=5)
    publish(nats_server, payloads)
    first = start_consumer()
    wait_until_drained(nats_server, 2_000)
    stop_gracefully(first)
    keys_before = dict(LogEntry.objects.values_list("stream_seq", "pattern__key"))

    publish(nats_server, payloads)
    second = start_consumer()
    wait_until_drained(nats_server, 4_000)
    stop_gracefully(second)

    keys_after = dict(LogEntry.objects.values_list("stream_seq", "pattern__key"))
    for seq in range(1, 2_001):
        assert keys_after[seq + 2_000] == keys_before[seq], orjson.loads(payloads[seq - 1])
    assert sum(LogPattern.objects.values_list("count", flat=True)) == 4_000
