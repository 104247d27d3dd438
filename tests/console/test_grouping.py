"""Grouping corrections in the console: merge ticked patterns, split on the pattern page,
the values of each <*> (escaped), the corrections with who made them, and undo."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gogent.models import AuditEvent
from logs.models import GroupingRule, LogPattern
from logs.services import corrections
from logs.services.corrections import logs_move_pending
from tests.helpers.api import ingest, log

pytestmark = pytest.mark.production
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def settled_at_once(monkeypatch):
    """Stored logs move once (no batch is in flight here), as they do once settled."""
    monkeypatch.setattr(corrections, "SETTLE_SECONDS", 0.0)


@pytest.fixture
def logged_in(db) -> LogPattern:
    names = ["alice", "bob", "carol", "alice", "<script>alert(1)</script>"]
    ingest(*(log(f"User {name} logged in from 10.0.0.{n}") for n, name in enumerate(names)))
    return LogPattern.objects.get(template="User <*> logged in from <*>", merged_into=None)


def test_an_operator_splits_on_the_pattern_page_and_undoes_it(logged_in, role_client):
    browser = role_client("operator")
    page = browser.get(reverse("logs:pattern", args=[logged_in.pk])).content.decode()
    assert "Split by every value" in page and "Make literal" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page

    response = browser.post(
        reverse("logs:pattern-split", args=[logged_in.pk]), {"place": "1", "value": "alice"}, **HTMX
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "stored logs are being moved" in body and "moving…" in body
    rule = GroupingRule.objects.get()
    assert (rule.value, rule.created_by_label) == ("alice", "operator")
    logs_move_pending()
    alice = LogPattern.objects.get(split_rule=rule)
    assert alice.count == 2
    page = browser.get(reverse("logs:pattern", args=[alice.pk])).content.decode()
    assert "2 moved" in page and "operator" in page

    undone = browser.post(
        reverse("logs:grouping-rule-undo", args=[rule.pk]), {"pattern": logged_in.pk}, **HTMX
    )
    assert "being moved back" in undone.content.decode()
    logs_move_pending()
    alice.refresh_from_db()
    assert alice.merged_into_id == logged_in.pk
    assert (
        AuditEvent.objects.filter(
            action__in=[AuditEvent.Action.PATTERN_SPLIT, AuditEvent.Action.GROUPING_RULE_UNDONE],
            actor_label="operator",
        ).count()
        == 2
    )


def test_a_refused_split_says_why(logged_in, role_client):
    response = role_client("operator").post(
        reverse("logs:pattern-split", args=[logged_in.pk]), {"place": "9"}, **HTMX
    )
    assert response.status_code == 409
    assert "Choose a &lt;*&gt; from 1 to 2." in response.content.decode()
    superscript = role_client("operator").post(
        reverse("logs:pattern-split", args=[logged_in.pk]), {"place": "²"}, **HTMX
    )
    assert "Choose which &lt;*&gt; to split by." in superscript.content.decode()


def test_an_operator_merges_ticked_patterns_into_the_oldest(logged_in, role_client):
    ingest(log("Session for /home/alice opened"))
    session = LogPattern.objects.get(template="Session for <*> opened")
    browser = role_client("operator")
    assert "Merge selected" in browser.get(reverse("logs:patterns")).content.decode()

    response = browser.post(
        reverse("logs:patterns-merge"), {"pattern": [session.pk, logged_in.pk]}, **HTMX
    )

    assert f"merged into pattern {logged_in.pk}" in response.content.decode()
    session.refresh_from_db()
    assert session.merged_into_id == logged_in.pk
    one = browser.post(reverse("logs:patterns-merge"), {"pattern": [logged_in.pk]}, **HTMX)
    assert "Tick two patterns or more" in one.content.decode()
    for junk in ("9" * 40, "²"):
        refused = browser.post(
            reverse("logs:patterns-merge"), {"pattern": [logged_in.pk, junk]}, **HTMX
        )
        assert refused.status_code == 200
        assert "Tick two patterns or more" in refused.content.decode()


def test_a_viewer_sees_values_and_corrections_but_no_buttons(logged_in, role_client):
    browser = role_client("viewer")
    page = browser.get(reverse("logs:pattern", args=[logged_in.pk])).content.decode()
    assert "Grouping" in page and "alice" in page
    assert "Make literal" not in page and "Split by every value" not in page
    assert "Merge selected" not in browser.get(reverse("logs:patterns")).content.decode()
    refused = browser.post(reverse("logs:pattern-split", args=[logged_in.pk]), {"place": "1"})
    assert refused.status_code == 403
