"""/api/v1/maintenance-windows: a pipeline plans a window before its rollout and ends it
when done; the same rules as the admin's form, audited with the key."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gogent.models import AuditEvent
from integrations.maintenance import maintenance_active, occurrence_next
from integrations.models import MaintenanceWindow

pytestmark = [pytest.mark.production, pytest.mark.django_db]
URL = "/api/v1/maintenance-windows"


def plan(client, **fields):
    now = timezone.now()
    body = {
        "name": "Deploy 4.2",
        "reason": "rolling out line software 4.2",
        "starts_at": (now - timedelta(minutes=1)).isoformat(),
        "ends_at": (now + timedelta(hours=1)).isoformat(),
        "services": "press-*",
    }
    body.update(fields)
    return client.post(URL, body, content_type="application/json")


def test_a_pipeline_plans_a_window_that_is_on_at_once_and_audited(api_key):
    admin = api_key("admin")

    response = plan(admin)

    assert response.status_code == 201, response.content
    window = response.json()
    assert (window["on"], window["services"], window["time_zone"]) == (True, "press-*", "UTC")
    assert [o.window.name for o in maintenance_active()] == ["Deploy 4.2"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.CONFIG_ADDED)
    assert event.actor_label.startswith("key test admin") and event.object_repr == "Deploy 4.2"
    listed = api_key("viewer").get(URL).json()
    assert [w["name"] for w in listed] == ["Deploy 4.2"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"recurrence": "FREQ=HOURLY"}, "recurrence", "too fine"),
        ({"time_zone": "Nowhere/Land"}, "time_zone", "not an IANA name"),
        ({"ends_at": "2020-01-01T00:00:00+00:00"}, "ends_at", "must end after it starts"),
    ],
)
def test_a_window_that_cannot_be_planned_is_422_naming_the_field(api_key, fields, field, message):
    response = plan(api_key("admin"), **fields)

    assert response.status_code == 422
    (detail,) = response.json()["error"]["details"]
    assert detail["field"] == field and message in detail["message"]
    assert not MaintenanceWindow.objects.exists()


def test_a_name_in_use_is_409_and_an_operator_may_not_plan(api_key):
    assert plan(api_key("admin")).status_code == 201

    assert plan(api_key("admin")).status_code == 409
    assert plan(api_key("operator"), name="Other").status_code == 403


def test_ending_a_one_off_window_ends_it_and_a_second_end_is_409(api_key):
    admin = api_key("admin")
    window_id = plan(admin).json()["id"]

    ended = admin.post(f"{URL}/{window_id}/end")

    assert ended.status_code == 200
    assert (ended.json()["on"], ended.json()["occurrence_starts_at"]) == (False, None)
    assert maintenance_active() == []
    assert admin.post(f"{URL}/{window_id}/end").status_code == 409
    assert "ended early" in AuditEvent.objects.latest("pk").reason


def test_ending_a_recurring_window_ends_this_occurrence_and_keeps_the_next(api_key):
    admin = api_key("admin")
    now = timezone.now()
    window_id = plan(
        admin,
        starts_at=(now - timedelta(minutes=1)).isoformat(),
        ends_at=(now + timedelta(hours=1)).isoformat(),
        recurrence="FREQ=DAILY",
    ).json()["id"]

    ended = admin.post(f"{URL}/{window_id}/end").json()

    assert ended["on"] is False
    tomorrow = occurrence_next(MaintenanceWindow.objects.get(), now + timedelta(hours=2))
    assert ended["occurrence_starts_at"] == tomorrow.starts_at.isoformat().replace("+00:00", "Z")
    assert maintenance_active() == []
    assert maintenance_active(now + timedelta(days=1)) != []
