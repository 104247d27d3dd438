"""`make run` smoke test: every process starts, a published log lands, Ctrl-C stops all."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import nats
import orjson
import pytest
from django.conf import settings

from tests.conftest import BASE_DIR, free_port, run_async, wait_for

pytestmark = pytest.mark.slow


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except OSError:
        return 0


def worker_answers(env: dict[str, str]) -> bool:
    ping = subprocess.run(
        [sys.executable, "-m", "celery", "--app", "gogent", "inspect", "ping", "--timeout", "1"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    return "pong" in ping.stdout


def git_status() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def agent_logs(db_path: Path) -> list[tuple]:
    if not db_path.exists():
        return []
    with sqlite3.connect(db_path, timeout=5) as db:
        return db.execute(
            "SELECT timestamp, severity, message, analysis FROM agent_logs "
            "WHERE severity = 'ERROR' ORDER BY timestamp DESC LIMIT 5;"
        ).fetchall()


def test_make_run_starts_everything_and_ctrl_c_stops_it(tmp_path: Path):
    data_dir = tmp_path / "data"
    nats_port, web_port = free_port(), free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        GOGENT_DATA_DIR=str(data_dir),
        DATABASE_URL="",
        CELERY_BROKER_URL="",
        NATS_URL="",
        NATS_EMBEDDED_PORT=str(nats_port),
        NATS_EMBEDDED_MONITOR_PORT=str(free_port()),
        WEB_BIND=f"127.0.0.1:{web_port}",
    )
    log_path = tmp_path / "make-run.log"
    tree_before = git_status()
    with open(log_path, "wb") as log:
        make = subprocess.Popen(
            ["make", "run"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output() -> str:
        return log_path.read_text(errors="replace")

    def seen(text: str) -> bool:
        if make.poll() is not None:
            raise AssertionError(f"make run exited with {make.returncode}")
        return text in output()

    try:
        wait_for(lambda: seen("password:"), timeout=120, what="the admin password")
        wait_for(lambda: seen("consuming AGENT_STREAM"), timeout=60, what="the consumer")
        # A pong proves the worker consumes from the broker (and is past start-up, where
        # Celery's warm shutdown can hang on a signal and outlast honcho's 5 s kill wait).
        wait_for(lambda: worker_answers(env), timeout=90, what="the Celery worker's pong")
        wait_for(lambda: seen("beat: Starting"), timeout=60, what="Celery beat")
        login_page = f"http://127.0.0.1:{web_port}/admin/login/"
        wait_for(lambda: http_status(login_page) == 200, timeout=60, what="the web server")

        async def publish() -> None:
            client = await nats.connect(f"nats://127.0.0.1:{nats_port}")
            try:
                await client.jetstream().publish(
                    settings.NATS_SUBJECT,
                    orjson.dumps(
                        {
                            "timestamp": "2025-06-01T08:00:00Z",
                            "hostname": "plc-line1-01",
                            "severity": "error",
                            "service": "press",
                            "message": "Hydraulic pressure below threshold",
                        }
                    ),
                )
            finally:
                await client.close()

        run_async(publish())
        rows = wait_for(lambda: agent_logs(data_dir / "gogent.db"), what="the log in agent_logs")
        assert rows[0][1:3] == ("ERROR", "Hydraulic pressure below threshold")
        # End to end on a bare machine: the new ERROR pattern is analyzed (by the offline
        # analyzer when no Ollama answers) and agent_logs shows it for the log.
        rows = wait_for(
            lambda: [row for row in agent_logs(data_dir / "gogent.db") if row[3]],
            timeout=90,
            what="the pattern's analysis in agent_logs",
        )
        assert rows[0][3].startswith("Summary: ")
        console = f"http://127.0.0.1:{web_port}"
        assert http_status(f"{console}/accounts/login/") == 200
        # Vendored, collected and served by whitenoise: no CDN.
        assert http_status(f"{console}/static/vendor/htmx-2.0.11/htmx.min.js") == 200
    except BaseException:
        print(output()[-6000:])
        raise
    finally:
        # Ctrl-C in a terminal: SIGINT to the whole foreground process group.
        os.killpg(make.pid, signal.SIGINT)
        try:
            make.wait(timeout=60)
            wait_for(lambda: not group_alive(make.pid), timeout=30, what="every process to exit")
        finally:
            if group_alive(make.pid):
                os.killpg(make.pid, signal.SIGKILL)

    text = output()
    assert text.count("password:") == 1
    for process in ("nats", "consumer", "worker", "beat", "web"):
        own_lines = [line for line in text.splitlines() if f"{process}.1" in line]
        assert f"{process}.1 stopped (rc=0)" in text, "\n".join(own_lines[-30:])
    assert "Traceback" not in text, text[-6000:]
    assert git_status() == tree_before, "make run must write only under GOGENT_DATA_DIR"
