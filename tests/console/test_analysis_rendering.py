"""Analyses render as written: templates' <*> placeholders stay text, markdown from an LLM
is rendered, and nothing from a log or a model becomes live HTML."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest
from django.urls import reverse
from django.utils import timezone

from analysis.models import Analysis, Provider
from analysis.services import analysis_run
from logs.models import LogPattern
from logs.services import IncomingMessage, logs_ingest_batch

ESTOP = "Robot <*> emergency stop: light curtain zone <*> interrupted"
ESTOP_SHOWN = "Robot &lt;*&gt; emergency stop: light curtain zone &lt;*&gt; interrupted"


@pytest.fixture
def estop(db) -> LogPattern:
    """The pattern of a robot's emergency stops, analyzed by the offline analyzer."""
    Provider.objects.update(enabled=False)
    now = datetime.now(UTC)
    logs_ingest_batch(
        [
            IncomingMessage(
                subject="agent.technical.support",
                stream_seq=seq,
                data=orjson.dumps(
                    {
                        "timestamp": now.isoformat(),
                        "hostname": "plc-cell-2",
                        "severity": "CRITICAL",
                        "service": "robot-controller",
                        "message": f"Robot R{seq} emergency stop: light curtain zone {seq} "
                        "interrupted",
                    }
                ),
                received_at=now,
            )
            for seq in (3, 4)
        ]
    )
    pattern = LogPattern.objects.get()
    assert pattern.template == ESTOP
    analysis_run(analysis_id=Analysis.objects.get(pattern=pattern).pk)
    return pattern


def analysis_section(body: str) -> str:
    start = body.index('<div class="analysis">')
    return body[start : body.index("</div>", start)]


def test_the_offline_analysis_of_a_template_shows_it_as_written(estop, role_client):
    analysis = Analysis.objects.get(pattern=estop)
    assert analysis.is_offline and ESTOP in analysis.result["summary"]
    browser = role_client("viewer")

    page = browser.get(reverse("logs:pattern", args=[estop.pk])).content.decode()
    panel = browser.get(
        reverse("analysis:pattern-panel", args=[estop.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()

    for body in (page, panel):
        shown = analysis_section(body)
        assert ESTOP_SHOWN in shown
        assert "<em>" not in shown
        assert "&lt;&gt;" not in shown and "<*>" not in shown


def test_llm_text_with_templates_and_html_renders_safely(estop, role_client):
    Analysis.objects.create(
        pattern=estop,
        trigger=Analysis.Trigger.OPERATOR,
        status=Analysis.Status.DONE,
        provider_name="fake",
        model="m",
        finished_at=timezone.now(),
        result={
            "summary": f"**Safety stop.** The pattern {ESTOP} repeats "
            "<script>alert(1)</script> every shift.",
            "probable_cause": f"Quoted: `{ESTOP}` <img src=x onerror=alert(1)>",
            "impact": "Cell 2 stops <*>*<*>",
            "recommended_actions": ["Check zone <*> wiring", "[run](javascript:alert(1))"],
            "severity": "high",
            "ticket_recommended": True,
            "ticket_priority": "high",
            "confidence": 0.8,
        },
    )

    body = role_client("viewer").get(reverse("logs:pattern", args=[estop.pk])).content.decode()
    shown = analysis_section(body)

    assert "<strong>Safety stop.</strong>" in shown
    assert f"The pattern {ESTOP_SHOWN} repeats" in shown
    assert f"<code>{ESTOP_SHOWN}</code>" in shown
    assert "Cell 2 stops &lt;*&gt;*&lt;*&gt;" in shown
    assert "Check zone &lt;*&gt; wiring" in shown
    assert "<em>" not in shown
    for unsafe in ("<script", "alert(1)</script>", "<img", "onerror", "javascript:"):
        assert unsafe not in shown


def test_links_and_images_from_the_model_show_as_text(estop, role_client):
    Analysis.objects.create(
        pattern=estop,
        trigger=Analysis.Trigger.OPERATOR,
        status=Analysis.Status.DONE,
        provider_name="fake",
        model="m",
        finished_at=timezone.now(),
        result={
            "summary": "See [the runbook](https://evil.example/runbook) or "
            "<https://evil.example/auto> and https://evil.example/bare.",
            "probable_cause": "![diagram](https://evil.example/pixel.png) "
            '<a href="https://evil.example/raw">raw link</a> <img src="https://evil.example/i">',
            "impact": "Mail <ops@evil.example>; [ref][1]\n\n[1]: https://evil.example/ref",
            "recommended_actions": ["Read [docs](http://evil.example/docs)"],
            "severity": "high",
            "ticket_recommended": True,
            "ticket_priority": "high",
            "confidence": 0.8,
        },
    )

    body = role_client("viewer").get(reverse("logs:pattern", args=[estop.pk])).content.decode()
    shown = analysis_section(body)

    for unsafe in ("<a", "href=", "<img", "src="):
        assert unsafe not in shown
    for text in (
        "See the runbook (https://evil.example/runbook) or https://evil.example/auto and "
        "https://evil.example/bare.",
        "[image: diagram] (https://evil.example/pixel.png) raw link",
        "Mail ops@evil.example; ref (https://evil.example/ref)",
        "Read docs (http://evil.example/docs)",
    ):
        assert text in shown
