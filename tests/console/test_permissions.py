"""Every page and action checks permission in the view: each role and each URL."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from analysis.models import Analysis
from logs.models import LogPattern
from tests.console.test_pages import ingest, log

ROLES = [None, "norole", "viewer", "operator", "admin"]


@pytest.fixture
def objects(db) -> dict[str, int]:
    ingest(log("Modbus timeout reading register 40001 from slave 7"))
    pattern = LogPattern.objects.get()
    analysis = Analysis.objects.get(pattern=pattern)
    return {"pattern": pattern.pk, "analysis": analysis.pk}


def client_for(role: str | None) -> Client:
    from tests.helpers.users import user_with_role

    browser = Client()
    if role == "norole":
        browser.force_login(User.objects.create_user("nobody"))
    elif role is not None:
        browser.force_login(user_with_role(role))
    return browser


def pages(ids: dict[str, int]) -> list[str]:
    return [
        reverse("dashboard"),
        reverse("logs:patterns"),
        reverse("logs:pattern", args=[ids["pattern"]]),
        reverse("logs:logs"),
        reverse("logs:export"),
        reverse("logs:quarantine"),
        reverse("analysis:analyses"),
        reverse("analysis:pattern-panel", args=[ids["pattern"]]),
        reverse("integrations:tickets"),
        reverse("integrations:maintenance"),
    ]


def actions(ids: dict[str, int]) -> list[tuple[str, dict[str, str]]]:
    return [
        (reverse("logs:pattern-status", args=[ids["pattern"]]), {"status": "muted"}),
        (reverse("logs:patterns-bulk"), {"set_status": "resolved", "pattern": str(ids["pattern"])}),
        (reverse("analysis:cancel", args=[ids["analysis"]]), {}),
        (reverse("analysis:retry", args=[ids["analysis"]]), {}),
        (reverse("analysis:analyze", args=[ids["pattern"]]), {}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_pages(objects, role):
    browser = client_for(role)
    for url in pages(objects):
        response = browser.get(url)
        if role is None:
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login")), url
        elif role == "norole":
            assert response.status_code == 403, url
        else:
            assert response.status_code == 200, url


@pytest.mark.parametrize("role", ROLES)
def test_actions(objects, role):
    browser = client_for(role)
    for url, data in actions(objects):
        response = browser.post(url, data, HTTP_HX_REQUEST="true")
        if role is None:
            assert response.status_code == 302, url
        elif role in ("norole", "viewer"):
            assert response.status_code == 403, url
        else:
            assert response.status_code == 200, url
    pattern = LogPattern.objects.get()
    if role in ("operator", "admin"):
        assert pattern.status == LogPattern.Status.RESOLVED
        assert Analysis.objects.filter(status=Analysis.Status.QUEUED).count() == 1
    else:
        assert pattern.status == LogPattern.Status.NEW
        assert Analysis.objects.get().status == Analysis.Status.QUEUED


def test_actions_refuse_get(objects):
    browser = client_for("operator")
    for url, _ in actions(objects):
        assert browser.get(url).status_code == 405, url


def test_posts_need_the_csrf_token_htmx_included(objects):
    from tests.helpers.users import user_with_role

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user_with_role("operator"))
    url = reverse("logs:pattern-status", args=[objects["pattern"]])
    assert browser.post(url, {"status": "muted"}, HTTP_HX_REQUEST="true").status_code == 403
    page = browser.get(reverse("logs:pattern", args=[objects["pattern"]]))
    token = str(page.context["csrf_token"])
    assert f'"x-csrftoken": "{token}"' in page.content.decode()  # on <body>, for every hx-post
    response = browser.post(
        url, {"status": "muted"}, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200
    assert LogPattern.objects.get().status == LogPattern.Status.MUTED


def test_navigation_shows_only_what_the_role_may_open(objects):
    body = client_for("viewer").get(reverse("dashboard")).content.decode()
    assert "Analyses" in body and 'href="/admin/"' not in body
    body = client_for("admin").get(reverse("dashboard")).content.decode()
    assert 'href="/admin/"' in body


def test_viewers_see_no_action_buttons(objects):
    body = client_for("viewer").get(reverse("logs:pattern", args=[objects["pattern"]])).content
    assert b"Analyze again" not in body and b">Mute<" not in body
    body = client_for("operator").get(reverse("logs:pattern", args=[objects["pattern"]])).content
    assert b">Mute<" in body
