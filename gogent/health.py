"""/healthz, /readyz and /metrics: what orchestrators and Prometheus ask.

/healthz says the process answers (no I/O). /readyz checks what a request needs:
the database, NATS and the Celery broker, each within MONITORING_TIMEOUT, at most once
per READYZ_CACHE_SECONDS per process; 503 when one is down. Both are open, as probes
are, but /readyz tells anyone only its overall status: each component's result and
error text (hosts, users) only to staff signed in and to callers /metrics lets in.
/metrics is protected: METRICS_ACCESS says by an API key, by coming from
localhost, or either.
"""

from __future__ import annotations

from dataclasses import asdict

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from gogent.access import ApiError, error_payload, key_from_request
from gogent.metrics import metrics_render
from gogent.monitoring import readiness_cached
from gogent.proxies import client_address

LOOPBACK = frozenset({"127.0.0.1", "::1"})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """200 {"status": "ready"} or 503 {"status": "unavailable"}; with "checks" for staff and
    for callers allowed to read /metrics (a wrong key here is no error, just no details)."""
    checks = readiness_cached(max_age=settings.READYZ_CACHE_SECONDS)
    ready = all(check.ok for check in checks.values())
    body: dict[str, object] = {"status": "ready" if ready else "unavailable"}
    if request.user.is_staff or _metrics_refusal(request) is None:
        body["checks"] = {name: asdict(check) for name, check in checks.items()}
    return JsonResponse(body, status=200 if ready else 503)


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    refusal = _metrics_refusal(request)
    if refusal is not None:
        return refusal
    return HttpResponse(metrics_render(), content_type=CONTENT_TYPE_LATEST)


def _metrics_refusal(request: HttpRequest) -> JsonResponse | None:
    """None when METRICS_ACCESS lets the request in; else the JSON error to answer with."""
    access = settings.METRICS_ACCESS
    if "localhost" in access and client_address(request) in LOOPBACK:
        return None
    if "key" not in access:
        return JsonResponse(
            error_payload("forbidden", "/metrics answers requests from localhost only."),
            status=403,
        )
    try:
        key = key_from_request(request)
    except ApiError as error:
        response = JsonResponse(error_payload(error.code, error.message), status=error.status)
        for name, value in error.headers.items():
            response[name] = value
        return response
    if key is None:
        response = JsonResponse(
            error_payload(
                "not_authenticated",
                "Send an API key: Authorization: Bearer <key>, or X-API-Key.",
            ),
            status=401,
        )
        response["WWW-Authenticate"] = "Bearer"
        return response
    return None
