"""Analysis benchmark: Loghub logs through ingest and analysis against a fake LLM provider,
then that provider's request rate held at its limit.

    .venv/bin/python bench/analysis.py [--logs 100000] [--rpm 600] [--latency 0.2]
                                       [--saturate 1500] [--workers 2] [--keep]
                                       [--min-severity WARNING]

Everything is private and temporary: a nats-server with JetStream on a free 127.0.0.1 port
and a temp store dir; a freshly migrated SQLite database and Gogent's file broker (gogentfs://) in a
temp data dir; `manage.py consume_logs` and Celery workers as subprocesses; and the fake LLM
of tests.fakes.llm in this process, the only enabled provider (Ollama's protocol). Figures
are printed, never asserted: one that misses its target is marked MISSED.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import re
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on sys.path, and this file would shadow the analysis app.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

from bench.harness import (  # noqa: E402
    READY_TIMEOUT,
    Child,
    Children,
    argument_parser,
    bench_env,
    celery_worker_argv,
    django_setup,
    free_port,
    machine_text,
    manage_argv,
    migrate,
    missed,
    nats_server_start,
    percentile,
    targets_print,
    temp_dir,
    unwind_on_sigterm,
)
from tests.fakes.llm import FakeLLM  # noqa: E402

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from analysis.models import Analysis

TARGET_CALLS_SHARE_OF_LOGS = 0.02
TARGET_RATE_SHARE = 0.95
WINDOW_SECONDS = 60.0
SLICE_SECONDS = 10.0

WORKER_CONCURRENCY = 8
PROVIDER_MAX_CONCURRENT = 16
PROVIDER_TIMEOUT = 30.0
POLL_INTERVAL = 0.5
PROGRESS_EVERY = 15.0
# Django's, Celery's and nats-server's log formats.
PROBLEM = re.compile(r"\b(WARNING|ERROR|CRITICAL)\b|Traceback|\[(WRN|ERR|FTL)\]")
# The file broker has no host: every process says so once, harmlessly.
NOISE = "No hostname was supplied"
LOG_TIME = re.compile(r"^\[?[\d/-]+[ T][\d:.,]+:?\s*")
SEVERITIES = ("DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY")


def main() -> int:
    args = parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    unwind_on_sigterm()
    with (
        temp_dir(keep=args.keep) as tmp,
        Children(Path(tmp)) as children,
        FakeLLM(latency=args.latency) as fake,
    ):
        try:
            bench = Bench(args, Path(tmp), children, fake)
            bench.setup()
            bench.run()
        finally:
            if args.keep:
                print(f"\nKept {tmp} (worker and consumer logs, database)")
    return 0


def parse_args() -> argparse.Namespace:
    parser = argument_parser(__doc__)
    parser.add_argument("--logs", type=int, default=100_000, help="Loghub logs to publish")
    parser.add_argument("--rpm", type=int, default=600, help="the provider's requests per minute")
    parser.add_argument("--latency", type=float, default=0.2, help="fake LLM reply time, s")
    parser.add_argument(
        "--saturate", type=int, default=1500, help="LLM calls made in the rate-limit phase"
    )
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and its logs")
    parser.add_argument(
        "--min-severity",
        type=str.upper,
        choices=SEVERITIES,
        default="WARNING",
        help="ANALYSIS_MIN_SEVERITY: new patterns at or above it are analyzed",
    )
    args = parser.parse_args()
    if min(args.logs, args.rpm, args.saturate, args.workers) < 1 or args.latency < 0:
        parser.error("every number must be at least 1 (latency at least 0)")
    return args


# --- Figures ------------------------------------------------------------------------------


@dataclasses.dataclass
class Outcomes:
    """What became of a set of analyses."""

    requested: int
    done: int
    failed: int
    offline: int
    unfinished: int
    attempts: int
    first_created: float | None
    last_finished: float | None
    queue_to_done: list[float]

    @property
    def seconds(self) -> float | None:
        if self.first_created is None or self.last_finished is None:
            return None
        return self.last_finished - self.first_created

    def queue_to_done_percentile(self, fraction: float) -> float | None:
        return percentile(self.queue_to_done, fraction) if self.queue_to_done else None


@dataclasses.dataclass
class IngestFigures:
    logs: int
    stored: int
    rejected: int
    ingest_seconds: float
    patterns: int
    patterns_at_severity: int
    analyses: Outcomes
    calls: int

    @property
    def one_call_per_pattern(self) -> bool:
        return self.calls == self.analyses.done

    @property
    def calls_per_pattern(self) -> float | None:
        return self.calls / self.analyses.done if self.analyses.done else None

    @property
    def calls_share_of_logs(self) -> float:
        return self.calls / self.logs


@dataclasses.dataclass
class RateFigures:
    rpm: int
    times: list[float]  # arrival at the fake of this phase's requests, sorted
    busiest_window: int  # of every request the fake received, both phases
    analyses: Outcomes
    outcomes: Counter[str]  # of every ProviderCall in the ledger

    @property
    def steady_rate(self) -> float | None:
        """Requests per minute after the first 60 s, to the last request."""
        if not self.times:
            return None
        start, end = self.times[0] + WINDOW_SECONDS, self.times[-1]
        if end <= start:
            return None
        return sum(1 for t in self.times if t >= start) / (end - start) * 60

    @property
    def overall_rate(self) -> float | None:
        """Requests per minute from the first request to the last, burst included."""
        if len(self.times) < 2:
            return None
        return (len(self.times) - 1) / (self.times[-1] - self.times[0]) * 60

    def per_slice(self, seconds: float) -> list[int]:
        """Requests in each `seconds` from the first: the limiter's pacing, slice by slice."""
        if not self.times:
            return []
        counts = Counter(int((t - self.times[0]) // seconds) for t in self.times)
        return [counts[n] for n in range(max(counts) + 1)]

    @property
    def rate_limited(self) -> int:
        return self.outcomes["rate_limited"]

    @property
    def problems(self) -> int:
        return sum(count for outcome, count in self.outcomes.items() if outcome != "ok")


def busiest_window(times: list[float], seconds: float = WINDOW_SECONDS) -> int:
    """The most requests that arrived within any `seconds` span."""
    ordered = sorted(times)
    busiest, first = 0, 0
    for last, t in enumerate(ordered):
        while ordered[first] <= t - seconds:
            first += 1
        busiest = max(busiest, last - first + 1)
    return busiest


def seconds_text(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.1f} s"


# --- The bench ----------------------------------------------------------------------------


class Bench:
    def __init__(
        self, args: argparse.Namespace, tmp: Path, children: Children, fake: FakeLLM
    ) -> None:
        self.args = args
        self.tmp = tmp
        self.children = children
        self.fake = fake
        self.data_dir = tmp / "data"
        self.db_path = self.data_dir / "gogent.db"
        self.port = free_port()
        self.nats_url = f"nats://127.0.0.1:{self.port}"
        self.services: list[Child] = []
        self.started = time.monotonic()
        self.env = bench_env(
            data_dir=self.data_dir,
            database_url=f"sqlite:///{self.db_path}",
            NATS_URL=self.nats_url,
            ANALYSIS_MIN_SEVERITY=args.min_severity,
            LOG_LEVEL="INFO",
        )

    def setup(self) -> None:
        """Start nats-server, migrate a fresh database, load Django here, and add the provider.

        Django reads the bench's environment, so this process's Celery app sends to the
        workers' broker folder in the temp data dir.
        """
        django_setup(self.env)
        logging.getLogger("kombu.connection").setLevel(logging.ERROR)
        self.start_nats_server()
        migrate(self.env)
        self.use_fake_provider()

    def start_nats_server(self) -> None:
        self.services.append(
            nats_server_start(self.children, self.tmp / "nats", self.port, self.env)
        )

    def use_fake_provider(self) -> None:
        from analysis.models import Provider

        Provider.objects.update(enabled=False, is_default=False)
        Provider.objects.create(
            name="Bench fake LLM",
            kind=Provider.Kind.OLLAMA,
            base_url=self.fake.url,
            model="fake-model",
            requests_per_minute=self.args.rpm,
            max_concurrent=PROVIDER_MAX_CONCURRENT,
            timeout_seconds=PROVIDER_TIMEOUT,
            is_default=True,
        )

    def start_workers(self) -> None:
        workers = [
            self.children.start(
                f"celery-worker-{n}",
                celery_worker_argv(f"bench{n}", concurrency=WORKER_CONCURRENCY),
                env=self.env,
            )
            for n in range(1, self.args.workers + 1)
        ]
        self.services += workers
        for worker in workers:
            self.wait_for(
                lambda worker=worker: " ready." in worker.log_text(),
                timeout=READY_TIMEOUT,
                what=f"{worker.name} to be ready",
            )

    def run(self) -> None:
        from django.conf import settings

        print(
            f"Gogent analysis bench: {machine_text()}, "
            f"SQLite {sqlite3.sqlite_version}, nats-server on {self.nats_url}\n"
            f"  {self.args.logs:,} Loghub logs; fake LLM at {self.fake.url}, "
            f"{self.args.latency * 1000:.0f} ms a reply\n"
            f"  provider: {self.args.rpm} requests/min, {PROVIDER_MAX_CONCURRENT} concurrent, "
            f"timeout {PROVIDER_TIMEOUT:.0f} s; {self.args.workers} Celery worker processes x "
            f"{WORKER_CONCURRENCY} threads\n"
            f"  ANALYSIS_MIN_SEVERITY={settings.ANALYSIS_MIN_SEVERITY}, "
            f"ANALYSIS_RATE_MARGIN={settings.ANALYSIS_RATE_MARGIN:g} s, "
            f"INGEST_BATCH_SIZE={settings.INGEST_BATCH_SIZE}; temp dir {self.tmp}"
        )
        self.start_workers()
        self.services.append(
            self.children.start("consume_logs", manage_argv("consume_logs"), env=self.env)
        )
        ingest = self.ingest_and_analyze()
        rate = self.saturate()
        print_log_problems(self.children)
        print_summary(ingest, rate)

    # --- 1. Ingest and analysis --------------------------------------------------------------

    def ingest_and_analyze(self) -> IngestFigures:
        from analysis.models import Analysis
        from logs.models import LogPattern, Severity

        n = self.args.logs
        print(
            f"\n1. Ingest and analysis: `publish_logs --loghub all --count {n}` (unthrottled)\n"
            "   into a running consume_logs, whose ingest hook queues an analysis of each new\n"
            f"   pattern at {self.args.min_severity} or above; the workers call the fake LLM.\n"
            "   Waits until every log is stored and no analysis is queued or running."
        )
        started = time.monotonic()
        publisher = self.children.start(
            "publish_logs",
            manage_argv(
                "publish_logs", "--loghub", "all", "--count", str(n), "--wait", str(READY_TIMEOUT)
            ),
            env=self.env,
        )
        self.wait_for(
            lambda: publisher.process.poll() is not None,
            timeout=max(300, n / 500),
            what="publish_logs to finish",
        )
        if publisher.process.returncode != 0:
            raise RuntimeError(f"publish_logs failed:\n{publisher.log_tail()}")
        print(f"   {publisher.log_tail(1)}")
        self.wait_for(
            lambda: self.stored() >= n, timeout=max(300, n / 200), what=f"{n:,} logs stored"
        )
        ingest_seconds = time.monotonic() - started
        phase_one = Analysis.objects.exclude(trigger=Analysis.Trigger.OPERATOR)
        self.wait_for_analyses(phase_one.count())
        threshold = Severity[self.args.min_severity]
        live = LogPattern.objects.filter(merged_into=None)
        figures = IngestFigures(
            logs=n,
            stored=self.stored(),
            rejected=self.rejected(),
            ingest_seconds=ingest_seconds,
            patterns=live.count(),
            patterns_at_severity=live.filter(max_severity__gte=threshold).count(),
            analyses=outcomes(phase_one),
            calls=len(self.fake.requests),
        )
        print_ingest(figures, self.args.min_severity)
        return figures

    def stored(self) -> int:
        from logs.models import LogEntry

        return LogEntry.objects.count() + self.rejected()

    def rejected(self) -> int:
        from logs.models import RejectedMessage

        return RejectedMessage.objects.count()

    # --- 2. Rate limit --------------------------------------------------------------------------

    def saturate(self) -> RateFigures:
        from analysis.models import Analysis, ProviderCall
        from analysis.services import analysis_request
        from logs.models import LogPattern

        wanted, rpm = self.args.saturate, self.args.rpm
        patterns = list(LogPattern.objects.filter(merged_into=None))
        print(
            f"\n2. Rate limit: operator re-analyses of all {len(patterns)} patterns, in rounds (a\n"
            "   pattern again once its previous analysis is done), until "
            f"{wanted:,} calls were asked\n"
            f"   for. The limiter paces calls evenly ({rpm} a minute at most); the steady\n"
            "   rate counts requests arriving at the fake from 60 s after the first to the last."
        )
        if not patterns:
            raise RuntimeError("no patterns to re-analyze: phase 1 stored none")
        first_call = len(self.fake.requests)
        requested = 0
        deadline = time.monotonic() + 300 + wanted * 60 / rpm * 2
        while requested < wanted:
            active = self.active_pattern_ids()
            for pattern in patterns:
                if pattern.pk not in active:
                    analysis_request(pattern=pattern, trigger=Analysis.Trigger.OPERATOR)
                    requested += 1
                    if requested == wanted:
                        break
            self.check_services()
            if time.monotonic() > deadline:
                raise TimeoutError(f"{requested:,} of {wanted:,} asked for: {self.progress()}")
            time.sleep(POLL_INTERVAL)
        operator = Analysis.objects.filter(trigger=Analysis.Trigger.OPERATOR)
        self.wait_for_analyses(requested)
        requests = self.fake.requests
        figures = RateFigures(
            rpm=rpm,
            times=sorted(request.time for request in requests[first_call:]),
            busiest_window=busiest_window([request.time for request in requests]),
            analyses=outcomes(operator),
            outcomes=Counter(ProviderCall.objects.values_list("outcome", flat=True)),
        )
        print_rate(figures)
        return figures

    def active_pattern_ids(self) -> set[int]:
        from analysis.models import Analysis

        return set(
            Analysis.objects.filter(
                status__in=[Analysis.Status.QUEUED, Analysis.Status.RUNNING]
            ).values_list("pattern_id", flat=True)
        )

    def wait_for_analyses(self, count: int) -> None:
        """Until none is queued or running; a timeout is reported, not raised."""
        timeout = 300 + count * 60 / self.args.rpm * 2
        finished = self.wait_for(
            lambda: not self.active_pattern_ids(),
            timeout=timeout,
            what="analyses to finish",
            raise_on_timeout=False,
        )
        if not finished:
            print(f"   analyses still queued or running after {timeout:.0f}s{missed(False)}")

    # --- Waiting -------------------------------------------------------------------------------

    def wait_for(
        self,
        condition: Callable[[], bool],
        *,
        timeout: float,
        what: str,
        raise_on_timeout: bool = True,
    ) -> bool:
        """Poll `condition` while checking that every service is alive; print progress."""
        deadline = time.monotonic() + timeout
        next_progress = time.monotonic() + PROGRESS_EVERY
        while not condition():
            self.check_services()
            now = time.monotonic()
            if now > deadline:
                if raise_on_timeout:
                    raise TimeoutError(f"waited {timeout:.0f}s for {what}: {self.progress()}")
                print(f"   gave up waiting for {what}: {self.progress()}")
                return False
            if now >= next_progress:
                print(f"   ... {self.progress()}")
                next_progress = now + PROGRESS_EVERY
            time.sleep(POLL_INTERVAL)
        return True

    def check_services(self) -> None:
        self.children.check_alive(*self.services)

    def progress(self) -> str:
        from analysis.models import Analysis

        statuses = Counter(Analysis.objects.values_list("status", flat=True))
        return (
            f"{time.monotonic() - self.started:.0f}s: {self.stored():,} logs stored; analyses "
            + ", ".join(f"{statuses[status]:,} {status}" for status in Analysis.Status.values)
            + f"; {len(self.fake.requests):,} LLM calls"
        )


def outcomes(analyses: QuerySet[Analysis]) -> Outcomes:
    from django.db.models import Max, Min, Sum

    from analysis.models import Analysis

    statuses = Counter(analyses.values_list("status", flat=True))
    summary = analyses.aggregate(
        first_created=Min("created_at"), last_finished=Max("finished_at"), attempts=Sum("attempts")
    )
    done = analyses.filter(status=Analysis.Status.DONE)
    return Outcomes(
        requested=analyses.count(),
        done=statuses[Analysis.Status.DONE],
        failed=statuses[Analysis.Status.FAILED],
        offline=done.filter(is_offline=True).count(),
        unfinished=statuses[Analysis.Status.QUEUED] + statuses[Analysis.Status.RUNNING],
        attempts=summary["attempts"] or 0,
        first_created=summary["first_created"] and summary["first_created"].timestamp(),
        last_finished=summary["last_finished"] and summary["last_finished"].timestamp(),
        queue_to_done=[
            (finished - created).total_seconds()
            for created, finished in done.values_list("created_at", "finished_at")
        ],
    )


# --- Output -------------------------------------------------------------------------------


def print_ingest(figures: IngestFigures, min_severity: str) -> None:
    analyses = figures.analyses
    per_pattern = figures.calls_per_pattern
    all_finished = not analyses.failed and not analyses.unfinished
    print(
        f"   logs stored {figures.stored:,} of {figures.logs:,} ({figures.rejected:,} "
        f"quarantined) in {figures.ingest_seconds:.1f} s from the start of publishing\n"
        f"   patterns {figures.patterns:,}, {figures.patterns_at_severity:,} of them at "
        f"{min_severity} or above now\n"
        f"   analyses requested {analyses.requested:,}: done {analyses.done:,} "
        f"({analyses.offline:,} by the offline analyzer), failed {analyses.failed:,}, "
        f"unfinished {analyses.unfinished:,}{missed(all_finished)}"
        f"\n   LLM calls {figures.calls:,} (attempts recorded {analyses.attempts:,})\n"
        f"   calls / patterns analyzed "
        f"{'n/a' if per_pattern is None else f'{per_pattern:.2f}'} (target 1.00)"
        f"{missed(figures.one_call_per_pattern)}\n"
        f"   calls as share of logs {figures.calls_share_of_logs:.2%} "
        f"(target <= {TARGET_CALLS_SHARE_OF_LOGS:.0%})"
        f"{missed(figures.calls_share_of_logs <= TARGET_CALLS_SHARE_OF_LOGS)}\n"
        f"   time to analyze all new patterns {seconds_text(analyses.seconds)} (first request "
        f"to last done)\n"
        f"   queued to done per analysis: p50 "
        f"{seconds_text(analyses.queue_to_done_percentile(0.5))}, p95 "
        f"{seconds_text(analyses.queue_to_done_percentile(0.95))}, max "
        f"{seconds_text(max(analyses.queue_to_done, default=None))}"
    )


def print_rate(figures: RateFigures) -> None:
    analyses, steady = figures.analyses, figures.steady_rate
    span = figures.times[-1] - figures.times[0] if figures.times else 0.0
    print(
        f"   LLM calls {len(figures.times):,} in {span:.1f} s; analyses done "
        f"{analyses.done:,} of {analyses.requested:,} ({analyses.offline:,} offline), failed "
        f"{analyses.failed:,}, unfinished {analyses.unfinished:,}"
        f"{missed(not analyses.failed and not analyses.unfinished and not analyses.offline)}\n"
        f"   busiest 60 s window (both phases) {figures.busiest_window:,} requests "
        f"(limit {figures.rpm}){missed(figures.busiest_window <= figures.rpm)}\n"
        f"   steady rate after the first 60 s {rate_text(steady, figures.rpm)} "
        f"(target {TARGET_RATE_SHARE:.0%} to 100%){missed(rate_met(steady, figures.rpm))}\n"
        f"   whole phase, burst included: {rate_text(figures.overall_rate, figures.rpm)}\n"
        f"   requests per {SLICE_SECONDS:.0f} s from the first: "
        f"{' '.join(str(n) for n in figures.per_slice(SLICE_SECONDS))}\n"
        f"   provider call outcomes: "
        + ", ".join(f"{outcome or 'in flight'} {n:,}" for outcome, n in figures.outcomes.items())
        + f"; 429s {figures.rate_limited}{missed(not figures.problems)}"
    )


def rate_text(rate: float | None, rpm: int) -> str:
    if rate is None:
        return "n/a (too few requests after the first 60 s; raise --saturate)"
    return f"{rate:,.1f} requests/min = {rate / rpm:.1%} of {rpm}"


def rate_met(rate: float | None, rpm: int) -> bool:
    return rate is not None and TARGET_RATE_SHARE * rpm <= rate <= rpm


def print_log_problems(children: Children) -> None:
    """Warnings, errors and tracebacks the services logged, each distinct line once."""
    lines: Counter[str] = Counter()
    for child in children.started:
        for line in child.log_text().splitlines():
            if PROBLEM.search(line) and NOISE not in line:
                lines[f"{child.name}: {LOG_TIME.sub('', line)[:160]}"] += 1
    if lines:
        print(f"\n{sum(lines.values())} warning or error lines in the service logs:")
        for line, count in lines.most_common(10):
            print(f"  {count:>5} x {line}")


def summary_rows(ingest: IngestFigures, rate: RateFigures) -> Iterator[tuple[str, str, str, bool]]:
    per_pattern = ingest.calls_per_pattern
    yield (
        "LLM calls / patterns analyzed",
        f"{ingest.calls:,} / {ingest.analyses.done:,} = "
        + ("n/a" if per_pattern is None else f"{per_pattern:.2f}"),
        "1.00",
        ingest.one_call_per_pattern,
    )
    yield (
        "LLM calls as share of logs",
        f"{ingest.calls_share_of_logs:.2%}",
        f"<= {TARGET_CALLS_SHARE_OF_LOGS:.0%}",
        ingest.calls_share_of_logs <= TARGET_CALLS_SHARE_OF_LOGS,
    )
    yield (
        "time to analyze all new patterns",
        seconds_text(ingest.analyses.seconds),
        "-",
        ingest.analyses.unfinished == 0,
    )
    yield (
        "busiest 60 s window",
        f"{rate.busiest_window:,} requests",
        f"<= {rate.rpm}",
        rate.busiest_window <= rate.rpm,
    )
    yield (
        "steady rate / limit",
        "n/a" if rate.steady_rate is None else f"{rate.steady_rate / rate.rpm:.1%}",
        f"{TARGET_RATE_SHARE:.0%}-100%",
        rate_met(rate.steady_rate, rate.rpm),
    )
    both = (ingest.analyses, rate.analyses)
    failed = sum(analyses.failed for analyses in both)
    offline = sum(analyses.offline for analyses in both)
    unfinished = sum(analyses.unfinished for analyses in both)
    yield (
        "analyses failed, offline, unfinished; 429s",
        f"{failed}, {offline}, {unfinished}; {rate.rate_limited}",
        "0",
        not failed and not offline and not unfinished and not rate.problems,
    )


def print_summary(ingest: IngestFigures, rate: RateFigures) -> None:
    print(f"\n{'Summary':<46} {'measured':<24} target")
    targets_print(summary_rows(ingest, rate), widths=(44, 24, 10))


if __name__ == "__main__":
    sys.exit(main())
