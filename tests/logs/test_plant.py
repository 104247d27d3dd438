"""Plant context: context rules place each log at ingest (site, area, line, cell, asset),
patterns roll the places up, and the console, the API and the admin's "try it" read them."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO
from itertools import islice

import orjson
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from gogent.apikeys import api_key_create
from gogent.models import AuditEvent
from logs import plant
from logs.models import ContextRule, LogEntry, LogPattern, LogPatternStat, PlantContext
from logs.plant import PlantMapper, plant_mapper, plant_scope_parse
from logs.sources import generated_logs
from logs.validation import ParsedLog
from tests.helpers.analysis import ingest
from tests.helpers.api import KeyClient

pytestmark = pytest.mark.production


@pytest.fixture(autouse=True)
def _fresh_places():
    plant.plant_places_forget()
    yield
    plant.plant_places_forget()


def entry(host: str = "plc-line3-12", service: str = "press", context: dict | None = None) -> dict:
    return {
        "timestamp": datetime.now(UTC).isoformat(),
        "hostname": host,
        "severity": "ERROR",
        "service": service,
        "message": "Hydraulic pressure 112 bar below threshold",
        "context": context or {},
    }


def parsed(host: str = "plc-line3-12", service: str = "press", context: dict | None = None):
    return ParsedLog(
        timestamp=datetime.now(UTC),
        hostname=host,
        severity=40,
        service=service,
        message="m",
        context=context or {},
    )


def rule(name: str, **fields) -> ContextRule:
    made = ContextRule(name=name, **fields)
    made.full_clean()
    made.save()
    return made


@pytest.fixture
def plant_rules(db) -> None:
    rule(
        "line and cell from PLC names",
        position=10,
        source="hostname",
        pattern=r"plc-line(?P<line>\d+)-(?P<cell>\d+)",
        site="plant-a",
    )
    rule("asset from context", position=20, source="context", context_field="asset",
         assign_to="asset")  # fmt: skip
    rule("site for everything else", position=30, source="any", site="plant-b")


# --- The rules ------------------------------------------------------------------------


def test_named_groups_static_values_and_context_fields_each_fill_their_keys(plant_rules):
    mapper = plant_mapper()
    place = mapper.place(parsed(context={"asset": "press-4"}))
    assert place == ("plant-a", "", "3", "12", "press-4")


def test_each_key_takes_the_first_value_a_matching_rule_gives(plant_rules):
    # The PLC rule gives site plant-a before "everything else" gives plant-b; a host the
    # PLC rule does not match takes plant-b.
    mapper = plant_mapper()
    assert mapper.place(parsed())[0] == "plant-a"
    assert mapper.place(parsed(host="scada-01")) == ("plant-b", "", "", "", "")
    assert mapper.explain(parsed(context={"asset": "press-4"})) == {
        "site": ("plant-a", "line and cell from PLC names"),
        "line": ("3", "line and cell from PLC names"),
        "cell": ("12", "line and cell from PLC names"),
        "asset": ("press-4", "asset from context"),
    }


def test_context_paths_numbers_and_hostile_values(db):
    rule("line", source="context", context_field="plant.line", assign_to="line")
    rule("asset", source="context", context_field="asset", assign_to="asset")
    mapper = plant_mapper()
    assert mapper.place(parsed(context={"plant": {"line": 3}})) == ("", "", "3", "", "")
    # An object or a list is no value; control characters are blanked; long values are cut.
    assert mapper.place(parsed(context={"plant": {"line": {"x": 1}}, "asset": [1]})) is None
    assert mapper.place(parsed(context={"asset": "press\x00\n4"}))[4] == "press  4"
    assert len(mapper.place(parsed(context={"asset": "x" * 10_000}))[4]) == 100
    assert mapper.place(parsed(context={"plant": "not an object"})) is None


def test_disabled_rules_do_not_place_and_an_edit_reaches_the_next_batch(db):
    made = rule("site", source="any", site="plant-a")
    assert plant_mapper().place(parsed()) == ("plant-a", "", "", "", "")
    made.enabled = False
    made.save()
    assert plant_mapper().place(parsed()) is None


@pytest.mark.timeout(10)
def test_a_producer_host_name_cannot_make_a_rule_backtrack(db):
    # Exponential for a backtracking engine on this name; RE2 answers in linear time.
    rule("nested", source="hostname", pattern=r"^(a+)+(?P<asset>x)$")
    assert (
        PlantMapper([plant.CompiledRule.of(ContextRule.objects.get())]).place(
            parsed(host="a" * 5000 + "b")
        )
        is None
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"source": "hostname", "pattern": "plc-(?P<line>"}, "pattern", "Not a valid RE2"),
        ({"source": "hostname", "pattern": r"(?P<room>\d+)"}, "pattern", "not room"),
        ({"source": "context", "assign_to": "line"}, "context_field", "Name the context"),
        ({"source": "any", "pattern": "x", "site": "a"}, "source", "no value to search"),
        ({"source": "hostname", "pattern": "plc"}, "__all__", "gives no key a value"),
    ],
)
def test_a_rule_that_cannot_place_logs_is_refused_with_the_reason(db, fields, field, message):
    with pytest.raises(ValidationError) as refused:
        rule("bad", **fields)
    assert message in " ".join(refused.value.message_dict[field])


def test_plant_scopes_read_key_equals_glob_pairs():
    assert plant_scope_parse("site = Plant-A, line = 3, line=4, asset = press-*") == {
        "site": ["plant-a"], "line": ["3", "4"], "asset": ["press-*"],
    }  # fmt: skip
    for bad in ("room = 3", "line", "line = ", "= 3"):
        with pytest.raises(ValidationError):
            plant_scope_parse(bad)


# --- Ingest -----------------------------------------------------------------------------


def test_ingest_stores_each_logs_place_once_and_counts_it_per_pattern(plant_rules):
    ingest(*(entry(context={"asset": f"press-{n % 2}"}) for n in range(6)), entry(host="scada"))
    placed = LogEntry.objects.exclude(plant=None).select_related("plant")
    assert sorted({e.plant.as_dict()["asset"] for e in placed if e.plant.asset}) == [
        "press-0",
        "press-1",
    ]
    assert PlantContext.objects.count() == 3  # two presses on line 3, and plant-b
    pattern = LogPattern.objects.get()
    stats = dict(
        LogPatternStat.objects.filter(pattern=pattern, dimension__in=plant.PLANT_KEYS)
        .values_list("dimension", "value")
        .annotate()
        .values_list("value", "count")
    )
    assert stats == {"plant-a": 6, "plant-b": 1, "3": 6, "12": 6, "press-0": 3, "press-1": 3}


def test_logs_no_rule_places_have_no_place_and_cost_no_row(db):
    ingest(entry())
    assert LogEntry.objects.get().plant_id is None
    assert not PlantContext.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_place_created_in_a_batch_that_rolls_back_is_made_again(plant_rules):
    with pytest.raises(RuntimeError), transaction.atomic():
        ingest(entry(context={"asset": "press-9"}))
        raise RuntimeError("the batch's transaction fails after the place was made")
    assert not PlantContext.objects.filter(asset="press-9").exists()
    # The id read for the rolled-back place is not remembered: the place is made again.
    ingest(entry(context={"asset": "press-9"}))
    assert LogEntry.objects.get().plant.asset == "press-9"


# --- Console and API --------------------------------------------------------------------


@pytest.fixture
def placed(plant_rules) -> None:
    ingest(entry(host="plc-line3-12", context={"asset": "press-4"}))
    ingest({**entry(host="plc-line4-1"), "message": "Conveyor belt slipping at 2 m/s"})


def test_the_logs_and_patterns_lists_filter_by_place_and_show_it(placed, role_client):
    browser = role_client("viewer")
    logs = browser.get(reverse("logs:logs"), {"line": "3"}).content.decode()
    assert '<td class="mono">plc-line3-12' in logs
    assert '<td class="mono">plc-line4-1' not in logs
    assert "site plant-a / line 3 / cell 12 / asset press-4" in logs
    patterns = browser.get(reverse("logs:patterns"), {"asset": "PRESS-*"}).content.decode()
    assert "Hydraulic pressure" in patterns and "Conveyor belt" not in patterns
    assert "line 3 · asset press-4" in patterns
    assert 'name="line"' in patterns  # the place filters show once logs have places


def test_the_place_filters_stay_hidden_until_a_rule_placed_something(db, role_client):
    ingest(entry())
    assert 'name="line"' not in role_client("viewer").get(reverse("logs:logs")).content.decode()


def test_the_pattern_page_lists_where_the_pattern_occurs_with_links(placed, role_client):
    pattern = LogPattern.objects.get(template__startswith="Hydraulic")
    body = role_client("viewer").get(reverse("logs:pattern", args=[pattern.pk])).content.decode()
    assert "/patterns/?asset=press-4" in body
    assert "Line (top 1)" in body


def test_the_api_filters_by_place_and_returns_it(placed, settings):
    settings.METRICS_CACHE_SECONDS = 0
    client = KeyClient(api_key_create(name="plant", role="viewer")[1])
    logs = client.get("/api/v1/logs", {"line": "4"}).json()["items"]
    assert [(log["hostname"], log["plant"]) for log in logs] == [
        ("plc-line4-1", {"site": "plant-a", "line": "4", "cell": "1"})
    ]
    patterns = client.get("/api/v1/patterns", {"site": "plant-a", "cell": "1?"}).json()
    assert [p["template"][:8] for p in patterns["items"]] == ["Hydrauli"]
    detail = client.get(f"/api/v1/patterns/{patterns['items'][0]['id']}").json()
    assert detail["places"]["asset"] == [{"value": "press-4", "count": 1}]
    assert client.get("/api/v1/logs", {"line": "x" * 101}).status_code == 422


# --- Admin --------------------------------------------------------------------------------


def test_the_admin_tries_the_rules_on_samples_and_escapes_them(plant_rules, role_client):
    browser = role_client("admin")
    url = reverse("admin:logs_contextrule_try")
    samples = "\n".join(
        [
            orjson.dumps(entry(host="plc-line7-2<script>x</script>")).decode(),
            "not json",
        ]
    )
    body = browser.post(url, {"samples": samples}).content.decode()
    assert "<script>x" not in body and "&lt;script&gt;x" in body
    assert "line and cell from PLC names" in body  # which rule gave the value
    assert "Not a log:" in body


def test_the_admin_tries_the_rules_on_the_latest_logs_by_default(placed, role_client):
    body = role_client("admin").get(reverse("admin:logs_contextrule_try")).content.decode()
    assert "Latest stored logs" in body and "plc-line4-1" in body


def test_an_admin_adds_a_rule_and_the_change_is_audited(db, role_client):
    response = role_client("admin").post(
        reverse("admin:logs_contextrule_add"),
        {"name": "cells", "position": 5, "enabled": "on", "source": "hostname",
         "pattern": r"cell(?P<cell>\d+)", "context_field": "", "assign_to": "",
         "site": "", "area": "", "line": "", "cell": "", "asset": ""},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CONFIG_ADDED).exists()
    refused = role_client("admin").post(
        reverse("admin:logs_contextrule_add"),
        {"name": "bad", "position": 5, "source": "hostname", "pattern": "(?P<room>x)"},
    )
    assert "Named groups must be among" in refused.content.decode()


def test_viewers_cannot_reach_the_rules(db, role_client):
    assert role_client("viewer").get(reverse("admin:logs_contextrule_try")).status_code == 302


# --- Config file --------------------------------------------------------------------------


def apply(text: str) -> str:
    out = StringIO()
    call_command("apply_config", "-", stdin=StringIO(text), stdout=out)
    return out.getvalue()


def test_a_config_file_writes_the_rules_and_refuses_a_bad_one_whole(db):
    apply(
        "[[context_rules]]\n"
        'name = "plc"\nposition = 10\nsource = "hostname"\n'
        "pattern = 'plc-line(?P<line>\\d+)'\nsite = \"plant-a\"\n"
    )
    assert plant_mapper().place(parsed()) == ("plant-a", "", "3", "", "")
    with pytest.raises(CommandError) as refused:
        apply(
            '[[context_rules]]\nname = "plc"\nsource = "hostname"\npattern = "x"\n'
            '[[context_rules]]\nname = "room"\nsource = "hostname"\npattern = "(?P<room>x)"\n'
        )
    assert "Named groups must be among" in str(refused.value)
    assert ContextRule.objects.get().pattern == r"plc-line(?P<line>\d+)"


def test_the_demo_places_its_generated_plant_logs(db, settings):
    call_command("apply_config", str(settings.BASE_DIR / "docs" / "demo.toml"), stdout=StringIO())
    logs = [orjson.loads(raw) for raw in islice(generated_logs(seed=1), 400)]
    mapper = plant_mapper()
    places = [mapper.place(parsed(log["hostname"], log["service"], log["context"])) for log in logs]
    plc = next(p for log, p in zip(logs, places, strict=True) if log["hostname"].startswith("plc"))
    assert plc[:2] == ("plant-a", "assembly") and plc[2] and plc[3] and plc[4]
    # Servers in the server room stay unplaced.
    assert any(
        p is None for log, p in zip(logs, places, strict=True) if log["hostname"][:4] == "srv-"
    )
