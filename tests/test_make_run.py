"""`make run` smoke test: every process starts, a published log lands, a killed process is
started again while the others keep running, Ctrl-C stops all."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import nats
import orjson
import pytest
from django.conf import settings

from gogent.supervisor.status import supervisor_status
from tests.helpers.processes import BASE_DIR, free_port
from tests.helpers.wait import run_async, wait_for

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


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def publish(port: int, message: str) -> None:
    async def send() -> None:
        client = await nats.connect(f"nats://127.0.0.1:{port}")
        try:
            await client.jetstream().publish(
                settings.NATS_SUBJECT,
                orjson.dumps(
                    {
                        "timestamp": "2025-06-01T08:00:00Z",
                        "hostname": "plc-line1-01",
                        "severity": "error",
                        "service": "press",
                        "message": message,
                    }
                ),
            )
        finally:
            await client.close()

    run_async(send())


def test_make_run_starts_everything_and_ctrl_c_stops_it(tmp_path: Path):
    data_dir = tmp_path / "data"
    nats_port, web_port, syslog_port = free_port(), free_port(), free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        GOGENT_DATA_DIR=str(data_dir),
        DATABASE_URL="",
        CELERY_BROKER_URL="",
        NATS_URL="",
        NATS_EMBEDDED_PORT=str(nats_port),
        NATS_EMBEDDED_MONITOR_PORT=str(free_port()),
        WEB_BIND=f"127.0.0.1:{web_port}",
        SYSLOG_BIND=f"127.0.0.1:{syslog_port}",
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
        # Celery's warm shutdown can hang on a signal; the supervisor waits 30 s, not 5).
        wait_for(lambda: worker_answers(env), timeout=90, what="the Celery worker's pong")
        wait_for(lambda: seen("beat: Starting"), timeout=60, what="Celery beat")
        login_page = f"http://127.0.0.1:{web_port}/admin/login/"
        wait_for(lambda: http_status(login_page) == 200, timeout=60, what="the web server")

        publish(nats_port, "Hydraulic pressure below threshold")
        rows = wait_for(lambda: agent_logs(data_dir / "gogent.db"), what="the log in agent_logs")
        assert rows[0][1:3] == ("ERROR", "Hydraulic pressure below threshold")
        # End to end on a bare machine: the new ERROR pattern is analyzed (by the offline
        # analyzer when no Ollama answers) and agent_logs shows it for the log.
        rows = wait_for(
            lambda: [row for row in agent_logs(data_dir / "gogent.db") if row[3]],
            timeout=90,
            what="the pattern's analysis in agent_logs",
        )
        # Labelled as the offline analyzer's when no provider answered (analysis/offline.py).
        assert rows[0][3].removeprefix("offline analyzer: ").startswith("Summary: ")
        console = f"http://127.0.0.1:{web_port}"
        assert http_status(f"{console}/accounts/login/") == 200
        # Vendored, collected and served by whitenoise: no CDN.
        assert http_status(f"{console}/static/vendor/htmx-2.0.11/htmx.min.js") == 200
        # Syslog reaches the same table: a device's line over UDP, stored as an ERROR.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(
                b"<11>1 - plc-line2-04 press - - - Hydraulic pump fault (syslog)",
                ("127.0.0.1", syslog_port),
            )
        wait_for(
            lambda: any("(syslog)" in row[2] for row in agent_logs(data_dir / "gogent.db")),
            timeout=60,
            what="the syslog line in agent_logs",
        )

        # A crash is not an outage: the consumer, killed, is started again on its own and
        # stores the next log; the other processes are the same ones, never restarted.
        run_dir = data_dir / "supervisor"

        def all_running():
            processes = {p.name: p for p in supervisor_status(run_dir=run_dir).processes}
            return (
                processes
                if all(p.state == "RUNNING" and p.pid for p in processes.values())
                else None
            )

        # supervisord calls a process RUNNING once it has lived START_SECONDS (10 s).
        before = wait_for(all_running, timeout=60, what="every process RUNNING")
        os.kill(before["consumer"].pid, signal.SIGKILL)

        def consumer_restarted():
            status = supervisor_status(run_dir=run_dir)
            now = {p.name: p for p in status.processes}
            consumer = now["consumer"]
            restarted = consumer.restarts == 1 and consumer.pid not in (
                None,
                before["consumer"].pid,
            )
            return now if restarted and status.running else None

        after = wait_for(consumer_restarted, timeout=60, what="the consumer's restart")
        assert after["consumer"].last_exit == "terminated by SIGKILL"
        wait_for(
            lambda: seen("consumer restarted (restart 1, after terminated by SIGKILL)"),
            timeout=10,
            what="the restart in the supervisor's output",
        )
        for name in ("nats", "syslog", "worker", "beat", "web"):
            assert (after[name].pid, after[name].restarts) == (before[name].pid, 0), name
            assert pid_alive(before[name].pid), name
        publish(nats_port, "Hydraulic pressure below threshold after the restart")
        wait_for(
            lambda: any(
                "after the restart" in row[2] for row in agent_logs(data_dir / "gogent.db")
            ),
            timeout=60,
            what="a log stored by the restarted consumer",
        )
        assert http_status(login_page) == 200
        pids = [p.pid for p in supervisor_status(run_dir=run_dir).processes]
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
    # make itself dies of the SIGINT once its recipe is done, as after any Ctrl-C; the
    # supervisor's own exit (0) is checked in tests/gogent/test_supervisor.py.
    assert make.returncode in (0, -signal.SIGINT), text[-6000:]
    assert text.rstrip().endswith("supervisor | every process has stopped"), text[-3000:]
    assert "make: ***" not in text, text[-3000:]
    assert text.count("password:") == 1
    for process in ("nats", "consumer", "syslog", "worker", "beat", "web"):
        own_lines = [line for line in text.splitlines() if f" {process} " in line]
        assert f"stopped: {process} (exit status 0)" in text, "\n".join(own_lines[-30:])
    assert not [pid for pid in pids if pid_alive(pid)], "every supervised process has exited"
    assert not supervisor_status(run_dir=data_dir / "supervisor").running
    assert "Traceback" not in text, text[-6000:]
    assert git_status() == tree_before, "make run must write only under GOGENT_DATA_DIR"
