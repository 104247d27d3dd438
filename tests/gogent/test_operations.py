"""The operations page for admins (/admin/operations/) and the probes behind it."""

from __future__ import annotations

import json
import os
import socket
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import dateformat, timezone

from analysis.models import Analysis, ReplyWaiter, ResultsPublisher
from gogent.monitoring import broker_queue_depths, celery_workers
from gogent.runlock import run_alone
from logs.models import LogPattern
from logs.services import IncomingMessage, logs_ingest_batch
from tests.helpers.analysis import analysis_in_outbox
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


def results_section(page: str) -> str:
    return page.split("<h2>Results on NATS</h2>")[1].split("</div>")[0]


def test_results_on_nats_show_an_unreachable_server_and_what_waits(db, settings):
    settings.ANALYSIS_RESULTS_SUBJECT = "plant.results"
    now = timezone.now()
    oldest = now - timedelta(hours=2, minutes=5)
    analysis_in_outbox("older", finished_at=oldest)
    answer = analysis_in_outbox("newer", finished_at=now - timedelta(minutes=1))
    ReplyWaiter.objects.create(
        pattern=answer.pattern, reply_to="_INBOX.ops", stream_seq=9,
        expires_at=now + timedelta(minutes=1), answer=answer,
    )  # fmt: skip
    ResultsPublisher.objects.create(
        pk=1, reachable=False, failures=3, retry_at=now + timedelta(seconds=8),
        last_error="nats: no servers available for connection", last_failure_at=now,
        unreachable_since=now - timedelta(minutes=3), published_total=41,
    )  # fmt: skip

    section = results_section(admin_client().get("/admin/operations/").content.decode())

    since = dateformat.format(timezone.localtime(now - timedelta(minutes=3)), "Y-m-d H:i:s e")
    assert f"<strong>unreachable</strong> since {since} (3 attempts failed;" in section
    assert "nats: no servers available for connection" in section
    assert "plant.results" in section
    assert "2 results, 1 answer to waiting logs" in section
    completed = dateformat.format(timezone.localtime(oldest), "Y-m-d H:i:s e")
    assert f"<strong>2\xa0hours, 5\xa0minutes</strong> (completed {completed})" in section
    assert "<td>41</td>" in section


def test_results_on_nats_say_when_the_publisher_has_not_tried_yet(db):
    section = results_section(admin_client().get("/admin/operations/").content.decode())

    assert "not tried yet" in section
    assert "unreachable" not in section
    assert "0 results, 0 answers to waiting logs" in section
    assert "ANALYSIS_RESULTS_SUBJECT is empty: results are not published" in section
    assert "<td>none</td>" in section  # nothing waits


def test_periodic_jobs_show_which_run_now_and_who_ran_them_last(db):
    page = admin_client().get("/admin/operations/").content.decode()
    assert "None has run yet" in page

    with run_alone("analysis-sweep", seconds=60):
        pass
    with run_alone("tickets-sync", seconds=60):
        page = admin_client().get("/admin/operations/").content.decode()

    rows = {
        name: row
        for name, row in (
            (job, page.split(f"<td>{job}</td>", 1)[1].split("</tr>", 1)[0])
            for job in ("analysis-sweep", "tickets-sync")
        )
    }
    assert "idle" in rows["analysis-sweep"]
    assert "running (lock held until" in rows["tickets-sync"]
    assert f"{socket.gethostname()}:{os.getpid()}" in rows["tickets-sync"]
