"""Investigations: a tool-calling model over real HTTP for each protocol family, the tools
Gogent runs for it, caps, checkpoints, the trace in the page and the API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone

from analysis.investigation import ANSWER_NOW
from analysis.models import Analysis, InvestigationStep, Provider
from analysis.services import analysis_request, analysis_run
from analysis.tools.base import Tool, ToolArguments, ToolContext, ToolRefused, ToolResult
from logs.models import LogPattern
from tests.fakes.llm import DEFAULT_REPLY, FakeLLM, Fault
from tests.helpers.analysis import ingest, log

pytestmark = [pytest.mark.production, pytest.mark.usefixtures("no_results_subject")]

RUNS: list[dict[str, Any]] = []


class CountArguments(ToolArguments):
    host: str
    hours: int = 1


def _count(context: ToolContext, arguments: CountArguments) -> ToolResult:
    RUNS.append({"pattern": context.pattern_id, "host": arguments.host})
    if arguments.host == "fail":
        raise RuntimeError("database went away")
    if arguments.host == "nowhere":
        raise ToolRefused("no such host")
    return ToolResult(data={"host": arguments.host, "count": 42}, summary="42 logs")


COUNT_TOOL = Tool(
    name="count_logs",
    description="How many logs a host sent.",
    arguments=CountArguments,
    run=_count,
)


@pytest.fixture(autouse=True)
def tools(settings):
    RUNS.clear()
    settings.ANALYSIS_TOOLS = ["tests.analysis.test_investigation.COUNT_TOOL"]


def settle(analysis: Analysis, steps: int = 10) -> Analysis:
    for _ in range(steps):
        Analysis.objects.filter(pk=analysis.pk, status=Analysis.Status.QUEUED).update(
            next_attempt_at=timezone.now()
        )
        Provider.objects.update(paused_until=None)
        if analysis_run(analysis_id=analysis.pk) is None:
            break
    analysis.refresh_from_db()
    return analysis


def one_call_then_answer(view: dict[str, Any]) -> dict[str, Any]:
    if view["tool_choice"] != "none" and not view["turns"]:
        return {"tool_calls": [{"name": "count_logs", "arguments": {"host": "plc-1"}}]}
    return {"text": DEFAULT_REPLY}


def fresh_analysis() -> Analysis:
    ingest(log("Modbus timeout reading register 40001 from slave 7"))
    return Analysis.objects.get()


PROTOCOLS = [
    ("ollama", ""),
    ("openai", "/v1"),
    ("deepseek", ""),
    ("anthropic", ""),
    ("gemini", ""),
    ("azure_openai", "/openai/deployments/gpt"),
]


@pytest.mark.parametrize(("kind", "suffix"), PROTOCOLS)
def test_a_model_calls_a_tool_then_answers(kind, suffix, make_provider, db):
    with FakeLLM(script=one_call_then_answer) as fake:
        make_provider(fake.url + suffix, kind=kind, api_key="k", api_version="2024-10-21")
        analysis = settle(fresh_analysis())
        second = fake.requests[1]
    assert analysis.status == Analysis.Status.DONE, analysis.error
    assert analysis.result["summary"] == json.loads(DEFAULT_REPLY)["summary"]
    assert [{"pattern": analysis.pattern_id, "host": "plc-1"}] == RUNS
    steps = list(analysis.steps.order_by("number"))
    assert [(s.kind, s.tool) for s in steps] == [
        ("model", ""), ("tool", "count_logs"), ("model", ""),
    ]  # fmt: skip
    assert steps[0].summary == "asked for count_logs"
    assert steps[1].arguments == {"host": "plc-1"} and steps[1].summary == "42 logs"
    assert steps[2].summary == "answered"
    assert analysis.tokens_in == sum(s.tokens_in for s in steps if s.kind == "model")
    assert analysis.attempts == 2 and analysis.conversation is None
    # The tool's answer went back fenced as data, in the vendor's own shape.
    body = json.dumps(second.body)
    assert "LOG_DATA" in body and '\\"count\\":42' in body
    assert "count_logs" in body


def test_the_step_cap_asks_for_the_answer_with_tools_off(make_provider, db):
    def always_a_tool(view):
        if view["tool_choice"] == "none":
            return {"text": DEFAULT_REPLY}
        return {
            "tool_calls": [{"name": "count_logs", "arguments": {"host": f"h{len(view['turns'])}"}}]
        }

    with FakeLLM(script=always_a_tool) as fake:
        make_provider(fake.url, kind="openai", api_key="k", investigation_max_steps=3)
        analysis = settle(fresh_analysis())
        bodies = [r.body for r in fake.requests]
    assert analysis.status == Analysis.Status.DONE
    assert len(bodies) == 3
    assert [b.get("tool_choice") for b in bodies] == ["auto", "auto", "none"]
    assert bodies[-1]["messages"][-1] == {"role": "user", "content": ANSWER_NOW}
    assert len(RUNS) == 2


def test_the_token_cap_makes_the_first_call_the_last(make_provider, db):
    with FakeLLM(script=one_call_then_answer) as fake:
        make_provider(fake.url, kind="anthropic", api_key="k", investigation_max_tokens=1000)
        analysis = settle(fresh_analysis())
        (only,) = fake.requests
    assert analysis.status == Analysis.Status.DONE
    assert only.body["tool_choice"] == {"type": "none"}
    assert RUNS == []


def test_a_model_without_tool_support_gets_the_single_prompt(make_provider, db):
    with FakeLLM(script=one_call_then_answer, tools_supported=False) as fake:
        provider = make_provider(fake.url)
        analysis = settle(fresh_analysis())
        first, second = fake.requests
        # Remembered for this model: the next analysis asks once, without tools.
        ingest(log("Conveyor 4 stalled: jam at station 2"))
        later = settle(Analysis.objects.exclude(pk=analysis.pk).get())
        third = fake.requests[-1]
        assert len(fake.requests) == 3
        # A new model is asked with tools again.
        Provider.objects.filter(pk=provider.pk).update(model="another-model")
        ingest(log("Boiler 2 pressure high: 9 bar"))
        settle(Analysis.objects.exclude(pk__in=[analysis.pk, later.pk]).get())
        assert "tools" in fake.requests[-2].body
    assert analysis.status == Analysis.Status.DONE and later.status == Analysis.Status.DONE
    assert "tools" in first.body and "tools" not in second.body
    assert "format" in second.body  # the plain call's JSON schema
    assert "tools" not in third.body


def test_tools_switched_off_for_a_provider(make_provider, db):
    with FakeLLM(script=one_call_then_answer) as fake:
        make_provider(fake.url, tools_enabled=False)
        analysis = settle(fresh_analysis())
        (only,) = fake.requests
    assert analysis.status == Analysis.Status.DONE
    assert "tools" not in only.body and not analysis.steps.exists()


def test_bad_calls_are_errors_the_model_reads(make_provider, db):
    calls = [
        {"name": "drop_tables", "arguments": {}},
        {"name": "count_logs", "arguments": {"host": "plc-1", "sql": "DROP TABLE logs"}},
        {"name": "count_logs", "arguments": {"host": "plc-1", "hours": "lots"}},
        {"name": "count_logs", "arguments": "not json at all"},
        {"name": "count_logs", "arguments": {"host": "fail"}},
        {"name": "count_logs", "arguments": {"host": "nowhere"}},
        {"name": "count_logs", "arguments": {"host": "plc-1"}},
        {"name": "count_logs", "arguments": {"host": "plc-2"}},
    ]

    def script(view):
        if not view["turns"]:
            return {"tool_calls": calls}
        return {"text": DEFAULT_REPLY}

    with FakeLLM(script=script) as fake:
        make_provider(fake.url, kind="openai", api_key="k")
        analysis = settle(fresh_analysis())
        results = [m for m in fake.requests[1].body["messages"] if m["role"] == "tool"]
    assert analysis.status == Analysis.Status.DONE
    tool_steps = list(analysis.steps.filter(kind=InvestigationStep.Kind.TOOL).order_by("number"))
    summaries = [s.summary for s in tool_steps]
    assert summaries[0] == "unknown tool"
    assert "Extra inputs are not permitted" in summaries[1]
    assert summaries[2].startswith("invalid arguments: hours")
    assert summaries[3] == "arguments must be a JSON object"
    assert summaries[4] == "tool failed"
    assert summaries[5:] == ["not run", "not run", "not run"]  # past 5 calls a step
    assert all(s.is_error for s in tool_steps)
    # Every call got its answer (the protocols need one per call id); none leaks internals.
    assert len(results) == 8
    assert "database went away" not in json.dumps(fake.requests[1].body)
    assert [r["host"] for r in RUNS] == ["fail"]


def test_a_tool_refusal_reaches_the_model(make_provider, db):
    def script(view):
        if not view["turns"]:
            return {"tool_calls": [{"name": "count_logs", "arguments": {"host": "nowhere"}}]}
        return {"text": DEFAULT_REPLY}

    with FakeLLM(script=script) as fake:
        make_provider(fake.url, kind="anthropic", api_key="k")
        analysis = settle(fresh_analysis())
        (result,) = fake.requests[1].body["messages"][-1]["content"]
    assert analysis.status == Analysis.Status.DONE
    assert result["type"] == "tool_result" and result["is_error"] is True
    assert '"error":"no such host"' in result["content"]
    assert analysis.steps.get(kind="tool").summary == "no such host"


def test_an_error_mid_investigation_resumes_from_the_checkpoint(make_provider, db):
    with FakeLLM(script=one_call_then_answer) as fake:
        make_provider(fake.url, kind="gemini", api_key="k")
        analysis = fresh_analysis()

        # The first call succeeds; the second meets a 503, then succeeds on the next step.
        def flaky(view):
            if not view["turns"]:
                fake.fail_next(Fault.status(503))
            return one_call_then_answer(view)

        fake.script = flaky
        Analysis.objects.filter(pk=analysis.pk).update(next_attempt_at=timezone.now())
        analysis_run(analysis_id=analysis.pk)
        analysis.refresh_from_db()
        assert analysis.status == Analysis.Status.QUEUED
        assert analysis.conversation["calls"] == 1 and len(analysis.conversation["turns"]) == 2
        analysis = settle(analysis)
    assert analysis.status == Analysis.Status.DONE
    assert len(RUNS) == 1  # the tool was not run again
    assert analysis.steps.filter(kind="tool").count() == 1


def test_a_proposed_action_that_was_not_offered_is_dropped(make_provider, db):
    answer = json.loads(DEFAULT_REPLY) | {
        "proposed_action": {"name": "wipe_plc", "reason": "the log said so"}
    }

    with FakeLLM(script=lambda view: {"text": json.dumps(answer)}) as fake:
        make_provider(fake.url, kind="openai", api_key="k")
        analysis = settle(fresh_analysis())
    assert analysis.status == Analysis.Status.DONE
    assert "proposed_action" not in analysis.result
    step = analysis.steps.get(is_error=True)
    assert step.summary == "proposed an action that was not offered, dropped: wipe_plc"


def test_the_trace_is_on_the_pattern_page_and_in_the_api(make_provider, admin_client, db):
    def hostile(view):
        if not view["turns"]:
            host = "<script>alert(1)</script>"
            return {"tool_calls": [{"name": "count_logs", "arguments": {"host": host}}]}
        return {"text": DEFAULT_REPLY}

    with FakeLLM(script=hostile) as fake:
        make_provider(fake.url, kind="openai", api_key="k")
        analysis = settle(fresh_analysis())
    pattern = LogPattern.objects.get()
    page = admin_client.get(f"/patterns/{pattern.pk}/").content.decode()
    assert "Investigation: 3 steps" in page
    assert "<code>count_logs</code>" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    detail = admin_client.get(f"/api/v1/analyses/{analysis.pk}").json()
    assert [s["kind"] for s in detail["steps"]] == ["model", "tool", "model"]
    assert detail["steps"][1]["arguments"] == {"host": "<script>alert(1)</script>"}
    assert detail["rung"] == 1 and detail["rung_reason"] == "the default provider"


def test_a_request_without_tools_is_unchanged(make_provider, db, settings):
    settings.ANALYSIS_TOOLS = []
    with FakeLLM() as fake:
        make_provider(fake.url)
        analysis = settle(analysis_request(pattern=fresh_analysis().pattern, trigger="operator"))
        (only,) = fake.requests
    assert analysis.status == Analysis.Status.DONE
    assert "tools" not in only.body


def test_only_a_refusal_of_tools_turns_them_off(make_provider, db):
    """An error that merely mentions a tool (here a malformed tool message) is an error,
    not a model without tools."""
    with FakeLLM(script=one_call_then_answer) as fake:
        provider = make_provider(fake.url, kind="openai", api_key="k")
        message = (
            "messages with role 'tool' must be a response to a preceding message with 'tool_calls'"
        )
        fake.fail_next(Fault.status(400, body=json.dumps({"error": {"message": message}})))
        analysis = settle(fresh_analysis())
    provider.refresh_from_db()
    assert analysis.status == Analysis.Status.FAILED
    assert provider.tools_refused_model == ""
