"""The one NinjaAPI: each app's routers, added by dotted path, and the JSON errors.

Mounted at /api/ (gogent.urls): endpoints under /api/v1/, the OpenAPI schema at
/api/v1/openapi.json, Swagger UI at /api/docs. Every endpoint and the schema need an
API key or a session (gogent.access); the Swagger UI page needs a session.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.views import openapi_json

from gogent.access import API_AUTH, ERROR_CODES, ApiError, error_payload, key_from_request

logger = logging.getLogger(__name__)


def _docs_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja's docs_decorator, given both views: the schema answers a session or an API key
    (else 401 JSON, as every endpoint does); the Swagger UI page, for browsers, a session
    (else a redirect to the login page)."""
    if getattr(view, "func", None) is not openapi_json:
        return login_required(view)

    @wraps(view)
    def schema(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            try:
                key = key_from_request(request)
            except ApiError as error:
                return _respond(
                    request, error.status, error.code, error.message, None, error.headers
                )
            if key is None:
                return _not_authenticated(request, AuthenticationError())
        return view(request, *args, **kwargs)

    return schema


api = NinjaAPI(
    title="Gogent API",
    version="1",
    description=(
        "Logs, patterns and analyses for machines. Authenticate with an API key "
        "(`Authorization: Bearer <key>` or `X-API-Key: <key>`) or a browser session. "
        'Errors are `{"error": {"code": "...", "message": "..."}}`.'
    ),
    urls_namespace="api",
    openapi_url="/v1/openapi.json",
    docs_url="/docs",
    docs_decorator=_docs_access,
    auth=API_AUTH,
)

api.add_router("/v1/logs", "logs.api.logs_router")
api.add_router("/v1/patterns", "logs.api.patterns_router")
api.add_router("/v1/grouping-rules", "logs.api.grouping_rules_router")
api.add_router("/v1/patterns", "analysis.api.pattern_actions_router")
api.add_router("/v1/analyses", "analysis.api.analyses_router")
api.add_router("/v1/stats", "logs.api.stats_router")
api.add_router("/v1/alarm-health", "logs.alarms.api.alarm_health_router")
api.add_router("/v1/tickets", "integrations.api.tickets_router")
api.add_router("/v1/patterns", "integrations.api.pattern_tickets_router")
api.add_router("/v1/patterns", "integrations.remediation.api.pattern_proposals_router")
api.add_router("/v1/action-proposals", "integrations.remediation.api.proposals_router")
api.add_router("/v1/maintenance-windows", "integrations.maintenance.api.maintenance_router")


def _respond(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    response = api.create_response(request, error_payload(code, message, details), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, error: ApiError) -> HttpResponse:
    return _respond(request, error.status, error.code, error.message, error.details, error.headers)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    details = [
        {"loc": list(item.get("loc", [])), "message": item.get("msg", ""), "type": item.get("type")}
        for item in error.errors
    ]
    return _respond(request, 422, "invalid_request", "The request is not valid.", details)


@api.exception_handler(AuthenticationError)
def _not_authenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return _respond(
        request,
        401,
        "not_authenticated",
        "Send an API key (Authorization: Bearer <key>, or X-API-Key) or sign in.",
        headers={"WWW-Authenticate": "Bearer"},
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    if error.status_code == 400:
        # ninja's only 400: a request body it could not parse.
        return _respond(request, 400, "invalid_json", "The request body is not valid JSON.")
    code = ERROR_CODES.get(error.status_code, f"http_{error.status_code}")
    return _respond(request, error.status_code, code, str(error))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return _respond(request, 404, "not_found", str(error) or "Not found.")


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, error: SuspiciousOperation) -> HttpResponse:
    if isinstance(error, RequestDataTooBig):
        return _respond(request, 413, "too_large", "The request body is too large.")
    return _respond(request, 400, "bad_request", "The request was refused.")


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
    # Recorded with its traceback where operators look (the web log), never shown to callers.
    logger.exception("API error on %s %s", request.method, request.path)
    return _respond(request, 500, "internal_error", "Something went wrong on our side.")
