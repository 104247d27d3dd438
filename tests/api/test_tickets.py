"""Tickets over the API: list, get, open for a pattern; each role."""

from __future__ import annotations

import pytest

from integrations.models import Integration, Ticket
from logs.models import LogPattern
from tests.helpers.api import ingest, log


@pytest.fixture
def jira(db) -> Integration:
    return Integration.objects.create(
        name="Plant Jira", kind=Integration.Kind.JIRA, base_url="http://127.0.0.1:9",
        auth=Integration.Auth.TOKEN, secret="jira-token", project_key="OPS",
    )  # fmt: skip


@pytest.fixture
def pattern(db) -> LogPattern:
    ingest(log("Modbus timeout reading register 40001 from slave 7"))
    return LogPattern.objects.get()


def test_open_list_and_get(pattern, jira, api_key):
    operator = api_key("operator")
    response = operator.post(
        f"/api/v1/patterns/{pattern.pk}/tickets",
        {"integration": jira.pk},
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    ticket = response.json()
    assert ticket["status"] == "pending" and ticket["system"] == "jira"
    again = operator.post(
        f"/api/v1/patterns/{pattern.pk}/tickets",
        {"integration": jira.pk},
        content_type="application/json",
    )
    assert again.json()["id"] == ticket["id"]
    assert Ticket.objects.count() == 1

    viewer = api_key("viewer")
    listed = viewer.get("/api/v1/tickets", {"pattern": pattern.pk}).json()
    assert [item["id"] for item in listed["items"]] == [ticket["id"]]
    assert viewer.get(f"/api/v1/tickets/{ticket['id']}").json()["integration"] == "Plant Jira"
    assert "jira-token" not in viewer.get("/api/v1/tickets").content.decode()


@pytest.mark.parametrize(("role", "status"), [("viewer", 403), ("operator", 202), ("admin", 202)])
def test_opening_needs_the_operator_role(pattern, jira, api_key, role, status):
    response = api_key(role).post(
        f"/api/v1/patterns/{pattern.pk}/tickets",
        {"integration": jira.pk},
        content_type="application/json",
    )
    assert response.status_code == status
    assert response.status_code != 403 or response.json()["error"]["code"]


def test_unknown_integration_and_bad_cursor(pattern, api_key):
    operator = api_key("operator")
    response = operator.post(
        f"/api/v1/patterns/{pattern.pk}/tickets", {"integration": 999},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 404
    assert operator.get("/api/v1/tickets", {"cursor": "garbage"}).status_code == 400
    assert api_key("viewer", revoked=True).get("/api/v1/tickets").status_code == 401
