"""No request reads the whole log table: the CSV export stops at LOGS_EXPORT_MAX_ROWS and a
text search reads LOG_SEARCH_WINDOW logs a page, and each says how far it went."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from logs.models import LogEntry
from tests.helpers.api import ingest, log, session_client
from tests.helpers.users import user_with_role

pytestmark = pytest.mark.django_db


def export(browser, **params) -> tuple[list[list[str]], dict[str, str]]:
    response = browser.get(reverse("logs:export"), params)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body))), dict(response.headers)


def shown(moment) -> str:
    """A time as the logs page writes it in <time datetime=...>."""
    return timezone.localtime(moment).isoformat()


def test_the_export_writes_the_newest_logs_up_to_the_cap_and_says_so(role_client, settings):
    settings.LOGS_EXPORT_MAX_ROWS = 3
    ingest(*(log(f"Valve {n} stuck", minutes_ago=n) for n in range(5)))
    ingest(log("Fan 9 noisy", host="plc-9", minutes_ago=10))
    browser = role_client("viewer")

    rows, headers = export(browser)

    assert rows[0][0] == "timestamp"
    assert [row[4] for row in rows[1:4]] == ["Valve 0 stuck", "Valve 1 stuck", "Valve 2 stuck"]
    assert len(rows) == 5
    third = LogEntry.objects.get(message="Valve 2 stuck").timestamp
    assert rows[-1] == [
        f"# truncated: the newest 3 logs of this filter, back to {third.isoformat()}; older "
        "ones are left out (LOGS_EXPORT_MAX_ROWS). A narrower severity, service, host or "
        "pattern reaches further back."
    ]
    assert headers["X-Gogent-Truncated"] == "3 newest logs"

    # A filter within the cap is written whole, with no such line.
    rows, headers = export(browser, host="plc-9")
    assert [row[4] for row in rows[1:]] == ["Fan 9 noisy"]
    assert "X-Gogent-Truncated" not in headers


def test_an_export_with_text_reads_only_the_newest_logs_of_the_filter(role_client, settings):
    settings.LOGS_EXPORT_MAX_ROWS = 2
    ingest(
        log("Pump 1 cavitation", minutes_ago=1),
        log("Pump 2 ok", minutes_ago=2),
        log("Pump 3 cavitation", minutes_ago=3),
    )

    rows, headers = export(role_client("viewer"), q="cavitation", since="30d")

    assert [row[4] for row in rows[1:-1]] == ["Pump 1 cavitation"]
    assert rows[-1][0].startswith("# truncated: the newest 2 logs of this filter")
    assert headers["X-Gogent-Truncated"] == "2 newest logs"


def test_the_logs_page_states_the_export_cap(role_client, settings):
    settings.LOGS_EXPORT_MAX_ROWS = 1234
    body = role_client("viewer").get(reverse("logs:logs")).content.decode()
    assert "Export CSV (this filter, newest 1234 logs at most)" in body


def test_a_text_search_states_its_window_and_older_searches_on(role_client, settings):
    settings.LOG_SEARCH_WINDOW = 3
    ingest(
        *(
            log(f"Pump {n} {'cavitation' if n % 2 else 'ok'}", minutes_ago=n)
            for n in range(8)  # matches at 1, 3, 5, 7 minutes ago
        )
    )
    times = dict(LogEntry.objects.values_list("message", "timestamp"))
    browser = role_client("viewer")
    params = {"q": "cavitation", "since": "30d"}

    first = browser.get(reverse("logs:logs"), params, HTTP_HX_REQUEST="true")

    assert [entry.message for entry in first.context["logs"]] == ["Pump 1 cavitation"]
    body = first.content.decode()
    assert "Text search reads 3 logs a page: searched logs from" in body
    assert f'<time datetime="{shown(times["Pump 2 ok"])}">' in body
    assert f'<time datetime="{shown(times["Pump 0 ok"])}">' in body
    assert "Older →" in body

    found, cursor, pages = [], "", 0
    while True:
        page = browser.get(reverse("logs:logs"), {**params, "cursor": cursor})
        found += [entry.message for entry in page.context["logs"]]
        pages += 1
        cursor = page.context["next_cursor"]
        if not cursor:
            break
    assert found == [f"Pump {n} cavitation" for n in (1, 3, 5, 7)]
    assert pages == 3  # 8 logs, 3 a page
    assert "Text search reads" not in page.content.decode()  # the last window reached the end


def test_the_api_searches_a_window_a_page_and_pages_on(settings):
    settings.LOG_SEARCH_WINDOW = 2
    ingest(*(log(f"Door {n} {'jammed' if n in (0, 4) else 'closed'}", minutes_ago=n)
             for n in range(5)))  # fmt: skip
    client = session_client(user_with_role("viewer"))

    first = client.get("/api/v1/logs", {"q": "jammed", "since": "30d", "limit": 10}).json()
    assert [item["message"] for item in first["items"]] == ["Door 0 jammed"]
    second = client.get("/api/v1/logs", {"q": "jammed", "cursor": first["next_cursor"]}).json()
    assert second["items"] == [] and second["next_cursor"]
    third = client.get("/api/v1/logs", {"q": "jammed", "cursor": second["next_cursor"]}).json()
    assert [item["message"] for item in third["items"]] == ["Door 4 jammed"]
    assert third["next_cursor"] is None
