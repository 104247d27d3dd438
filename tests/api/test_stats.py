"""GET /api/v1/stats: volume by severity over time, ingest rate, quarantine, queue depths."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from logs.services import IncomingMessage, logs_ingest_batch
from tests.helpers.api import ingest, log


def quarantine(payload: bytes) -> None:
    logs_ingest_batch(
        [
            IncomingMessage(
                subject="agent.technical.support",
                stream_seq=90_000_000,
                data=payload,
                received_at=datetime.now(UTC),
            )
        ]
    )


def test_stats_from_the_rollups(api_key):
    ingest(
        log("Disk full", severity="error"), log("Disk full", severity="error"), log("Hi", "info")
    )
    quarantine(b"not json at all")
    response = api_key("viewer").get("/api/v1/stats", {"hours": 1, "bucket_minutes": 15})
    assert response.status_code == 200, response.content
    stats = response.json()
    volume = stats["volume"]
    assert volume["bucket_minutes"] == 15
    assert volume["total"] == 3
    assert sum(volume["by_severity"]["ERROR"]) == 2
    assert len(volume["buckets"]) == len(volume["by_severity"]["INFO"])
    assert stats["ingested"] == {"ERROR": 2, "INFO": 1}
    assert stats["ingest_rate"]["last_minute"] > 0
    assert stats["ingest_rate"]["last_15_minutes"] <= stats["ingest_rate"]["last_minute"]
    assert stats["rejected"] == [{"reason": "not_json", "label": "Not JSON", "count": 1}]
    # No NATS in this test: the backlog is reported unknown, with why; the API still answers.
    jetstream = stats["queues"]["jetstream"]
    assert jetstream["ok"] is False
    assert jetstream["error"]
    assert stats["queues"]["celery"] == {"celery": 0, "analysis": 0, "tickets": 0}


def test_the_jetstream_backlog_is_read_from_the_consumer(api_key, nats_server, settings):
    settings.NATS_SERVERS = [nats_server.url]
    operator = api_key("operator")
    body = orjson.dumps([log("Valve stuck"), log("Valve stuck")])
    assert operator.post("/api/v1/logs", body, "application/json").status_code == 202
    jetstream = operator.get("/api/v1/stats").json()["queues"]["jetstream"]
    # Nobody consumes in this test: both wait in the stream.
    assert jetstream == {
        "ok": True,
        "pending": 2,
        "ack_pending": 0,
        "redelivered": 0,
        "waiting_pulls": 0,
        "stream_messages": 2,
        "error": "",
    }


def test_too_many_buckets_are_refused(api_key, db):
    response = api_key("viewer").get("/api/v1/stats", {"hours": 720, "bucket_minutes": 1})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "too_many_buckets"
