"""POST /api/v1/patterns/{id}/snooze, and the status endpoint refusing a snooze without an end."""

from __future__ import annotations

import pytest

from logs.models import LogPattern
from tests.helpers.api import KeyClient, ingest, log

pytestmark = pytest.mark.production


@pytest.fixture
def pattern(db) -> LogPattern:
    ingest(log("Spindle 3 overheated on line 2: 97 C"))
    return LogPattern.objects.get()


def test_the_api_snoozes_for_minutes_or_logs_and_refuses_no_end(pattern, api_key):
    client: KeyClient = api_key("operator")
    url = f"/api/v1/patterns/{pattern.pk}/snooze"

    response = client.post(url, {"minutes": 30, "more": 5}, "application/json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "snoozed"
    assert body["snoozed_until_count"] == pattern.count + 5
    assert body["snoozed_until"] and body["status_by"].startswith("key test operator")
    assert client.post(url, {}, "application/json").status_code == 409
    assert client.post(url, {"more": 0}, "application/json").status_code == 422
    status_url = f"/api/v1/patterns/{pattern.pk}/status"
    assert client.post(status_url, {"status": "snoozed"}, "application/json").status_code == 422
    assert api_key("viewer").post(url, {"more": 5}, "application/json").status_code == 403
