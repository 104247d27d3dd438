"""The Go seed's query, typed as its README has it, on Gogent's embedded default:
`sqlite3 data/agent.db "SELECT ... FROM agent_logs ..."` (logs.seed, migration 0011)."""

from __future__ import annotations

import logging
import os
import re
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from logs.seed import SeedLink, seed_db_link_ensure
from tests.helpers.processes import ManagePy

SEED_QUERY = (
    "SELECT timestamp, severity, message, analysis FROM agent_logs "
    "WHERE severity = 'ERROR' ORDER BY timestamp DESC LIMIT 5;"
)
RFC3339_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")

# (timestamp as sent, severity, message): six errors, so LIMIT 5 leaves the oldest out.
LOGS = [
    ("2026-12-04T14:00:00Z", "error", "Pump 1 stopped"),
    ("2026-12-04T14:00:00.5Z", "ERROR", "Pump 2 stopped"),
    ("2026-12-04T15:30:00.123456+02:00", "err", "Pump 3 stopped"),
    ("2026-12-04T14:10:00Z", "info", "Pump 4 started"),
    ("2026-12-04T13:59:59.999999Z", 3, "Pump 5 stopped"),
    ("2026-12-04T14:01:00.000001Z", "ERROR", "Pump 6 stopped"),
    ("2026-12-04T12:00:00Z", "ERROR", "Pump 7 stopped"),
]
INGEST = """
from datetime import UTC, datetime
import orjson
from logs.services import IncomingMessage, logs_ingest_batch
logs = {logs!r}
result = logs_ingest_batch([
    IncomingMessage(
        subject="agent.technical.support", stream_seq=seq,
        data=orjson.dumps({{"timestamp": ts, "severity": severity, "message": message,
                            "hostname": "plc-1", "service": "pumps"}}),
        received_at=datetime.now(UTC),
    )
    for seq, (ts, severity, message) in enumerate(logs, start=1)
])
assert result.stored == len(logs), result
"""


def sqlite3_cli() -> str:
    path = shutil.which("sqlite3")
    if path is None:
        message = "the sqlite3 command-line tool is not installed (apt-get install sqlite3)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; under CI=true it must run")
        pytest.skip(message)  # outside CI only
    return path


def default_env(data_dir: Path) -> dict[str, str]:
    """A Gogent on its embedded defaults: SQLite at data_dir/gogent.db, the seed's link on."""
    skip = {"DATABASE_URL", "CELERY_BROKER_URL", "SEED_DB_LINK", "NATS_URL"}
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in skip
    }
    env.update(
        DJANGO_SETTINGS_MODULE="gogent.settings",
        GOGENT_DATA_DIR=str(data_dir),
        SECRET_KEY="test-only-secret-key",
        LOG_LEVEL="INFO",
    )
    return env


def manage(tmp_path: Path, data_dir: Path, *args: str) -> ManagePy:
    process = ManagePy(list(args), default_env(data_dir), tmp_path / f"{args[0]}.log").start()
    assert process.wait(timeout=120) == 0, process.output[-3000:]
    return process


def as_utc(timestamp: str) -> str:
    moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00")).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.mark.slow
def test_the_seed_query_works_as_typed_on_data_agent_db_and_sees_uncheckpointed_writes(
    tmp_path,
):
    cli = sqlite3_cli()
    data_dir = tmp_path / "data"
    migrate = manage(tmp_path, data_dir, "migrate", "--no-input")
    assert f"Linked {data_dir / 'agent.db'}" in migrate.output
    assert os.readlink(data_dir / "agent.db") == "gogent.db"
    manage(tmp_path, data_dir, "shell", "-c", INGEST.format(logs=LOGS))

    def seed_query() -> list[list[str]]:
        # As the seed's README types it, from the directory that holds data/.
        answer = subprocess.run(
            [cli, "data/agent.db", SEED_QUERY],
            cwd=tmp_path, capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
        assert answer.returncode == 0, answer.stderr
        assert answer.stderr == ""
        return [line.split("|", 3) for line in answer.stdout.splitlines()]

    errors = sorted(
        ((as_utc(ts), message) for ts, severity, message in LOGS if severity != "info"),
        reverse=True,
    )
    rows = seed_query()
    assert [(ts, message) for ts, _, message, _ in rows] == errors[:5]
    assert all(RFC3339_UTC.fullmatch(ts) for ts, _, _, _ in rows)
    assert rows[0][0] == "2026-12-04T14:01:00.000001Z"
    assert {(severity, analysis) for _, severity, _, analysis in rows} == {("ERROR", "")}

    # A write that is still only in gogent.db's WAL (its writer is open, nothing was
    # checkpointed) shows through agent.db: SQLite opened gogent.db and its -wal.
    writer = sqlite3.connect(data_dir / "gogent.db", isolation_level=None)
    try:
        assert writer.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("UPDATE logs_logpattern SET explanation = 'Summary: the pump lost power'")
        assert (data_dir / "gogent.db-wal").stat().st_size > 0
        rows = seed_query()
    finally:
        writer.close()
    assert [analysis for _, _, _, analysis in rows] == ["Summary: the pump lost power"] * 5
    assert not (data_dir / "agent.db-wal").exists()
    assert not (data_dir / "agent.db-shm").exists()
    assert (data_dir / "agent.db").is_symlink()


@pytest.mark.slow
def test_a_real_file_named_agent_db_is_left_alone_with_a_warning(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    # The Go seed's own database, as its schema made it.
    with sqlite3.connect(data_dir / "agent.db") as seed:
        seed.execute(
            "CREATE TABLE agent_logs (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp TEXT "
            "NOT NULL, hostname TEXT NOT NULL, severity TEXT NOT NULL, service TEXT NOT NULL, "
            "message TEXT NOT NULL, context TEXT, analysis TEXT, "
            "created_at DATETIME DEFAULT CURRENT_TIMESTAMP)"
        )
        seed.execute(
            "INSERT INTO agent_logs (timestamp, hostname, severity, service, message, analysis)"
            " VALUES ('2025-01-15T02:14:23.123Z', 'web-01', 'ERROR', 'nginx', 'bind failed', "
            "'port 80 is taken')"
        )
    seed.close()
    before = (data_dir / "agent.db").read_bytes()

    migrate = manage(tmp_path, data_dir, "migrate", "--no-input")

    assert "agent.db is not a link, so it was left alone" in migrate.output
    assert "Linked" not in migrate.output
    assert not (data_dir / "agent.db").is_symlink()
    assert (data_dir / "agent.db").read_bytes() == before
    assert (data_dir / "gogent.db").stat().st_size > 0


def database(engine: str, name: str | Path) -> dict[str, str]:
    return {"ENGINE": f"django.db.backends.{engine}", "NAME": str(name)}


def test_the_link_is_made_only_for_the_embedded_default_database(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    link = tmp_path / "agent.db"

    for other in (
        database("postgresql", "gogent"),
        database("sqlite3", tmp_path / "elsewhere.db"),
        database("sqlite3", tmp_path / "test-gogent.db"),
    ):
        assert seed_db_link_ensure(database=other) is SeedLink.NOT_USED
    settings.SEED_DB_LINK = ""
    assert seed_db_link_ensure(database=database("sqlite3", tmp_path / "gogent.db")) is (
        SeedLink.NOT_USED
    )
    assert not link.exists() and not link.is_symlink()

    settings.SEED_DB_LINK = "agent.db"
    default = database("sqlite3", tmp_path / "gogent.db")
    assert seed_db_link_ensure(database=default) is SeedLink.CREATED
    assert os.readlink(link) == "gogent.db"
    assert seed_db_link_ensure(database=default) is SeedLink.PRESENT


def test_a_link_to_another_file_is_left_alone_with_a_warning(settings, tmp_path, caplog):
    settings.DATA_DIR = tmp_path
    (tmp_path / "agent.db").symlink_to("/srv/seed/agent.db")
    with caplog.at_level(logging.WARNING, logger="logs.seed"):
        outcome = seed_db_link_ensure(database=database("sqlite3", tmp_path / "gogent.db"))
    assert outcome is SeedLink.BLOCKED
    assert os.readlink(tmp_path / "agent.db") == "/srv/seed/agent.db"
    assert "is a link to /srv/seed/agent.db, so it was left alone" in caplog.text
