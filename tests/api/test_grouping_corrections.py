"""The API's grouping corrections: merge, split, the values of each <*>, rules and undo."""

from __future__ import annotations

import pytest

from logs.models import GroupingRule, LogPattern
from logs.services import corrections
from logs.services.corrections import logs_move_pending
from tests.helpers.api import KeyClient, ingest, log

pytestmark = pytest.mark.production
JSON = "application/json"


@pytest.fixture(autouse=True)
def settled_at_once(monkeypatch):
    """Stored logs move once (no batch is in flight here), as they do once settled."""
    monkeypatch.setattr(corrections, "SETTLE_SECONDS", 0.0)


@pytest.fixture
def logged_in(db) -> LogPattern:
    ingest(*(log(f"User {name} logged in from 10.0.0.{n}") for n, name in
             enumerate(["alice", "bob", "carol", "alice", "<b>eve</b>"])))  # fmt: skip
    return LogPattern.objects.get(template="User <*> logged in from <*>", merged_into=None)


def test_an_operator_splits_a_pattern_and_undoes_it(logged_in, api_key):
    client: KeyClient = api_key("operator")

    values = client.get(f"/api/v1/patterns/{logged_in.pk}/values").json()
    assert [v["place"] for v in values] == [1, 2]
    assert values[0]["top"][0] == {"value": "alice", "count": 2}
    assert (values[0]["distinct"], values[0]["logs"]) == (4, 5)

    response = client.post(f"/api/v1/patterns/{logged_in.pk}/split", {"place": 1}, JSON)
    assert response.status_code == 202, response.content
    rule = response.json()
    assert (rule["kind"], rule["place"], rule["value"], rule["logs_pending"]) == (
        "split", 1, None, True
    )  # fmt: skip
    assert rule["created_by"].startswith("key test operator")
    logs_move_pending()
    templates = set(
        LogPattern.objects.filter(split_rule_id=rule["id"]).values_list("template", flat=True)
    )
    assert "User <b>eve</b> logged in from <*>" in templates and len(templates) == 4

    listed = client.get("/api/v1/grouping-rules?active=true").json()
    assert [(r["id"], r["logs_pending"], r["logs_moved"]) for r in listed] == [
        (rule["id"], False, 5)
    ]
    undo = client.post(f"/api/v1/grouping-rules/{rule['id']}/undo", {"reason": "too fine"}, JSON)
    assert undo.status_code == 202 and undo.json()["undone_by"].startswith("key test operator")
    assert client.post(f"/api/v1/grouping-rules/{rule['id']}/undo", {}, JSON).status_code == 409
    logs_move_pending()
    logged_in.refresh_from_db()
    assert logged_in.count == 5
    assert client.get("/api/v1/grouping-rules?active=true").json() == []


def test_an_operator_merges_patterns_into_one(logged_in, api_key):
    ingest(log("Session for /home/alice opened"))
    session = LogPattern.objects.get(template="Session for <*> opened")
    client: KeyClient = api_key("operator")

    url = f"/api/v1/patterns/{logged_in.pk}/merge"
    response = client.post(url, {"patterns": [session.pk], "reason": "one login"}, JSON)

    assert response.status_code == 200, response.content
    (rule,) = response.json()
    assert (rule["kind"], rule["pattern_id"], rule["source_id"]) == (
        "merge",
        logged_in.pk,
        session.pk,
    )
    ingest(log("Session for /home/bob opened"))
    logged_in.refresh_from_db()
    assert logged_in.count == 7
    again = client.post(url, {"patterns": [session.pk]}, JSON)
    assert again.status_code == 409 and "merged into" in again.json()["error"]["message"]


def test_refusals(logged_in, api_key):
    operator, viewer = api_key("operator"), api_key("viewer")
    split = f"/api/v1/patterns/{logged_in.pk}/split"
    assert viewer.post(split, {"place": 1}, JSON).status_code == 403
    assert viewer.get("/api/v1/grouping-rules").status_code == 200
    assert operator.post(split, {"place": 3}, JSON).status_code == 409
    assert operator.post(split, {"place": 0}, JSON).status_code == 422
    assert operator.post("/api/v1/patterns/999999/split", {"place": 1}, JSON).status_code == 404
    merge = f"/api/v1/patterns/{logged_in.pk}/merge"
    assert operator.post(merge, {"patterns": []}, JSON).status_code == 422
    assert operator.post(merge, {"patterns": [logged_in.pk]}, JSON).status_code == 409
    # Ids no 64-bit column holds are refused, not an overflow (schemathesis found a 500).
    for ids in ([-(10**21)], [10**20], [0]):
        assert operator.post(merge, {"patterns": ids}, JSON).status_code == 422
    assert operator.post("/api/v1/grouping-rules/999/undo", {}, JSON).status_code == 404
    assert not GroupingRule.objects.exists()
