"""Who may call the API, and the JSON every refusal and error comes back as.

Callers prove who they are with an API key (`Authorization: Bearer <key>` or
`X-API-Key: <key>`) or a browser session (then unsafe methods need the CSRF
token, as Django forms do). What they may do is a permission (gogent.roles):
a session's user has it through their role group, a key through its role.
Endpoints check permissions, never role or group names.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from ninja import Schema
from ninja.security import APIKeyCookie, APIKeyHeader, HttpBearer
from ninja.utils import check_csrf

from gogent.apikeys import ApiKeyRefused, api_key_authenticate, api_key_use
from gogent.cursors import decode_cursor
from gogent.models import ApiKey

API_PATH = "/api/"
ERROR_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "rate_limited",
    500: "internal_error",
}


class ApiError(Exception):
    """A refusal with an HTTP status and a stable code; gogent.api renders it as JSON."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers or {}


class ErrorBody(Schema):
    code: str
    message: str
    details: list[dict[str, Any]] | None = None


class ErrorOut(Schema):
    """Every error: {"error": {"code": "stable_code", "message": "...", "details": [...]}}."""

    error: ErrorBody


def error_payload(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return {"error": body}


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Response docs for the errors an endpoint can answer with, besides those of every one
    (400: a body or parameter that cannot be read at all)."""
    return dict.fromkeys((400, 401, 403, 422, 429, *statuses), ErrorOut)


def key_from_request(request: HttpRequest) -> ApiKey | None:
    """The request's API key from either header, checked and counted; None if it has none."""
    raw = request.headers.get("X-API-Key", "")
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if not raw and scheme.lower() == "bearer":
        raw = token
    if not raw:
        return None
    return _checked(raw)


def _checked(raw_key: str) -> ApiKey:
    try:
        key = api_key_authenticate(raw_key)
    except ApiKeyRefused as refused:
        raise ApiError(
            401, refused.code, refused.message, headers={"WWW-Authenticate": "Bearer"}
        ) from None
    limited = api_key_use(key=key)
    if limited is not None:
        raise ApiError(
            429,
            "rate_limited",
            f"More than {limited.limit} requests a minute with this key; "
            f"retry after {limited.retry_after} s.",
            headers={"Retry-After": str(limited.retry_after)},
        )
    return key


class KeyHeaderAuth(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> ApiKey | None:
        return _checked(key) if key else None


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        return _checked(token) if token else None


class SessionAuth(APIKeyCookie):
    """A signed-in user of the console or admin. CSRF is checked only for them: a request
    without a session must get 401, not a CSRF complaint."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise ApiError(
                403,
                "csrf_failed",
                "CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header.",
            )
        return user


API_AUTH = [KeyHeaderAuth(), BearerAuth(), SessionAuth()]


def require_perm(request: HttpRequest, perm: str) -> None:
    """403 unless the caller (user or key) has the permission."""
    if not request.auth.has_perm(perm):
        raise ApiError(
            403, "permission_denied", f"This needs the {perm!r} permission, which your role lacks."
        )


def api_json_errors(get_response: Any) -> Any:
    """Middleware: an error under /api/ that no endpoint answered (an unknown path, a method
    not allowed, a failure in other middleware) comes back as JSON too, never an HTML page."""

    def middleware(request: HttpRequest) -> Any:
        response = get_response(request)
        if (
            request.path.startswith(API_PATH)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            replacement = JsonResponse(
                error_payload(
                    ERROR_CODES.get(response.status_code, f"http_{response.status_code}"),
                    response.reason_phrase,
                ),
                status=response.status_code,
            )
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if response.has_header(header):
                    replacement[header] = response[header]
            return replacement
        return response

    return middleware


MAX_ID = 2**63 - 1


def id_cursor_after(cursor: str) -> int | None:
    """The id an ["id", n] cursor points after (lists paged by id); None without one."""
    if not cursor:
        return None
    values = decode_cursor(cursor)
    if values is None or values[0] != "id" or not 1 <= values[1] <= MAX_ID:
        raise ApiError(400, "invalid_cursor", "The cursor is not valid; start again without one.")
    return values[1]
