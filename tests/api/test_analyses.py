"""Analyses over the API: list, get, retry, cancel, and analyzing a pattern again."""

from __future__ import annotations

import pytest
from django.utils import timezone

from analysis.models import Analysis
from logs.models import LogPattern
from tests.helpers.api import ingest, log, session_client
from tests.helpers.users import user_with_role


@pytest.fixture
def pattern(db) -> LogPattern:
    ingest(log("Modbus timeout reading register 40001 from slave 7"))
    return LogPattern.objects.get()


def finished(pattern: LogPattern, status: str, **fields) -> Analysis:
    return Analysis.objects.create(
        pattern=pattern,
        trigger=Analysis.Trigger.NEW_PATTERN,
        status=status,
        finished_at=timezone.now(),
        **fields,
    )


def test_list_filter_and_pages(api_key, pattern):
    Analysis.objects.all().delete()
    done = [
        finished(pattern, Analysis.Status.DONE, result={"summary": f"s{n}"}, text=f"t{n}")
        for n in range(5)
    ]
    failed = finished(pattern, Analysis.Status.FAILED, error="HTTP 401 from provider")
    client = api_key("viewer")
    first = client.get("/api/v1/analyses", {"limit": 4}).json()
    assert [a["id"] for a in first["items"]] == [failed.pk, *[a.pk for a in done[::-1][:3]]]
    rest = client.get("/api/v1/analyses", {"limit": 4, "cursor": first["next_cursor"]}).json()
    assert [a["id"] for a in rest["items"]] == [done[1].pk, done[0].pk]
    assert rest["next_cursor"] is None
    only_failed = client.get("/api/v1/analyses", {"status": "failed"}).json()["items"]
    assert [(a["id"], a["error"]) for a in only_failed] == [(failed.pk, "HTTP 401 from provider")]
    by_pattern = client.get("/api/v1/analyses", {"pattern": pattern.pk}).json()["items"]
    assert len(by_pattern) == 6
    assert client.get("/api/v1/analyses", {"cursor": "nope"}).status_code == 400


def test_detail_carries_the_result_and_the_reply(api_key, pattern):
    analysis = finished(
        pattern,
        Analysis.Status.DONE,
        result={"summary": "PLC lost its fieldbus link"},
        text="PLC lost its fieldbus link",
        raw_reply='{"summary": "PLC lost its fieldbus link"}',
        provider_name="Local Ollama",
        model="deepseek-r1:1.5b",
        tokens_in=800,
        tokens_out=200,
        latency_ms=1500,
    )
    body = api_key("viewer").get(f"/api/v1/analyses/{analysis.pk}").json()
    assert body["result"] == {"summary": "PLC lost its fieldbus link"}
    assert body["source"] == "Local Ollama · deepseek-r1:1.5b"
    assert body["raw_reply"].startswith("{")
    assert (body["tokens_in"], body["tokens_out"], body["latency_ms"]) == (800, 200, 1500)


def test_retry_and_cancel_follow_the_services_rules(api_key, pattern):
    queued = Analysis.objects.get(pattern=pattern)
    client = api_key("operator")
    response = client.post(f"/api/v1/analyses/{queued.pk}/retry")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_state"

    response = client.post(f"/api/v1/analyses/{queued.pk}/cancel")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert client.post(f"/api/v1/analyses/{queued.pk}/cancel").status_code == 409

    response = client.post(f"/api/v1/analyses/{queued.pk}/retry")
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    assert Analysis.objects.get(pk=queued.pk).status == Analysis.Status.QUEUED


def test_analyze_again_queues_one_analysis_and_records_the_user(pattern):
    Analysis.objects.update(status=Analysis.Status.DONE, finished_at=timezone.now())
    operator = user_with_role("operator")
    client = session_client(operator)
    url = f"/api/v1/patterns/{pattern.pk}/analyze"
    first = client.post(url).json()
    second = client.post(url).json()
    assert first["id"] == second["id"]  # the one queued is returned, not a second
    assert (first["status"], first["trigger"], first["requested_by"]) == (
        "queued",
        "operator",
        operator.username,
    )
    assert Analysis.objects.filter(status=Analysis.Status.QUEUED).count() == 1


def test_a_key_request_has_no_user(api_key, pattern):
    Analysis.objects.update(status=Analysis.Status.DONE, finished_at=timezone.now())
    body = api_key("operator").post(f"/api/v1/patterns/{pattern.pk}/analyze").json()
    assert body["requested_by"] is None


def test_missing_objects_are_404_json(api_key, db):
    client = api_key("operator")
    for url in ("/api/v1/analyses/12345", "/api/v1/patterns/12345/analyze"):
        response = client.get(url) if "analyze" not in url else client.post(url)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("trigger", Analysis.Trigger.values)
def test_every_trigger_an_analysis_can_have_is_served(api_key, pattern, trigger):
    analysis = finished(pattern, Analysis.Status.DONE, result={"summary": "s"}, text="t")
    Analysis.objects.filter(pk=analysis.pk).update(trigger=trigger)
    response = api_key("viewer").get(f"/api/v1/analyses/{analysis.pk}")
    assert response.status_code == 200
    assert response.json()["trigger"] == trigger
