"""/readyz: the overall status for anyone, each component's result for staff and for callers
/metrics lets in; one check per READYZ_CACHE_SECONDS per process.

Against real components: SQLite, a nats-server (or a closed port where it is down) and the
in-memory broker the test process uses.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from gogent.apikeys import api_key_create
from tests.helpers.api import KeyClient
from tests.helpers.processes import free_port
from tests.helpers.users import user_with_role

REFUSED = "nats://127.0.0.1:{port}"


@pytest.fixture(autouse=True)
def _fresh_checks(settings) -> None:
    settings.READYZ_CACHE_SECONDS = 0
    settings.METRICS_ACCESS = ["key"]
    settings.NATS_SERVERS = [REFUSED.format(port=free_port())]


def signed_in(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def test_anonymous_callers_get_the_status_only(db, nats_server, settings):
    settings.NATS_SERVERS = [nats_server.url]
    response = Client().get("/readyz")
    assert (response.status_code, response.json()) == (200, {"status": "ready"})


def test_anonymous_callers_get_no_error_text_when_something_is_down(db):
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert b"127.0.0.1" not in response.content


def test_staff_see_each_component_and_its_error(db):
    response = signed_in(user_with_role("admin")).get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert set(checks) == {"database", "nats", "broker"}
    assert checks["database"]["ok"] is True
    assert checks["nats"]["ok"] is False and checks["nats"]["error"]


def test_signed_in_users_who_are_not_staff_get_the_status_only(db):
    response = signed_in(user_with_role("operator")).get("/readyz")
    assert response.json() == {"status": "unavailable"}


def test_a_key_that_may_read_metrics_sees_the_details(db):
    _, raw = api_key_create(name="prom", role="viewer")
    assert "checks" in KeyClient(raw).get("/readyz").json()


def test_a_wrong_key_is_no_error_just_no_details(db):
    response = KeyClient("gk_not-a-key").get("/readyz")
    assert response.status_code == 503  # the components' status, not 401
    assert response.json() == {"status": "unavailable"}


def test_localhost_sees_the_details_when_metrics_are_open_to_it(db, settings):
    settings.METRICS_ACCESS = ["localhost"]
    assert "checks" in Client().get("/readyz").json()  # the test client is 127.0.0.1
    assert "checks" not in Client(REMOTE_ADDR="10.0.0.9").get("/readyz").json()


def test_one_check_serves_the_calls_of_the_next_seconds(db, nats_server, settings):
    settings.NATS_SERVERS = [nats_server.url]
    assert Client().get("/readyz").status_code == 200  # checked now, and kept
    settings.READYZ_CACHE_SECONDS = 60
    nats_server.stop()
    assert Client().get("/readyz").status_code == 200  # the kept result: no new check
    settings.READYZ_CACHE_SECONDS = 0
    assert Client().get("/readyz").status_code == 503
