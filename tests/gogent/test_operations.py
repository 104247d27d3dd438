"""The operations page for admins (/admin/operations/) and the probes behind it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.utils import timezone

from analysis.models import Analysis
from gogent.monitoring import broker_queue_depths, celery_workers
from logs.models import LogPattern
from logs.services import IncomingMessage, logs_ingest_batch
from tests.api.conftest import ingest, log
from tests.conftest import free_port, user_with_role


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
