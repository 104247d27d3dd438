"""A pattern's explanation is its analysis's text: only callers who may read analyses get it."""

from __future__ import annotations

from django.contrib.auth.models import Permission

from logs.models import LogPattern
from tests.helpers.api import ingest, log, session_client


def test_the_explanation_needs_the_view_analysis_permission(db, django_user_model, api_key):
    ingest(log("Conveyor 4 motor overheated"))
    pattern = LogPattern.objects.get()
    LogPattern.objects.filter(pk=pattern.pk).update(explanation="The motor's fan has failed.")
    reader = django_user_model.objects.create_user("reader")
    reader.user_permissions.add(Permission.objects.get(codename="view_logpattern"))
    without = session_client(reader)

    for path in (f"/api/v1/patterns/{pattern.pk}", "/api/v1/patterns"):
        body = without.get(path).json()
        shown = body["items"][0] if "items" in body else body
        assert shown["explanation"] == ""

    reader.user_permissions.add(Permission.objects.get(codename="view_analysis"))
    with_permission = session_client(django_user_model.objects.get(pk=reader.pk))
    detail = with_permission.get(f"/api/v1/patterns/{pattern.pk}").json()
    assert detail["explanation"] == "The motor's fan has failed."
    # Every role's key may read analyses.
    assert api_key("viewer").get("/api/v1/patterns").json()["items"][0]["explanation"]
