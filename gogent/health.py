"""/healthz, /readyz and /metrics: what orchestrators and Prometheus ask.

/healthz says the process answers (no I/O). /readyz checks what a request needs:
the database, NATS and the Celery broker, each within MONITORING_TIMEOUT; 503 when
one is down, with every component's result. Both are open, as probes are.
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
from gogent.monitoring import readiness

LOOPBACK = frozenset({"127.0.0.1", "::1"})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks = readiness()
    ready = all(check.ok for check in checks.values())
    return JsonResponse(
        {
            "status": "ready" if ready else "unavailable",
            "checks": {name: asdict(check) for name, check in checks.items()},
        },
        status=200 if ready else 503,
    )


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    access = settings.METRICS_ACCESS
    if not ("localhost" in access and request.META.get("REMOTE_ADDR") in LOOPBACK):
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
    return HttpResponse(metrics_render(), content_type=CONTENT_TYPE_LATEST)
