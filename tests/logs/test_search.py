"""Log search over every retained log: the query language, the full-text index kept in step
with ingest, retention, merges and replays, and how the console and the API show a search
that cannot be understood. Runs on PostgreSQL too (`make test-production`)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse

from gogent.audit import Actor
from logs import patterns
from logs.models import LogEntry, LogPattern, Severity
from logs.search import SearchQuery, SearchSyntaxError, parse_query
from logs.selectors import LogFilters, log_export_rows, log_page
from logs.services import logs_purge
from logs.services.replay import LogsSelection, logs_replay
from tests.helpers.api import ingest, log, session_client
from tests.helpers.users import user_with_role

pytestmark = [pytest.mark.django_db, pytest.mark.production]

OPERATOR = Actor(label="search test")


def found(q: str, **filters) -> list[str]:
    """The messages a search finds, newest first, over every page."""
    messages, cursor = [], ""
    while True:
        page = log_page(LogFilters(q=q, **filters), cursor, size=2)
        messages += [entry.message for entry in page.rows]
        cursor = page.next_cursor
        if not cursor:
            return messages


def index_terms_of(pk: int) -> int:
    """How many logs the index has under this id (SQLite: the FTS5 table's own rows)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM logs_logentry_fts "
            "WHERE logs_logentry_fts MATCH %s AND rowid = %s",
            ['"pump" OR "valve" OR "press"', pk],
        )
        return cursor.fetchone()[0]


def assert_index_consistent() -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # FTS5 compares every term in the index with the logs' text; raises if they differ.
            cursor.execute(
                "INSERT INTO logs_logentry_fts (logs_logentry_fts, rank) "
                "VALUES ('integrity-check', 1)"
            )


# --- The query language --------------------------------------------------------------------


def test_words_phrases_and_field_terms_are_parsed_into_one_query():
    query = parse_query(
        'pump  "unit 7 stuck" host:plc-* host:scada-01 service:"order api" severity:warn'
    )
    assert query == SearchQuery(
        texts=("pump", "unit 7 stuck"),
        hosts=("plc-*", "scada-01"),
        services=("order api",),
        min_severity=Severity.WARNING,
    )
    assert parse_query("SEVERITY:3 Severity:error").min_severity == Severity.ERROR  # syslog 3
    assert parse_query("") == SearchQuery()
    # Colons inside text are text: times, URLs, key:value of a number.
    assert parse_query("10:32:01 http://plc-1/status").texts == ("10:32:01", "http://plc-1/status")


@pytest.mark.parametrize(
    ("q", "problem"),
    [
        ('valve "stuck open', "A quote is not closed"),
        ("colour:red", 'Unknown field "colour:"'),
        ("host:", '"host:" needs a value'),
        ("severity:loud", 'Unknown severity "loud"'),
        ("severity:²", 'Unknown severity "²"'),
        ("*** ---", "Search for words"),
        ("word " * 40, "too many terms"),
        ("x" * 1001, "at most 1000"),
    ],
)
def test_a_query_that_cannot_be_understood_says_why(q, problem):
    with pytest.raises(SearchSyntaxError, match=problem):
        parse_query(q)


# --- What a search finds -------------------------------------------------------------------


def test_every_word_must_be_in_the_message_and_a_phrase_in_its_order():
    ingest(
        log("Pump 3 pressure low", minutes_ago=1),
        log("pressure of pump 3 low", minutes_ago=2),
        log("Pump 4 pressure high", minutes_ago=3),
        log("Valve 3 stuck", minutes_ago=4),
    )
    assert found("pump pressure low") == ["Pump 3 pressure low", "pressure of pump 3 low"]
    assert found('"pump 3 pressure"') == ["Pump 3 pressure low"]
    assert found("PUMP high") == ["Pump 4 pressure high"]  # any case
    assert found("pum") == []  # whole words


def test_identifiers_hex_codes_and_accented_words_are_found_as_written():
    ingest(
        log("E_PRESS_4 fault 0x1f at ns=2;s=Motor.Speed", minutes_ago=1),
        log("Überdruck in Kessel 7", minutes_ago=2),
        log("E_PRESS_5 fault 0x2a", minutes_ago=3),
    )
    assert found("E_PRESS_4") == ["E_PRESS_4 fault 0x1f at ns=2;s=Motor.Speed"]
    assert found("0x1f") == ["E_PRESS_4 fault 0x1f at ns=2;s=Motor.Speed"]
    assert found("press fault") == [
        "E_PRESS_4 fault 0x1f at ns=2;s=Motor.Speed",
        "E_PRESS_5 fault 0x2a",
    ]
    assert found("überdruck kessel") == ["Überdruck in Kessel 7"]


def test_host_service_and_severity_terms_filter_with_globs_and_worse_severities():
    ingest(
        log("Pump 1 cavitation", host="plc-l01-01", service="press", severity="warning"),
        log("Pump 2 cavitation", host="plc-l02-07", service="press", severity="critical"),
        log("Pump 3 cavitation", host="scada-01", service="mes-api", severity="error"),
        log("Pump 4 cavitation", host="plc-l01-01x", service="paint", severity="info"),
    )
    assert sorted(found("cavitation host:plc-l0?-*")) == [
        "Pump 1 cavitation",
        "Pump 2 cavitation",
        "Pump 4 cavitation",
    ]
    assert found("host:plc-l01-01") == ["Pump 1 cavitation"]  # exact without a glob
    assert sorted(found("host:scada-01 host:plc-l02-07")) == [
        "Pump 2 cavitation",
        "Pump 3 cavitation",
    ]
    assert sorted(found("service:p*ss severity:warning")) == [
        "Pump 1 cavitation",
        "Pump 2 cavitation",
    ]
    assert found("severity:error service:press") == ["Pump 2 cavitation"]
    # Field terms combine with the page's own filters.
    assert found("cavitation", min_severity=Severity.CRITICAL) == ["Pump 2 cavitation"]


@pytest.mark.parametrize(
    "q",
    [
        "pump*",
        "*",
        "NEAR(pump valve, 2)",
        "pump OR valve",
        "pump NOT valve",
        "pump AND",
        "message:pump",  # an FTS5 column filter, an unknown field to us
        "^pump",
        "pump + valve - (x)",
        '"" pump ""',
        "'pump'",
        "p\u00fcmp \u6771\u4eac \U0001f600 \u0301",
        "pump " + "é" * 900,
        "{pump}",
        "pump\\",
        "; DROP TABLE logs_logentry; --",
        "%_%",
        "host:* service:?",
        "host:[a-z]+ service:(.*)",
        "a:b:c",
    ],
)
def test_hostile_queries_find_or_refuse_but_never_break_the_database(q):
    ingest(log("pump valve stuck", host="[a-z]+"))
    try:
        messages = found(q)
    except SearchSyntaxError:
        return
    assert messages in ([], ["pump valve stuck"])
    assert LogEntry.objects.count() == 1


def test_a_log_older_than_a_hundred_thousand_newer_ones_is_found():
    ingest(log("Conveyor 9 belt slip detected", minutes_ago=600))
    old, pattern_id = LogEntry.objects.values_list("pk", "pattern_id").get()
    newer = connection.ops.adapt_datetimefield_value(datetime.now(UTC) - timedelta(minutes=1))
    # 100,000 newer logs, inserted by the database itself (ingest would take a while): the
    # index follows every writer (a trigger on SQLite, the expression index on PostgreSQL).
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) "
            "INSERT INTO logs_logentry (timestamp, hostname, severity, service, message, "
            "context, received_at, subject, stream_epoch, stream_seq, pattern_id) "
            "SELECT %s, 'plc-2', 40, 'belt', 'Conveyor 9 belt ok', '{}', %s, 's', 0, "
            "1000000 + i, %s FROM n",
            [newer, newer, pattern_id],
        )
    page = log_page(LogFilters(q="slip"))
    assert [entry.pk for entry in page.rows] == [old]
    assert page.next_cursor == ""
    # A common word pages through all of them, newest first, the old one last.
    first = log_page(LogFilters(q="conveyor belt"), size=50)
    assert len(first.rows) == 50 and first.next_cursor
    assert all(entry.message == "Conveyor 9 belt ok" for entry in first.rows)


def test_a_common_word_gives_the_newest_matches_first_whatever_order_they_came_in(settings):
    from logs.search import sqlite

    # Few logs, but a small SORT_LIMIT sends the search through the common-word window.
    sqlite.SORT_LIMIT, before = 3, sqlite.SORT_LIMIT
    try:
        ingest(*(log(f"Valve {n} sticky", minutes_ago=10 + n) for n in range(8)))
        # A late producer's log, newest by its time though stored last, and old ones stored last.
        ingest(log("Valve late sticky", minutes_ago=0), log("Valve old sticky", minutes_ago=500))
        expected = ["Valve late sticky", *(f"Valve {n} sticky" for n in range(8))]
        assert found("sticky valve") == [*expected, "Valve old sticky"]
        assert found("sticky", host="plc-1") == [*expected, "Valve old sticky"]
    finally:
        sqlite.SORT_LIMIT = before


# --- The index in step ---------------------------------------------------------------------


def test_a_stored_log_is_searchable_in_the_transaction_that_stores_it():
    with transaction.atomic():
        ingest(log("Boiler 2 flame failure"))
        assert found("flame") == ["Boiler 2 flame failure"]
    assert found("flame") == ["Boiler 2 flame failure"]
    assert_index_consistent()


def test_retention_takes_purged_logs_out_of_the_index():
    ingest(log("Pump 1 seal leak", minutes_ago=1), log("Pump 2 seal leak", minutes_ago=2))
    LogEntry.objects.filter(message="Pump 2 seal leak").update(
        received_at=datetime.now(UTC) - timedelta(days=40)
    )
    gone = LogEntry.objects.get(message="Pump 2 seal leak").pk

    report = logs_purge(older_than=datetime.now(UTC) - timedelta(days=30))

    assert report.logs == 1
    assert found("seal leak") == ["Pump 1 seal leak"]
    if connection.vendor == "sqlite":
        assert index_terms_of(gone) == 0
    assert_index_consistent()


def test_merged_patterns_and_replayed_logs_stay_searchable():
    ingest(log("Valve 1 stuck open"), log("Press 7 hydraulic fault"))
    valve = LogEntry.objects.get(message="Valve 1 stuck open").pattern_id
    press = LogEntry.objects.get(message="Press 7 hydraulic fault").pattern_id
    with transaction.atomic():
        patterns.pattern_merge(absorbed_id=valve, survivor_id=press, revision=99)
    LogEntry.objects.filter(pattern_id=valve).update(pattern_id=press)
    assert found("stuck") == ["Valve 1 stuck open"]
    assert LogPattern.objects.get(pk=valve).merged_into_id == press

    logs_replay(selection=LogsSelection(), actor=OPERATOR)

    assert found("stuck open") == ["Valve 1 stuck open"]
    assert found("hydraulic") == ["Press 7 hydraulic fault"]
    assert_index_consistent()


# --- Console and API -----------------------------------------------------------------------


def test_the_logs_page_searches_and_shows_help_and_why_a_search_failed(role_client):
    ingest(log("Kiln 3 overtemperature", host="plc-9"), log("Kiln 4 ok", host="plc-8"))
    browser = role_client("viewer")

    page = browser.get(reverse("logs:logs"), {"q": "kiln host:plc-9"})
    assert [entry.message for entry in page.context["logs"]] == ["Kiln 3 overtemperature"]
    assert 'id="search-help"' in page.content.decode()

    bad = browser.get(reverse("logs:logs"), {"q": 'kiln "unclosed'}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "Search: A quote is not closed" in body
    assert bad.context["logs"] == []

    unknown = browser.get(reverse("logs:logs"), {"q": "colour:<b>red</b>"}).content.decode()
    assert "Unknown field &quot;colour:&quot;" in unknown
    assert "<b>red</b>" not in unknown  # escaped

    export = browser.get(reverse("logs:export"), {"q": "oops:x"})
    assert export.status_code == 400


def test_the_export_writes_the_newest_matches_of_a_search(role_client, settings):
    settings.LOGS_EXPORT_MAX_ROWS = 2
    ingest(*(log(f"Pump {n} {'cavitation' if n % 2 else 'ok'}", minutes_ago=n) for n in range(6)))
    export = log_export_rows(LogFilters(q="cavitation"), limit=2)
    assert [row[4] for row in export.rows] == ["Pump 1 cavitation", "Pump 3 cavitation"]
    assert export.truncated is not None

    response = role_client("viewer").get(reverse("logs:export"), {"q": "pump cavitation"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row[4] for row in rows[1:3]] == ["Pump 1 cavitation", "Pump 3 cavitation"]


def test_the_api_searches_every_log_and_refuses_a_bad_query_with_422():
    ingest(*(log(f"Door {n} {'jammed' if n in (0, 4) else 'closed'}", minutes_ago=n)
             for n in range(5)))  # fmt: skip
    client = session_client(user_with_role("viewer"))

    first = client.get("/api/v1/logs", {"q": "jammed door", "limit": 1}).json()
    assert [item["message"] for item in first["items"]] == ["Door 0 jammed"]
    second = client.get(
        "/api/v1/logs", {"q": "jammed door", "limit": 1, "cursor": first["next_cursor"]}
    ).json()
    assert [item["message"] for item in second["items"]] == ["Door 4 jammed"]
    assert second["next_cursor"] is None

    for q, says in (('"jammed', "quote is not closed"), ("door:4", 'Unknown field "door:"')):
        response = client.get("/api/v1/logs", {"q": q})
        assert response.status_code == 422
        error = response.json()["error"]
        assert error["code"] == "invalid_search"
        assert says in error["message"]
