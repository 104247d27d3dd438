"""NATS outage benchmark: how fast new analyses finish with NATS reachable and after it has
been gone for a while, how fast the results outbox drains once it is back, and whether every
result was then published once, in the order the analyses completed.

    .venv/bin/python bench/nats_outage.py [--down-for 120] [--patterns 30] [--workers 2]
                                          [--database postgres://user:pass@host/dbname]
                                          [--broker redis://host:port/db] [--keep]

Everything is private and temporary: a nats-server with JetStream on a free 127.0.0.1 port
and a temp store dir (killed, then started again on the same port and store); a freshly
migrated database (SQLite in a temp data dir, or with --database one of its own on that
PostgreSQL server); Gogent's file broker in the temp data dir (or with --broker that Redis
database, emptied before and after); Celery workers (threads x4) and celery beat as
subprocesses; and the fake LLM of tests.fakes.llm in this process, answering at once. Logs
are stored in this process through the consumer's ingest service. Timings are printed, never
asserted; the run fails (exit 1) when analyses do not finish, or results are missing or
published twice or out of order.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import logging
import socket
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import nats
import orjson

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on sys.path, and bench/analysis.py would shadow the
# analysis app.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

from bench.harness import (  # noqa: E402
    PYTHON,
    READY_TIMEOUT,
    Child,
    Children,
    argument_parser,
    bench_env,
    celery_worker_argv,
    django_setup,
    free_port,
    machine_text,
    migrate,
    nats_server_start,
    temp_dir,
    unwind_on_sigterm,
)
from bench.ingest import MAX_IDENTIFIER, PostgreSQL, postgres_prefix  # noqa: E402
from tests.fakes.llm import FakeLLM  # noqa: E402

if TYPE_CHECKING:
    from analysis.models import Analysis
    from analysis.selectors import ResultsOutbox

WORKER_CONCURRENCY = 4
PROVIDER_RPM = 6000
PROVIDER_MAX_CONCURRENT = 16
PROVIDER_TIMEOUT = 30.0
# Generous: with NATS up, 30 analyses take a few seconds.
ANALYSES_TIMEOUT = 180.0
POLL_INTERVAL = 0.1
PROGRESS_EVERY = 15.0
RESULTS_STREAM = "BENCH_RESULTS"
# JetStream drops a message whose Nats-Msg-Id it has seen within the stream's duplicate
# window (2 minutes by default). The bench's stream keeps ids for JetStream's least, 100 ms,
# so a result the publisher sends again (after a failure and a pause of 2 s at least) is
# stored twice and counted.
DUPLICATE_WINDOW = 0.1


def main() -> int:
    args = parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    unwind_on_sigterm()
    with (
        temp_dir(keep=args.keep) as tmp,
        PostgreSQL(args.database) if args.database else contextlib.nullcontext() as postgres,
        redis_database(args.broker),
        Children(Path(tmp)) as children,
        FakeLLM(latency=0) as fake,
    ):
        try:
            bench = Bench(args, Path(tmp), children, fake, postgres)
            bench.setup()
            problems = bench.run()
        finally:
            if args.keep:
                print(f"\nKept {tmp} (service logs; the SQLite database, if used)")
    for problem in problems:
        print(f"FAILED: {problem}")
    return 1 if problems else 0


def parse_args() -> argparse.Namespace:
    parser = argument_parser(__doc__)
    parser.add_argument(
        "--down-for",
        type=float,
        default=120,
        help="seconds NATS stays down before the second measurement",
    )
    parser.add_argument(
        "--patterns", type=int, default=30, help="new patterns created at once in each batch"
    )
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes")
    parser.add_argument(
        "--database",
        metavar="postgres://user:pass@host/dbname",
        help="run on that PostgreSQL server (SQLite is the default); the role needs CREATEDB, "
        "and the bench works in a database of its own named <dbname>_bench_<pid>_template",
    )
    parser.add_argument(
        "--broker",
        metavar="redis://host:port/db",
        help="Celery on that Redis database (the file broker is the default): it is EMPTIED "
        "before and after, so give one that nothing else uses",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir and its logs")
    args = parser.parse_args()
    if min(args.down_for, args.patterns, args.workers) < 1:
        parser.error("every number must be at least 1")
    if args.database:
        if urlsplit(args.database).scheme not in {"postgres", "postgresql"}:
            parser.error("--database takes a postgres:// URL (SQLite is the default)")
        if not urlsplit(args.database).path.strip("/"):
            parser.error("--database needs a database name: postgres://user:pass@host/dbname")
        if len(f"{postgres_prefix(args.database)}_template") > MAX_IDENTIFIER:
            parser.error("--database: its name is too long for the bench's own database")
    if args.broker and urlsplit(args.broker).scheme not in {"redis", "rediss"}:
        parser.error("--broker takes a redis:// URL (the file broker is the default)")
    return args


@contextlib.contextmanager
def redis_database(url: str | None) -> Iterator[None]:
    """The Redis database of --broker, emptied before the run and after it, as the tests
    do with theirs: tasks a run left must not reach the next one's workers."""
    if url is None:
        yield
        return
    import redis

    server = redis.Redis.from_url(url)
    server.flushdb()
    try:
        yield
    finally:
        server.flushdb()
        server.close()


# --- Figures ------------------------------------------------------------------------------


@dataclasses.dataclass
class Batch:
    """New patterns stored at once, and their analyses until all are done."""

    label: str
    analysis_ids: list[int]
    seconds: float  # from the ingest to the last analysis's finished_at


@dataclasses.dataclass
class Published:
    """What the bench's results stream holds."""

    ids: list[int]  # analysis_id of each message, in stream order

    @property
    def duplicates(self) -> int:
        return sum(count - 1 for count in Counter(self.ids).values())

    def missing(self, expected: list[int]) -> list[int]:
        return sorted(set(expected) - set(self.ids))

    def unexpected(self, expected: list[int]) -> list[int]:
        return sorted(set(self.ids) - set(expected))

    def order_of(self, wanted: list[int]) -> list[int]:
        """The wanted ids in the order the stream holds them (each first time only)."""
        chosen = set(wanted)
        return list(dict.fromkeys(pk for pk in self.ids if pk in chosen))


def seconds_text(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:,.1f} s"


# --- The bench ----------------------------------------------------------------------------


class Bench:
    def __init__(
        self,
        args: argparse.Namespace,
        tmp: Path,
        children: Children,
        fake: FakeLLM,
        postgres: PostgreSQL | None,
    ) -> None:
        self.args = args
        self.tmp = tmp
        self.children = children
        self.fake = fake
        self.postgres = postgres
        self.data_dir = tmp / "data"
        self.store_dir = tmp / "nats"
        self.port = free_port()
        self.nats_url = f"nats://127.0.0.1:{self.port}"
        self.services: list[Child] = []
        self.started = time.monotonic()
        self.next_message_length = 1
        database_url = (
            postgres.template_url if postgres else f"sqlite:///{self.data_dir / 'gogent.db'}"
        )
        broker = {"CELERY_BROKER_URL": args.broker} if args.broker else {}
        self.env = bench_env(
            data_dir=self.data_dir,
            database_url=database_url,
            NATS_URL=self.nats_url,
            ANALYSIS_MIN_SEVERITY="WARNING",
            LOG_LEVEL="INFO",
            **broker,
        )

    def setup(self) -> None:
        """Start nats-server and the results stream, migrate a fresh database, load Django
        here (its Celery app sends to the workers' broker), and add the fake provider."""
        django_setup(self.env)
        logging.getLogger("kombu.connection").setLevel(logging.ERROR)
        from django.conf import settings

        if not settings.ANALYSIS_RESULTS_SUBJECT:
            raise RuntimeError("ANALYSIS_RESULTS_SUBJECT is off: there is nothing to publish")
        self.server = nats_server_start(self.children, self.store_dir, self.port, self.env)
        self.services.append(self.server)
        asyncio.run(self.results_stream_create())
        if self.postgres:
            self.postgres.create_template()
        migrate(self.env)
        self.use_fake_provider()

    def use_fake_provider(self) -> None:
        from analysis.models import Provider

        Provider.objects.update(enabled=False, is_default=False)
        Provider.objects.create(
            name="Bench fake LLM",
            kind=Provider.Kind.OLLAMA,
            base_url=self.fake.url,
            model="fake-model",
            requests_per_minute=PROVIDER_RPM,
            max_concurrent=PROVIDER_MAX_CONCURRENT,
            timeout_seconds=PROVIDER_TIMEOUT,
            is_default=True,
        )

    def start_celery(self) -> None:
        """The workers as the Procfile runs them (threads x4), and beat, whose sweeps run
        every 15 s throughout."""
        workers = [
            self.children.start(
                f"celery-worker-{n}",
                celery_worker_argv(f"bench{n}", concurrency=WORKER_CONCURRENCY),
                env=self.env,
            )
            for n in range(1, self.args.workers + 1)
        ]
        beat = self.children.start(
            "celery-beat",
            [PYTHON, "-m", "celery", "--app", "gogent", "beat", "--loglevel", "INFO"],
            env=self.env,
        )
        self.services += [*workers, beat]
        for worker in workers:
            self.wait_for(
                lambda worker=worker: " ready." in worker.log_text(),
                timeout=READY_TIMEOUT,
                what=f"{worker.name} to be ready",
            )

    def run(self) -> list[str]:
        """The three steps; returns what went wrong (nothing, in a good run)."""
        from django.conf import settings

        database = self.postgres.name if self.postgres else f"SQLite {sqlite3.sqlite_version}"
        broker = f"Redis {self.args.broker}" if self.args.broker else "the file broker"
        print(
            f"Gogent NATS outage bench: {machine_text()}, {database}, {broker}, nats-server "
            f"on {self.nats_url}\n"
            f"  {self.args.workers} Celery workers x {WORKER_CONCURRENCY} threads and beat; "
            f"fake LLM at {self.fake.url}, answering at once\n"
            f"  ANALYSIS_PUBLISH_TIMEOUT_MS={settings.ANALYSIS_PUBLISH_TIMEOUT * 1000:.0f}, "
            f"ANALYSIS_PUBLISH_PAUSE_MAX={settings.ANALYSIS_PUBLISH_PAUSE_MAX}, "
            f"SWEEP_TIME_LIMIT={settings.SWEEP_TIME_LIMIT}; results on "
            f"{settings.ANALYSIS_RESULTS_SUBJECT}, kept in the stream {RESULTS_STREAM}\n"
            f"  temp dir {self.tmp}"
        )
        self.start_celery()
        n = self.args.patterns

        print(f"\n1. NATS up: {n} new patterns stored at once, then 1 more.")
        up = [self.new_patterns(f"{n} up", n), self.new_patterns("1 up", 1)]
        self.wait_for(
            lambda: self.outbox().size == 0,
            timeout=ANALYSES_TIMEOUT,
            what="the results to be published",
        )
        print("   all published: the outbox is empty")

        print(
            f"\n2. NATS down: nats-server killed (SIGKILL); 1 new pattern at once, so the\n"
            f"   publisher meets the outage and pauses through it; {self.args.down_for:g} s "
            f"later {n} new\n   patterns at once, then 1 more."
        )
        self.server.process.kill()
        self.server.process.wait()
        self.services.remove(self.server)
        down_started = time.monotonic()
        at_kill = self.new_patterns("1 at the kill", 1)
        left = self.args.down_for - (time.monotonic() - down_started)
        print(f"   waiting {max(left, 0):.0f} s more with NATS down")
        self.wait_for(
            lambda: time.monotonic() - down_started >= self.args.down_for,
            timeout=self.args.down_for + 1,
            what="the end of the down time",
        )
        down = [self.new_patterns(f"{n} down", n), self.new_patterns("1 down", 1)]
        outbox = self.outbox()
        state = outbox.publisher
        print(
            f"   outbox: {outbox.analyses} analyses, {outbox.answers} answers, oldest "
            f"{when(outbox.oldest)}\n"
            f"   publisher: reachable {state.reachable}, failures {state.failures}, "
            f"next attempt {when(state.retry_at)}\n   last error: {state.last_error or '-'}"
        )

        print("\n3. NATS back: nats-server started again on the same port and store.")
        self.restart_nats_server()
        restarted = time.monotonic()
        drained = self.wait_for(
            lambda: self.outbox().size == 0,
            timeout=settings.ANALYSIS_PUBLISH_PAUSE_MAX + ANALYSES_TIMEOUT,
            what="the outbox to drain",
            raise_on_timeout=False,
        )
        drain_seconds = time.monotonic() - restarted if drained else None
        state = self.outbox().publisher
        print(
            f"   outbox empty {seconds_text(drain_seconds)} after the restart; publisher: "
            f"reachable {state.reachable}, failures {state.failures}, "
            f"published in all {state.published_total}"
        )
        published = asyncio.run(self.results_read())
        return self.report(up, [at_kill, *down], drain_seconds, published)

    # --- Patterns and analyses ----------------------------------------------------------------

    def new_patterns(self, label: str, count: int) -> Batch:
        """`count` logs of patterns never seen (each message a length of its own) stored in
        one batch; waits until the analyses the ingest hook requested are all done."""
        from django.db.models import Max
        from django.utils import timezone

        from analysis.models import Analysis
        from tests.helpers.analysis import ingest, log

        lengths = range(self.next_message_length, self.next_message_length + count)
        self.next_message_length += count
        before = Analysis.objects.aggregate(last=Max("pk"))["last"] or 0
        started = timezone.now()
        ingest(*(log("Conveyor fault " + "stage " * n + "stopped") for n in lengths))
        analyses = Analysis.objects.filter(pk__gt=before)
        requested = analyses.count()
        if requested != count:
            raise RuntimeError(f"{label}: {count} new patterns, but {requested} analyses requested")
        self.wait_for(
            lambda: not analyses.exclude(status=Analysis.Status.DONE).exists(),
            timeout=ANALYSES_TIMEOUT,
            what=f"{label}: {count} analyses to be done",
            give_up=lambda: analyses.filter(status=Analysis.Status.FAILED).exists(),
        )
        finished = analyses.aggregate(last=Max("finished_at"))["last"]
        batch = Batch(
            label=label,
            analysis_ids=list(analyses.order_by("finished_at", "pk").values_list("pk", flat=True)),
            seconds=(finished - started).total_seconds(),
        )
        print(f"   {label}: {plural(count, 'analysis', 'analyses')} done in {batch.seconds:.1f} s")
        return batch

    def outbox(self) -> ResultsOutbox:
        from analysis.selectors import results_outbox

        return results_outbox()

    def unfinished_analyses(self) -> list[Analysis]:
        from analysis.models import Analysis

        return list(Analysis.objects.exclude(status=Analysis.Status.DONE))

    # --- NATS -----------------------------------------------------------------------------------

    async def results_stream_create(self) -> None:
        from django.conf import settings
        from nats.js.api import StreamConfig

        client = await nats.connect(self.nats_url)
        try:
            await client.jetstream().add_stream(
                StreamConfig(
                    name=RESULTS_STREAM,
                    subjects=[settings.ANALYSIS_RESULTS_SUBJECT],
                    duplicate_window=DUPLICATE_WINDOW,
                )
            )
        finally:
            await client.close()

    async def results_read(self) -> Published:
        client = await nats.connect(self.nats_url)
        try:
            js = client.jetstream()
            state = (await js.stream_info(RESULTS_STREAM)).state
            ids = []
            for seq in range(state.first_seq, state.last_seq + 1) if state.messages else ():
                message = await js.get_msg(RESULTS_STREAM, seq)
                ids.append(orjson.loads(message.data)["analysis_id"])
            return Published(ids)
        finally:
            await client.close()

    def restart_nats_server(self) -> None:
        """nats-server again, with the config the first one wrote (same port and store)."""
        from gogent.nats import nats_server_binary

        config = self.store_dir / "nats-server.conf"
        self.server = self.children.start(
            "nats-server-again", [str(nats_server_binary()), "--config", str(config)], env=self.env
        )
        self.services.append(self.server)
        self.wait_for(
            lambda: port_open(self.port), timeout=READY_TIMEOUT, what="nats-server to come back"
        )

    # --- Waiting -------------------------------------------------------------------------------

    def wait_for(
        self,
        condition: Callable[[], bool],
        *,
        timeout: float,
        what: str,
        raise_on_timeout: bool = True,
        give_up: Callable[[], bool] | None = None,
    ) -> bool:
        """Poll `condition` while checking that every service is alive; print progress.
        Raises when `give_up()` turns true, or at the timeout unless told not to."""
        deadline = time.monotonic() + timeout
        next_progress = time.monotonic() + PROGRESS_EVERY
        while not condition():
            self.children.check_alive(*self.services)
            now = time.monotonic()
            if give_up is not None and give_up():
                raise RuntimeError(f"gave up waiting for {what}: {self.progress()}")
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

    def progress(self) -> str:
        from analysis.models import Analysis

        statuses = Counter(Analysis.objects.values_list("status", flat=True))
        return (
            f"{time.monotonic() - self.started:.0f}s: analyses "
            + ", ".join(f"{statuses[status]} {status}" for status in Analysis.Status.values)
            + f"; outbox {self.outbox().size}; {len(self.fake.requests)} LLM calls"
        )

    # --- Report -------------------------------------------------------------------------------

    def report(
        self,
        up: list[Batch],
        down: list[Batch],
        drain_seconds: float | None,
        published: Published,
    ) -> list[str]:
        from analysis.models import Analysis

        every = list(Analysis.objects.order_by("pk").values_list("pk", flat=True))
        down_ids = [pk for batch in down for pk in batch.analysis_ids]
        completion_order = list(
            Analysis.objects.filter(pk__in=down_ids)
            .order_by("finished_at", "pk")
            .values_list("pk", flat=True)
        )
        in_order = published.order_of(down_ids) == completion_order
        missing, unexpected = published.missing(every), published.unexpected(every)
        up_many, up_one = up
        _, down_many, down_one = down
        n = self.args.patterns
        print(
            f"\n{'':<28} {'NATS up':>10} {f'NATS down {self.args.down_for:g} s':>16}\n"
            f"  {f'{n} new patterns to done':<26} {seconds_text(up_many.seconds):>10} "
            f"{seconds_text(down_many.seconds):>16}\n"
            f"  {'1 new pattern to done':<26} {seconds_text(up_one.seconds):>10} "
            f"{seconds_text(down_one.seconds):>16}\n"
            f"  outbox drained after NATS came back: {seconds_text(drain_seconds)} "
            f"({len(down_ids)} results waited)\n"
            f"  published {len(set(published.ids))} of {len(every)} analyses, "
            f"{len(published.ids)} messages: duplicates {published.duplicates}, missing "
            f"{len(missing)}; step 2's in completion order: {'yes' if in_order else 'NO'}\n"
            f"  LLM calls {len(self.fake.requests)}"
        )
        problems = []
        not_done = self.unfinished_analyses()
        if not_done:
            problems.append(f"{len(not_done)} analyses not done: {not_done[:5]}")
        if drain_seconds is None:
            problems.append("the outbox did not drain after NATS came back")
        if published.duplicates:
            problems.append(f"{published.duplicates} results published more than once")
        if missing:
            problems.append(f"results of analyses {missing[:20]} not published")
        if unexpected:
            problems.append(f"results of unknown analyses {unexpected[:20]} published")
        if not in_order:
            problems.append(
                f"step 2's results published as {published.order_of(down_ids)}, "
                f"completed as {completion_order}"
            )
        return problems


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def when(moment: datetime | None) -> str:
    """A moment as seconds ago or from now."""
    if moment is None:
        return "-"
    from django.utils import timezone

    seconds = (moment - timezone.now()).total_seconds()
    return f"in {seconds:.1f} s" if seconds >= 0 else f"{-seconds:.1f} s ago"


def port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
        return True
    return False


if __name__ == "__main__":
    sys.exit(main())
