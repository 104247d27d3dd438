"""No request reads the whole log table: the CSV export stops at LOGS_EXPORT_MAX_ROWS and says
how far it went. (A text search reads the full-text index: tests/logs/test_search.py.)"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from logs.models import LogEntry
from tests.helpers.api import ingest, log

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


def test_an_export_with_text_writes_the_newest_matches_up_to_the_cap(role_client, settings):
    settings.LOGS_EXPORT_MAX_ROWS = 2
    ingest(
        log("Pump 1 cavitation", minutes_ago=1),
        log("Pump 2 ok", minutes_ago=2),
        log("Pump 3 cavitation", minutes_ago=3),
        log("Pump 4 cavitation", minutes_ago=4),
    )

    rows, headers = export(role_client("viewer"), q="cavitation", since="30d")

    assert [row[4] for row in rows[1:-1]] == ["Pump 1 cavitation", "Pump 3 cavitation"]
    assert rows[-1][0].startswith("# truncated: the newest 2 logs of this filter")
    assert headers["X-Gogent-Truncated"] == "2 newest logs"


def test_the_logs_page_states_the_export_cap(role_client, settings):
    settings.LOGS_EXPORT_MAX_ROWS = 1234
    body = role_client("viewer").get(reverse("logs:logs")).content.decode()
    assert "Export CSV (this filter, newest 1234 logs at most)" in body
