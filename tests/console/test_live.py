"""Live Patterns and Logs lists: a poll answers only what changed since the client drew it,
within the page's filters, in one or two indexed queries; `s` snoozes from the list."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gogent.audit import Actor
from gogent.models import AuditEvent
from logs.live import pattern_changes
from logs.models import LogPattern
from logs.selectors import PatternFilters, pattern_page
from logs.services import pattern_set_status
from tests.console.test_pages import ingest, log
from tests.helpers.users import user_with_role

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def patterns(db) -> dict[str, LogPattern]:
    ingest(
        log("Modbus timeout reading register 40001 from slave 7"),
        log("Conveyor 4 motor overtemperature 97C", severity="CRITICAL"),
        log("Operator shift note written", severity="INFO"),
    )
    return {
        name: LogPattern.objects.get(template__startswith=name)
        for name in ("Modbus", "Conveyor", "Operator")
    }


def live_url(body: str, element: str) -> str:
    found = re.search(rf'id="{element}"[^>]*hx-get="([^"]+)"', body)
    assert found, f"no live element #{element} in the page"
    return html.unescape(found.group(1))


def shown(body: str) -> str:
    rows = re.findall(r'data-pattern="(\d+)" data-version="(\w+)"', body)
    return ",".join(f"{pk}:{version}" for pk, version in rows)


def with_seen(url: str, seen: str) -> str:
    # As htmx sends it: appended to the live element's own query (filters and marks).
    return url + ("&" if "?" in url else "?") + urlencode({"seen": seen})


def poll_patterns(client, path: str = "/patterns/"):
    body = client.get(path).content.decode()
    url = live_url(body, "pattern-live")
    return lambda: client.get(with_seen(url, shown(body)), **HTMX)


def logs_queries(captured) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if '"logs_' in query["sql"]]


def test_a_poll_when_nothing_changed_answers_204_in_two_indexed_queries(patterns, role_client):
    poll = poll_patterns(role_client("viewer"))
    with CaptureQueriesContext(connection) as captured:
        response = poll()
    assert response.status_code == 204
    queries = logs_queries(captured)
    assert 1 <= len(queries) <= 2, queries
    assert not any("logs_logentry" in sql for sql in queries)  # no log is read, none counted
    assert not any("COUNT(" in sql.upper() for sql in queries)


def test_a_poll_under_filters_is_still_two_queries_and_reads_no_log(patterns, role_client):
    poll = poll_patterns(role_client("viewer"), "/patterns/?severity=30&host=plc-1&sort=count")
    with CaptureQueriesContext(connection) as captured:
        assert poll().status_code == 204
    queries = logs_queries(captured)
    assert len(queries) <= 2, queries
    assert not any("logs_logentry" in sql for sql in queries)


def test_a_new_pattern_is_added_at_the_top_and_unchanged_rows_are_not_sent(patterns, role_client):
    poll = poll_patterns(role_client("viewer"))
    ingest(log("Boiler feed pump pressure low", severity="WARNING"), start=10)
    response = poll()
    body = response.content.decode()
    assert response.status_code == 200
    new = LogPattern.objects.get(template__startswith="Boiler")
    assert 'hx-swap-oob="afterbegin:#pattern-rows"' in body
    assert f'id="pattern-{new.pk}"' in body
    for pattern in patterns.values():
        assert f'id="pattern-{pattern.pk}"' not in body
    assert 'id="pattern-live"' in body  # the next mark comes with it


def test_a_new_occurrence_redraws_its_row_by_id_with_the_new_count(patterns, role_client):
    poll = poll_patterns(role_client("viewer"))
    ingest(log("Modbus timeout reading register 40002 from slave 9", host="plc-2"), start=10)
    body = poll().content.decode()
    modbus = patterns["Modbus"]
    row = re.search(rf'<tr id="pattern-{modbus.pk}"[^>]*hx-swap-oob="true".*?</tr>', body, re.S)
    assert row, body
    assert '<td class="num">2</td>' in row.group(0)  # the count
    assert f'id="pattern-{patterns["Conveyor"].pk}"' not in body
    assert "afterbegin" not in body


def test_a_status_change_by_someone_else_comes_back_in_the_next_poll(patterns, role_client):
    poll = poll_patterns(role_client("viewer"))
    pattern_set_status(
        pattern=patterns["Conveyor"],
        status=LogPattern.Status.RESOLVED,
        actor=Actor.of_user(user_with_role("operator")),
    )
    body = poll().content.decode()
    assert f'<tr id="pattern-{patterns["Conveyor"].pk}"' in body
    assert "Resolved" in body


def test_the_poll_keeps_the_page_filters(patterns, role_client):
    poll = poll_patterns(role_client("viewer"), "/patterns/?status=new&severity=40")
    # Below the severity filter: not added. Muted: leaves "status: new", marked, in place.
    ingest(log("Door opened on cabinet", severity="INFO"), start=10)
    pattern_set_status(
        pattern=patterns["Modbus"], status=LogPattern.Status.MUTED, actor=Actor.of_user(None)
    )
    body = poll().content.decode()
    assert "Door opened" not in body
    row = re.search(rf'<tr id="pattern-{patterns["Modbus"].pk}".*?</tr>', body, re.S)
    assert row and "live-leaving" in row.group(0)
    assert "no longer matches these filters" in row.group(0)
    # The leaving row's version says so: the next poll does not send it again.
    left = re.search(r'data-version="(\w+)"', row.group(0)).group(1)
    client = role_client("viewer")
    url = live_url(client.get("/patterns/?status=new&severity=40").content.decode(), "pattern-live")
    seen = f"{patterns['Modbus'].pk}:{left},{patterns['Conveyor'].pk}:x"
    again = client.get(with_seen(url, seen), **HTMX).content.decode()
    assert f'id="pattern-{patterns["Modbus"].pk}"' not in again
    assert f'id="pattern-{patterns["Conveyor"].pk}"' in again  # its version was stale


def test_an_older_page_updates_its_rows_and_adds_no_pattern(patterns, role_client):
    client = role_client("viewer")
    first = pattern_page(PatternFilters(), size=1)
    path = f"/patterns/?cursor={first.next_cursor}"
    body = client.get(path).content.decode()
    assert "new patterns appear on the first page" in body
    url = live_url(body, "pattern-live")
    older = re.findall(r'data-pattern="(\d+)"', body)
    ingest(log("Boiler feed pump pressure low"), start=10)
    pattern = LogPattern.objects.get(pk=older[0])
    ingest({**log(pattern.sample_message), "severity": "ALERT"}, start=20)
    answer = client.get(with_seen(url, shown(body)), **HTMX).content.decode()
    assert "Boiler" not in answer
    assert f'<tr id="pattern-{pattern.pk}"' in answer


def test_patterns_below_the_first_pages_floor_join_it_only_when_they_move_above_it(patterns):
    filters = PatternFilters()
    page = pattern_page(filters, size=2)
    shown_rows = {pattern.pk: "drawn" for pattern in page.rows}
    below = LogPattern.objects.exclude(pk__in=shown_rows).get()
    assert pattern_changes(filters, shown_rows, floor=page.next_cursor).added == []
    ingest(log(below.sample_message), start=10)
    changes = pattern_changes(filters, shown_rows, floor=page.next_cursor)
    assert [pattern.pk for pattern in changes.added] == [below.pk]


def test_a_deleted_pattern_is_reported_gone(patterns):
    version = "abc"
    changes = pattern_changes(PatternFilters(), {999_999: version})
    assert changes.gone == [999_999]


def test_new_logs_are_added_at_the_top_of_the_logs_list(patterns, role_client):
    client = role_client("viewer")
    url = live_url(client.get("/logs/").content.decode(), "log-live")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, **HTMX).status_code == 204
    queries = logs_queries(captured)
    assert len(queries) == 1, queries
    assert "COUNT(" not in queries[0].upper()

    ingest(log("Boiler feed pump pressure low"), start=10)
    response = client.get(url, **HTMX)
    body = response.content.decode()
    assert 'hx-swap-oob="afterbegin:#log-rows"' in body
    assert body.count('<tr id="log-') == 1
    assert "Boiler feed pump pressure low" in body
    # The answer carries the next mark: asked again, nothing is new.
    assert client.get(live_url(body, "log-live"), **HTMX).status_code == 204


def test_the_logs_poll_keeps_the_filters_and_the_text_search(patterns, role_client):
    client = role_client("viewer")
    url = live_url(client.get("/logs/?q=pump&host=plc-2").content.decode(), "log-live")
    ingest(
        log("Boiler feed pump pressure low", host="plc-2"),
        log("Boiler feed pump pressure low", host="plc-1"),
        log("Valve stuck open", host="plc-2"),
        start=10,
    )
    body = client.get(url, **HTMX).content.decode()
    assert body.count('<tr id="log-') == 1
    assert "plc-2" in body and "Valve" not in body


def test_the_logs_poll_reads_the_search_as_the_page_does(patterns, role_client):
    client = role_client("viewer")
    url = live_url(client.get("/logs/?q=pump+host:plc-2").content.decode(), "log-live")
    ingest(
        log("Boiler feed pump pressure low", host="plc-2"),
        log("Boiler feed pump pressure low", host="plc-1"),
        start=10,
    )
    body = client.get(url, **HTMX).content.decode()
    assert body.count('<tr id="log-') == 1 and "plc-2" in body


def test_a_search_that_cannot_be_understood_adds_nothing(patterns, role_client):
    client = role_client("viewer")
    ingest(log("Boiler feed pump pressure low"), start=10)
    # Understood, the same words find the log; with the quote left open, nothing is added.
    assert client.get(reverse("logs:logs-live") + "?q=pump&top=", **HTMX).status_code == 200
    assert client.get(reverse("logs:logs-live") + '?q="pump&top=', **HTMX).status_code == 204


def test_more_new_logs_than_a_page_leave_a_gap_and_older_pages_are_not_live(patterns, role_client):
    client = role_client("viewer")
    url = live_url(client.get("/logs/").content.decode(), "log-live")
    ingest(*(log(f"Burst message {n}") for n in range(55)), start=10)
    body = client.get(url, **HTMX).content.decode()
    assert body.count('<tr id="log-') == 50
    assert "live-gap" in body and "Show newest" in body
    newest = client.get("/logs/").content.decode()
    older = client.get("/logs/?cursor=" + re.search(r"cursor=([\w-]+)", newest).group(1))
    assert "Older" in newest and 'id="log-live"' in newest
    assert 'id="log-live"' not in older.content.decode()


def test_a_logs_list_stops_growing_after_its_limit(patterns, role_client, settings):
    from logs import views

    client = role_client("viewer")
    url = live_url(client.get("/logs/").content.decode(), "log-live")
    url = url.replace("added=0", f"added={views.LIVE_LOGS_MAX - 1}")
    ingest(log("Boiler feed pump pressure low"), log("Boiler feed pump pressure high"), start=10)
    body = client.get(url, **HTMX).content.decode()
    assert 'data-live="0"' in body and "Show newest" in body
    assert "hx-get" not in body.split("<template>")[0]


def test_an_interval_of_zero_turns_live_updates_off(patterns, role_client, settings):
    settings.CONSOLE_LIVE_INTERVAL = 0
    client = role_client("viewer")
    assert "data-live" not in client.get("/patterns/").content.decode()
    assert "data-live" not in client.get("/logs/").content.decode()
    assert client.get(reverse("logs:patterns-live"), **HTMX).status_code == 204


def test_the_interval_setting_reaches_the_page(patterns, role_client, settings):
    settings.CONSOLE_LIVE_INTERVAL = 12
    body = role_client("viewer").get("/patterns/").content.decode()
    assert 'data-live="12"' in body and "every 12 s" in body


def test_live_endpoints_need_the_lists_permissions(patterns, role_client):
    assert role_client(None).get(reverse("logs:patterns-live")).status_code == 302
    assert role_client(None).get(reverse("logs:logs-live")).status_code == 302


def test_snoozing_from_the_list_returns_the_row_in_place_and_closes_the_dialog(
    patterns, role_client
):
    conveyor = patterns["Conveyor"]
    url = reverse("logs:pattern-snooze", args=[conveyor.pk])
    response = role_client("operator").post(url, {"minutes": "60", "from": "list"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "gogent:snoozed" in response.headers["HX-Trigger"]
    row = re.search(rf'<tr id="pattern-{conveyor.pk}"[^>]*hx-swap-oob="true".*?</tr>', body, re.S)
    assert row and "Snoozed" in row.group(0)
    conveyor.refresh_from_db()
    assert conveyor.status == LogPattern.Status.SNOOZED
    event = AuditEvent.objects.get(pattern_id=conveyor.pk, action=AuditEvent.Action.PATTERN_STATUS)
    assert event.actor_label == "operator"


def test_a_snooze_from_the_list_without_a_choice_says_so_and_changes_nothing(patterns, role_client):
    conveyor = patterns["Conveyor"]
    url = reverse("logs:pattern-snooze", args=[conveyor.pk])
    response = role_client("operator").post(url, {"minutes": "", "from": "list"}, **HTMX)
    assert "Choose how long" in response.content.decode()
    assert "HX-Trigger" not in response.headers  # the dialog stays open
    conveyor.refresh_from_db()
    assert conveyor.status == LogPattern.Status.NEW


def test_a_viewer_cannot_snooze_from_the_list(patterns, role_client):
    url = reverse("logs:pattern-snooze", args=[patterns["Conveyor"].pk])
    response = role_client("viewer").post(url, {"minutes": "60", "from": "list"}, **HTMX)
    assert response.status_code == 403


def test_the_snooze_dialog_is_on_the_list_for_operators_only(patterns, role_client):
    assert 'id="snooze-dialog"' in role_client("operator").get("/patterns/").content.decode()
    assert 'id="snooze-dialog"' not in role_client("viewer").get("/patterns/").content.decode()


@pytest.mark.parametrize("junk", ["9" * 40, "²", "١٢"])
def test_ids_the_poll_cannot_read_are_skipped_not_a_500(patterns, role_client, junk):
    client = role_client("viewer")
    body = client.get("/patterns/").content.decode()
    url = with_seen(live_url(body, "pattern-live"), f"{shown(body)},{junk}:abc")
    assert client.get(url, **HTMX).status_code == 204
    logs_url = reverse("logs:logs-live") + "?" + urlencode({"added": junk, "top": ""})
    assert client.get(logs_url, **HTMX).status_code in {200, 204}
