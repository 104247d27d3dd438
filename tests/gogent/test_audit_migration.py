"""Migration integrations 0003: the audit log moves to gogent with every row as it was."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from gogent.audit import WORKER, audit_record
from gogent.models import AuditEvent

BEFORE_MOVE = [("integrations", "0002_ticketrule_accept_offline"), ("gogent", "0001_initial")]

pytestmark = pytest.mark.production


@pytest.mark.django_db(transaction=True)
def test_the_audit_log_moves_with_its_ids_times_and_details(django_user_model):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_MOVE)
    old_apps = executor.loader.project_state(BEFORE_MOVE).apps
    OldAuditEvent = old_apps.get_model("integrations", "AuditEvent")
    alice = django_user_model.objects.create_user("alice")
    OldAuditEvent.objects.create(
        action="config_changed", actor_id=alice.pk, actor_label="alice",
        object_type="analysis.provider", object_id="3", object_repr="openai",
        details={"fields": ["model"]},
    )  # fmt: skip
    OldAuditEvent.objects.create(action="ticket_failed", actor_label="worker", reason="503")
    OldAuditEvent.objects.filter(action="config_changed").update(created_at="2025-01-01T10:00:00Z")
    before = list(OldAuditEvent.objects.order_by("pk").values_list("pk", flat=True))

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    moved = list(AuditEvent.objects.order_by("pk"))
    assert [event.pk for event in moved] == before
    changed, failed = moved
    assert (changed.actor, changed.actor_label, changed.object_repr, changed.details) == (
        alice, "alice", "openai", {"fields": ["model"]},
    )  # fmt: skip
    assert str(changed.created_at) == "2025-01-01 10:00:00+00:00"
    assert (failed.action, failed.reason, failed.actor) == ("ticket_failed", "503", None)
    # New rows come after the copied ones (PostgreSQL's id sequence was moved on).
    assert audit_record(AuditEvent.Action.TICKET_FAILED, WORKER).pk > failed.pk
