"""Two consume_logs processes and two Celery workers on one database and one broker.

On the production path (`make test-production`: PostgreSQL and Redis) and on the embedded
one (`make test`: SQLite and the filesystem broker) alike: every log is stored once and
counted once, one pattern per template, provider limits hold across both workers, and each
pattern gets one analysis and one ticket.
"""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import orjson
import pytest
from django.db.models import Count, Sum

from analysis.models import Analysis, ProviderCall
from analysis.ratelimit import TURN_SPACING
from analysis.services.request import ACTIVE as ANALYSIS_ACTIVE
from integrations.models import Ticket, TicketRule
from logs.models import LogEntry, LogPattern, LogPatternStat, LogVolume, RejectedMessage, Severity
from tests.analysis.test_worker import use_provider
from tests.fakes.jira import FakeJira
from tests.fakes.llm import FakeLLM
from tests.helpers.tickets import JIRA_TOKEN, jira_integration_at
from tests.helpers.wait import wait_for
from tests.logs.harness import final_stats, generated, publish, stop_gracefully, wait_until_drained

pytestmark = [pytest.mark.slow, pytest.mark.production, pytest.mark.django_db(transaction=True)]

LOGS = 200_000
RPM = 240  # one call every 0.25 s, for both workers together
MAX_CONCURRENT = 2
LLM_LATENCY = 1.0  # with the pacing above, four calls would overlap without the limit


def most_in_flight(starts: list[float], duration: float) -> int:
    """The most calls open at once, each taken to last `duration` from its start."""
    return max(sum(1 for other in starts if start <= other < start + duration) for start in starts)


def work_left(expected: set[int]) -> str:
    """What stands between the database and "an analysis and a ticket each", for a failure."""
    lines = []
    analyses = Analysis.objects.values_list("pattern_id", "status", "trigger", "error")
    tickets = Ticket.objects.values_list("pattern_id", "status", "error")
    analyzed = {pattern for pattern, status, *_ in analyses if status == Analysis.Status.DONE}
    ticketed = {pattern for pattern, status, _ in tickets if status == Ticket.Status.OPEN}
    for name, have in (("analysis", analyzed), ("open ticket", ticketed)):
        for pattern_id in sorted(expected - have):
            lines.append(f"pattern {pattern_id} has no {name}")
        for pattern_id in sorted(have - expected):
            lines.append(f"pattern {pattern_id} is not expected but has a {name}")
    lines += [f"analysis of pattern {row[0]}: {row[1:]}" for row in analyses
              if row[0] not in expected or row[1] != Analysis.Status.DONE]  # fmt: skip
    lines += [f"ticket of pattern {row[0]}: {row[1:]}" for row in tickets
              if row[0] not in expected or row[1] != Ticket.Status.OPEN]  # fmt: skip
    for pattern in LogPattern.objects.filter(
        pk__in=(expected | analyzed | ticketed) - (expected & analyzed & ticketed)
    ):
        lines.append(
            f"pattern {pattern.pk}: severity {pattern.max_severity}, merged into "
            f"{pattern.merged_into_id}, count {pattern.count}, {pattern.template!r}"
        )
    return "\n".join(lines)


def analyses_told(llm_starts: list[float]) -> str:
    """Every analysis and the LLM calls' span, for a failure of "one call per analysis"."""
    span = f"{len(llm_starts)} LLM calls from {min(llm_starts, default=0):.3f} to "
    span += f"{max(llm_starts, default=0):.3f}"
    rows = Analysis.objects.order_by("pk").values_list(
        "pk", "pattern_id", "trigger", "status", "is_offline", "provider_name", "attempts",
        "created_at", "finished_at", "error",
    )  # fmt: skip
    return "\n".join([span, *(repr(row) for row in rows)])


def test_two_consumers_and_two_workers_do_every_piece_of_work_once(
    nats_server, start_consumer, start_worker, settings
):
    payloads = generated(LOGS, seed=8)
    truth = Counter(orjson.loads(p)["context"]["generated"]["template"] for p in payloads)
    with FakeLLM(latency=LLM_LATENCY) as llm, FakeJira(token=JIRA_TOKEN) as jira:
        provider = use_provider(
            llm.url, requests_per_minute=RPM, max_concurrent=MAX_CONCURRENT, timeout_seconds=10
        )
        integration = jira_integration_at(jira.url, labels=[], timeout_seconds=5.0)
        TicketRule.objects.create(
            name="every analyzed warning",
            integration=integration,
            min_severity=Severity.WARNING,
            window_minutes=0,
            min_confidence=0.5,
            act_on_model_judgement=True,
        )
        consumers = [start_consumer("--batch-size", "500") for _ in range(2)]
        workers = [start_worker(concurrency=4) for _ in range(2)]
        publish(nats_server, payloads)
        wait_until_drained(nats_server, LOGS, timeout=600)

        eligible = LogPattern.objects.filter(
            merged_into__isnull=True, max_severity__gte=Severity[settings.ANALYSIS_MIN_SEVERITY]
        )
        expected = set(eligible.values_list("pk", flat=True))
        assert expected, "the generated logs hold warnings and errors"

        def all_ticketed() -> bool:
            # Nothing left under way either: a merge may have moved the absorbed pattern's
            # queued analysis onto a survivor that has its analysis and ticket already.
            unsettled = Ticket.objects.filter(status__in=Ticket.ACTIVE).exclude(
                status=Ticket.Status.OPEN
            )
            if Analysis.objects.filter(status__in=ANALYSIS_ACTIVE).exists() or unsettled.exists():
                return False
            done = Analysis.objects.filter(status=Analysis.Status.DONE)
            opened = Ticket.objects.filter(status=Ticket.Status.OPEN)
            return set(done.values_list("pattern_id", flat=True)) == expected and set(
                opened.values_list("pattern_id", flat=True)
            ) == set(expected)

        try:
            wait_for(all_ticketed, timeout=300, interval=0.5, what="an analysis and a ticket each")
        except AssertionError as timed_out:
            troubles = [
                line
                for process in [*workers, *consumers]
                for line in process.output.splitlines()
                if any(word in line for word in ("ERROR", "WARNING", "Traceback"))
            ]
            raise AssertionError(
                "\n".join([str(timed_out), work_left(expected), *troubles[-30:]])
            ) from None
        llm_starts = sorted(request.time for request in llm.requests)
        issues = list(jira.issues.values())
    stored = [final_stats(stop_gracefully(consumer))["stored"] for consumer in consumers]

    # Ingest: every log once, both consumers working.
    assert all(stored), f"both consumers should have taken part: {stored}"
    assert sum(stored) == LogEntry.objects.count() == LOGS
    assert RejectedMessage.objects.count() == 0
    assert LogEntry.objects.values("stream_seq").distinct().count() == LOGS

    # Patterns: one per template, counts exact everywhere they are kept.
    live = LogPattern.objects.filter(merged_into__isnull=True)
    templates = Counter(live.values_list("template", flat=True))
    assert [t for t, n in templates.items() if n > 1] == []
    assert live.aggregate(total=Sum("count"))["total"] == LOGS
    per_pattern = dict(
        LogEntry.objects.values_list("pattern").annotate(n=Count("id")).values_list("pattern", "n")
    )
    assert per_pattern == dict(live.values_list("pk", "count"))
    severity_stats = LogPatternStat.objects.filter(dimension=LogPatternStat.Dimension.SEVERITY)
    assert severity_stats.aggregate(total=Sum("count"))["total"] == LOGS
    assert LogVolume.objects.aggregate(total=Sum("count"))["total"] == LOGS
    stored_truth = Counter(
        LogEntry.objects.values_list("context__generated__template", flat=True).iterator()
    )
    assert stored_truth == truth
    patterns_of = {}
    for message, pattern_id in LogEntry.objects.values_list("message", "pattern_id").iterator():
        assert patterns_of.setdefault(message, pattern_id) == pattern_id, message

    # Analysis: every pattern analyzed once (a pattern the miner later merged into another
    # had its own analysis, which moved with it, or was cancelled while queued where the
    # survivor's was under way too), one LLM call each, limits held across both workers.
    threshold = Severity[settings.ANALYSIS_MIN_SEVERITY]
    ever_eligible = LogPattern.objects.filter(max_severity__gte=threshold).count()
    done = Analysis.objects.filter(status=Analysis.Status.DONE)
    folded = Analysis.objects.filter(
        status=Analysis.Status.CANCELLED, error__contains=" merged; analysis "
    )
    assert done.count() + folded.count() == Analysis.objects.count(), analyses_told(llm_starts)
    assert done.count() == len(llm_starts) <= ever_eligible, analyses_told(llm_starts)
    assert set(done.values_list("pattern_id", flat=True)) == expected
    assert ProviderCall.objects.filter(provider=provider).count() == len(llm_starts)
    # The shared ledger spaces slots evenly (a caller on its reserved turn may follow at
    # TURN_SPACING of the interval); the fake saw at most MAX_CONCURRENT calls at once.
    slots = sorted(ProviderCall.objects.values_list("started_at", flat=True))
    gaps = [(later - earlier).total_seconds() for earlier, later in pairwise(slots)]
    assert min(gaps) >= TURN_SPACING * 60 / RPM - 0.001, f"slots {min(gaps):.3f}s apart"
    assert most_in_flight(llm_starts, LLM_LATENCY) <= MAX_CONCURRENT

    # Tickets: one active ticket per pattern; one Jira issue per ticket ever opened (a merge
    # marks the absorbed pattern's ticket a duplicate of the survivor's).
    active = Ticket.objects.filter(status=Ticket.Status.OPEN)
    assert sorted(active.values_list("pattern_id", flat=True)) == sorted(expected)
    opened = Ticket.objects.exclude(external_key="")
    assert set(Ticket.objects.values_list("status", flat=True)) <= {
        Ticket.Status.OPEN,
        Ticket.Status.DUPLICATE,
    }
    assert sorted(opened.values_list("external_key", flat=True)) == sorted(
        issue["key"] for issue in issues
    )
