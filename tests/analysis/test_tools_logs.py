"""The read-only log tools an investigation may call, against real rows: what they find,
what they refuse, and the bounds on what they return."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from analysis.models import Analysis
from analysis.tools.base import ToolContext, ToolRefused, tools_configured
from analysis.tools.logs import (
    MESSAGE_CHARS,
    PATTERN_BREAKDOWN,
    PATTERN_HISTORY,
    PATTERN_TIMELINE,
    PATTERNS_NEARBY,
    SEARCH_LOGS,
    SIMILAR_PATTERNS,
)
from logs import plant
from logs.models import ContextRule, LogPattern
from tests.helpers.analysis import ingest, log

pytestmark = pytest.mark.production


@pytest.fixture(autouse=True)
def _fresh_places():
    plant.plant_places_forget()
    yield
    plant.plant_places_forget()


def pattern_of(message_start: str) -> LogPattern:
    return LogPattern.objects.get(template__startswith=message_start, merged_into=None)


def context(pattern: LogPattern) -> ToolContext:
    return ToolContext(pattern_id=pattern.pk, now=timezone.now())


@pytest.fixture
def plant_logs(db) -> LogPattern:
    ContextRule.objects.create(
        name="lines", position=10, source="hostname", pattern=r"plc-line(?P<line>\d+)", site="a"
    )
    ingest(
        *[log(f"Modbus timeout reading register {n} from slave 7", host="plc-line3")
          for n in range(30)],
        *[log(f"Conveyor {n} stalled: jam", host="plc-line3", service="conveyor")
          for n in range(4)],
        *[log(f"Hydraulic pressure {n} bar below threshold", host="plc-line3",
              service="press") for n in range(3)],
        {**log("Boiler 2 pressure high: 9 bar", host="boiler-1", service="steam"),
         "context": {"unit": "b2"}},
    )  # fmt: skip
    return pattern_of("Modbus timeout")


def test_every_configured_tool_has_a_closed_schema():
    tools = tools_configured()
    assert {tool.name for tool in tools} >= {
        "search_logs", "pattern_timeline", "pattern_breakdown", "patterns_nearby",
        "similar_patterns", "pattern_history",
    }  # fmt: skip
    assert len(settings.ANALYSIS_TOOLS) == len({tool.name for tool in tools})
    for tool in tools:
        schema = tool.parameters()
        assert schema["type"] == "object" and schema["additionalProperties"] is False
        json.dumps(schema)


def test_search_logs_finds_by_text_host_and_line_newest_first(plant_logs):
    found = SEARCH_LOGS.call(context(plant_logs), {"text": "stalled", "limit": 3})
    assert [row["message"].startswith("Conveyor") for row in found.data["logs"]] == [True] * 3
    assert found.data["more"] is True and found.summary == "3 logs (more exist)"
    times = [row["time"] for row in found.data["logs"]]
    assert times == sorted(times, reverse=True)
    by_host = SEARCH_LOGS.call(context(plant_logs), {"host": "boiler-1"})
    assert [row["service"] for row in by_host.data["logs"]] == ["steam"]
    by_line = SEARCH_LOGS.call(context(plant_logs), {"line": "3", "limit": 20})
    assert len(by_line.data["logs"]) == 20 and all(
        row["host"] == "plc-line3" for row in by_line.data["logs"]
    )
    boiler = SEARCH_LOGS.call(context(plant_logs), {"context_key": "unit", "context_value": "b2"})
    assert [row["host"] for row in boiler.data["logs"]] == ["boiler-1"]
    mine = SEARCH_LOGS.call(context(plant_logs), {"only_this_pattern": True, "limit": 5})
    assert {row["pattern"] for row in mine.data["logs"]} == {plant_logs.pk}


def test_search_logs_refuses_what_is_out_of_bounds(plant_logs):
    refusals = [
        {"limit": 1000},
        {"text": "x" * 201},
        {"since": "10y"},
        {"sql": "DROP TABLE logs_logentry"},
        {"min_severity": "LOUD"},
        {"pattern_id": 10**20},
        {"pattern_id": 999_999},
        {"text": '"unclosed'},
        {"context_key": "unit__contains", "context_value": "b"},
        {"context_key": "a b"},
    ]
    for arguments in refusals:
        with pytest.raises(ToolRefused):
            SEARCH_LOGS.call(context(plant_logs), arguments)


def test_messages_and_values_come_back_cut(db):
    long = "Disk failure on /dev/sda: " + "x" * 5000
    ingest(log(long, host="h" * 255))
    pattern = LogPattern.objects.get()
    (row,) = SEARCH_LOGS.call(context(pattern), {}).data["logs"]
    assert len(row["message"]) == MESSAGE_CHARS and row["message"].endswith("…")
    assert len(row["host"]) <= 120


def test_timeline_breakdown_and_history(plant_logs):
    timeline = PATTERN_TIMELINE.call(context(plant_logs), {"hours": 6})
    assert len(timeline.data["counts_per_hour"]) == 6
    assert timeline.data["counts_per_hour"][-1] == 30
    with pytest.raises(ToolRefused):
        PATTERN_TIMELINE.call(context(plant_logs), {"hours": 10_000})
    breakdown = PATTERN_BREAKDOWN.call(context(plant_logs), {})
    assert breakdown.data["hosts"] == [["plc-line3", 30]]
    assert breakdown.data["places"]["line"] == [["3", 30]]
    history = PATTERN_HISTORY.call(context(plant_logs), {})
    assert history.data["analyses"] == []
    Analysis.objects.filter(pattern=plant_logs).update(
        status=Analysis.Status.DONE, finished_at=timezone.now(), is_offline=True,
        result={"summary": "S", "probable_cause": "C", "severity": "high", "confidence": 0.5},
    )  # fmt: skip
    (earlier,) = PATTERN_HISTORY.call(context(plant_logs), {}).data["analyses"]
    assert earlier["by"] == "offline analyzer" and earlier["summary"] == "S"


def test_patterns_nearby_on_the_same_host_or_line(plant_logs):
    by_host = PATTERNS_NEARBY.call(context(plant_logs), {"minutes": 60})
    templates = [row["template"] for row in by_host.data["patterns"]]
    assert templates[0].startswith("Conveyor") and len(templates) == 2
    assert not any("Boiler" in template for template in templates)
    by_line = PATTERNS_NEARBY.call(context(plant_logs), {"by": "line"})
    assert by_line.data["lines"] == ["3"] and len(by_line.data["patterns"]) == 2
    later = (timezone.now() + timedelta(days=2)).isoformat()
    assert PATTERNS_NEARBY.call(context(plant_logs), {"around": later}).data["patterns"] == []
    for arguments in ({"around": "yesterday"}, {"minutes": 100_000}, {"around": "2026-01-01"}):
        with pytest.raises(ToolRefused):
            PATTERNS_NEARBY.call(context(plant_logs), arguments)
    boiler = pattern_of("Boiler")
    with pytest.raises(ToolRefused, match="no plant line"):
        PATTERNS_NEARBY.call(context(boiler), {"by": "line"})


def test_similar_patterns_ranks_the_obviously_similar_first(plant_logs):
    ingest(log("Modbus timeout writing register 7 to slave 3", host="plc-9"))
    found = SIMILAR_PATTERNS.call(context(plant_logs), {"limit": 3})
    assert found.data["patterns"][0]["template"].startswith("Modbus timeout writing")
    assert len(found.data["patterns"]) <= 3


def test_a_merged_pattern_is_followed_to_the_one_it_became(plant_logs):
    conveyor, press = pattern_of("Conveyor"), pattern_of("Hydraulic")
    LogPattern.objects.filter(pk=press.pk).update(merged_into=conveyor)
    breakdown = PATTERN_BREAKDOWN.call(context(plant_logs), {"pattern_id": press.pk})
    assert breakdown.data["pattern"] == conveyor.pk
