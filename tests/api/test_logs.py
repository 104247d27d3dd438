"""Logs and patterns over the API: lists, filters, keyset pages, triage, submissions."""

from __future__ import annotations

import asyncio

import nats
import orjson
import pytest
from django.conf import settings

from gogent.models import ApiKey
from logs.models import LogEntry, LogPattern, RejectedMessage
from tests.helpers.api import ingest, log, session_client
from tests.helpers.users import user_with_role
from tests.helpers.wait import wait_for


def all_pages(client, url: str, **params) -> list[list[dict]]:
    pages, cursor = [], ""
    while True:
        response = client.get(url, {**params, "cursor": cursor})
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append(body["items"])
        if body["next_cursor"] is None:
            return pages
        cursor = body["next_cursor"]


def test_logs_page_through_newest_first_without_gaps_or_repeats(api_key):
    # Several logs share a timestamp: the id breaks the tie in the cursor.
    ingest(*[log(f"Valve {n} stuck", minutes_ago=n // 3) for n in range(23)])
    pages = all_pages(api_key("viewer"), "/api/v1/logs", limit=5)
    assert [len(page) for page in pages] == [5, 5, 5, 5, 3]
    rows = [row for page in pages for row in page]
    assert len({row["id"] for row in rows}) == 23
    keys = [(row["timestamp"], row["id"]) for row in rows]
    assert keys == sorted(keys, reverse=True)
    first = rows[-1]
    assert first["severity"] == "ERROR"
    assert first["context"] == {"line": 3}
    assert first["stream_seq"] == LogEntry.objects.get(pk=first["id"]).stream_seq


def test_log_filters(api_key):
    ingest(
        log("Disk full on /var", severity="critical", host="db-1", service="postgres"),
        log("Login succeeded for admin", severity="info", host="web-1", service="nginx"),
        log("Disk full on /data", severity="error", host="db-2", service="postgres"),
    )
    client = api_key("viewer")

    def messages(**params) -> list[str]:
        response = client.get("/api/v1/logs", params)
        assert response.status_code == 200, response.content
        return sorted(row["message"] for row in response.json()["items"])

    assert messages(min_severity="error") == ["Disk full on /data", "Disk full on /var"]
    assert messages(min_severity="CRIT") == ["Disk full on /var"]
    assert messages(host="web-1") == ["Login succeeded for admin"]
    assert messages(service="postgres", q="/data") == ["Disk full on /data"]
    pattern = LogEntry.objects.get(message="Disk full on /var").pattern_id
    assert messages(pattern=pattern) == ["Disk full on /data", "Disk full on /var"]
    assert messages(since="1h") == messages()
    response = client.get("/api/v1/logs", {"min_severity": "loud"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_severity"


@pytest.mark.parametrize("cursor", ["garbage", "W10", "WyJ4IiwgMTAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwXQ"])
def test_a_cursor_not_handed_out_is_refused(api_key, cursor):
    response = api_key("viewer").get("/api/v1/logs", {"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"


def test_query_validation_errors_are_json_with_a_code(api_key):
    response = api_key("viewer").get("/api/v1/logs", {"limit": 0})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["details"][0]["loc"][-1] == "limit"


def test_patterns_list_detail_and_triage(api_key):
    ingest(
        *[log(f"Conveyor {n} jammed at station {n}", host=f"plc-{n % 2}") for n in range(4)],
        log("Temperature sensor 3 out of range", severity="warning"),
    )
    viewer, operator = api_key("viewer"), api_key("operator")
    pages = all_pages(viewer, "/api/v1/patterns", limit=1, sort="count")
    assert [page[0]["count"] for page in pages] == [4, 1]
    jam = pages[0][0]
    assert jam["template"] == "Conveyor <*> jammed at station <*>"
    assert jam["status"] == "new"

    detail = viewer.get(f"/api/v1/patterns/{jam['id']}").json()
    assert detail["severities"] == [{"value": "ERROR", "count": 4}]
    assert detail["host_total"] == 2

    response = operator.post(
        f"/api/v1/patterns/{jam['id']}/status", {"status": "muted"}, "application/json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "muted"
    assert LogPattern.objects.get(pk=jam["id"]).status == "muted"
    muted = viewer.get("/api/v1/patterns", {"status": "muted"}).json()["items"]
    assert [p["id"] for p in muted] == [jam["id"]]

    response = operator.post(
        f"/api/v1/patterns/{jam['id']}/status", {"status": "gone"}, "application/json"
    )
    assert response.status_code == 422
    assert viewer.get("/api/v1/patterns/999999").json()["error"]["code"] == "not_found"


def test_a_merged_pattern_points_to_its_survivor_and_cannot_be_triaged(api_key):
    ingest(log("Pump 1 stalled"), log("Fan 2 noisy"))
    survivor, absorbed = LogPattern.objects.order_by("pk")
    LogPattern.objects.filter(pk=absorbed.pk).update(merged_into=survivor)
    viewer, operator = api_key("viewer"), api_key("operator")
    assert viewer.get(f"/api/v1/patterns/{absorbed.pk}").json()["merged_into_id"] == survivor.pk
    response = operator.post(
        f"/api/v1/patterns/{absorbed.pk}/status", {"status": "resolved"}, "application/json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "pattern_merged"


# --- Submitting logs ------------------------------------------------------------------


def post_logs(client, body, **headers):
    data = body if isinstance(body, bytes) else orjson.dumps(body)
    return client.post("/api/v1/logs", data, content_type="application/json", **headers)


def assert_nothing_stored() -> None:
    assert not LogEntry.objects.exists()
    assert not RejectedMessage.objects.exists()


def test_a_batch_with_bad_logs_is_refused_whole_naming_each(api_key, settings):
    batch = [
        log("Fine message"),
        {"severity": "error"},
        log("Also fine"),
        {"message": "x", "severity": "loud"},
        "not an object",
        {"message": "x", "context": {"a": [[[[]]]]}},
    ]
    settings.LOG_MAX_CONTEXT_DEPTH = 3
    response = post_logs(api_key("operator"), batch)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_logs"
    assert error["message"] == "4 of 6 logs break the input rules; none was stored."
    assert [(d["index"], d["reason"]) for d in error["details"]] == [
        (1, "missing_message"),
        (3, "invalid_severity"),
        (4, "not_object"),
        (5, "too_deep"),
    ]
    assert "use debug, info" in error["details"][1]["detail"]
    assert_nothing_stored()


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "invalid_json"),
        (b"\xff\xfe", 400, "invalid_json"),
        (b"42", 422, "invalid_body"),
        (b"[]", 422, "empty_batch"),
        (b'{"message": "nul \\u0000 inside"}', 422, "invalid_logs"),
    ],
)
def test_bad_bodies_are_refused_with_a_code(api_key, body, status, code):
    response = post_logs(api_key("operator"), body)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert_nothing_stored()


def test_a_batch_over_the_limit_is_refused(api_key, settings):
    settings.API_LOGS_MAX_BATCH = 3
    response = post_logs(api_key("operator"), [log(f"m{n}") for n in range(4)])
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_many_logs"


def test_without_nats_the_answer_is_503_and_nothing_is_stored(api_key):
    response = post_logs(api_key("operator"), log("Valve 3 stuck"))
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "nats_unavailable"
    assert_nothing_stored()


async def _stream_payloads(url: str) -> list[bytes]:
    client = await nats.connect(url)
    try:
        js = client.jetstream()
        info = await js.stream_info(settings.NATS_STREAM)
        return [
            (await js.get_msg(settings.NATS_STREAM, seq)).data
            for seq in range(info.state.first_seq, info.state.last_seq + 1)
            if info.state.messages
        ]
    finally:
        await client.close()


def test_valid_logs_are_published_into_the_stream_once_per_idempotency_key(
    api_key, nats_server, settings
):
    settings.NATS_SERVERS = [nats_server.url]
    client = api_key("operator")
    batch = [log("Valve 3 stuck"), {"message": "Door open", "severity": 3, "extra": True}]
    response = post_logs(client, batch, HTTP_IDEMPOTENCY_KEY="batch-7")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["accepted"] == 2
    assert body["duplicates"] == 0
    assert body["stream"] == settings.NATS_STREAM
    # The consumer stores what the stream holds: the logs as sent, re-encoded.
    stored = [orjson.loads(p) for p in asyncio.run(_stream_payloads(nats_server.url))]
    assert stored == batch
    # A retry of the same request (the answer was lost, say) stores nothing twice.
    again = post_logs(client, batch, HTTP_IDEMPOTENCY_KEY="batch-7").json()
    assert again["stream_seqs"] == body["stream_seqs"]
    assert again["duplicates"] == 2
    assert len(asyncio.run(_stream_payloads(nats_server.url))) == 2
    # No database row yet: storing is the consumer's job (next test).
    assert_nothing_stored()


async def _stream_msg_ids(url: str) -> list[str]:
    client = await nats.connect(url)
    try:
        js = client.jetstream()
        info = await js.stream_info(settings.NATS_STREAM)
        return [
            ((await js.get_msg(settings.NATS_STREAM, seq)).headers or {}).get("Nats-Msg-Id", "")
            for seq in range(info.state.first_seq, info.state.last_seq + 1)
            if info.state.messages
        ]
    finally:
        await client.close()


def test_an_idempotency_key_belongs_to_its_caller(api_key, nats_server, settings):
    settings.NATS_SERVERS = [nats_server.url]
    first, second = api_key("operator"), api_key("operator")
    mine, theirs = [log("Valve 3 stuck"), log("Valve 4 stuck")], [log("Door 9 open")]
    assert post_logs(first, mine, HTTP_IDEMPOTENCY_KEY="nightly").json()["duplicates"] == 0
    # Another producer picking the same key has its logs taken, not dropped as duplicates.
    other = post_logs(second, theirs, HTTP_IDEMPOTENCY_KEY="nightly")
    assert other.status_code == 202, other.content
    assert other.json()["accepted"] == 1
    assert other.json()["duplicates"] == 0
    stored = [orjson.loads(p) for p in asyncio.run(_stream_payloads(nats_server.url))]
    assert stored == mine + theirs
    # Each caller's retry still dedupes against its own request only.
    assert post_logs(first, mine, HTTP_IDEMPOTENCY_KEY="nightly").json()["duplicates"] == 2
    assert post_logs(second, theirs, HTTP_IDEMPOTENCY_KEY="nightly").json()["duplicates"] == 1
    assert len(asyncio.run(_stream_payloads(nats_server.url))) == 3
    ids = asyncio.run(_stream_msg_ids(nats_server.url))
    one, two = (ApiKey.objects.get(prefix=c.raw_key.split("_")[1]).pk for c in (first, second))
    assert ids == [f"k{one}:nightly:0", f"k{one}:nightly:1", f"k{two}:nightly:0"]


def test_a_signed_in_users_key_is_theirs_and_a_long_key_is_hashed(api_key, nats_server, settings):
    settings.NATS_SERVERS = [nats_server.url]
    long_key = "retry-" + "x" * 94
    operator = user_with_role("operator")
    for client in (api_key("operator"), session_client(operator)):
        response = post_logs(client, log("Boiler 2 hot"), HTTP_IDEMPOTENCY_KEY=long_key)
        assert response.status_code == 202, response.content
        assert response.json()["duplicates"] == 0
        again = post_logs(client, log("Boiler 2 hot"), HTTP_IDEMPOTENCY_KEY=long_key)
        assert again.json()["duplicates"] == 1
    ids = asyncio.run(_stream_msg_ids(nats_server.url))
    assert len(ids) == 2
    assert ids[0].startswith("k") and ids[1].startswith(f"u{operator.pk}:sha256-")
    assert all(len(msg_id) < 100 and long_key not in msg_id for msg_id in ids)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_posted_logs_are_stored_by_the_consumer_with_their_stream_sequence(
    api_key, nats_server, start_consumer, settings
):
    settings.NATS_SERVERS = [nats_server.url]
    start_consumer()
    response = post_logs(api_key("operator"), [log("Boiler 2 pressure high"), log("Pump ok")])
    assert response.status_code == 202, response.content
    seqs = response.json()["stream_seqs"]
    wait_for(lambda: LogEntry.objects.count() == 2, timeout=30, what="the consumer to store")
    assert sorted(LogEntry.objects.values_list("stream_seq", flat=True)) == sorted(seqs)
    assert set(LogEntry.objects.values_list("message", flat=True)) == {
        "Boiler 2 pressure high",
        "Pump ok",
    }


def test_text_filters_refuse_nul(api_key):
    response = api_key("viewer").get("/api/v1/logs", {"q": "a\x00b"})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["loc"][-1] == "q"
