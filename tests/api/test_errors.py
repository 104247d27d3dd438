"""Under /api/ every error is JSON with a stable code, never an HTML page."""

from __future__ import annotations

from django.test import Client


def test_unknown_paths_are_json_404(api_key):
    for path in ("/api/v1/nothing-here", "/api/v1/logs/", "/api/v2/logs", "/api/"):
        response = api_key("viewer").get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"]["code"] == "not_found"


def test_a_method_not_allowed_is_json_405(api_key):
    response = api_key("admin").delete("/api/v1/logs")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


def test_docs_and_schema_are_served_locally(db):
    from tests.helpers.users import user_with_role

    browser = Client()
    browser.force_login(user_with_role("viewer"))  # both need a sign-in (test_schema.py)
    schema = browser.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/logs" in schema.json()["paths"]
    docs = browser.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()
