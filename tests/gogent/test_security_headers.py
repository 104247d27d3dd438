"""HTTPS settings, browser security headers and the Content-Security-Policy.

Settings read from the environment are checked in a fresh interpreter (as manage.py and
gunicorn load them); the headers through the test client, behind a pretend TLS proxy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.urls import reverse

from logs.models import LogPattern
from tests.console.test_pages import XSS, ingest, log
from tests.helpers.processes import BASE_DIR
from tests.helpers.users import user_with_role

CONSOLE_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
SETTINGS_SHOWN = [
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "CONTENT_SECURITY_POLICY",
]


def settings_with(tmp_path, **env: str) -> dict:
    """The settings gogent/settings.py makes from this environment (nothing else set)."""
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{name: getattr(settings, name) for name in {SETTINGS_SHOWN!r}}}))"
    )
    names = [
        "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "DEBUG",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS", "COOKIE_SECURE", "SESSION_COOKIE_SECURE",
        "CSP_REPORT_URI",
    ]  # fmt: skip
    base = {name: value for name, value in os.environ.items() if name not in names}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "gogent.settings",
            "GOGENT_DATA_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode:
        raise RuntimeError(result.stderr.strip().splitlines()[-1])
    return json.loads(result.stdout.strip().splitlines()[-1])


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


# --- settings from the environment ---------------------------------------------------


def test_defaults_serve_plain_http_with_secure_cookies(tmp_path):
    values = settings_with(tmp_path)

    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    # Browsers keep Secure cookies on http://127.0.0.1 and localhost (make run).
    assert values["SESSION_COOKIE_SECURE"] is values["CSRF_COOKIE_SECURE"] is True
    assert values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"] == CONSOLE_POLICY


def test_cookies_are_not_secure_under_debug_or_when_turned_off(tmp_path):
    assert settings_with(tmp_path, DEBUG="true")["SESSION_COOKIE_SECURE"] is False
    values = settings_with(tmp_path, COOKIE_SECURE="false")
    assert values["SESSION_COOKIE_SECURE"] is values["CSRF_COOKIE_SECURE"] is False
    # The older name still works.
    assert settings_with(tmp_path, SESSION_COOKIE_SECURE="false")["CSRF_COOKIE_SECURE"] is False


def test_behind_a_tls_proxy(tmp_path):
    values = settings_with(
        tmp_path,
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https",
        SECURE_SSL_REDIRECT="true",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
        CSP_REPORT_URI="https://reports.example/csp",
    )

    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    directives = values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives == {**CONSOLE_POLICY, "report-uri": ["https://reports.example/csp"]}


def test_a_proxy_header_without_a_value_is_refused(tmp_path):
    with pytest.raises(RuntimeError, match="SECURE_PROXY_SSL_HEADER must be"):
        settings_with(tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")


# --- headers ------------------------------------------------------------------------


@pytest.fixture
def pattern(db) -> LogPattern:
    ingest(
        log("Modbus timeout reading register 40001 from slave 7"),
        log(f"operator note {XSS[1]}", severity="CRITICAL"),
        b"{not json",
    )
    return LogPattern.objects.get(template__startswith="Modbus")


@pytest.mark.parametrize(
    "page",
    ["/", "/patterns/", "pattern", "/logs/?q=Modbus", "/analyses/", "/quarantine/"],
)
def test_console_pages_carry_the_policy_and_the_browser_headers(pattern, role_client, page):
    path = reverse("logs:pattern", args=[pattern.pk]) if page == "pattern" else page
    response = role_client("operator").get(path)

    assert response.status_code == 200
    assert policy(response) == CONSOLE_POLICY
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # not over plain HTTP
    # No inline script or style for the policy to refuse, and htmx injects none.
    body = response.content.decode()
    assert " style=" not in body and "<style" not in body
    assert "<script>" not in body
    assert '"includeIndicatorStyles": false' in body


@pytest.mark.django_db
def test_admin_pages_carry_the_same_policy(role_client):
    response = role_client("admin").get("/admin/logs/logpattern/")

    assert response.status_code == 200
    assert policy(response) == CONSOLE_POLICY


@pytest.mark.django_db
def test_signing_in_sets_secure_httponly_cookies_and_still_works(client):
    user_with_role("viewer")
    login = reverse("login")
    client.get(login)
    assert client.cookies["csrftoken"]["secure"] is True

    response = client.post(
        login,
        {"username": "viewer", "password": "pw-viewer", "csrfmiddlewaretoken": "ignored"},
    )

    assert response.status_code == 302
    session = client.cookies["sessionid"]
    assert session["secure"] is True and session["httponly"] is True
    assert client.get(reverse("logs:patterns")).status_code == 200


@pytest.mark.django_db
def test_behind_the_proxy_http_is_redirected_and_https_gets_hsts(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000

    plain = client.get("/accounts/login/")
    assert plain.status_code == 301
    assert plain.headers["Location"] == "https://testserver/accounts/login/"
    # Probes reach the web process directly, over HTTP.
    assert client.get("/healthz").status_code == 200

    secure = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
