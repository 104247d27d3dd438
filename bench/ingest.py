"""Ingest benchmark: how fast `manage.py consume_logs` drains a backlog, how that compares
with a minimal raw pipeline (no Django), the share of its batch time spent holding the
grouping lock, its latency at a steady rate, and its memory.

    .venv/bin/python bench/ingest.py [--messages 100000] [--rounds 3]
                                     [--rate 1000] [--latency-seconds 25]
                                     [--database postgres://user:pass@host/dbname]
                                     [--consumers 1 | --consumers 1,2]

Everything is private and temporary: a nats-server with JetStream on a free 127.0.0.1 port
and a temp store dir, a freshly migrated database (SQLite in a temp data dir, or with
--database a template database on that PostgreSQL server, copied for each drain), and the
consumers as subprocesses. The producer is the product's own (generated_logs() fed to
publish_payloads(), what `manage.py publish_logs` runs). With a list of consumer counts the
drains run for each count in turn, in the same run; the latency test runs with the first.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import logging
import os
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

import nats
import orjson
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext

if TYPE_CHECKING:
    import psycopg
    from psycopg import sql

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
    compile_bytecode,
    django_setup,
    free_port,
    machine_text,
    manage_argv,
    migrate,
    ms,
    nats_server_start,
    peak_rss_mib,
    percentile,
    require_at_least_one,
    targets_print,
    temp_dir,
    unwind_on_sigterm,
)

# Set for SQLite and one consumer; other runs print them as they are, labelled so.
TARGET_DRAIN_RATE = 20_000
TARGET_RAW_RATIO = 0.66
TARGET_P99 = 0.250
TARGET_RSS_MIB = 150

POLL_INTERVAL = 0.02
MIN_POLL = 0.005
MAX_POLL = 0.25
RAW_STREAM = "BENCH_RAW"
RAW_SUBJECT = "bench.raw"
RAW_LINGER = 0.02
# PostgreSQL's limit on identifiers, database names included (NAMEDATALEN - 1).
MAX_IDENTIFIER = 63


def main() -> int:
    args = parse_args()
    if args.raw_worker:
        asyncio.run(raw_pipeline(**orjson.loads(args.raw_worker)))
        return 0
    # The with blocks stop children, drop the bench's PostgreSQL databases and remove temp
    # dirs, in that order.
    unwind_on_sigterm()
    with temp_dir() as tmp:
        database = PostgreSQL(args.database) if args.database else SQLite(Path(tmp))
        with database, Children(Path(tmp)) as children:
            bench = Bench(args, Path(tmp), children, database)
            bench.setup()
            asyncio.run(bench.run())
    return 0


def parse_args() -> argparse.Namespace:
    parser = argument_parser(__doc__)
    parser.add_argument("--messages", type=int, default=100_000, help="backlog size to drain")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="drains of each pipeline, alternating; the median is reported",
    )
    parser.add_argument("--rate", type=int, default=1000, help="steady rate for latency, msgs/s")
    parser.add_argument(
        "--latency-seconds", type=int, default=25, help="how long the steady rate is kept"
    )
    parser.add_argument(
        "--database",
        metavar="postgres://user:pass@host/dbname",
        help="measure on this PostgreSQL server instead of SQLite; the role needs CREATEDB, "
        "and the bench works in databases of its own named <dbname>_bench_<pid>_*",
    )
    parser.add_argument(
        "--consumers",
        type=consumer_counts,
        default=[1],
        metavar="N[,N...]",
        help="consume_logs processes (and raw pipeline processes) draining at once; a list "
        "(1,2) runs the drains with each count in turn, the latency test with the first",
    )
    parser.add_argument(
        "--without-search-index",
        action="store_true",
        help="drop the full-text index of log messages after migrating (its cost at ingest: "
        "compare with a run without this option)",
    )
    parser.add_argument(
        "--without-value-sketches",
        action="store_true",
        help="consumers run with PATTERN_VALUE_SKETCHES=false (the pattern inspector's "
        "counts at ingest: compare with a run without this option)",
    )
    parser.add_argument(
        "--context-rules",
        metavar="FILE",
        help="apply this config file's [[context_rules]] (e.g. docs/demo.toml) after "
        "migrating, so ingest places each log (its cost: compare with a run without)",
    )
    # Internal: this file runs as the raw pipeline's process, configured by a JSON object.
    parser.add_argument("--raw-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    require_at_least_one(
        parser, args.messages, args.rounds, args.rate, args.latency_seconds, *args.consumers
    )
    if args.database:
        if urlsplit(args.database).scheme not in {"postgres", "postgresql"}:
            parser.error("--database takes a postgres:// URL (SQLite is the default)")
        if not urlsplit(args.database).path.strip("/"):
            parser.error("--database needs a database name: postgres://user:pass@host/dbname")
        longest = f"{postgres_prefix(args.database)}_template"
        if len(longest.encode()) > MAX_IDENTIFIER:
            parser.error(f"database name too long for the bench's own names ({longest})")
    return args


def consumer_counts(text: str) -> list[int]:
    """--consumers: one count or a comma-separated list of them, in the order given."""
    try:
        counts = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number or list of numbers: {text!r}") from None
    if len(set(counts)) < len(counts):
        raise argparse.ArgumentTypeError(f"a count given twice: {text!r}")
    return counts


# --- Databases ----------------------------------------------------------------------------
# SQLite and PostgreSQL offer the same methods; the bench names each database it needs by a
# label ("drain-1", "raw-1") and never touches files or servers itself.


class SQLite:
    """The bench's databases as files in its temp dir, which goes with them."""

    raw_table = "logs_logentry"
    insert_clock = "SQLite julianday('now'), 1 ms resolution"
    raw_text = (
        "   MSG.NEXT), orjson, sqlite3 executemany into a copy of logs_logentry (same\n"
        "   columns and indexes, WAL, the same synchronous, same batch size), commit, then\n"
        '   b"+ACK" per message.\n'
    )

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.template = tmp / "data" / "gogent.db"
        self.template_url = f"sqlite:///{self.template}"
        self.name = f"SQLite {sqlite3.sqlite_version}"

    def __enter__(self) -> SQLite:
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass  # the files go with the temp dir

    def settings_text(self) -> str:
        from django.conf import settings

        return f"SQLITE_SYNCHRONOUS={settings.SQLITE_SYNCHRONOUS}"

    def create_template(self) -> None:
        pass  # migrate creates the file

    def path(self, label: str) -> Path:
        return self.tmp / f"{label}.db"

    def copy(self, label: str) -> str:
        """A copy of the freshly migrated database, for one drain; its DATABASE_URL."""
        path = self.path(label)
        with (
            contextlib.closing(sqlite3.connect(self.template)) as source,
            contextlib.closing(sqlite3.connect(path)) as copy,
        ):
            source.backup(copy)
        return f"sqlite:///{path}"

    def raw_copy(self, label: str) -> dict[str, str]:
        """The raw pipeline's database: logs_logentry's own schema (columns, indexes)."""
        from django.conf import settings

        with contextlib.closing(sqlite3.connect(self.template)) as source:
            schema = [
                statement
                for (statement,) in source.execute(
                    "SELECT sql FROM sqlite_master WHERE tbl_name = 'logs_logentry' "
                    "AND type IN ('table', 'index') AND sql IS NOT NULL ORDER BY type DESC"
                )
            ]
        path = self.path(label)
        with contextlib.closing(sqlite3.connect(path)) as db, db:
            for statement in schema:
                db.execute(statement)
        return {"db_path": str(path), "synchronous": settings.SQLITE_SYNCHRONOUS}

    def drop_search_index(self) -> None:
        """The FTS5 table and its triggers (migration logs 0013), from the template."""
        with contextlib.closing(sqlite3.connect(self.template)) as db, db:
            for trigger in ("insert", "delete", "update"):
                db.execute(f"DROP TRIGGER logs_logentry_fts_{trigger}")
            db.execute("DROP TABLE logs_logentry_fts")

    def rows(self, label: str, *tables: str) -> int:
        with contextlib.closing(sqlite3.connect(self.path(label))) as db:
            return sum(
                db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables
            )

    def drop(self, label: str) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path(label)}{suffix}").unlink(missing_ok=True)

    def install_insert_time_trigger(self) -> None:
        """On the template database, which the latency test's consumers write to."""
        with contextlib.closing(sqlite3.connect(self.template)) as db, db:
            db.executescript(
                """
                CREATE TABLE bench_insert_time (
                    stream_seq INTEGER PRIMARY KEY, inserted_at REAL NOT NULL
                );
                CREATE TRIGGER bench_insert_time AFTER INSERT ON logs_logentry BEGIN
                    INSERT OR REPLACE INTO bench_insert_time
                    VALUES (NEW.stream_seq, (julianday('now') - 2440587.5) * 86400.0);
                END;
                """
            )

    def latencies(self, first_seq: int) -> list[float]:
        """Insert time - send time of each stamped log from first_seq on, in seconds."""
        with contextlib.closing(sqlite3.connect(self.template)) as db:
            return [
                latency
                for (latency,) in db.execute(
                    "SELECT t.inserted_at - json_extract(e.context, '$.bench_sent_at') "
                    "FROM bench_insert_time t JOIN logs_logentry e USING (stream_seq) "
                    "WHERE t.stream_seq >= ? "
                    "AND json_extract(e.context, '$.bench_sent_at') IS NOT NULL",
                    (first_seq,),
                )
            ]


def postgres_prefix(url: str) -> str:
    """<dbname>_bench_<pid>: the start of every database name this bench run uses."""
    return f"{unquote(urlsplit(url).path.strip('/'))}_bench_{os.getpid()}"


class PostgreSQL:
    """The bench's databases on the server of --database: a migrated template, copied with
    CREATE DATABASE ... TEMPLATE for each drain. The database named in the URL is only
    connected to, to create and drop those; every one is dropped on exit, failure or Ctrl-C.
    """

    raw_table = "bench_raw_logentry"
    insert_clock = "PostgreSQL clock_timestamp(), 1 µs resolution"
    raw_text = (
        "   MSG.NEXT), orjson, psycopg COPY ... FROM STDIN into bench_raw_logentry,\n"
        "   made with CREATE TABLE ... (LIKE logs_logentry INCLUDING ALL) (the same columns\n"
        '   and indexes, no foreign key, same batch size), commit, then b"+ACK" per message.\n'
    )

    def __init__(self, url: str) -> None:
        self.url = url
        self.prefix = postgres_prefix(url)
        self.template = f"{self.prefix}_template"
        self.template_url = self.url_for(self.template)
        self.name = "PostgreSQL"
        self.synchronous_commit = ""
        # Recorded before CREATE DATABASE is sent, so an interrupted one is dropped too.
        self.created: list[str] = []

    def __enter__(self) -> PostgreSQL:
        with self.connect(self.url) as db:
            version = str(db.execute("SHOW server_version").fetchone()[0]).split()[0]
            self.synchronous_commit = str(db.execute("SHOW synchronous_commit").fetchone()[0])
            self.name = f"PostgreSQL {version} on {db.info.host}:{db.info.port}"
        return self

    def __exit__(self, *exc_info: object) -> None:
        import psycopg

        left = []
        for name in reversed(list(self.created)):
            try:
                self.drop_database(name)
            except psycopg.Error as error:
                print(f"  ! could not drop database {name}: {error}", file=sys.stderr)
                left.append(name)
        if left and exc_info[0] is None:
            raise RuntimeError(f"databases left on the server: {', '.join(left)}")

    def connect(self, url: str, *, autocommit: bool = False) -> psycopg.Connection[Any]:
        # Imported here: the raw pipeline's processes load this file, and psycopg's import
        # would count in their startup (and RSS) on SQLite too.
        import psycopg

        return psycopg.connect(url, autocommit=autocommit, connect_timeout=10)

    def admin(self) -> psycopg.Connection[Any]:
        # CREATE and DROP DATABASE cannot run in a transaction.
        return self.connect(self.url, autocommit=True)

    def url_for(self, name: str) -> str:
        return urlsplit(self.url)._replace(path=f"/{quote(name)}").geturl()

    def database(self, label: str) -> str:
        return f"{self.prefix}_{label.replace('-', '_')}"

    def settings_text(self) -> str:
        return f"synchronous_commit={self.synchronous_commit}"

    def create_database(self, name: str, template: str) -> None:
        self.created.append(name)
        with self.admin() as db:
            db.execute(with_names("CREATE DATABASE {} TEMPLATE {}", name, template))

    def drop_database(self, name: str) -> None:
        # FORCE ends connections still open (a consumer killed mid-drain). It cannot end an
        # autovacuum worker's (the server's own role): that one is waited out.
        import psycopg

        for attempt in range(30):
            try:
                with self.admin() as db:
                    db.execute(with_names("DROP DATABASE IF EXISTS {} WITH (FORCE)", name))
                break
            except psycopg.errors.InsufficientPrivilege:
                if attempt == 29:
                    raise
                time.sleep(1)
        self.created.remove(name)

    def create_template(self) -> None:
        """An empty database for migrate; template0, as nobody connects to it."""
        self.create_database(self.template, "template0")

    def copy(self, label: str) -> str:
        """A copy of the freshly migrated template, for one drain; its DATABASE_URL."""
        name = self.database(label)
        self.create_database(name, self.template)
        return self.url_for(name)

    def raw_copy(self, label: str) -> dict[str, str]:
        """A copy of the template with the raw pipeline's table: logs_logentry's columns and
        indexes (the unique stream position included), without its foreign key."""
        url = self.copy(label)
        with self.connect(url) as db:
            db.execute(
                with_names("CREATE TABLE {} (LIKE logs_logentry INCLUDING ALL)", self.raw_table)
            )
        return {"database_url": url}

    def rows(self, label: str, *tables: str) -> int:
        with self.connect(self.url_for(self.database(label))) as db:
            return sum(
                db.execute(with_names("SELECT count(*) FROM {}", table)).fetchone()[0]
                for table in tables
            )

    def drop(self, label: str) -> None:
        self.drop_database(self.database(label))

    def drop_search_index(self) -> None:
        """The GIN index of migration logs 0013, from the template (so from the raw
        pipeline's table too, which copies the template's indexes)."""
        with self.connect(self.template_url, autocommit=True) as db:
            db.execute("DROP INDEX logentry_message_fts")

    def install_insert_time_trigger(self) -> None:
        """On the template database, which the latency test's consumers write to. The row
        trigger fires right after each row's INSERT statement; clock_timestamp() is the time
        then, not the transaction's start."""
        with self.connect(self.template_url) as db:
            db.execute(
                """
                CREATE TABLE bench_insert_time (
                    stream_seq bigint PRIMARY KEY, inserted_at double precision NOT NULL
                );
                CREATE FUNCTION bench_insert_time() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO bench_insert_time
                    VALUES (NEW.stream_seq, extract(epoch FROM clock_timestamp())::float8)
                    ON CONFLICT (stream_seq) DO UPDATE SET inserted_at = excluded.inserted_at;
                    RETURN NULL;
                END
                $$;
                CREATE TRIGGER bench_insert_time AFTER INSERT ON logs_logentry
                    FOR EACH ROW EXECUTE FUNCTION bench_insert_time();
                """
            )

    def latencies(self, first_seq: int) -> list[float]:
        """Insert time - send time of each stamped log from first_seq on, in seconds."""
        with self.connect(self.template_url) as db:
            return [
                latency
                for (latency,) in db.execute(
                    "SELECT t.inserted_at - (e.context ->> 'bench_sent_at')::float8 "
                    "FROM bench_insert_time t JOIN logs_logentry e USING (stream_seq) "
                    "WHERE t.stream_seq >= %s AND e.context ->> 'bench_sent_at' IS NOT NULL",
                    (first_seq,),
                )
            ]


def with_names(query: str, *names: str) -> sql.Composed:
    """query with its {} replaced by names, quoted as identifiers."""
    from psycopg import sql

    return sql.SQL(query).format(*map(sql.Identifier, names))


Database = SQLite | PostgreSQL


# --- Figures ------------------------------------------------------------------------------

# What logs.consumer logs at INFO, every STATS_INTERVAL and as it stops; cumulative since the
# process started, so a process's last such line is its total.
BATCH_TIMES_LINE = re.compile(
    r"(\d+) batches, \d+ of them under the grouping lock; "
    r"(\d+\.\d+) s storing them, (\d+\.\d+) s of it under the grouping lock \([\d.]+ %\), "
    r"(\d+\.\d+) s counting on rows other batches share"
)


@dataclasses.dataclass
class BatchTimes:
    """The batches consume_logs processes stored, the seconds storing them, the part of
    those spent holding the grouping lock and the part from the first counter written to
    the commit (rows another batch counting on them waits for), summed over processes;
    missing names each process whose log has no such line, which makes the sum unknown."""

    batches: int = 0
    seconds: float = 0.0
    locked_seconds: float = 0.0
    counting_seconds: float = 0.0
    missing: list[str] = dataclasses.field(default_factory=list)

    def __add__(self, other: BatchTimes) -> BatchTimes:
        return BatchTimes(
            self.batches + other.batches,
            self.seconds + other.seconds,
            self.locked_seconds + other.locked_seconds,
            self.counting_seconds + other.counting_seconds,
            [*self.missing, *other.missing],
        )

    def lock_text(self) -> str:
        """The share of batch time under the grouping lock, or n/a and why."""
        if self.missing:
            return (
                f"n/a: no batch-time line in the log of {', '.join(self.missing)} "
                "(it stored no batch, or this logs/ does not log batch times)"
            )
        if not self.seconds:
            return (
                f"n/a: {self.batches:,} batches logged with 0.000 s storing them "
                "(this logs/ does not measure batch time)"
            )
        return (
            f"{100 * self.locked_seconds / self.seconds:.1f} % of batch time "
            f"({self.locked_seconds:.3f} s of {self.seconds:.3f} s storing "
            f"{self.batches:,} batches); counting on rows other batches share "
            f"{100 * self.counting_seconds / self.seconds:.1f} %"
        )


def batch_times(processes: list[Child]) -> BatchTimes:
    """The last batch-times line of each process's log, summed: run once they have stopped."""
    total = BatchTimes()
    for child in processes:
        lines = BATCH_TIMES_LINE.findall(child.log_text())
        if not lines:
            total.missing.append(child.name)
            continue
        batches, seconds, locked_seconds, counting_seconds = lines[-1]
        total += BatchTimes(
            int(batches), float(seconds), float(locked_seconds), float(counting_seconds)
        )
    return total


@dataclasses.dataclass
class Drain:
    messages: int
    seconds: float  # first process start to the last ack
    startup: float  # first process start to the first delivery
    peak_rss_mib: float  # the largest of the processes'
    exit_codes: list[int]
    # consume_logs only: the raw pipeline holds no lock of ours.
    batch_times: BatchTimes = dataclasses.field(default_factory=BatchTimes)

    @property
    def rate(self) -> float:
        return self.messages / self.seconds

    @property
    def rate_after_startup(self) -> float:
        return self.messages / (self.seconds - self.startup)

    def describe(self) -> str:
        return (
            f"{self.rate:>7,.0f} msgs/s ({self.rate_after_startup:,.0f} after its first "
            f"delivery at {self.startup:.2f}s), peak RSS {self.peak_rss_mib:.0f} MiB, "
            f"SIGTERM exit {', '.join(map(str, self.exit_codes))}"
        )


@dataclasses.dataclass
class Drains:
    """The rounds of drains with one consumer count, product and raw side by side."""

    consumers: int
    product: list[Drain]
    raw: list[Drain]

    def batch_times(self) -> BatchTimes:
        """Summed over the rounds."""
        return sum((drain.batch_times for drain in self.product), BatchTimes())


def median(drains: list[Drain]) -> Drain:
    return sorted(drains, key=lambda drain: drain.rate)[len(drains) // 2]


def ratios(product: list[Drain], raw: list[Drain]) -> list[float]:
    return [ours.rate / theirs.rate for ours, theirs in zip(product, raw, strict=True)]


@dataclasses.dataclass
class Latency:
    published: int
    publish_rate: float
    latencies: list[float]
    peak_rss_mib: float  # the largest of the consumers'
    exit_codes: list[int]

    def percentile(self, fraction: float) -> float:
        return percentile(self.latencies, fraction)


def consumers_text(count: int) -> str:
    return "1 consumer" if count == 1 else f"{count} consumers"


def counts_text(counts: list[int]) -> str:
    """1 consumer, 2 consumers, 1 and 2 consumers, 1, 2 and 4 consumers."""
    if len(counts) == 1:
        return consumers_text(counts[0])
    return f"{', '.join(map(str, counts[:-1]))} and {counts[-1]} consumers"


# --- The bench ----------------------------------------------------------------------------


class Bench:
    def __init__(
        self, args: argparse.Namespace, tmp: Path, children: Children, database: Database
    ) -> None:
        self.args = args
        self.tmp = tmp
        self.children = children
        self.database = database
        self.data_dir = tmp / "data"
        self.port = free_port()
        self.nats_url = f"nats://127.0.0.1:{self.port}"
        self.env = bench_env(
            data_dir=self.data_dir, database_url=database.template_url, NATS_URL=self.nats_url
        )
        if args.without_value_sketches:
            self.env["PATTERN_VALUE_SKETCHES"] = "false"

    def setup(self) -> None:
        """Compile the project's bytecode, start nats-server, migrate a fresh database, and
        load Django in this process."""
        compile_bytecode()
        django_setup(self.env)
        logging.getLogger("logs").setLevel(logging.WARNING)
        nats_server_start(self.children, self.tmp / "nats", self.port, self.env)

        self.database.create_template()
        migrate(self.env)
        if self.args.without_search_index:
            self.database.drop_search_index()
        if self.args.context_rules:
            subprocess.run(
                manage_argv("apply_config", self.args.context_rules),
                cwd=ROOT, env=self.env, check=True, capture_output=True, timeout=120,
            )  # fmt: skip

    async def run(self) -> None:
        from django.conf import settings

        from logs.consumer import consumer_config, ensure_stream_and_consumer, stream_config

        databases = (
            f"\n  bench databases {self.database.prefix}_*, dropped on exit"
            if isinstance(self.database, PostgreSQL)
            else ""
        )
        print(
            f"Gogent ingest bench: {self.database.name}, "
            f"{counts_text(self.args.consumers)}; {machine_text()}, "
            f"nats-server on {self.nats_url}\n"
            f"  INGEST_BATCH_SIZE={settings.INGEST_BATCH_SIZE}, "
            f"{self.database.settings_text()}, "
            f"NATS_MAX_ACK_PENDING={settings.NATS_MAX_ACK_PENDING}{databases}\n"
            f"  full-text index of messages: "
            f"{'dropped (--without-search-index)' if self.args.without_search_index else 'kept'}"
            f"; context rules: {self.args.context_rules or 'none'}; pattern value sketches: "
            f"{'off (--without-value-sketches)' if self.args.without_value_sketches else 'on'}",
            flush=True,
        )
        client = await nats.connect(
            self.nats_url, name="gogent-bench", allow_reconnect=False, connect_timeout=5
        )
        try:
            await ensure_stream_and_consumer(client)
            js = client.jetstream()
            await js.add_stream(
                dataclasses.replace(stream_config(), name=RAW_STREAM, subjects=[RAW_SUBJECT])
            )
            await js.add_consumer(
                RAW_STREAM, dataclasses.replace(consumer_config(), durable_name=RAW_STREAM)
            )
            runs = await self.measure_drains(client)
            latency = await self.measure_latency(client, self.args.consumers[0])
        finally:
            await client.close()
        print_summary(
            runs,
            latency,
            latency_consumers=self.args.consumers[0],
            measured=f"{self.database.name}, {counts_text(self.args.consumers)}",
        )

    # --- 1 and 2: backlog drains, product and raw ------------------------------------------

    async def measure_drains(self, client: Client) -> list[Drains]:
        from django.conf import settings

        n, counts = self.args.messages, self.args.consumers
        count_name = str(counts[0]) if len(counts) == 1 else "N"
        several = (
            f"   With {count_name} consumers: {count_name} consume_logs processes start at once "
            "on the one durable\n"
            f"   consumer ({settings.NATS_CONSUMER}), timed from the first start; the raw "
            "pipeline runs\n"
            f"   as {count_name} processes on its own durable likewise. Peak RSS is the largest "
            "of the\n"
            "   processes'.\n"
            if max(counts) > 1
            else ""
        )
        in_turn = (
            f"   The drains run with {counts_text(counts)} in turn, on the same nats-server.\n"
            if len(counts) > 1
            else ""
        )
        print(
            f"\n1. Drain: {n:,} messages published first (a backlog), then the consumer process\n"
            "   started; timed from its start until JetStream has every message acked\n"
            "   (ack floor at the last sequence, nothing pending); the project's bytecode is\n"
            "   compiled first, as a service's second start finds it. Once it is stopped\n"
            "   (SIGTERM), each consume_logs process's last batch-times line (logs.consumer,\n"
            "   INFO) gives the share of its batch time spent holding the grouping lock.\n"
            "2. Raw pipeline: the same drain with no Django: a hand-written pull (inbox +\n"
            f"{self.database.raw_text}"
            f"{several}"
            f"{in_turn}"
            "   Rounds alternate the two, so drift hits both alike; every drain writes into a\n"
            "   fresh database, and the streams are purged after each.",
            flush=True,
        )
        return [await self.measure_drains_with(client, count) for count in counts]

    async def measure_drains_with(self, client: Client, count: int) -> Drains:
        """The rounds of product and raw drains with count processes each."""
        from django.conf import settings

        n, rounds = self.args.messages, self.args.rounds
        print(f"   With {consumers_text(count)}:", flush=True)
        product: list[Drain] = []
        raw: list[Drain] = []
        stored = {"consume_logs": 0, "raw": 0}
        for round_number in range(1, rounds + 1):
            label = f"drain-{round_number}"
            database_url = self.database.copy(label)
            product.append(
                await self.drain(
                    client,
                    f"consume_logs-{count}c-{round_number}",
                    manage_argv("consume_logs"),
                    count=count,
                    # Batch times are logged at INFO, whatever the caller's LOG_LEVEL.
                    env={**self.env, "DATABASE_URL": database_url, "LOG_LEVEL": "INFO"},
                    subject=settings.NATS_SUBJECT,
                    stream=settings.NATS_STREAM,
                    durable=settings.NATS_CONSUMER,
                    seed=round_number,
                    logs_batch_times=True,
                )
            )
            stored["consume_logs"] += self.database.rows(
                label, "logs_logentry", "logs_rejectedmessage"
            )
            self.database.drop(label)

            raw_label = f"raw-{round_number}"
            config = {
                **self.database.raw_copy(raw_label),
                "table": self.database.raw_table,
                "nats_url": self.nats_url,
                "stream": RAW_STREAM,
                "durable": RAW_STREAM,
                "batch_size": settings.INGEST_BATCH_SIZE,
            }
            raw.append(
                await self.drain(
                    client,
                    f"raw-pipeline-{count}c-{round_number}",
                    [
                        PYTHON,
                        str(Path(__file__).resolve()),
                        "--raw-worker",
                        orjson.dumps(config).decode(),
                    ],
                    count=count,
                    env=self.env,
                    subject=RAW_SUBJECT,
                    stream=RAW_STREAM,
                    durable=RAW_STREAM,
                    seed=round_number,
                )
            )
            stored["raw"] += self.database.rows(raw_label, self.database.raw_table)
            self.database.drop(raw_label)
            print(
                f"   round {round_number}  consume_logs {product[-1].describe()}\n"
                "            under the grouping lock: "
                f"{product[-1].batch_times.lock_text()}\n"
                f"            raw pipeline {raw[-1].describe()}\n"
                f"            product / raw {product[-1].rate / raw[-1].rate:.0%}",
                flush=True,
            )
        print(
            f"   rows stored (log entries + quarantined): consume_logs {stored['consume_logs']:,},"
            f" raw {stored['raw']:,}, of {n * rounds:,} published to each",
            flush=True,
        )
        return Drains(count, product, raw)

    def start(self, name: str, argv: list[str], *, count: int, env: dict[str, str]) -> list[Child]:
        """count processes of argv, named name (one) or name.1, name.2, ..."""
        return [
            self.children.start(name if count == 1 else f"{name}.{i}", argv, env=env)
            for i in range(1, count + 1)
        ]

    async def drain(
        self,
        client: Client,
        name: str,
        argv: list[str],
        *,
        count: int,
        env: dict[str, str],
        subject: str,
        stream: str,
        durable: str,
        seed: int,
        logs_batch_times: bool = False,
    ) -> Drain:
        """Publish a backlog, then time the count consumer processes from their start to the
        last ack; with logs_batch_times (consume_logs), read their batch times once stopped."""
        from logs.publisher import publish_payloads
        from logs.sources import generated_logs

        js = client.jetstream()
        n = self.args.messages
        stats = await publish_payloads(client, generated_logs(seed=seed), subject=subject, count=n)
        if stats.failed or stats.published != n:
            raise RuntimeError(
                f"backlog: {stats.published:,} of {n:,} published; {stats.first_error}"
            )
        last_seq = (await js.stream_info(stream)).state.last_seq
        delivered_before = (await js.consumer_info(stream, durable)).delivered.stream_seq
        started = time.monotonic()
        processes = self.start(name, argv, count=count, env=env)
        first_delivery = await self.wait_drained(
            js,
            processes,
            stream,
            durable,
            last_seq,
            timeout=max(120, n / 1000),
            delivered_before=delivered_before,
        )
        seconds = time.monotonic() - started
        rss = max(peak_rss_mib(child.process.pid) for child in processes)
        exit_codes = [self.children.stop(child) for child in processes]
        await js.purge_stream(stream)
        drain = Drain(n, seconds, (first_delivery or started) - started, rss, exit_codes)
        if logs_batch_times:
            drain.batch_times = batch_times(processes)
        return drain

    # --- 3. Latency ----------------------------------------------------------------------------

    async def measure_latency(self, client: Client, count: int) -> Latency:
        from django.conf import settings

        from logs.publisher import publish_payloads
        from logs.sources import generated_logs

        rate, seconds = self.args.rate, self.args.latency_seconds
        several = (
            f"   With {count} consumers: {count} consume_logs processes run, as in the drains.\n"
            if count > 1
            else ""
        )
        if len(self.args.consumers) > 1:
            several += f"   Only with the first count of --consumers: {consumers_text(count)}.\n"
        print(
            f"\n3. Latency: {rate:,} msgs/s for {seconds}s into a running consume_logs.\n"
            "   Each payload carries its send time (context.bench_sent_at = time.time() as the\n"
            "   publisher takes it, which is up to one 1/rate slot before it sends it). An AFTER\n"
            "   INSERT trigger, added to the bench database only, records each row's insert\n"
            f"   time ({self.database.insert_clock}) in a side table.\n"
            "   Latency = insert time - send time; the row's batch commits a few ms after the\n"
            "   insert, and its messages are acked right after the commit.\n"
            f"{several}",
            end="",
            flush=True,
        )
        self.database.install_insert_time_trigger()
        js = client.jetstream()
        stream, durable = settings.NATS_STREAM, settings.NATS_CONSUMER
        first_seq = (await js.stream_info(stream)).state.last_seq + 1
        consumers = self.start(
            "consume_logs-latency", manage_argv("consume_logs"), count=count, env=self.env
        )
        await self.wait_pulling(js, consumers, stream, durable)
        stats = await publish_payloads(
            client,
            stamped(generated_logs(seed=0)),
            subject=settings.NATS_SUBJECT,
            rate=rate,
            count=rate * seconds,
        )
        last_seq = (await js.stream_info(stream)).state.last_seq
        await self.wait_drained(js, consumers, stream, durable, last_seq, timeout=60)
        rss = max(peak_rss_mib(child.process.pid) for child in consumers)
        exit_codes = [self.children.stop(child) for child in consumers]
        latencies = self.database.latencies(first_seq)
        if not latencies:
            raise RuntimeError("no latency samples: the trigger recorded no insert")
        latency = Latency(stats.published, stats.rate, latencies, rss, exit_codes)
        print(
            f"   published {stats.published:,} at {stats.rate:,.0f} msgs/s "
            f"({stats.failed} failed); {len(latencies):,} samples\n"
            f"   p50 {ms(latency.percentile(0.50))}, p99 {ms(latency.percentile(0.99))}, "
            f"max {ms(max(latencies))}\n"
            f"   consumer peak RSS {rss:.0f} MiB, "
            f"SIGTERM exit {', '.join(map(str, exit_codes))}",
            flush=True,
        )
        return latency

    # --- Waiting -------------------------------------------------------------------------------

    async def wait_drained(
        self,
        js: JetStreamContext,
        processes: list[Child],
        stream: str,
        durable: str,
        last_seq: int,
        *,
        timeout: float,
        delivered_before: int = 0,
    ) -> float | None:
        """Wait until everything up to last_seq is acked; return when delivery first moved."""
        deadline = time.monotonic() + timeout
        first_delivery = None
        acked_at_first_delivery = 0
        while True:
            self.children.check_alive(*processes)
            info = await js.consumer_info(stream, durable)
            now = time.monotonic()
            acked = info.ack_floor.stream_seq
            if first_delivery is None and info.delivered.stream_seq > delivered_before:
                first_delivery, acked_at_first_delivery = now, acked
            if acked >= last_seq and info.num_ack_pending == 0 and info.num_pending == 0:
                return first_delivery
            if now > deadline:
                raise TimeoutError(
                    f"{processes[0].name}: not drained in {timeout:.0f}s (acked up to "
                    f"{acked:,} of {last_seq:,})"
                )
            # A poll costs this process and the server CPU that the consumer could use
            # (all may share one core): poll rarely mid-drain and often near its end.
            delay = POLL_INTERVAL
            if first_delivery is not None and acked > acked_at_first_delivery:
                rate = (acked - acked_at_first_delivery) / (now - first_delivery)
                delay = min(max((last_seq - acked) / rate / 2, MIN_POLL), MAX_POLL)
            await asyncio.sleep(delay)

    async def wait_pulling(
        self, js: JetStreamContext, processes: list[Child], stream: str, durable: str
    ) -> None:
        """Until the server holds as many pull requests as there are consumers: an idle
        consume_logs keeps one open."""
        deadline = time.monotonic() + READY_TIMEOUT
        while (await js.consumer_info(stream, durable)).num_waiting < len(processes):
            self.children.check_alive(*processes)
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"{processes[0].name}: no pull request from each in {READY_TIMEOUT:.0f}s"
                )
            await asyncio.sleep(POLL_INTERVAL)


def stamped(payloads: Iterable[bytes]) -> Iterator[bytes]:
    """Each payload with context.bench_sent_at = time.time() when the publisher takes it."""
    for payload in payloads:
        log = orjson.loads(payload)
        log["context"] = {**(log.get("context") or {}), "bench_sent_at": time.time()}
        yield orjson.dumps(log)


def print_summary(
    runs: list[Drains], latency: Latency, *, latency_consumers: int, measured: str
) -> None:
    several = len(runs) > 1
    rows = []
    for run in runs:
        count = f", {consumers_text(run.consumers)}" if several else ""
        drain = median(run.product)
        # Per round, so each product drain is compared with the raw one next to it in time.
        ratio = statistics.median(ratios(run.product, run.raw))
        rows += [
            (
                f"drain rate{count} (median of {len(run.product)})",
                f"{drain.rate:,.0f} msgs/s",
                f">= {TARGET_DRAIN_RATE:,}",
                drain.rate >= TARGET_DRAIN_RATE,
            ),
            (
                f"product / raw pipeline{count} (median)",
                f"{ratio:.0%}",
                f">= {TARGET_RAW_RATIO:.0%}",
                ratio >= TARGET_RAW_RATIO,
            ),
        ]
    rss = max(drain.peak_rss_mib for run in runs for drain in [*run.product, latency])
    p99 = latency.percentile(0.99)
    rows += [
        (
            f"p99 latency at {latency.publish_rate:,.0f} msgs/s"
            + (f", {consumers_text(latency_consumers)}" if several else ""),
            ms(p99),
            f"< {ms(TARGET_P99)}",
            p99 < TARGET_P99,
        ),
        (
            "peak RSS per consumer (max)",
            f"{rss:.0f} MiB",
            f"< {TARGET_RSS_MIB} MiB",
            rss < TARGET_RSS_MIB,
        ),
    ]
    width = max(36, *(len(name) for name, *_ in rows))
    print(f"\nSummary: {measured}")
    print(f"  {'':<{width}} {'measured':<22} target (set for SQLite, 1 consumer)")
    targets_print(rows, widths=(width, 22, 12))
    for run in runs:
        drain, raw_drain = median(run.product), median(run.raw)
        run_ratios = ratios(run.product, run.raw)
        print(
            f"  {consumers_text(run.consumers)}: drain {drain.rate:,.0f} msgs/s, raw "
            f"{raw_drain.rate:,.0f} msgs/s, product / raw {statistics.median(run_ratios):.0%} "
            f"(medians of {len(run.product)})\n"
            f"    under the grouping lock: {run.batch_times().lock_text()}\n"
            f"    rounds: drain {', '.join(f'{d.rate:,.0f}' for d in run.product)} msgs/s; raw "
            f"{', '.join(f'{d.rate:,.0f}' for d in run.raw)} msgs/s; product / raw "
            f"{', '.join(f'{r:.0%}' for r in run_ratios)}\n"
            f"    after startup (medians): drain {drain.rate_after_startup:,.0f} msgs/s, raw "
            f"{raw_drain.rate_after_startup:,.0f} msgs/s",
            flush=True,
        )
    print(
        f"  latency ({consumers_text(latency_consumers)}): p50 {ms(latency.percentile(0.5))}, "
        f"max {ms(max(latency.latencies))}",
        flush=True,
    )


# --- The raw pipeline (runs in its own processes) ------------------------------------------

# The product's severity scale by name; the raw pipeline does no other validation.
SEVERITIES = {
    "debug": 10, "info": 20, "notice": 25, "warn": 30, "warning": 30, "err": 40, "error": 40,
    "crit": 50, "critical": 50, "fatal": 50, "alert": 60, "emerg": 70, "emergency": 70,
}  # fmt: skip
RAW_COLUMNS = (
    "timestamp, hostname, severity, service, message, context, received_at, subject, stream_seq"
)

Writer = Callable[[list[tuple[Any, ...]]], None]


def sqlite_writer(
    *, db_path: str, synchronous: str, table: str
) -> tuple[Writer, Callable[[], None]]:
    # Several raw processes (--consumers) take turns at the write lock, as consumers do.
    db = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False, timeout=30)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"PRAGMA synchronous={synchronous}")
    values = ", ".join(["?"] * len(RAW_COLUMNS.split(", ")))
    insert = (
        f"INSERT INTO {table} ({RAW_COLUMNS}) VALUES ({values}) "
        "ON CONFLICT (stream_epoch, stream_seq) DO NOTHING"
    )

    def write(rows: list[tuple[Any, ...]]) -> None:
        db.execute("BEGIN IMMEDIATE")
        db.executemany(insert, rows)
        db.execute("COMMIT")

    return write, db.close


def postgres_writer(*, database_url: str, table: str) -> tuple[Writer, Callable[[], None]]:
    import psycopg

    # COPY, PostgreSQL's fastest way in: text rows the server parses (timestamps, jsonb)
    # itself. A ceiling: no ON CONFLICT, as each raw drain starts from an empty table.
    db = psycopg.connect(database_url)
    copy = f"COPY {table} ({RAW_COLUMNS}) FROM STDIN"

    def write(rows: list[tuple[Any, ...]]) -> None:
        with db.cursor() as cursor, cursor.copy(copy) as copying:
            for row in rows:
                copying.write_row(row)
        db.commit()

    return write, db.close


async def raw_pipeline(
    *,
    nats_url: str,
    stream: str,
    durable: str,
    batch_size: int,
    table: str,
    db_path: str = "",
    synchronous: str = "",
    database_url: str = "",
) -> None:
    """The plainest fast pull-parse-insert-commit-ack loop: what the product is measured against.

    Like the product, it keeps two batches requested, so the server streams the next batch
    while a thread writes this one, and it lingers briefly for a full batch.
    """
    write, close = (
        postgres_writer(database_url=database_url, table=table)
        if database_url
        else sqlite_writer(db_path=db_path, synchronous=synchronous, table=table)
    )
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    received: list[Msg] = []
    full = asyncio.Event()
    requested = 0

    async def on_message(msg: Msg) -> None:
        nonlocal requested
        if msg.reply:
            received.append(msg)
            requested -= 1
            if len(received) >= batch_size:
                full.set()
        elif msg.headers and msg.headers.get("Status") in {"404", "408", "409"}:
            # The pull request ended; the server says how much of it went unfilled.
            requested -= int(msg.headers.get("Nats-Pending-Messages", requested) or 0)

    client = await nats.connect(nats_url, name="gogent-bench-raw")
    inbox = client.new_inbox()
    await client.subscribe(inbox, cb=on_message)
    pull_subject = f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{durable}"
    writer = ThreadPoolExecutor(max_workers=1)
    while not stopping.is_set():
        if requested < batch_size:
            wanted = 2 * batch_size - requested
            request = orjson.dumps({"batch": wanted, "expires": 1_000_000_000})
            await client.publish(pull_subject, request, reply=inbox)
            requested += wanted
        if len(received) < batch_size:
            full.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(full.wait(), RAW_LINGER)
        batch = received[:batch_size]
        del received[:batch_size]
        if not batch:
            continue
        received_at = time.strftime("%Y-%m-%d %H:%M:%S")
        rows = []
        for msg in batch:
            log = orjson.loads(msg.data)
            severity = log.get("severity", "info")
            rows.append(
                (
                    log.get("timestamp") or received_at,
                    log.get("hostname", ""),
                    SEVERITIES.get(str(severity).lower(), 20),
                    log.get("service", ""),
                    log.get("message", ""),
                    orjson.dumps(log.get("context") or {}).decode(),
                    received_at,
                    msg.subject,
                    int(msg.reply.split(".", 7)[5]),  # the stream sequence
                )
            )
        await loop.run_in_executor(writer, write, rows)
        for msg in batch:
            await client.publish(msg.reply, b"+ACK")
    await client.drain()
    writer.shutdown()
    close()


if __name__ == "__main__":
    sys.exit(main())
