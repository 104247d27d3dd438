"""The operations page for admins (/admin/operations/) and the probes behind it."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.utils import timezone

from analysis.models import Analysis
from gogent.monitoring import broker_queue_depths, celery_workers
from logs.models import LogPattern
from logs.services import IncomingMessage, logs_ingest_batch
from tests.helpers.api import ingest, log
from tests.helpers.processes import free_port
from tests.helpers.users import user_with_role


@pytest.fixture(autouse=True)
def _quick_probes(settings) -> None:
    settings.NATS_SERVERS = [f"nats://127.0.0.1:{free_port()}"]
    settings.MONITORING_TIMEOUT = 0.3
    settings.ANALYSIS_RESULTS_SUBJECT = ""


def admin_client() -> Client:
    client = Client()
    client.force_login(user_with_role("admin"))
    return client


def test_admins_see_backlog_workers_queues_and_recent_failures(db):
    ingest(log("Inverter 2 fault code 17"))
    Analysis.objects.filter(pattern=LogPattern.objects.get()).update(
        status=Analysis.Status.FAILED, error="HTTP 401: invalid API key", finished_at=timezone.now()
    )
    logs_ingest_batch(
        [IncomingMessage("agent.technical.support", 77_000_000, b"\xff", datetime.now(UTC))]
    )
    response = admin_client().get("/admin/operations/")
    assert response.status_code == 200
    page = response.content.decode()
    for heading in ("Components", "Ingest backlog", "Celery workers", "Queues", "LLM providers"):
        assert heading in page
    assert "Not readable" in page  # no nats-server in this test, and the page says so
    assert "No worker answered" in page
    assert "HTTP 401: invalid API key" in page
    assert "Not UTF-8" in page


def test_the_page_is_for_admins_only(db):
    assert Client().get("/admin/operations/").status_code == 302  # to the admin login
    operator = user_with_role("operator")
    operator.is_staff = True
    operator.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(operator)
    assert client.get("/admin/operations/").status_code == 403


@pytest.mark.slow
def test_a_running_worker_is_seen_alive(start_worker, celery_broker, settings):
    settings.MONITORING_TIMEOUT = 2
    start_worker(concurrency=1)
    workers = celery_workers()
    assert workers is not None
    assert [worker.name.split("@")[0] for worker in workers] == ["w0"]
    assert workers[0].active_tasks == 0
    assert broker_queue_depths() == {"celery": 0, "analysis": 0, "tickets": 0}
    assert "w0@" in admin_client().get("/admin/operations/").content.decode()


def write_supervisor_state(run_dir, *, updated_ago: float = 1, running: bool = True) -> None:
    """state.json as gogent.supervisor's listener writes it."""
    now = time.time()
    run_dir.mkdir(parents=True)
    process = {"pid": None, "starts": 1, "restarts": 0, "tries": 0, "last_exit": ""}
    process.update(last_exit_at=None, next_try_at=None)
    state = {
        "supervisor_pid": 4242,
        "started_at": now - 600,
        "updated_at": now - updated_ago,
        "running": running,
        "start_seconds": 10,
        "start_retries": 60,
        "fatal_retry_seconds": 60,
        "processes": {
            "nats": {**process, "state": "RUNNING", "pid": 101},
            "consumer": {
                **process,
                "state": "RUNNING",
                "pid": 202,
                "starts": 4,
                "restarts": 3,
                "last_exit": "terminated by SIGKILL",
                "last_exit_at": now - 30,
            },
            "worker": {
                **process,
                "state": "BACKOFF",
                "starts": 6,
                "restarts": 5,
                "tries": 5,
                "last_exit": "exit status 1",
                "last_exit_at": now - 2,
                "next_try_at": now + 3,
            },
        },
    }
    (run_dir / "state.json").write_text(json.dumps(state))


def processes_section(page: str) -> str:
    return page.split("<h2>Processes</h2>")[1].split("</div>")[0]


def test_processes_show_state_restarts_and_last_exit(db, settings, tmp_path):
    settings.SUPERVISOR_DIR = tmp_path / "supervisor"
    write_supervisor_state(settings.SUPERVISOR_DIR)
    section = processes_section(admin_client().get("/admin/operations/").content.decode())
    rows = {row.split("</td>")[0].removeprefix("<td>"): row for row in section.split("<tr>")[2:]}
    assert set(rows) == {"nats", "consumer", "worker"}
    assert "<td>RUNNING</td>" in rows["consumer"]
    assert "<td>3</td>" in rows["consumer"]
    assert "terminated by SIGKILL at " in rows["consumer"]
    assert "<strong>BACKOFF</strong> (5 quick failures in a row)" in rows["worker"]
    assert "exit status 1" in rows["worker"]
    assert "not running" not in section


def test_processes_say_when_the_supervisor_stopped_or_is_not_used(db, settings, tmp_path):
    settings.SUPERVISOR_DIR = tmp_path / "never-ran"
    section = processes_section(admin_client().get("/admin/operations/").content.decode())
    assert "Not running under <code>make run</code>" in section
    assert "systemd" in section

    # Killed without a word: its last report grows old.
    settings.SUPERVISOR_DIR = tmp_path / "gone-quiet"
    write_supervisor_state(settings.SUPERVISOR_DIR, updated_ago=120)
    section = processes_section(admin_client().get("/admin/operations/").content.decode())
    assert "The supervisor of <code>make run</code> is not running" in section
    assert "terminated by SIGKILL" in section

    settings.SUPERVISOR_DIR = tmp_path / "stopped"
    write_supervisor_state(settings.SUPERVISOR_DIR, running=False)
    section = processes_section(admin_client().get("/admin/operations/").content.decode())
    assert "is not running" in section
