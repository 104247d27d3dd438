"""Schemathesis against the OpenAPI schema: no 5xx, no response that breaks the schema.

Requests go through Django's WSGI application in this process, with an admin key
(so every endpoint is reachable), a real nats-server for submitted logs, and a few
stored logs, patterns and analyses for the generated ids to find.

Who may read the schema and the Swagger UI: a session or a key, and a session.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from analysis.models import Analysis
from gogent.api import api
from gogent.apikeys import api_key_create
from logs.models import LogPattern
from tests.helpers.api import KeyClient, ingest, log
from tests.helpers.users import user_with_role

SCHEMA_URL = "/api/v1/openapi.json"
DOCS_URL = "/api/docs"

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# Read from the API object at collection: the same document /api/v1/openapi.json serves.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = WSGIHandler()


@pytest.fixture(autouse=True)
def _requests_keep_the_test_database_connection() -> Iterator[None]:
    # As Django's test client does: a request must not close the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_key(db, nats_server, settings) -> str:
    settings.NATS_SERVERS = [nats_server.url]
    settings.API_RATE_LIMIT = 0
    ingest(*[log(f"Conveyor {n} jammed", severity="warning", host=f"plc-{n}") for n in range(3)])
    ingest(log("Fan 2 noisy", severity="info"))
    pattern = LogPattern.objects.order_by("pk").first()
    Analysis.objects.create(
        pattern=pattern,
        trigger=Analysis.Trigger.OPERATOR,
        status=Analysis.Status.DONE,
        result={"summary": "jam"},
        text="jam",
    )
    return api_key_create(name="schemathesis", role="admin")[1]


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_answers_within_its_schema(case, admin_key):
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_key}"}, checks=CHECKS)


def test_the_schema_needs_a_session_or_a_key(db):
    anonymous = Client().get(SCHEMA_URL)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "not_authenticated"
    assert anonymous["WWW-Authenticate"] == "Bearer"
    wrong = KeyClient("gk_not-a-key").get(SCHEMA_URL)
    assert wrong.status_code == 401 and "paths" not in wrong.json()

    _, raw = api_key_create(name="client generator", role="viewer")
    assert "/api/v1/logs" in KeyClient(raw).get(SCHEMA_URL).json()["paths"]
    browser = Client()
    browser.force_login(user_with_role("viewer"))
    assert browser.get(SCHEMA_URL).json()["info"]["title"] == "Gogent API"


def test_the_docs_page_sends_anonymous_browsers_to_sign_in(db):
    response = Client().get(DOCS_URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={DOCS_URL}"
    browser = Client()
    browser.force_login(user_with_role("viewer"))
    page = browser.get(DOCS_URL)
    assert page.status_code == 200
    assert SCHEMA_URL in page.content.decode()
