"""UI benchmark: server-side render time of every console page over a large SQLite database.

    .venv/bin/python bench/ui.py [--logs 1000000] [--patterns 10000] [--repeat 30]
                                 [--keep] [--reuse DIR] [--explain] [--no-analyze]

Everything is private and temporary: a SQLite database in a temp data dir, migrated, then
seeded with raw executemany (patterns with Zipf-like counts, their logs over the last 7 days,
factory hosts' logs placed on the shop floor (site, area, line, cell, asset) as context rules
would, the hourly / host / service / severity / place rollups and per-minute volume computed
from those logs, quarantined messages, analyses), then alarm health's rollups counted from
the stored logs by the product's own rebuild (logs.alarms.rollup.alarms_rebuild). Pages are
rendered in this process through Django's test Client, logged in as a user of the "admin"
role, with DEBUG off and the database connection closed after each request (CONN_MAX_AGE is
0 for SQLite, so production opens one per request too). Figures are printed, never asserted:
a page whose p95 is at or above the target is marked MISSED.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import math
import os
import random
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on sys.path, and bench/analysis.py would shadow the
# analysis app.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench")]

from bench.harness import (  # noqa: E402
    argument_parser,
    bench_env,
    django_setup,
    percentile_nearest_rank,
    require_at_least_one,
    temp_dir,
    timed,
    unwind_on_sigterm,
)

TARGET_P95 = 0.150
SEED = 20261122
RETENTION = timedelta(days=7)  # the logs' time span
PATTERN_AGE = timedelta(days=30)  # how far back patterns were first seen
CHUNK = 50_000
VARIANTS = 16  # pre-rendered messages per pattern
COMMON_WORD = "timeout"
RARE_WORD = "quench"
PHRASE = '"read timeout"'
REJECTED = 5_000
ANALYSES = 10_000
USERNAME = "bench-admin"
META_FILE = "bench-ui.json"

SEVERITY_LABELS = {
    10: "DEBUG", 20: "INFO", 25: "NOTICE", 30: "WARNING", 40: "ERROR", 50: "CRITICAL",
    60: "ALERT", 70: "EMERGENCY",
}  # fmt: skip
# The biggest patterns are mostly the chatty ones (heartbeats, cycles, requests served): the
# top ranks draw a low-severity template (NOTICE or below) this often.
CHATTY_RANKS = 1000
CHATTY_SHARE = 0.9

FACTORY_HOSTS = (
    [f"plc-l{line:02d}-{n:02d}" for line in range(1, 9) for n in range(1, 11)]
    + [f"hmi-l{line:02d}-{n}" for line in range(1, 9) for n in range(1, 4)]
    + [f"scada-{n:02d}" for n in range(1, 7)]
    + [f"edge-gw-{n:02d}" for n in range(1, 21)]
)
# Factory hosts' places, as context rules on host names would give them: plc-l03-07 is
# cell 07 of line 3 (lines 1-4 in plant-a, 5-8 in plant-b); gateways and SCADA are plant-a's.
PLANT_KEYS = ("site", "area", "line", "cell", "asset")


def host_place(host: str) -> tuple[str, str, str, str, str] | None:
    parts = host.split("-")
    if parts[0] in ("plc", "hmi"):
        line = int(parts[1][1:])
        site = "plant-a" if line <= 4 else "plant-b"
        return (site, "assembly", str(line), parts[2] if parts[0] == "plc" else "", host)
    if parts[0] in ("scada", "edge"):
        return ("plant-a", "control" if parts[0] == "scada" else "utilities", "", "", host)
    return None


IT_HOSTS = (
    [f"web-{n:02d}" for n in range(1, 21)]
    + [f"app-{n:02d}" for n in range(1, 21)]
    + [f"db-{n:02d}" for n in range(1, 7)]
    + [f"k8s-node-{n:02d}" for n in range(1, 25)]
)
FACTORY_SERVICES = [
    "plc-gateway", "opcua-collector", "modbus-poller", "mes-api", "scada-historian", "hmi",
    "robot-controller", "vision-inspection", "conveyor-control", "batch-manager", "quality-db",
    "mqtt-broker",
]  # fmt: skip
IT_SERVICES = [
    "nginx", "auth-service", "order-api", "inventory-api", "payment-worker", "postgres",
    "redis", "kafka-broker", "kubelet", "sshd", "cron", "systemd", "backup-agent",
    "prometheus", "grafana", "celery-worker", "print-spooler", "ldap",
]  # fmt: skip
# (base severity, template); {unit} is a constant part, <*> a variable one, as the miner has it.
FACTORY_TEMPLATES = [
    (20, "{unit} cycle completed in <*> ms, part <*> OK"),
    (10, "{unit} heartbeat seq=<*> state=RUNNING"),
    (30, "{unit} spindle temperature <*> C above warning limit <*> C"),
    (40, "{unit} Modbus read timeout from unit <*> register <*>"),
    (30, "{unit} OPC UA read timeout on node ns=<*>;s=<*>"),
    (40, "{unit} PLC fault code <*>: axis <*> following error"),
    (20, "{unit} recipe <*> loaded by operator <*>"),
    (30, "{unit} vision inspection rejected part <*>: <*> defects"),
    (40, "{unit} conveyor motor overcurrent <*> A, drive tripped"),
    (50, "{unit} emergency stop triggered by <*>"),
    (25, "{unit} tool change requested, tool <*> wear <*>%"),
    (30, "{unit} pneumatic pressure low: <*> bar"),
    (20, "{unit} batch <*> started, target quantity <*>"),
    (40, "{unit} OPC UA session closed: BadSecureChannelClosed after <*> s"),
    (30, "{unit} MQTT publish to plant/<*>/telemetry timeout after <*> ms"),
    (20, "{unit} shift counter reset: good=<*> scrap=<*>"),
    (40, "{unit} robot <*> collision detected at position <*>"),
    (30, "{unit} scale reading unstable: <*> kg deviation"),
    (10, "{unit} I/O scan took <*> us"),
    (60, "{unit} coolant level critical: <*>%"),
]
IT_TEMPLATES = [
    (20, "{unit} GET /api/v1/<*> 200 in <*> ms"),
    (30, "{unit} slow query took <*> ms on table <*>"),
    (40, "{unit} connection to <*>:<*> timeout after <*> ms"),
    (40, "{unit} upstream timeout while reading response header from upstream, client: <*>"),
    (20, "{unit} user <*> logged in from <*>"),
    (30, "{unit} failed password for user <*> from <*> port <*>"),
    (40, "{unit} Lock wait timeout exceeded; try restarting transaction (txn <*>)"),
    (50, "{unit} disk /var/lib/<*> usage <*>% on volume <*>"),
    (40, "{unit} OOMKilled container <*> restarted <*> times"),
    (20, "{unit} job <*> finished in <*> s"),
    (10, "{unit} cache hit ratio <*>% over <*> requests"),
    (30, "{unit} certificate for <*> expires in <*> days"),
    (40, "{unit} HTTP 503 from <*> after <*> retries"),
    (25, "{unit} config reloaded, <*> keys changed"),
    (30, "{unit} consumer lag on partition <*> is <*> messages"),
    (20, "{unit} backup <*> completed, <*> MB written"),
    (40, "{unit} payment provider returned error <*> for order <*>"),
    (70, "{unit} kernel: Out of memory: Killed process <*> (<*>)"),
    (30, "{unit} request queue depth <*> exceeds <*>"),
    (20, "{unit} pod <*> scheduled on node <*>"),
]
FACTORY_UNITS = [f"L{line}-S{station:02d}" for line in range(1, 11) for station in range(1, 41)]
IT_UNITS = [
    f"[{service}/{part}]"
    for service in IT_SERVICES
    for part in ("main", "worker", "scheduler", "api", "sync", "reaper", "health", "export",
                 "import", "audit", "billing")
]  # fmt: skip
RARE_TEMPLATE = (30, "L4-S12 induction hardening " + RARE_WORD + " flow <*> l/min below <*> l/min")

REJECTION_WEIGHTS = {
    "not_json": 30, "missing_message": 20, "invalid_severity": 15, "invalid_timestamp": 15,
    "not_utf8": 8, "invalid_hostname": 5, "invalid_context": 4, "too_large": 2,
    "nul_character": 1,
}  # fmt: skip


def main() -> int:
    args = parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    unwind_on_sigterm()
    with bench_dir(args) as root:
        data_dir = data_dir_in(Path(root))
        configure_django(data_dir)
        if args.reuse:
            reuse(data_dir)
        else:
            seed(args, data_dir)
        planner_statistics(analyze=not args.no_analyze)
        try:
            measure(args)
        finally:
            if args.keep:
                print(f"\nKept {root}: rerun with --reuse {root} to skip seeding.")
    return 0


def parse_args() -> argparse.Namespace:
    parser = argument_parser(__doc__)
    parser.add_argument("--logs", type=int, default=1_000_000, help="log entries to seed")
    parser.add_argument("--patterns", type=int, default=10_000, help="patterns to seed")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (database)")
    parser.add_argument(
        "--reuse", metavar="DIR", help="a dir kept by --keep: skip seeding, migrate if needed"
    )
    parser.add_argument(
        "--explain", action="store_true", help="print each page's 3 slowest queries and plans"
    )
    parser.add_argument(
        "--no-analyze",
        action="store_true",
        help="no ANALYZE statistics for the query planner (Gogent itself never runs ANALYZE)",
    )
    args = parser.parse_args()
    require_at_least_one(parser, args.logs, args.patterns, args.repeat)
    if args.logs < args.patterns:
        parser.error("--logs must be at least --patterns (every pattern has a log)")
    if args.reuse and not Path(args.reuse).is_dir():
        parser.error(f"--reuse {args.reuse}: no such directory")
    return args


def bench_dir(args: argparse.Namespace) -> contextlib.AbstractContextManager[str]:
    if args.reuse:
        return contextlib.nullcontext(str(Path(args.reuse).resolve()))
    return temp_dir(keep=args.keep, prefix="gogent-bench-ui-")


def data_dir_in(root: Path) -> Path:
    """The data dir of a bench dir; --reuse also takes the data dir itself."""
    return root if (root / "gogent.db").exists() else root / "data"


def configure_django(data_dir: Path) -> None:
    """The bench's own database and data dir, DEBUG off; before django.setup()."""
    hosts = [h for h in os.environ.get("ALLOWED_HOSTS", "localhost").split(",") if h.strip()]
    django_setup(
        bench_env(
            data_dir=data_dir,
            database_url=f"sqlite:///{data_dir / 'gogent.db'}",
            DEBUG="false",
            ALLOWED_HOSTS=",".join([*hosts, "testserver"]),
        )
    )


# --- Seeding ------------------------------------------------------------------------------


@dataclasses.dataclass
class PatternPlan:
    key: str
    template: str
    severity: int
    count: int
    start: float  # epoch seconds: the pattern's logs fall in [start, end]
    end: float
    hosts: list[str]
    services: list[str]
    messages: list[str]
    contexts: list[str]
    factory: bool
    # Filled in from the logs as they are generated.
    first: str = ""
    last: str = ""
    max_severity: int = 0


def seed(args: argparse.Namespace, data_dir: Path) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    rng = random.Random(SEED)
    now = time.time()
    started = time.perf_counter()
    print(f"Seeding {args.logs:,} logs and {args.patterns:,} patterns into {data_dir} ...")
    steps: dict[str, float] = {}
    with timed(steps, "migrate + collectstatic"):
        call_command("migrate", verbosity=0, interactive=False)
        call_command("collectstatic", verbosity=0, interactive=False)

    with connection.cursor() as cursor:
        # A throwaway database: no fsync, foreign keys checked once at the end instead of
        # per row, a big cache for building the indexes.
        for pragma in ("synchronous=OFF", "foreign_keys=OFF", "cache_size=-1000000",
                       "temp_store=MEMORY"):  # fmt: skip
            cursor.execute(f"PRAGMA {pragma}")

    with timed(steps, "plan patterns"):
        plans = plan_patterns(args.patterns, args.logs, now, rng)

    with timed(steps, "insert logs (indexes dropped)"):
        index_sql = drop_indexes("logs_logentry")
        with transaction.atomic(), connection.cursor() as cursor:
            places = insert_places(cursor)
            stats, volume = insert_logs(cursor, plans, places, now, rng)
    with timed(steps, f"create {len(index_sql)} log indexes"), connection.cursor() as cursor:
        for sql in index_sql:
            cursor.execute(sql)
    with timed(steps, "build the full-text index"), connection.cursor() as cursor:
        cursor.execute("INSERT INTO logs_logentry_fts (logs_logentry_fts) VALUES ('rebuild')")

    with (
        timed(steps, "patterns, rollups, quarantine, analyses"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        analyses, explanations = plan_analyses(plans, now, rng)
        insert_patterns(cursor, plans, explanations, now, rng)
        insert_stats(cursor, stats)
        insert_volume(cursor, volume)
        insert_rejected(cursor, args.logs, now, rng)
        insert_analyses(cursor, analyses)

    with timed(steps, "alarm-health rollups (manage.py rebuild_alarm_health)"):
        from logs.alarms.rollup import alarms_rebuild

        alarms = alarms_rebuild()
    steps_note = f"{alarms.logs:,} alarms counted"

    with timed(steps, "foreign key check"), connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_key_check")
        broken = cursor.fetchall()
        if broken:
            raise RuntimeError(f"seeded rows break foreign keys: {broken[:5]}")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()

    total = time.perf_counter() - started
    (data_dir / META_FILE).write_bytes(
        orjson.dumps({"seeded_at": now, "logs": args.logs, "patterns": args.patterns})
    )
    for name, seconds in steps.items():
        print(f"  {name:<54} {seconds:6.1f} s")
    print(f"  ({steps_note})")
    print(f"  {'total':<54} {total:6.1f} s; database {database_mib(data_dir):,.0f} MiB")
    by_severity: Counter[int] = Counter()
    for (_, severity), count in volume.items():
        by_severity[severity] += count
    shares = (
        f"{SEVERITY_LABELS[sev]} {by_severity[sev] / args.logs:.1%}" for sev in SEVERITY_LABELS
    )
    print(f"  logs by severity: {', '.join(shares)}")


def reuse(data_dir: Path) -> None:
    """A seeded data dir: apply migrations added since (an index being tried)."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    meta_path = data_dir / META_FILE
    if not meta_path.exists():
        raise SystemExit(f"--reuse: {meta_path} not found; not a dir kept by --keep")
    meta = orjson.loads(meta_path.read_bytes())
    age = timedelta(seconds=round(time.time() - meta["seeded_at"]))
    print(
        f"Reusing {data_dir}: {meta['logs']:,} logs and {meta['patterns']:,} patterns, seeded "
        f"{age} ago (times are relative to then: the 3-hour volume chart and 'last 24h' "
        "filters see less as the data ages)."
    )
    # Static files added since are in no manifest yet; collecting again copies only those.
    call_command("collectstatic", verbosity=0, interactive=False)
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        with connection.cursor() as cursor:
            # Statistics from before the migration would not cover its indexes.
            cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        print(
            f"  applied {', '.join(f'{m.app_label}.{m.name}' for m, _ in plan)} "
            f"in {time.perf_counter() - started:.1f} s"
        )
    connection.close()


def planner_statistics(*, analyze: bool) -> None:
    """ANALYZE (once per database), or no statistics at all, as --no-analyze asks.

    SQLite plans from sqlite_stat1 when it exists and from fixed guesses otherwise, so the
    two can choose different indexes; Gogent never runs ANALYZE, so production has none.
    """
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        (present,) = cursor.fetchone()
        if analyze and not present:
            cursor.execute("ANALYZE")
        elif not analyze and present:
            cursor.execute("DROP TABLE sqlite_stat1")
    connection.close()
    if analyze:
        done = "ran ANALYZE" if not present else "ANALYZE statistics from an earlier run"
    else:
        done = "none (dropped)" if present else "none"
    print(f"Query planner statistics: {done} ({time.perf_counter() - started:.1f} s).")


def database_mib(data_dir: Path) -> float:
    files = [data_dir / f"gogent.db{suffix}" for suffix in ("", "-wal", "-shm")]
    return sum(path.stat().st_size for path in files if path.exists()) / 2**20


def drop_indexes(table: str) -> list[str]:
    """Drop a table's indexes (bar the unique ones SQLite made) and triggers (the full-text
    index's), returning how to recreate them: building an index over a million rows once is
    much faster than updating it per row."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
            "AND tbl_name = %s AND sql IS NOT NULL",
            [table],
        )
        indexes = cursor.fetchall()
        for kind, name, _ in indexes:
            cursor.execute(f'DROP {kind.upper()} "{name}"')
    return [sql for _, _, sql in indexes]


def zipf_counts(patterns: int, logs: int) -> list[int]:
    """Counts proportional to 1/rank, at least 1 each, summing to `logs`."""
    harmonic = sum(1 / rank for rank in range(1, patterns + 1))
    counts = [max(1, int(logs / (harmonic * rank))) for rank in range(1, patterns + 1)]
    excess = sum(counts) - logs
    rank = 0
    while excess:
        step = 1 if excess < 0 else -1
        if counts[rank] + step >= 1:
            counts[rank] += step
            excess += step
        rank = (rank + 1) % patterns
    return counts


def templates(n: int, rng: random.Random) -> list[tuple[int, str, bool]]:
    """n distinct (severity, template, is_factory), the rare word's template last."""
    combos = [
        (sev, text.format(unit=u), True) for sev, text in FACTORY_TEMPLATES for u in FACTORY_UNITS
    ]
    combos += [(sev, text.format(unit=u), False) for sev, text in IT_TEMPLATES
               for u in IT_UNITS]  # fmt: skip
    rng.shuffle(combos)
    chosen = combos[: n - 1]
    rule = 1
    while len(chosen) < n - 1:  # more patterns than combinations: numbered rule variants
        chosen += [(sev, f"{text} [rule {rule}]", fac) for sev, text, fac in combos]
        chosen = chosen[: n - 1]
        rule += 1
    return [*chosen, (RARE_TEMPLATE[0], RARE_TEMPLATE[1], True)]


def fill(template: str, rng: random.Random) -> str:
    parts = template.split("<*>")
    out = [parts[0]]
    for part in parts[1:]:
        kind = rng.random()
        if kind < 0.5:
            out.append(str(rng.randint(0, 9999)))
        elif kind < 0.7:
            out.append(f"{rng.uniform(0, 500):.1f}")
        elif kind < 0.85:
            out.append(f"10.{rng.randint(0, 40)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}")
        else:
            out.append(f"{rng.getrandbits(32):08x}")
        out.append(part)
    return "".join(out)


def plan_patterns(n: int, logs: int, now: float, rng: random.Random) -> list[PatternPlan]:
    counts = zipf_counts(n, logs)
    texts = templates(n, rng)
    rare = texts.pop()
    # Ranks get templates at random, but the top ranks mostly chatty low-severity ones, and
    # the rare word goes to a small pattern (about a dozen logs).
    low = [t for t in texts if t[0] <= 25]
    high = [t for t in texts if t[0] > 25]
    ordered = []
    for rank in range(min(CHATTY_RANKS, len(texts))):
        chatty = rank < 10 or rng.random() < CHATTY_SHARE
        ordered.append((low if (chatty and low) or not high else high).pop())
    rest = low + high
    rng.shuffle(rest)
    texts = ordered + rest
    texts.insert(n - 1 - n // 10 if n > 1 else 0, rare)
    keys: set[str] = set()
    week = RETENTION.total_seconds()
    plans = []
    for rank, (count, (severity, template, factory)) in enumerate(zip(counts, texts, strict=True)):
        key = f"{rng.getrandbits(64):016x}"
        while key in keys:
            key = f"{rng.getrandbits(64):016x}"
        keys.add(key)
        if rank < 50:  # the big ones run all week
            start, end = now - week, now - rng.uniform(0, 60)
        else:
            end = now - (rng.uniform(0, 600) if rng.random() < 0.6 else rng.uniform(0, week))
            start = max(now - week, end - rng.uniform(3600, week))
        host_pool = FACTORY_HOSTS if factory else IT_HOSTS
        service_pool = FACTORY_SERVICES if factory else IT_SERVICES
        spread = min(len(host_pool), max(1, round(count**0.6)))
        services = rng.sample(service_pool, 2 if rng.random() < 0.25 else 1)
        messages = [fill(template, rng) for _ in range(VARIANTS)]
        contexts = [log_context(template, services[0], factory, rng) for _ in range(4)]
        plans.append(
            PatternPlan(
                key=key,
                template=template,
                severity=severity,
                count=count,
                start=start,
                end=end,
                hosts=rng.sample(host_pool, spread),
                services=services,
                messages=messages,
                contexts=contexts,
                factory=factory,
            )
        )
    return plans


def log_context(template: str, service: str, factory: bool, rng: random.Random) -> str:
    if factory:
        context = {"line": template.split("-", 1)[0], "station": rng.randint(1, 40),
                   "trace": f"{rng.getrandbits(48):012x}"}  # fmt: skip
    else:
        context = {"pod": f"{service}-{rng.getrandbits(20):05x}",
                   "request_id": f"{rng.getrandbits(64):016x}"}  # fmt: skip
    return orjson.dumps(context).decode()


def stamp(seconds: float) -> str:
    """A UTC time as Django stores it in SQLite (naive UTC, ISO with a space)."""
    return str(datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None))


def epoch(text: str) -> float:
    """stamp() reversed."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def insert_places(cursor: Any) -> dict[str, tuple[int, tuple[str, ...]]]:
    """The PlantContext rows of the factory hosts: host -> (id, place)."""
    places = {host: place for host in FACTORY_HOSTS if (place := host_place(host))}
    rows = sorted(set(places.values()))
    cursor.executemany(
        "INSERT INTO logs_plantcontext (id, site, area, line, cell, asset) "
        "VALUES (%s, %s, %s, %s, %s, %s)",
        [(i, *place) for i, place in enumerate(rows, start=1)],
    )
    ids = {place: i for i, place in enumerate(rows, start=1)}
    return {host: (ids[place], place) for host, place in places.items()}


def insert_logs(
    cursor: Any,
    plans: list[PatternPlan],
    places: dict[str, tuple[int, tuple[str, ...]]],
    now: float,
    rng: random.Random,
) -> tuple[dict[tuple[int, str, str], list], Counter[tuple[str, int]]]:
    """Insert the logs in time order; return the rollups computed from exactly those rows."""
    from django.conf import settings

    events = []
    for index, plan in enumerate(plans):
        start, span = plan.start, plan.end - plan.start
        events.extend([(start + span * rng.random(), index) for _ in range(plan.count)])
    events.sort()
    severities = sorted(SEVERITY_LABELS)
    higher = {sev: severities[min(i + 1, len(severities) - 1)] for i, sev in enumerate(severities)}
    sql = (
        "INSERT INTO logs_logentry (timestamp, hostname, severity, service, message, context, "
        "received_at, subject, stream_seq, pattern_id, plant_id) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    subject = settings.NATS_SUBJECT
    stats: dict[tuple[int, str, str], list] = {}
    volume: Counter[tuple[str, int]] = Counter()
    random_ = rng.random
    rows = []
    for seq, (seconds, index) in enumerate(events, start=1):
        plan = plans[index]
        at = stamp(seconds)
        received = stamp(seconds + 0.05 + random_() * 1.5)
        # Mostly the template's own severity, now and then one step worse.
        severity = plan.severity if random_() >= 0.05 else higher[plan.severity]
        host = plan.hosts[int(random_() * len(plan.hosts))]
        service = plan.services[-1] if random_() < 0.15 else plan.services[0]
        variant = int(random_() * VARIANTS)
        plant_id, place = places.get(host, (None, ()))
        rows.append((at, host, severity, service, plan.messages[variant],
                     plan.contexts[variant & 3], received, subject, seq, index + 1,
                     plant_id))  # fmt: skip
        if not plan.first:
            plan.first = at
        plan.last = at
        if severity > plan.max_severity:
            plan.max_severity = severity
        keys = [
            (index, "severity", SEVERITY_LABELS[severity]),
            (index, "host", host),
            (index, "service", service),
            (index, "hour", f"{at[:10]}T{at[11:13]}"),
        ]
        keys += [(index, k, v) for k, v in zip(PLANT_KEYS, place, strict=False) if v]
        for key in keys:
            stat = stats.get(key)
            if stat is None:
                stats[key] = [1, at]
            else:
                stat[0] += 1
                stat[1] = at  # time order: the latest so far
        volume[(f"{received[:16]}:00", severity)] += 1
        if len(rows) == CHUNK:
            cursor.executemany(sql, rows)
            rows.clear()
    if rows:
        cursor.executemany(sql, rows)
    return stats, volume


def insert_patterns(
    cursor: Any,
    plans: list[PatternPlan],
    explanations: dict[int, str],
    now: float,
    rng: random.Random,
) -> None:
    rows = []
    for index, plan in enumerate(plans):
        first_seen = plan.first
        if rng.random() < 0.6:  # seen before the oldest log still kept
            before = rng.uniform(0, (PATTERN_AGE - RETENTION).total_seconds())
            first_seen = stamp(epoch(plan.first) - before)
        last_seen_ago = now - epoch(plan.last)
        roll = rng.random()
        changed_at = regressed_at = None
        if last_seen_ago > 86400 and roll < 0.35:
            status = "resolved"
            changed_at = stamp(now - rng.uniform(0, last_seen_ago))
        elif roll < 0.10:
            status = "muted"
            changed_at = stamp(now - rng.uniform(0, 14 * 86400))
        elif roll < 0.35:
            status = "new"
        else:
            status = "active"
            if rng.random() < 0.05:
                regressed_at = changed_at = stamp(now - rng.uniform(0, last_seen_ago + 86400))
        rows.append((index + 1, plan.key, plan.template, plan.messages[0], first_seen, plan.last,
                     plan.count, plan.max_severity, status, changed_at, regressed_at, index + 1,
                     first_seen, explanations.get(index, "")))  # fmt: skip
    cursor.executemany(
        "INSERT INTO logs_logpattern (id, key, template, sample_message, first_seen, last_seen, "
        "count, max_severity, status, status_changed_at, regressed_at, revision, created_at, "
        "explanation) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        rows,
    )
    cursor.execute(
        "INSERT INTO logs_groupingstate (id, revision) VALUES (1, %s) "
        "ON CONFLICT (id) DO UPDATE SET revision = excluded.revision",
        [len(plans)],
    )


def insert_stats(cursor: Any, stats: dict[tuple[int, str, str], list]) -> None:
    cursor.executemany(
        "INSERT INTO logs_logpatternstat (pattern_id, dimension, value, count, last_seen) "
        "VALUES (%s, %s, %s, %s, %s)",
        [(index + 1, dim, value, count, last) for (index, dim, value), (count, last)
         in stats.items()],
    )  # fmt: skip


def insert_volume(cursor: Any, volume: Counter[tuple[str, int]]) -> None:
    cursor.executemany(
        "INSERT INTO logs_logvolume (minute, severity, count) VALUES (%s, %s, %s)",
        [(minute, severity, count) for (minute, severity), count in sorted(volume.items())],
    )


def insert_rejected(cursor: Any, logs: int, now: float, rng: random.Random) -> None:
    from django.conf import settings

    reasons = rng.choices(list(REJECTION_WEIGHTS), list(REJECTION_WEIGHTS.values()), k=REJECTED)
    times = sorted(now - rng.uniform(0, RETENTION.total_seconds()) for _ in range(REJECTED))
    rows = []
    for i, (reason, seconds) in enumerate(zip(reasons, times, strict=True)):
        host = rng.choice(FACTORY_HOSTS + IT_HOSTS)
        raw, detail = rejected_payload(reason, host, rng)
        size = len(raw)
        if reason == "too_large":
            size = rng.randint(1_100_000, 5_000_000)
            detail = f"payload is {size} bytes; the limit is {settings.LOG_MAX_PAYLOAD_BYTES}"
            raw = (b'{"message": "' + b"A" * size)[: settings.REJECTED_RAW_MAX_BYTES]
        rows.append((stamp(seconds), settings.NATS_SUBJECT, logs + i + 1, reason, detail, raw,
                     size))  # fmt: skip
    cursor.executemany(
        "INSERT INTO logs_rejectedmessage (received_at, subject, stream_seq, reason, detail, raw, "
        "size) VALUES (%s, %s, %s, %s, %s, %s, %s)",
        rows,
    )


def rejected_payload(reason: str, host: str, rng: random.Random) -> tuple[bytes, str]:
    log = {
        "timestamp": "2026-11-22T06:12:09.123Z",
        "hostname": host,
        "severity": "warning",
        "service": "plc-gateway",
        "message": f"Station {rng.randint(1, 40)} cycle time {rng.randint(900, 4000)} ms",
        "context": {"line": rng.randint(1, 10)},
    }
    match reason:
        case "not_json":
            return (f"{host} plc-gateway WARN cycle time {rng.randint(900, 4000)} ms".encode(),
                    "Expecting value: line 1 column 1 (char 0)")  # fmt: skip
        case "missing_message":
            del log["message"]
            return orjson.dumps(log), "the message field is missing"
        case "invalid_severity":
            log["severity"] = "verbose"
            return orjson.dumps(log), "unknown severity 'verbose'"
        case "invalid_timestamp":
            log["timestamp"] = "32/13/2026 25:61"
            return orjson.dumps(log), "timestamp is not ISO 8601: '32/13/2026 25:61'"
        case "not_utf8":
            return (b"\xff\xfe" + orjson.dumps(log)[2:],
                    "'utf-8' codec can't decode byte 0xff in position 0")  # fmt: skip
        case "invalid_hostname":
            log["hostname"] = "plc l03/07 (old)"
            return orjson.dumps(log), "hostname has characters other than letters, digits, .-_"
        case "invalid_context":
            log["context"] = ["line", 3]
            return orjson.dumps(log), "context must be a JSON object"
        case "nul_character":
            return orjson.dumps(log).replace(b"cycle", b"cy\\u0000cle"), "NUL character"
    return orjson.dumps(log), reason


# (words in the template, probable cause, impact, actions)
FAMILIES = [
    (
        ("timeout", "session closed", "503"),
        "The peer at the far end of the connection answers too slowly or not at all: it is "
        "overloaded, restarting, or a network segment between them drops packets.",
        "Reads and writes that depend on this link stall; data collected during the outage is "
        "missing and retries add load.",
        [
            "Check that the remote endpoint is up and its response time",
            "Look for packet loss or interface errors on the switch port between the hosts",
            "Compare the timeout setting with the peer's typical latency under load",
            "If it recurs at fixed times, correlate with scheduled jobs on the peer",
        ],
    ),
    (
        ("temperature", "coolant", "pressure", "quench", "scale"),
        "A process value drifted out of its band: a cooling or supply circuit does not keep up "
        "(clogged filter, low level, failing pump or sensor drift).",
        "Parts produced while the value is out of band may be out of tolerance; continued "
        "running risks damage to the tooling.",
        [
            "Check the sensor reading against a handheld instrument",
            "Inspect filters, pumps and levels of the supply circuit",
            "Quarantine parts produced since the first occurrence for inspection",
        ],
    ),
    (
        ("fault", "overcurrent", "collision", "emergency", "tripped"),
        "An equipment protection function tripped: mechanical binding, a worn drive component, "
        "or an obstruction in the working area.",
        "The cell stops until an operator acknowledges; repeated trips shorten drive and "
        "gearbox life.",
        [
            "Inspect the axis or conveyor for obstructions and binding",
            "Read the drive's fault history for the preceding warnings",
            "Schedule maintenance if the trip count keeps rising",
        ],
    ),
    (
        ("disk", "OOMKilled", "Out of memory", "queue depth", "lag"),
        "A resource is exhausted: growth outpaced capacity, or a job stopped cleaning up.",
        "The service degrades, then fails; dependent services back up behind it.",
        [
            "Find what grew (largest directories, memory per process)",
            "Raise the limit or add capacity as a stopgap",
            "Fix the retention or the leak that caused the growth",
        ],
    ),
    (
        ("password", "certificate", "logged in"),
        "Authentication activity: expected logins mixed with failed attempts or expiring "
        "credentials.",
        "Failed attempts at volume can lock accounts; an expired certificate breaks clients.",
        [
            "Check whether failed attempts come from one source",
            "Renew certificates that expire within 30 days",
        ],
    ),
]
GENERIC = (
    "Normal operational messages; the volume follows production activity.",
    "None while the rate stays within its usual range.",
    ["No action needed", "Consider lowering the log level if the volume is a burden"],
)
TRIGGERS = {"operator": 60, "regression": 25, "reply": 15}


def analysis_result(plan: PatternPlan, rng: random.Random) -> dict[str, Any]:
    cause, impact, actions = GENERIC
    for words, *family in FAMILIES:
        if any(word in plan.template for word in words):
            cause, impact, actions = family
            break
    severity = {10: "info", 20: "info", 25: "low", 30: "medium", 40: "high"}.get(
        plan.max_severity, "critical"
    )
    ticket = severity in ("high", "critical")
    short = plan.template.replace("<*>", "…")
    return {
        "summary": f"**{short[:120]}** occurred {plan.count:,} times on {len(plan.hosts)} "
        f"host(s), mostly from `{plan.services[0]}`.",
        "probable_cause": cause,
        "impact": impact,
        "recommended_actions": actions,
        "severity": severity,
        "ticket_recommended": ticket,
        "ticket_priority": severity if ticket else None,
        "confidence": round(rng.uniform(0.55, 0.92), 2),
    }


def result_text(result: dict[str, Any]) -> str:
    actions = "\n".join(f"{i}. {a}" for i, a in enumerate(result["recommended_actions"], 1))
    return (
        f"Summary: {result['summary']}\nProbable cause: {result['probable_cause']}\n"
        f"Impact: {result['impact']}\nRecommended actions:\n{actions}\n"
        f"Severity: {result['severity']}; confidence {result['confidence']:.0%}"
    )


def plan_analyses(
    plans: list[PatternPlan], now: float, rng: random.Random
) -> tuple[list[tuple], dict[int, str]]:
    """Analysis rows in creation order, and each pattern's latest done analysis as text."""
    from analysis.models import Provider

    provider = Provider.objects.filter(is_default=True).first()
    # Every pattern at WARNING or above got one when it appeared; operators and regressions
    # asked for the rest, more often for the big patterns.
    picks = [(i, "new_pattern") for i, plan in enumerate(plans) if plan.severity >= 30]
    picks = picks[:ANALYSES]
    weights = [math.sqrt(plan.count) for plan in plans]
    extra = rng.choices(range(len(plans)), weights, k=ANALYSES - len(picks))
    kinds = rng.choices(list(TRIGGERS), list(TRIGGERS.values()), k=len(extra))
    picks += list(zip(extra, kinds, strict=True))
    planned = []
    for index, trigger in picks:
        first = epoch(plans[index].first)
        created = first + rng.uniform(1, 5) if trigger == "new_pattern" else rng.uniform(first, now)
        planned.append([created, index, trigger])
    # A few in the queue right now.
    for item in rng.sample(planned, 250):
        item[0] = now - rng.uniform(0, 300)
        item.append("queued" if rng.random() < 0.8 else "running")
    planned.sort()
    rows, explanations = [], {}
    for created, index, trigger, *state in planned:
        status = state[0] if state else rng.choices(["done", "failed", "cancelled"], [95, 4, 1])[0]
        offline = provider is None or rng.random() < 0.15
        started = created + rng.uniform(0.1, 3)
        latency = rng.randint(1500, 25_000)
        finished = started + latency / 1000
        result = text = raw_reply = thinking = None
        error = ""
        if status == "done":
            result = analysis_result(plans[index], rng)
            text = result_text(result)
            raw_reply = orjson.dumps(result).decode()
            if not offline:
                thinking = (
                    f"The template is '{plans[index].template}'. It appears "
                    f"{plans[index].count} times. I should look at what the words suggest "
                    "about the equipment or service, whether the rate points to a persistent "
                    "fault or a transient one, and what an operator can check first. "
                ) * 3
            explanations[index] = text
        elif status == "failed":
            error = "Local Ollama: connection refused (http://localhost:11434/api/chat)"
        elif status == "cancelled":
            error = "cancelled by an operator"
        active = status in ("queued", "running")
        rows.append((
            index + 1, trigger, status,
            None if offline else provider.pk,
            "" if offline else provider.name,
            "" if offline else provider.model,
            offline,
            0 if status == "queued" else (4 if status == "failed" else 1),
            4 if status == "failed" else 0,
            error,
            None if result is None else orjson.dumps(result).decode(),
            text or "", raw_reply or "", thinking or "", "2",
            None if result is None else rng.randint(700, 2500),
            None if result is None else rng.randint(150, 700),
            None if result is None else latency,
            None if result is None else "0",
            stamp(created),
            None if status == "queued" else stamp(started),
            None if active else stamp(finished),
            False,
            None if status == "queued" else stamp(started),
            stamp(created + rng.uniform(2, 60)) if status == "queued" else None,
            f"{rng.getrandbits(64):016x}" if status == "running" else "",
            stamp(now + 60) if status == "running" else None,
            stamp(finished + 0.2) if status == "done" else None,
        ))  # fmt: skip
    return rows, explanations


def insert_analyses(cursor: Any, rows: list[tuple]) -> None:
    columns = (
        "pattern_id, trigger, status, provider_id, provider_name, model, is_offline, attempts, "
        "provider_failures, error, result, text, raw_reply, thinking, prompt_version, tokens_in, "
        "tokens_out, latency_ms, cost_estimate, created_at, started_at, finished_at, "
        "repair_pending, turn_at, next_attempt_at, lease_token, lease_until, published_at, "
        "publish_pending"
    )
    placeholders = ", ".join(["%s"] * len(columns.split(",")))
    cursor.executemany(
        f"INSERT INTO analysis_analysis ({columns}) VALUES ({placeholders})",
        # Seeded analyses were published (or have nothing to publish): no outbox left.
        [(*row, False) for row in rows],
    )


# --- Measuring ----------------------------------------------------------------------------


@dataclasses.dataclass
class Page:
    label: str
    url: str
    htmx: bool = False
    times: list[float] = dataclasses.field(default_factory=list)
    size: int = 0
    queries: list[tuple[float, str]] = dataclasses.field(default_factory=list)  # (seconds, SQL)

    @property
    def headers(self) -> dict[str, str]:
        return {"HTTP_HX_REQUEST": "true"} if self.htmx else {}

    def percentile(self, fraction: float) -> float:
        """Nearest rank: with 30 requests, p95 is the second slowest."""
        return percentile_nearest_rank(self.times, fraction)

    @property
    def missed(self) -> bool:
        return self.percentile(0.95) >= TARGET_P95

    @property
    def sql_seconds(self) -> float:
        return sum(seconds for seconds, _ in self.queries)


def measure(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(bench_user())
    pages = console_pages(client)
    connection.close()
    print(
        f"\nRendering {len(pages)} pages: 1 warm-up, then {args.repeat} rounds over all pages "
        "(round-robin); each time is request to full response, the connection closed after "
        "each.\n"
        f"Load average before: {' '.join(f'{load:.2f}' for load in os.getloadavg())} "
        f"({os.cpu_count()} CPUs)"
    )
    for page in pages:
        get(client, page)
    for _ in range(args.repeat):
        for page in pages:
            started = time.perf_counter()
            response = get(client, page)
            page.times.append(time.perf_counter() - started)
            page.size = len(response.content)
    print(f"Load average after:  {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    # One more request each, with its SQL recorded (not timed: recording costs). Django's
    # query time covers execute() only, while SQLite does much of a query's work as rows are
    # fetched, so each SELECT is run again here and timed to its last row.
    for page in pages:
        with CaptureQueriesContext(connection) as captured:
            get(client, page, close=False)
        page.queries = [query_seconds(query) for query in captured.captured_queries]
        connection.close()
    print_table(pages)
    if args.explain:
        print_explain(pages)


def query_seconds(query: dict[str, str]) -> tuple[float, str]:
    from django.db import connection

    sql = query["sql"]
    if not sql.lstrip().upper().startswith("SELECT"):
        return float(query["time"]), sql
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql)
        cursor.fetchall()
        return time.perf_counter() - started, sql


def get(client: Any, page: Page, *, close: bool = True) -> Any:
    from django.db import connection

    response = client.get(page.url, **page.headers)
    if close:
        connection.close()
    if response.status_code != 200:
        raise RuntimeError(f"{page.label}: HTTP {response.status_code} for {page.url}")
    return response


def bench_user() -> Any:
    from django.contrib.auth.models import Group, User

    user, _ = User.objects.get_or_create(username=USERNAME, defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name="admin"))
    return user


def console_pages(client: Any) -> list[Page]:
    """The pages to time, with filter values taken from the seeded data."""
    from django.db import connection
    from django.db.models import Sum
    from django.test.utils import setup_test_environment, teardown_test_environment
    from django.urls import reverse

    from logs.models import LogPattern, LogPatternStat

    def busiest(dimension: str) -> str:
        return (
            LogPatternStat.objects.filter(dimension=dimension)
            .values("value")
            .annotate(total=Sum("count"))
            .order_by("-total")[0]["value"]
        )

    host, service = busiest("host"), busiest("service")
    big = LogPattern.objects.order_by("-count").first()
    small = LogPattern.objects.order_by("count", "pk").first()
    with connection.cursor() as cursor:
        words = {}
        for word in (COMMON_WORD, RARE_WORD, PHRASE.strip('"')):
            cursor.execute(
                "SELECT (SELECT count(*) FROM logs_logentry WHERE message LIKE %s), "
                "(SELECT count(*) FROM logs_logpattern WHERE template LIKE %s)",
                [f"%{word}%"] * 2,
            )
            words[word] = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM logs_logentry")
        (logs,) = cursor.fetchone()
    print(f"\nFilters: busiest host {host}, busiest service {service}; big pattern #{big.pk} "
          f"({big.count:,} logs), small pattern #{small.pk} ({small.count:,} logs).")  # fmt: skip
    for word, (in_logs, in_patterns) in words.items():
        print(f"Search {word!r}: in {in_logs:,} logs ({in_logs / logs:.2%}) and "
              f"{in_patterns:,} pattern templates.")  # fmt: skip

    patterns, logs_url = reverse("logs:patterns"), reverse("logs:logs")
    alarms = reverse("logs:alarm-health")
    # Page 2 of each list: the cursor the first page handed out, from its template context.
    setup_test_environment()
    try:
        cursors = {url: client.get(url).context["next_cursor"] for url in (patterns, logs_url)}
    finally:
        teardown_test_environment()
    return [
        Page("dashboard", reverse("dashboard")),
        Page("dashboard (HTMX refresh)", reverse("dashboard"), htmx=True),
        Page("patterns", patterns),
        Page(f"patterns ?q={COMMON_WORD}", f"{patterns}?q={COMMON_WORD}"),
        Page("patterns ?severity=40", f"{patterns}?severity=40"),
        Page(f"patterns ?host={host}", f"{patterns}?host={host}"),
        Page(f"patterns ?service={service}", f"{patterns}?service={service}"),
        Page("patterns ?status=active", f"{patterns}?status=active"),
        Page("patterns ?since=24h", f"{patterns}?since=24h"),
        Page("patterns ?sort=count", f"{patterns}?sort=count"),
        Page("patterns page 2 (cursor)", f"{patterns}?cursor={cursors[patterns]}"),
        Page("patterns (HTMX)", patterns, htmx=True),
        Page(f"patterns ?q={COMMON_WORD} (HTMX)", f"{patterns}?q={COMMON_WORD}", htmx=True),
        Page(f"pattern #{big.pk} ({big.count:,} logs)", reverse("logs:pattern", args=[big.pk])),
        Page(f"pattern #{small.pk} ({small.count} logs)", reverse("logs:pattern", args=[small.pk])),
        Page("logs", logs_url),
        Page("logs ?severity=40", f"{logs_url}?severity=40"),
        Page(f"logs ?host={host}", f"{logs_url}?host={host}"),
        Page(f"logs ?service={service}", f"{logs_url}?service={service}"),
        Page(f"logs ?pattern={big.pk}", f"{logs_url}?pattern={big.pk}"),
        Page(f"logs ?q={COMMON_WORD} (common)", f"{logs_url}?q={COMMON_WORD}"),
        Page(f"logs ?q={RARE_WORD} (rare)", f"{logs_url}?q={RARE_WORD}"),
        *(
            Page(f"logs ?q={q}", f"{logs_url}?{urlencode({'q': q})}")
            for q in (PHRASE, f"{COMMON_WORD} host:{host}", f"{RARE_WORD} severity:warning")
        ),
        Page(f"logs ?q={COMMON_WORD} (HTMX)", f"{logs_url}?q={COMMON_WORD}", htmx=True),
        Page("logs page 2 (cursor)", f"{logs_url}?cursor={cursors[logs_url]}"),
        Page("logs (HTMX)", logs_url, htmx=True),
        Page("logs ?severity=40 (HTMX)", f"{logs_url}?severity=40", htmx=True),
        Page("quarantine", reverse("logs:quarantine")),
        Page("alarm health (30 days)", alarms),
        Page("alarm health ?period=1d", f"{alarms}?period=1d"),
        Page("alarm health ?period=7d&site=plant-a", f"{alarms}?period=7d&site=plant-a"),
        Page("alarm health ?period=90d&site=plant-b&line=6",
             f"{alarms}?period=90d&site=plant-b&line=6"),
        Page("alarm health ?line=3 (HTMX)", f"{alarms}?line=3", htmx=True),
        Page("API alarm-health", "/api/v1/alarm-health"),
        Page("API alarm-health ?period=7d&site=plant-a&line=3",
             "/api/v1/alarm-health?period=7d&site=plant-a&line=3"),
        Page("analyses", reverse("analysis:analyses")),
        Page("analyses ?status=done", f"{reverse('analysis:analyses')}?status=done"),
    ]  # fmt: skip


def print_table(pages: list[Page]) -> None:
    width = max(len(page.label) for page in pages)
    print(f"\n{'page':<{width}}  {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}  {'queries':>7} "
          f"{'SQL ms':>7} {'KiB':>6}")  # fmt: skip
    for page in pages:
        print(
            f"{page.label:<{width}}  {page.percentile(0.5) * 1000:7.1f} "
            f"{page.percentile(0.95) * 1000:7.1f} {max(page.times) * 1000:7.1f}  "
            f"{len(page.queries):7d} {page.sql_seconds * 1000:7.1f} {page.size / 1024:6.0f}"
            f"{'  MISSED' if page.missed else ''}"
        )
    missed = [page for page in pages if page.missed]
    print(
        f"\nSummary: {len(pages) - len(missed)} of {len(pages)} pages render in under "
        f"{TARGET_P95 * 1000:.0f} ms p95"
        + (f"; MISSED: {', '.join(page.label for page in missed)}." if missed else ".")
    )
    print(
        "(queries: in one more request per page; SQL ms: those queries run again, each timed "
        "to its last row fetched; p95 is the nearest rank.)"
    )


def print_explain(pages: list[Page]) -> None:
    from django.db import connection

    print("\nSlowest queries per page (one request each), with SQLite's plan:")
    with connection.cursor() as cursor:
        for page in pages:
            print(f"\n== {page.label}  {page.url}{'  [HX-Request]' if page.htmx else ''}")
            for seconds, sql in sorted(page.queries, reverse=True)[:3]:
                print(f"  {seconds * 1000:7.1f} ms  {shorten(sql)}")
                if sql.lstrip().upper().startswith("SELECT"):
                    cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                    for _, _, _, detail in cursor.fetchall():
                        print(f"             plan: {detail}")
    connection.close()


def shorten(sql: str, limit: int = 700) -> str:
    sql = " ".join(sql.split())
    return sql if len(sql) <= limit else f"{sql[:limit]} …"


if __name__ == "__main__":
    sys.exit(main())
