"""`make run`'s supervisor (gogent/supervisor/): the real supervisord on a small Procfile.

The processes are tiny Python loops, so restarts, backoff and stopping take seconds; the
whole service under `make run` is tests/test_make_run.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gogent.supervisor.config import (
    LOG_FILE,
    procfile_read,
    supervisor_socket_path,
    supervisord_config,
)
from gogent.supervisor.listener import Listener
from gogent.supervisor.status import ProcessStatus, state_read, supervisor_status
from tests.helpers.processes import BASE_DIR
from tests.helpers.wait import wait_for

# Prints, then sleeps until SIGTERM; takes STOP_DELAY seconds to stop, then exits 0.
LOOP = (
    "import os, signal, sys, time\n"
    "def stop(*_):\n"
    "    time.sleep(float(os.environ.get('STOP_DELAY', '0')))\n"
    "    print('clean stop', flush=True)\n"
    "    sys.exit(0)\n"
    "signal.signal(signal.SIGTERM, stop)\n"
    "print('up and running, ünïcode too', flush=True)\n"
    "while True:\n"
    "    time.sleep(1)\n"
)


class Supervisor:
    def __init__(self, tmp_path: Path, procfile: str, *options: str) -> None:
        (tmp_path / "loop.py").write_text(LOOP)
        (tmp_path / "Procfile").write_text(procfile.replace("LOOP", str(tmp_path / "loop.py")))
        self.run_dir = tmp_path / "data" / "supervisor"
        self.log_path = tmp_path / "supervisor.log"
        env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
        env.update(GOGENT_DATA_DIR=str(tmp_path / "data"), SECRET_KEY="test-only-secret-key")
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gogent.supervisor", "start",
                 "--procfile", str(tmp_path / "Procfile"), *options],
                cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    @property
    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def seen(self, text: str) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the supervisor exited:\n{self.output[-4000:]}")
        return text in self.output

    def processes(self) -> dict[str, ProcessStatus]:
        status = supervisor_status(run_dir=self.run_dir)
        return {} if status is None else {p.name: p for p in status.processes}

    def wait_for_state(self, what: str, condition) -> dict[str, ProcessStatus]:
        def check():
            if self.process.poll() is not None:
                raise AssertionError(f"the supervisor exited:\n{self.output[-4000:]}")
            processes = self.processes()
            return processes if processes and condition(processes) else None

        return wait_for(check, timeout=60, interval=0.1, what=what)

    def ctrl_c(self) -> int:
        os.killpg(self.process.pid, signal.SIGINT)
        return self.process.wait(timeout=90)

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        for process in self.processes().values():
            if process.pid and alive(process.pid):
                os.killpg(process.pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.slow
def test_a_killed_process_is_restarted_the_others_keep_running_and_ctrl_c_stops_all(tmp_path):
    supervisor = Supervisor(
        tmp_path,
        "first: exec python LOOP\n"
        "second: exec python LOOP\n"
        # Slower to stop than honcho's 5 s: it is waited for, not killed.
        "slow: STOP_DELAY=6 exec python LOOP\n",
        "--start-seconds", "1",
    )  # fmt: skip
    try:
        before = supervisor.wait_for_state(
            "every process running",
            lambda ps: all(p.state == "RUNNING" and p.pid for p in ps.values()) and len(ps) == 3,
        )
        wait_for(lambda: supervisor.seen("second     | up and running, ünïcode too"))
        os.kill(before["first"].pid, signal.SIGKILL)

        after = supervisor.wait_for_state(
            "first started again",
            lambda ps: ps["first"].restarts == 1 and ps["first"].state == "RUNNING",
        )
        assert after["first"].pid != before["first"].pid
        assert after["first"].last_exit == "terminated by SIGKILL"
        assert after["first"].last_exit_at is not None
        for name in ("second", "slow"):
            assert (after[name].pid, after[name].restarts) == (before[name].pid, 0)
            assert alive(before[name].pid)
        wait_for(
            lambda: supervisor.seen("first restarted (restart 1, after terminated by SIGKILL)")
        )
        assert "exited: first (terminated by SIGKILL; not expected)" in supervisor.output
        status = supervisor_status(run_dir=supervisor.run_dir)
        assert status is not None and status.running

        assert supervisor.ctrl_c() == 0
    finally:
        supervisor.kill()
    output = supervisor.output
    for name in ("first", "second", "slow"):
        assert f"stopped: {name} (exit status 0)" in output, output[-4000:]
    assert "slow       | clean stop" in output
    assert output.rstrip().endswith("supervisor | every process has stopped")
    assert "SIGKILL" not in output.split("received SIGINT")[1]
    assert not [p for p in after.values() if alive(p.pid)]
    status = supervisor_status(run_dir=supervisor.run_dir)
    assert not status.running
    assert {p.name: p.state for p in status.processes} == dict.fromkeys(after, "STOPPED")
    assert "Traceback" not in output, output[-4000:]


@pytest.mark.slow
def test_a_process_that_keeps_dying_backs_off_is_shown_failing_and_is_tried_again(tmp_path):
    supervisor = Supervisor(
        tmp_path,
        "crashing: echo 'no database here'; exit 3\nsteady: exec python LOOP\n",
        # A quick failure is an exit within 3 s: supervisord notices exits within ~1 s.
        "--start-seconds", "3", "--start-retries", "2", "--fatal-retry-seconds", "1",
    )  # fmt: skip
    try:
        started = time.monotonic()
        fatal = supervisor.wait_for_state(
            "crashing given up on", lambda ps: ps["crashing"].state == "FATAL"
        )
        # Tried at once, then 1 s and 2 s later: three starts, then FATAL.
        assert fatal["crashing"].restarts >= 2
        assert fatal["crashing"].last_exit == "exit status 3"
        assert fatal["crashing"].next_try_at is not None
        assert fatal["crashing"].failing
        wait_for(lambda: supervisor.seen("crashing failing: supervisord gave up after 3"))
        # FATAL is not the end: it is started again after the retry wait (and a TICK).
        supervisor.wait_for_state(
            "crashing tried again",
            lambda ps: ps["crashing"].restarts > fatal["crashing"].restarts,
        )
        # supervisord's own log lines reach the output through the listener, which may
        # relay a "spawned" line only at the next event, after the state file shows it.
        wait_for(
            lambda: supervisor.output.count("spawned: 'crashing'") >= 4,
            what="the fourth start in the output",
        )
        # Not hot: 1 s + 2 s of backoff before FATAL, then at least the retry wait.
        elapsed = time.monotonic() - started
        assert elapsed >= 4
        starts = supervisor.output.count("spawned: 'crashing'")
        assert starts <= elapsed + 1, (starts, elapsed)
        assert "crashing   | no database here" in supervisor.output
        steady = supervisor.processes()["steady"]
        assert (steady.state, steady.restarts, steady.failing) == ("RUNNING", 0, False)

        assert supervisor.ctrl_c() == 0
    finally:
        supervisor.kill()
    assert "stopped: steady (exit status 0)" in supervisor.output


def _listener(run_dir: Path, log: str) -> Listener:
    run_dir.mkdir()
    (run_dir / LOG_FILE).write_text(log)
    return Listener(
        run_dir=run_dir, names=["first", "second", "third"], log_offset=0,
        start_seconds=1, start_retries=3, fatal_retry=60,
    )  # fmt: skip


def _events(listener: Listener, *events: tuple[str, str]) -> None:
    for event, name in events:
        listener.handle(event, f"processname:{name} groupname:{name} from_state:X pid:99")


def test_a_shutdown_leaves_every_program_stopped_in_the_state_though_events_lag(tmp_path):
    # supervisord's log runs ahead of the events it queues for its listener, and it stops
    # the listener last, perhaps with events still queued: here "second" was seen stopping
    # after the log said it had stopped, and its STOPPED event never came.
    run_dir = tmp_path / "supervisor"
    listener = _listener(
        run_dir,
        "2026-12-04 10:00:00,000 WARN received SIGINT indicating exit request\n"
        "2026-12-04 10:00:01,000 INFO stopped: third (exit status 0)\n"
        "2026-12-04 10:00:02,000 INFO stopped: second (exit status 0)\n",
    )
    _events(
        listener,
        ("PROCESS_STATE_RUNNING", "first"),
        ("PROCESS_STATE_BACKOFF", "third"),
        ("PROCESS_STATE_RUNNING", "second"),
    )
    listener.handle("SUPERVISOR_STATE_CHANGE_STOPPING", "")
    _events(listener, ("PROCESS_STATE_STOPPING", "second"))
    assert state_read(run_dir=run_dir)["processes"]["second"]["state"] == "STOPPING"
    with open(run_dir / LOG_FILE, "a") as log:
        log.write("2026-12-04 10:00:03,000 INFO stopped: first (exit status 0)\n")

    listener.close()

    status = supervisor_status(run_dir=run_dir)
    assert not status.running
    states = {p.name: (p.state, p.pid, p.last_exit) for p in status.processes}
    assert states == {
        "first": ("STOPPED", None, "exit status 0"),
        "second": ("STOPPED", None, "exit status 0"),
        # supervisord gives up on a process in backoff when it shuts down.
        "third": ("FATAL", None, "exit status 0"),
    }


def test_a_listener_restarted_alone_leaves_the_running_programs_running(tmp_path):
    run_dir = tmp_path / "supervisor"
    listener = _listener(run_dir, "")
    _events(listener, *[("PROCESS_STATE_RUNNING", name) for name in ("first", "second", "third")])

    listener.close()  # SIGTERM from `supervisorctl restart events`: supervisord runs on

    states = {p.name: (p.state, p.pid) for p in supervisor_status(run_dir=run_dir).processes}
    assert states == dict.fromkeys(["first", "second", "third"], ("RUNNING", 99))


def test_procfile_lines_become_supervisord_programs(tmp_path):
    procfile = tmp_path / "Procfile"
    procfile.write_text(
        "# comment\n\nweb: exec gunicorn --bind ${WEB_BIND:-127.0.0.1:8000}\n"
        "worker: exec celery --app gogent worker --format '%(message)s'\n"
    )
    processes = procfile_read(procfile)
    assert list(processes) == ["web", "worker"]
    config = supervisord_config(
        processes=processes,
        directory=tmp_path,
        run_dir=tmp_path / "run",
        password="pw",
        log_offset=0,
    )
    web = config.split("[program:web]")[1].split("[program:")[0]
    assert "command=/bin/sh -c 'exec gunicorn --bind ${WEB_BIND:-127.0.0.1:8000}'" in web
    for line in ("autorestart=true", "stopsignal=TERM", "stopwaitsecs=30", "stopasgroup=true"):
        assert line in web.splitlines()
    # supervisord's own %(...)s expansion must not touch the command.
    assert "--format '\"'\"'%%(message)s'\"'\"''" in config
    assert "priority=10" in web and "priority=20" in config.split("[program:worker]")[1]

    for bad, error in (
        ("web exec gunicorn\n", "not `name: command`"),
        ("web: a\nweb: b\n", "is taken"),
        ("supervisor: a\n", "is taken"),
    ):
        procfile.write_text(bad)
        with pytest.raises(ValueError, match=error):
            procfile_read(procfile)


def test_a_control_socket_path_too_long_for_unix_sockets_moves_to_the_temp_dir(tmp_path):
    assert supervisor_socket_path(tmp_path) == tmp_path / "supervisor.sock"
    deep = tmp_path / ("d" * 120)
    moved = supervisor_socket_path(deep)
    assert moved.parent == Path("/tmp") and len(os.fsencode(moved)) < 100
    assert moved == supervisor_socket_path(deep)  # the same data dir, the same socket
