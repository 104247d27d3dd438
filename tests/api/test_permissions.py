"""Every endpoint x every caller: viewer, operator and admin keys; no key; expired and
revoked keys; browser sessions (with and without the CSRF token)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from analysis.models import Analysis
from integrations.models import ActionProposal, RemediationAction
from logs.models import LogPattern
from tests.helpers.api import ingest, log, session_client
from tests.helpers.users import user_with_role

READ, ACT = "read", "act"


@pytest.fixture
def ids(db) -> dict[str, int]:
    ingest(log("Hydraulic pressure below threshold on press 4"))
    pattern = LogPattern.objects.get()
    # A failed analysis can be retried; the one ingest queued can be cancelled.
    queued = Analysis.objects.get(pattern=pattern)
    failed = Analysis.objects.create(
        pattern=pattern,
        trigger=Analysis.Trigger.OPERATOR,
        status=Analysis.Status.FAILED,
        error="provider said no",
        finished_at=timezone.now(),
    )
    action = RemediationAction.objects.create(
        name="restart_gateway", description="d", url="http://127.0.0.1:9/launch/"
    )
    proposal = ActionProposal.objects.create(pattern=pattern, action=action, reason="r")
    return {"pattern": pattern.pk, "queued": queued.pk, "failed": failed.pk,
            "proposal": proposal.pk}  # fmt: skip


# (method, path, json body, what it needs, status when allowed). The log submission's body
# breaks the input rules: an allowed caller gets 422 from the rules (no NATS needed), a
# refused one never gets that far.
ENDPOINTS = [
    ("get", "/api/v1/logs", None, READ, 200),
    ("post", "/api/v1/logs", {"message": ""}, ACT, 422),
    ("get", "/api/v1/patterns", None, READ, 200),
    ("get", "/api/v1/patterns/{pattern}", None, READ, 200),
    ("post", "/api/v1/patterns/{pattern}/status", {"status": "muted"}, ACT, 200),
    ("post", "/api/v1/patterns/{pattern}/analyze", None, ACT, 202),
    ("get", "/api/v1/analyses", None, READ, 200),
    ("get", "/api/v1/analyses/{failed}", None, READ, 200),
    ("post", "/api/v1/analyses/{failed}/retry", None, ACT, 202),
    ("post", "/api/v1/analyses/{queued}/cancel", None, ACT, 200),
    ("get", "/api/v1/stats", None, READ, 200),
    ("get", "/api/v1/patterns/{pattern}/action-proposals", None, READ, 200),
    ("post", "/api/v1/action-proposals/{proposal}/reject", {"reason": "no"}, ACT, 200),
]
ENDPOINT_IDS = [f"{method.upper()} {path}" for method, path, *_ in ENDPOINTS]


def call(client: Client, endpoint: tuple, ids: dict[str, int]):
    method, path, body, *_ = endpoint
    url = path.format(**ids)
    if method == "get":
        return client.get(url)
    return client.post(url, body or {}, content_type="application/json")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ENDPOINT_IDS)
@pytest.mark.parametrize("role", ["viewer", "operator", "admin"])
def test_roles(api_key, ids, endpoint, role):
    needs, allowed_status = endpoint[3], endpoint[4]
    response = call(api_key(role), endpoint, ids)
    if needs == ACT and role == "viewer":
        assert response.status_code == 403, response.content
        assert response.json()["error"]["code"] == "permission_denied"
    else:
        assert response.status_code == allowed_status, response.content


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ENDPOINT_IDS)
@pytest.mark.parametrize(
    ("caller", "code"),
    [
        ("no key", "not_authenticated"),
        ("expired", "api_key_expired"),
        ("revoked", "api_key_revoked"),
        ("wrong secret", "invalid_api_key"),
    ],
)
def test_refused_callers(api_key, ids, endpoint, caller, code):
    if caller == "no key":
        client = Client()
    elif caller == "wrong secret":
        genuine = api_key("admin").raw_key
        client = Client(
            HTTP_X_API_KEY=genuine[:-4] + ("AAAA" if genuine[-4:] != "AAAA" else "BBBB")
        )
    else:
        client = api_key("admin", **{caller: True})
    state = (LogPattern.objects.get().status, list(Analysis.objects.values_list("status")))
    response = call(client, endpoint, ids)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == code
    assert response["WWW-Authenticate"] == "Bearer"
    # Nothing changed on the way to the refusal.
    assert state == (LogPattern.objects.get().status, list(Analysis.objects.values_list("status")))


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ENDPOINT_IDS)
@pytest.mark.parametrize("role", ["viewer", "operator"])
def test_browser_sessions_with_csrf(ids, endpoint, role):
    needs, allowed_status = endpoint[3], endpoint[4]
    response = call(session_client(user_with_role(role)), endpoint, ids)
    expected = 403 if needs == ACT and role == "viewer" else allowed_status
    assert response.status_code == expected, response.content


def test_unsafe_session_request_without_csrf_token_is_refused(ids):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_with_role("operator"))
    response = client.post(
        f"/api/v1/patterns/{ids['pattern']}/status", {"status": "muted"}, "application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    assert LogPattern.objects.get().status == LogPattern.Status.NEW


def test_user_without_a_role_reads_nothing(ids):
    client = Client()
    client.force_login(User.objects.create_user("nobody"))
    response = client.get("/api/v1/logs")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_both_key_headers_work(api_key, ids):
    assert api_key("viewer", header="bearer").get("/api/v1/logs").status_code == 200
    assert api_key("viewer", header="x-api-key").get("/api/v1/logs").status_code == 200
