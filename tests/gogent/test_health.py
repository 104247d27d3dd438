"""/healthz, /readyz and /metrics against real components: nats-server, SQLite, the broker."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from analysis.models import Analysis, ReplyWaiter, ResultsPublisher
from gogent.apikeys import api_key_create
from logs.models import LogPattern
from tests.helpers.analysis import analysis_in_outbox
from tests.helpers.api import KeyClient, ingest, log
from tests.helpers.celery import reset_connections
from tests.helpers.processes import free_port
from tests.helpers.users import user_with_role

pytestmark = pytest.mark.production


@pytest.fixture(autouse=True)
def _no_nats_and_fresh_metrics(settings) -> None:
    settings.NATS_SERVERS = [f"nats://127.0.0.1:{free_port()}"]
    settings.METRICS_CACHE_SECONDS = 0
    settings.ANALYSIS_RESULTS_SUBJECT = ""
    settings.READYZ_CACHE_SECONDS = 0


def staff() -> Client:
    """/readyz shows each component's result to staff only (tests/gogent/test_readyz.py)."""
    browser = Client()
    browser.force_login(user_with_role("admin"))
    return browser


@pytest.fixture
def broker_down() -> Iterator[None]:
    """The Celery app pointed at an AMQP broker on a port nobody listens on."""
    from gogent.celery import app

    saved = app.conf.broker_url
    app.conf.broker_url = f"amqp://guest:guest@127.0.0.1:{free_port()}//"
    reset_connections(app)
    yield
    app.conf.broker_url = saved
    reset_connections(app)


def test_healthz_answers_without_touching_anything():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ready_when_everything_answers(db, nats_server, settings):
    settings.NATS_SERVERS = [nats_server.url]
    response = staff().get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "nats": True,
        "broker": True,
    }


def test_readyz_reports_a_stopped_nats_server_as_down(db, nats_server, settings):
    settings.NATS_SERVERS = [nats_server.url]
    assert staff().get("/readyz").status_code == 200
    nats_server.stop()
    response = staff().get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["nats"]["ok"] is False
    assert checks["nats"]["error"]
    assert checks["database"]["ok"] is True
    assert checks["broker"]["ok"] is True
    nats_server.start()
    assert staff().get("/readyz").status_code == 200


def test_readyz_reports_an_unreachable_broker(db, nats_server, settings, broker_down):
    settings.NATS_SERVERS = [nats_server.url]
    response = staff().get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert (checks["broker"]["ok"], checks["nats"]["ok"]) == (False, True)
    assert "refused" in checks["broker"]["error"].lower()


# --- /metrics -------------------------------------------------------------------------


def scrape(client: Client) -> dict[str, list]:
    response = client.get("/metrics")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    return {
        family.name: family.samples
        for family in text_string_to_metric_families(response.content.decode())
    }


def sample(families: dict[str, list], name: str, **labels: str) -> float:
    family = name.removesuffix("_total").removesuffix("_bucket").removesuffix("_count")
    for found in families.get(family, []):
        if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
            return found.value
    raise AssertionError(f"no sample {name} {labels} in {sorted(families)}")


def test_metrics_need_a_key_of_any_role(db):
    assert Client().get("/metrics").status_code == 401
    assert Client().get("/metrics").json()["error"]["code"] == "not_authenticated"
    _, raw = api_key_create(name="prom", role="viewer")
    assert KeyClient(raw).get("/metrics").status_code == 200
    _, expired = api_key_create(
        name="old", role="admin", expires_at=timezone.now() - timedelta(days=1)
    )
    response = KeyClient(expired).get("/metrics")
    assert (response.status_code, response.json()["error"]["code"]) == (401, "api_key_expired")


def test_metrics_can_be_opened_to_localhost_only(db, settings):
    settings.METRICS_ACCESS = ["localhost"]
    assert Client().get("/metrics").status_code == 200  # the test client is 127.0.0.1
    assert Client(REMOTE_ADDR="::1").get("/metrics").status_code == 200
    response = Client(REMOTE_ADDR="192.0.2.10").get("/metrics")
    assert response.status_code == 403
    settings.METRICS_ACCESS = ["key", "localhost"]
    assert Client(REMOTE_ADDR="192.0.2.10").get("/metrics").status_code == 401


def test_metrics_count_logs_rejections_analyses_and_tokens(db, settings):
    settings.METRICS_ACCESS = ["localhost"]
    ingest(log("Disk full", severity="error"), log("Disk full", severity="error"))
    ingest(log("Fan speed nominal", severity="info"))
    pattern = LogPattern.objects.filter(template__startswith="Disk").get()
    Analysis.objects.filter(pattern=pattern).update(
        status=Analysis.Status.DONE,
        provider_name="Local Ollama",
        latency_ms=1200,
        tokens_in=700,
        tokens_out=150,
        finished_at=timezone.now(),
    )
    Analysis.objects.create(
        pattern=pattern,
        trigger=Analysis.Trigger.OPERATOR,
        status=Analysis.Status.DONE,
        is_offline=True,
        latency_ms=3,
    )
    families = scrape(Client())
    assert sample(families, "gogent_logs_ingested_total", severity="ERROR") == 2
    assert sample(families, "gogent_logs_ingested_total", severity="INFO") == 1
    assert sample(families, "gogent_patterns", status="new") == 2
    assert sample(families, "gogent_analyses", status="done", provider="Local Ollama") == 1
    assert sample(families, "gogent_analyses", status="done", provider="offline analyzer") == 1
    ollama = {"provider": "Local Ollama"}
    assert sample(families, "gogent_llm_latency_seconds_bucket", le="1.0", **ollama) == 0
    assert sample(families, "gogent_llm_latency_seconds_bucket", le="2.5", **ollama) == 1
    assert sample(families, "gogent_llm_latency_seconds_count", **ollama) == 1
    assert sample(families, "gogent_llm_tokens_total", kind="prompt", **ollama) == 700
    assert sample(families, "gogent_llm_tokens_total", kind="completion", **ollama) == 150
    # No NATS here: said so, not hidden.
    assert sample(families, "gogent_jetstream_up") == 0
    # Every collector answered, each app's own included.
    for collector in settings.METRICS_COLLECTORS:
        assert sample(families, "gogent_metrics_collector_up", collector=collector) == 1


def test_metrics_read_the_consumer_lag_from_jetstream(db, settings, nats_server):
    settings.NATS_SERVERS = [nats_server.url]
    settings.METRICS_ACCESS = ["localhost"]
    _, raw = api_key_create(name="producer", role="operator")
    response = KeyClient(raw).post(
        "/api/v1/logs", [log("a"), log("b"), log("c")], "application/json"
    )
    assert response.status_code == 202
    families = scrape(Client())
    assert sample(families, "gogent_jetstream_up") == 1
    assert sample(families, "gogent_jetstream_consumer_pending") == 3
    assert sample(families, "gogent_jetstream_stream_messages") == 3


def test_metrics_are_cached_for_a_few_seconds(db, settings):
    settings.METRICS_ACCESS = ["localhost"]
    settings.METRICS_CACHE_SECONDS = 30
    from django.core.cache import cache

    from gogent.metrics import CACHE_KEY

    cache.delete(CACHE_KEY)
    first = scrape(Client())
    ingest(log("Something new", severity="error"))
    assert scrape(Client()) == first
    cache.delete(CACHE_KEY)


def test_metrics_show_the_results_outbox_before_any_attempt(db, settings):
    settings.METRICS_ACCESS = ["localhost"]

    families = scrape(Client())

    assert sample(families, "gogent_results_outbox", kind="analysis") == 0
    assert sample(families, "gogent_results_outbox", kind="answer") == 0
    assert sample(families, "gogent_results_outbox_oldest_seconds") == 0
    assert sample(families, "gogent_results_published_total") == 0
    # Reachability is not known until the publisher tried: not shown as down.
    assert "gogent_nats_reachable" not in families


def test_metrics_show_what_waits_and_nats_unreachable_after_a_failure(db, settings):
    settings.METRICS_ACCESS = ["localhost"]
    analysis_in_outbox("older", finished_at=timezone.now() - timedelta(minutes=10))
    answer = analysis_in_outbox("newer", finished_at=timezone.now() - timedelta(minutes=1))
    ReplyWaiter.objects.create(
        pattern=answer.pattern, reply_to="_INBOX.metrics", stream_seq=3,
        expires_at=timezone.now() + timedelta(minutes=1), answer=answer,
    )  # fmt: skip
    now = timezone.now()
    ResultsPublisher.objects.create(
        pk=1, reachable=False, failures=2, retry_at=now + timedelta(seconds=4),
        last_error="nats: no servers available for connection", last_failure_at=now,
        unreachable_since=now - timedelta(seconds=6), published_total=17,
    )  # fmt: skip

    families = scrape(Client())

    assert sample(families, "gogent_results_outbox", kind="analysis") == 2
    assert sample(families, "gogent_results_outbox", kind="answer") == 1
    assert 600 <= sample(families, "gogent_results_outbox_oldest_seconds") < 700
    assert sample(families, "gogent_results_published_total") == 17
    assert sample(families, "gogent_nats_reachable") == 0

    ResultsPublisher.objects.filter(pk=1).update(reachable=True, failures=0, retry_at=None)
    Analysis.objects.update(publish_pending=False, published_at=timezone.now())
    ReplyWaiter.objects.all().delete()
    families = scrape(Client())
    assert sample(families, "gogent_nats_reachable") == 1
    assert sample(families, "gogent_results_outbox", kind="analysis") == 0
    assert sample(families, "gogent_results_outbox_oldest_seconds") == 0
