"""`manage.py status`: is Gogent up, and keeping up? One screen for a shell at 3 a.m., one
JSON object for monitoring, and an exit code for cron.

gogent reports what it runs: the components' readiness, the processes `make run`
supervises, Celery workers, queues and periodic jobs. Each app adds its part after those
(settings.STATUS_SECTIONS, in that order): ingest, analyses and providers, tickets; gogent
imports no app. Every section says what it saw (lines for people, data for machines) and
what is wrong (problems). A section that cannot be read is itself a problem, in its place;
the others are read all the same.

Exit codes follow the monitoring-plugin convention (Nagios, Icinga, Sensu): 0 all is
well, 1 warnings only (degraded: a fallback is answering, a job is late), 2 something
is down (a component, workers, ingest, the results publisher, an integration's sign-in).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from gogent.models import RunLock
from gogent.monitoring import broker_queue_depths, celery_workers, readiness
from gogent.supervisor.status import supervisor_status

logger = logging.getLogger(__name__)


class Level(IntEnum):
    """How bad; its value is the command's exit code."""

    OK = 0
    WARNING = 1
    DOWN = 2

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Problem:
    level: Level
    message: str


@dataclass(frozen=True, slots=True)
class StatusSection:
    """One part of the report: `data` is what --json gives, under stable keys; `lines` are
    (label, value) rows for the screen; `problems` set the exit code."""

    title: str
    lines: list[tuple[str, str]]
    data: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)

    @property
    def level(self) -> Level:
        return max((problem.level for problem in self.problems), default=Level.OK)


@dataclass(frozen=True, slots=True)
class StatusReport:
    checked_at: datetime
    # By key, in the order shown: gogent's, then settings.STATUS_SECTIONS'.
    sections: dict[str, StatusSection]

    @property
    def level(self) -> Level:
        return max((section.level for section in self.sections.values()), default=Level.OK)

    @property
    def problems(self) -> list[tuple[str, Problem]]:
        """(section key, problem) for every problem, the worst first, then in section order."""
        found = [
            (key, problem) for key, section in self.sections.items() for problem in section.problems
        ]
        return sorted(found, key=lambda item: -item[1].level)

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.level.label,
            "exit_code": int(self.level),
            "checked_at": moment_json(self.checked_at),
            "problems": [
                {"section": key, "level": problem.level.label, "message": problem.message}
                for key, problem in self.problems
            ],
            "sections": {
                key: {"title": section.title, "status": section.level.label, "data": section.data}
                for key, section in self.sections.items()
            },
        }


def status_report() -> StatusReport:
    """gogent's sections, then settings.STATUS_SECTIONS' (key: dotted path to a function
    that returns a StatusSection), each read in turn."""
    checked_at = timezone.now()
    readers: dict[str, Callable[[], StatusSection] | str] = {
        **GOGENT_SECTIONS,
        **settings.STATUS_SECTIONS,
    }
    return StatusReport(
        checked_at=checked_at, sections={key: _read(key, read) for key, read in readers.items()}
    )


def _read(key: str, read: Callable[[], StatusSection] | str) -> StatusSection:
    try:
        return (import_string(read) if isinstance(read, str) else read)()
    except Exception as error:
        # A problem of its own, in the section's place; the traceback goes to the log.
        logger.exception("status: the %s section could not be read", key)
        message = f"{key} could not be read: {str(error)[:300] or type(error).__name__}"
        return StatusSection(
            title=key.capitalize(),
            lines=[("error", message)],
            data={"error": message},
            problems=[Problem(Level.DOWN, message)],
        )


# --- Helpers for sections -----------------------------------------------------------


def moment_json(moment: datetime | None) -> str | None:
    """RFC 3339 in UTC, or None."""
    return None if moment is None else moment.astimezone(UTC).isoformat()


def ago(moment: datetime | None, now: datetime, *, never: str = "never") -> str:
    """The moment and how long ago, for the screen: "2026-12-04 14:02:11 UTC (12 s ago)"."""
    if moment is None:
        return never
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC ({duration(now - moment)} ago)"


def ago_short(moment: datetime | None, now: datetime) -> str:
    return "never" if moment is None else f"{duration(now - moment)} ago"


def duration(span: timedelta) -> str:
    seconds = max(int(span.total_seconds()), 0)
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def plural(count: int, noun: str) -> str:
    """Counted in words, "1 result" or "3 results" (for nouns whose plural takes an s)."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def limit_text(used: int, limit: int | None) -> str:
    return f"{used}/{limit}" if limit else f"{used}/no limit"


# --- gogent's own sections --------------------------------------------------------------


def components_status() -> StatusSection:
    checks = readiness()
    return StatusSection(
        title="Components",
        lines=[
            (name, f"up ({check.latency_ms} ms)" if check.ok else f"DOWN: {check.error}")
            for name, check in checks.items()
        ],
        data={
            name: {"ok": check.ok, "latency_ms": check.latency_ms, "error": check.error}
            for name, check in checks.items()
        },
        problems=[
            Problem(Level.DOWN, f"{name} is down: {check.error}")
            for name, check in checks.items()
            if not check.ok
        ],
    )


def processes_status() -> StatusSection:
    now = timezone.now()
    supervisor = supervisor_status(run_dir=settings.SUPERVISOR_DIR)
    if supervisor is None:
        return StatusSection(
            title="Processes",
            lines=[("supervisor", "not used: systemd, Compose or a shell runs the processes")],
            data={"supervised": False, "running": None, "processes": {}},
        )
    problems = []
    if not supervisor.running:
        problems.append(
            Problem(
                Level.WARNING,
                "make run's supervisor is not running (last report "
                f"{ago(supervisor.updated_at, now)}); its processes are shown as it last saw them",
            )
        )
    lines = [("supervisor", "running" if supervisor.running else "NOT RUNNING")]
    for process in supervisor.processes:
        text = process.state
        if process.pid:
            text += f", pid {process.pid}"
        text += f", {plural(process.restarts, 'restart')}"
        if process.last_exit_at:
            text += f", last exit {process.last_exit} {duration(now - process.last_exit_at)} ago"
        lines.append((process.name, text))
        if process.failing and supervisor.running:
            problems.append(
                Problem(
                    Level.DOWN,
                    f"process {process.name} is {process.state}"
                    + (f" (last exit: {process.last_exit})" if process.last_exit else ""),
                )
            )
    return StatusSection(
        title="Processes",
        lines=lines,
        data={
            "supervised": True,
            "running": supervisor.running,
            "processes": {
                process.name: {
                    "state": process.state,
                    "pid": process.pid,
                    "restarts": process.restarts,
                    "last_exit": process.last_exit,
                    "last_exit_at": moment_json(process.last_exit_at),
                }
                for process in supervisor.processes
            },
        },
        problems=problems,
    )


def celery_status() -> StatusSection:
    now = timezone.now()
    workers = celery_workers()
    queues = broker_queue_depths()
    problems = []
    if workers is None:
        workers_text = "UNKNOWN: the broker could not be asked"
        problems.append(
            Problem(Level.DOWN, "Celery workers could not be asked: the broker did not answer")
        )
    elif not workers:
        workers_text = f"NONE answered within {settings.MONITORING_TIMEOUT:g} s"
        problems.append(Problem(Level.DOWN, "no Celery worker answered: analyses and tickets wait"))
    else:
        workers_text = ", ".join(f"{w.name} ({w.active_tasks} running)" for w in workers)
    jobs, late = _periodic_jobs(now)
    problems += [
        Problem(
            Level.WARNING,
            f"periodic job {job.name} last started {duration(now - job.taken_at)} ago, "
            f"due every {duration(timedelta(seconds=interval))}: is celery beat running?",
        )
        for job, interval in late
    ]
    return StatusSection(
        title="Celery",
        lines=[
            ("workers", workers_text),
            ("queues", ", ".join(f"{q} {'?' if n is None else n}" for q, n in queues.items())),
            (
                "periodic jobs",
                ", ".join(
                    f"{job.name} {'running' if job.held(now) else ago_short(job.taken_at, now)}"
                    for job in jobs
                )
                or "none has run yet",
            ),
        ],
        data={
            "workers": None
            if workers is None
            else [{"name": w.name, "active_tasks": w.active_tasks} for w in workers],
            "queues": queues,
            "periodic_jobs": {
                job.name: {"last_started_at": moment_json(job.taken_at), "running": job.held(now)}
                for job in jobs
            },
        },
        problems=problems,
    )


def _periodic_jobs(now: datetime) -> tuple[list[RunLock], list[tuple[RunLock, float]]]:
    """The jobs that ran, and those of beat's schedule (a RunLock is named after its beat
    entry) not started for three of their intervals and a minute."""
    jobs = list(RunLock.objects.order_by("name"))
    late = []
    for job in jobs:
        schedule = settings.CELERY_BEAT_SCHEDULE.get(job.name, {}).get("schedule")
        if isinstance(schedule, timedelta):
            schedule = schedule.total_seconds()
        if not isinstance(schedule, int | float) or job.taken_at is None or job.held(now):
            continue
        if now - job.taken_at > timedelta(seconds=3 * schedule + 60):
            late.append((job, float(schedule)))
    return jobs, late


GOGENT_SECTIONS: dict[str, Callable[[], StatusSection]] = {
    "components": components_status,
    "processes": processes_status,
    "celery": celery_status,
}
