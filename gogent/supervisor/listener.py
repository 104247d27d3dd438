"""listen: supervisord's events to the terminal and state.json.

supervisord runs this (`python -m gogent.supervisor listen ...`) as its event listener.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from gogent.supervisor.config import LOG_FILE, PREFIX, clock
from gogent.supervisor.status import STATE_FILE, state_read

# supervisord's log lines: "2026-12-01 12:00:00,123 WARN exited: web (exit status 1; not expected)"
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (?P<message>.*)$")
# What supervisord's shutdown leaves of each state (ProcessGroup.stop_all: stop what
# runs, give up on what backs off); EXITED, FATAL and STOPPED stay as they are.
STATE_AFTER_SHUTDOWN = {
    "STARTING": "STOPPED",
    "RUNNING": "STOPPED",
    "STOPPING": "STOPPED",
    "BACKOFF": "FATAL",
}
EXIT_LINE = re.compile(
    r"^\w+ (?P<how>exited|stopped): (?P<name>\S+) \((?P<why>.*?)(; (not )?expected)?\)$"
)


class Listener:
    """supervisord's event listener protocol on stdin/stdout; output on stderr, which
    supervisord writes to its own stdout. One event at a time: READY, an event, RESULT."""

    def __init__(
        self,
        *,
        run_dir: Path,
        names: list[str],
        log_offset: int,
        start_seconds: int,
        start_retries: int,
        fatal_retry: float,
    ) -> None:
        self.state_path = run_dir / STATE_FILE
        self.log_path = run_dir / LOG_FILE
        self.start_seconds = start_seconds
        self.start_retries = start_retries
        self.fatal_retry = fatal_retry
        self.width = max(len(name) for name in [*names, PREFIX])
        self.partial: dict[str, str] = {}
        self.supervisor_pid = os.getppid()
        previous = state_read(run_dir=run_dir)
        if previous.get("supervisor_pid") == self.supervisor_pid:
            # This listener was restarted: carry on from what the previous one wrote.
            self.state = previous
            log_offset = previous.get("log_offset", log_offset)
        else:
            self.state = {
                "supervisor_pid": self.supervisor_pid,
                "started_at": time.time(),
                "running": True,
                "start_seconds": start_seconds,
                "start_retries": start_retries,
                "fatal_retry_seconds": fatal_retry,
                "processes": {name: _process_state() for name in names},
            }
        self.log_offset = log_offset
        self.log_inode: int | None = None
        self.log_partial = ""

    # Output

    def say(self, name: str, line: str) -> None:
        sys.stderr.write(f"{clock()} {name:<{self.width}} | {line}\n")

    def process_output(self, name: str, data: str) -> None:
        lines = (self.partial.pop(name, "") + data).split("\n")
        self.partial[name] = lines.pop()
        for line in lines:
            self.say(name, line.rstrip("\r"))

    def flush_output(self, name: str) -> None:
        rest = self.partial.pop(name, "")
        if rest:
            self.say(name, rest)

    def supervisord_log(self) -> None:
        """Print supervisord's new log lines, and note each exit they report."""
        try:
            stat = self.log_path.stat()
        except FileNotFoundError:
            return
        if self.log_inode is not None and stat.st_ino != self.log_inode:
            self.log_offset = 0  # rotated: the new file is read from its start
        if stat.st_size < self.log_offset:
            self.log_offset = 0
        self.log_inode = stat.st_ino
        with open(self.log_path, "rb") as log:
            log.seek(self.log_offset)
            data = log.read()
        self.log_offset += len(data)
        lines = (self.log_partial + data.decode("utf-8", "replace")).split("\n")
        self.log_partial = lines.pop()
        for line in lines:
            match = LOG_LINE.match(line)
            message = match["message"] if match else line
            self.say(PREFIX, message)
            exit_match = EXIT_LINE.match(message)
            if exit_match and exit_match["name"] in self.state["processes"]:
                process = self.state["processes"][exit_match["name"]]
                process.update(last_exit=exit_match["why"], last_exit_at=time.time(), pid=None)
                if exit_match["how"] == "stopped":
                    process["state"] = "STOPPED"

    # State

    def write_state(self) -> None:
        self.state.update(updated_at=time.time(), log_offset=self.log_offset)
        temporary = self.state_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.state, indent=1))
        os.replace(temporary, self.state_path)

    def handle(self, event_name: str, payload: str) -> None:
        if event_name.startswith("PROCESS_LOG"):
            header, _, data = payload.partition("\n")
            name = _headers(header).get("processname", "")
            if name in self.state["processes"]:
                self.process_output(name, data)
            self.supervisord_log()
            return
        # Before a state change is handled: the exit that led to it is in the log.
        self.supervisord_log()
        if event_name.startswith("PROCESS_STATE_"):
            self.process_state(event_name.removeprefix("PROCESS_STATE_"), _headers(payload))
        elif event_name == "SUPERVISOR_STATE_CHANGE_STOPPING":
            self.state["running"] = False
        elif event_name.startswith("TICK"):
            self.revive_fatal()
        self.write_state()

    def process_state(self, state: str, headers: dict[str, str]) -> None:
        name = headers.get("processname", "")
        process = self.state["processes"].get(name)
        if process is None:
            return
        process["state"] = state
        process["tries"] = int(headers.get("tries", process.get("tries", 0)))
        if "pid" in headers:
            process["pid"] = int(headers["pid"])
        if state in {"EXITED", "STOPPED", "BACKOFF", "FATAL"}:
            self.flush_output(name)
            process["pid"] = None
        if state == "RUNNING":
            process["tries"] = 0  # supervisord's backoff starts over too
        if state == "STARTING":
            process["starts"] += 1
            process["next_try_at"] = None
            if process["starts"] > 1:
                process["restarts"] += 1
                last = process["last_exit"] or "a stop"
                self.say(PREFIX, f"{name} restarted (restart {process['restarts']}, after {last})")
        elif state == "BACKOFF" and process["tries"] <= self.start_retries:
            # supervisord waits one second more after each quick failure.
            delay = process["tries"]
            process["next_try_at"] = time.time() + delay
            self.say(
                PREFIX,
                f"{name} failing: it exited before it had run {self.start_seconds} s "
                f"({process['tries']} in a row); next try in {delay} s",
            )
        elif state == "FATAL" and self.state["running"]:
            process["next_try_at"] = time.time() + self.fatal_retry
            self.say(
                PREFIX,
                f"{name} failing: supervisord gave up after {process['tries']} quick failures "
                f"in a row; next try in {self.fatal_retry:g} s",
            )

    def settle_stopped(self) -> None:
        """supervisord is shutting down and stops its listener last (priority 1), so every
        program has stopped by now. The events saying so can still sit in the listener's
        buffer, and a late STOPPING event can undo the "stopped:" the log showed first:
        what those events would have said, written down."""
        for process in self.state["processes"].values():
            if process["state"] in STATE_AFTER_SHUTDOWN:
                state = STATE_AFTER_SHUTDOWN[process["state"]]
                process.update(state=state, pid=None, next_try_at=None)

    def revive_fatal(self) -> None:
        from supervisor import childutils

        for name, process in self.state["processes"].items():
            due = process.get("next_try_at")
            if process["state"] != "FATAL" or due is None or time.time() < due:
                continue
            process["next_try_at"] = None
            try:
                childutils.getRPCInterface(os.environ).supervisor.startProcess(name, False)
            except Exception as error:  # an XML-RPC fault or the socket: shown, tried again
                process["next_try_at"] = time.time() + self.fatal_retry
                self.say(PREFIX, f"{name}: could not start it again: {error}")

    def run(self, stdin: TextIO, stdout: TextIO) -> None:
        self.write_state()
        for event_name, payload in _events(stdin, stdout):
            self.handle(event_name, payload)

    def close(self) -> None:
        self.supervisord_log()
        for name in list(self.partial):
            self.flush_output(name)
        if not self.state["running"]:
            self.settle_stopped()
        self.state["running"] = False
        self.write_state()
        sys.stderr.flush()


def _process_state() -> dict[str, Any]:
    return {
        "state": "STOPPED",
        "pid": None,
        "starts": 0,
        "restarts": 0,
        "tries": 0,
        "last_exit": "",
        "last_exit_at": None,
        "next_try_at": None,
    }


def _headers(line: str) -> dict[str, str]:
    return dict(item.split(":", 1) for item in line.split() if ":" in item)


def _events(stdin: TextIO, stdout: TextIO) -> Iterator[tuple[str, str]]:
    """Each event's name and payload. `len` counts characters (supervisord sends a str),
    so stdin is read as UTF-8 text without newline translation."""
    while True:
        stdout.write("READY\n")
        stdout.flush()
        header = stdin.readline()
        if not header:
            return
        headers = _headers(header)
        payload = stdin.read(int(headers["len"]))
        yield headers["eventname"], payload
        stdout.write("RESULT 2\nOK")
        stdout.flush()


def supervisor_listen(**options: Any) -> None:
    listener = Listener(**options)

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stdin = open(sys.stdin.fileno(), encoding="utf-8", errors="replace", newline="", closefd=False)  # noqa: SIM115
    try:
        listener.run(stdin, sys.stdout)
    finally:
        listener.close()
