"""The console's pages render what they should, escaped, for each role."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest
from django.urls import reverse

from analysis.models import Analysis
from analysis.services import analysis_request
from logs.models import LogPattern, RejectedMessage
from logs.services import IncomingMessage, logs_ingest_batch

XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


def ingest(*logs: dict, start: int = 1) -> None:
    now = datetime.now(UTC)
    logs_ingest_batch(
        [
            IncomingMessage(
                subject="agent.technical.support",
                stream_seq=start + i,
                data=log if isinstance(log, bytes) else orjson.dumps(log),
                received_at=now,
            )
            for i, log in enumerate(logs)
        ]
    )


def log(message: str, severity: str = "ERROR", host: str = "plc-1", **context) -> dict:
    return {
        "timestamp": datetime.now(UTC).isoformat(),
        "hostname": host,
        "severity": severity,
        "service": "line-3",
        "message": message,
        "context": context,
    }


@pytest.fixture
def data(db) -> LogPattern:
    ingest(
        log("Modbus timeout reading register 40001 from slave 7"),
        log("Modbus timeout reading register 40002 from slave 9", host="plc-2"),
        log(f"operator note {XSS[0]} {XSS[1]}", severity="WARNING", note=XSS[0]),
        b"{not json " + XSS[0].encode(),
    )
    return LogPattern.objects.get(template__startswith="Modbus")


PAGES = [
    ("dashboard", {}),
    ("logs:patterns", {}),
    ("logs:logs", {}),
    ("logs:quarantine", {}),
    ("analysis:analyses", {}),
    ("integrations:tickets", {}),
    ("integrations:maintenance", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_every_page_renders_for_a_viewer(data, role_client, name, kwargs):
    response = role_client("viewer").get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    assert b"<nav" in response.content


def test_pattern_page_shows_facts_logs_and_analysis(data, role_client):
    analysis_request(pattern=data, trigger=Analysis.Trigger.OPERATOR)
    response = role_client("operator").get(reverse("logs:pattern", args=[data.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Modbus timeout reading register" in body
    assert "plc-2" in body
    assert "Analyze again" in body or "Analysis queued" in body
    assert 'hx-trigger="every 2s"' in body  # the panel polls while its analysis is queued


@pytest.mark.parametrize("name", ["logs:patterns", "logs:logs", "logs:quarantine"])
def test_log_text_is_escaped_everywhere(data, role_client, name):
    body = role_client("admin").get(reverse(name)).content.decode()
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    # Templates mask the payload's variable parts; the rest shows as text.
    assert ("&lt;img src=" if name == "logs:patterns" else "&lt;script&gt;alert(1)") in body


def test_pattern_detail_escapes_log_text(data, role_client):
    pattern = LogPattern.objects.get(template__startswith="operator note")
    body = role_client("viewer").get(reverse("logs:pattern", args=[pattern.pk])).content.decode()
    for payload in XSS:
        assert payload not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body


def test_llm_markdown_is_rendered_and_sanitized(data, role_client):
    analysis = Analysis.objects.create(
        pattern=data,
        trigger=Analysis.Trigger.OPERATOR,
        status=Analysis.Status.DONE,
        provider_name="fake",
        model="m",
        result={
            "summary": "**Link down** <script>alert(1)</script>",
            "probable_cause": "[click](javascript:alert(1)) <img src=x onerror=alert(1)>",
            "impact": "Line 3 stops",
            "recommended_actions": ["Check `cable`"],
            "severity": "high",
            "ticket_recommended": True,
            "ticket_priority": "high",
            "confidence": 0.7,
        },
    )
    Analysis.objects.filter(pk=analysis.pk).update(finished_at=analysis.created_at)
    body = role_client("viewer").get(reverse("logs:pattern", args=[data.pk])).content.decode()
    assert "<strong>Link down</strong>" in body
    assert "<code>cable</code>" in body
    assert "<script>alert(1)</script>" not in body
    assert "javascript:" not in body
    assert "onerror" not in body


def test_offline_analyses_are_labelled(data, role_client):
    Analysis.objects.filter(pattern=data).update(status=Analysis.Status.CANCELLED)
    Analysis.objects.create(
        pattern=data,
        trigger=Analysis.Trigger.NEW_PATTERN,
        status=Analysis.Status.DONE,
        is_offline=True,
        provider_name="offline analyzer",
        result={
            "summary": "s", "probable_cause": "c", "impact": "i", "recommended_actions": ["a"],
            "severity": "low", "ticket_recommended": False, "ticket_priority": None,
            "confidence": 0.5,
        },
    )  # fmt: skip
    browser = role_client("viewer")
    for url in (reverse("logs:pattern", args=[data.pk]), reverse("logs:patterns")):
        assert "offline" in browser.get(url).content.decode()


def test_filters_narrow_the_pattern_list(data, role_client):
    browser = role_client("viewer")
    body = browser.get(reverse("logs:patterns"), {"q": "modbus"}).content.decode()
    assert "Modbus timeout" in body and "operator note" not in body
    body = browser.get(reverse("logs:patterns"), {"severity": "40"}).content.decode()
    assert "Modbus timeout" in body and "operator note" not in body
    body = browser.get(reverse("logs:patterns"), {"host": "plc-2"}).content.decode()
    assert "Modbus timeout" in body and "operator note" not in body
    # A mangled filter or cursor shows everything rather than an error.
    assert (
        browser.get(reverse("logs:patterns"), {"severity": "x", "cursor": "%%"}).status_code == 200
    )


def test_htmx_requests_get_the_fragment_only(data, role_client):
    response = role_client("viewer").get(reverse("logs:patterns"), HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert b"Modbus timeout" in response.content


def test_keyset_pagination_walks_every_pattern(db, role_client):
    ingest(
        *(log(f"Sensor {chr(65 + i)}{chr(65 + j)} offline") for i in range(4) for j in range(30))
    )
    browser = role_client("viewer")
    seen, cursor = [], ""
    for _ in range(20):
        response = browser.get(reverse("logs:patterns"), {"cursor": cursor} if cursor else {})
        seen += [row["pattern"].pk for row in response.context["rows"]]
        cursor = response.context["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(
        LogPattern.objects.filter(merged_into=None).values_list("pk", flat=True)
    )
    assert len(seen) == len(set(seen))


def test_csv_export_streams_the_filter_and_defuses_formulas(db, role_client):
    ingest(log('=HYPERLINK("http://evil") pump 3 stalled'), log("pump 4 ok", severity="INFO"))
    response = role_client("viewer").get(reverse("logs:export"), {"severity": "40"})
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    lines = body.strip().splitlines()
    assert lines[0].startswith("timestamp,severity")
    assert len(lines) == 2
    assert "'=HYPERLINK" in lines[1]


def test_quarantine_shows_counts_by_reason(data, role_client):
    body = role_client("viewer").get(reverse("logs:quarantine")).content.decode()
    assert RejectedMessage.objects.count() == 1
    assert "Not JSON: 1" in body


def test_message_search_finds_every_matching_log_with_or_without_a_range(db, role_client):
    # More in tests/logs/test_search.py.
    ingest(*(log(f"pump {n} cavitation detected") for n in range(5)))
    browser = role_client("viewer")
    for params in ({"q": "cavitation"}, {"q": "cavitation", "since": "30d"}):
        response = browser.get(reverse("logs:logs"), params)
        assert len(response.context["logs"]) == 5
        assert "Text search reads" not in response.content.decode()
