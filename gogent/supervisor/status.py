"""read: the listener's state.json, as the operations page shows it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from gogent.supervisor.config import FATAL_RETRY_SECONDS, START_RETRIES, START_SECONDS

STATE_FILE = "state.json"
# The listener rewrites state.json at least every 5 s (supervisord's TICK_5 event): older
# than this, the supervisor is taken for gone.
STALE_AFTER_SECONDS = 30
FAILING_STATES = frozenset({"BACKOFF", "FATAL", "EXITED", "UNKNOWN"})


def state_read(*, run_dir: Path) -> dict[str, Any]:
    """state.json as the listener last wrote it; empty when there is none."""
    try:
        return json.loads((run_dir / STATE_FILE).read_text())
    except (FileNotFoundError, ValueError):
        return {}


def _datetime(moment: float | None) -> datetime | None:
    return None if moment is None else datetime.fromtimestamp(moment, tz=UTC)


@dataclass(frozen=True)
class ProcessStatus:
    name: str
    state: str
    pid: int | None
    restarts: int
    tries: int
    last_exit: str
    last_exit_at: datetime | None
    next_try_at: datetime | None

    @property
    def failing(self) -> bool:
        return self.state in FAILING_STATES


@dataclass(frozen=True)
class SupervisorStatus:
    running: bool
    started_at: datetime | None
    updated_at: datetime | None
    start_seconds: int
    start_retries: int
    fatal_retry_seconds: float
    processes: list[ProcessStatus]


def supervisor_status(*, run_dir: Path, now: datetime | None = None) -> SupervisorStatus | None:
    """What `make run`'s supervisor last wrote; None when it never ran with this data dir
    (systemd or Compose run the processes). running is False once it stopped, or when it
    has not written for STALE_AFTER_SECONDS (killed, or the host rebooted)."""
    state = state_read(run_dir=run_dir)
    if not state:
        return None
    updated_at = _datetime(state.get("updated_at"))
    fresh = updated_at is not None and (now or datetime.now(UTC)) - updated_at < timedelta(
        seconds=STALE_AFTER_SECONDS
    )
    return SupervisorStatus(
        running=bool(state.get("running")) and fresh,
        started_at=_datetime(state.get("started_at")),
        updated_at=updated_at,
        start_seconds=state.get("start_seconds", START_SECONDS),
        start_retries=state.get("start_retries", START_RETRIES),
        fatal_retry_seconds=state.get("fatal_retry_seconds", FATAL_RETRY_SECONDS),
        processes=[
            ProcessStatus(
                name=name,
                state=process.get("state", "UNKNOWN"),
                pid=process.get("pid"),
                restarts=process.get("restarts", 0),
                tries=process.get("tries", 0),
                last_exit=process.get("last_exit", ""),
                last_exit_at=_datetime(process.get("last_exit_at")),
                next_try_at=_datetime(process.get("next_try_at")),
            )
            for name, process in state.get("processes", {}).items()
        ],
    )
