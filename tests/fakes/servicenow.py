"""A fake ServiceNow on 127.0.0.1: the Table API calls `pysnow` makes, and its OAuth token.

    with FakeServiceNow(user="gogent", password="pw") as snow:
        snow.fail("create", Fault.status(429, retry_after=1))
        ...
        assert len(snow.records) == 1

Operations (for faults): token (POST /oauth_token.do), query (GET a table), get (GET a
record), create (POST), update (PUT/PATCH a record). sysparm_query understands
`field=value`, `fieldINa,b` and `fieldLIKEtext` joined with ^. Work notes are kept as a list.
"""

from __future__ import annotations

import base64
import itertools
import secrets
from collections.abc import Callable
from typing import Any

from tests.fakes.ticket_server import FakeServer, Fault, Reply, Request

__all__ = ["FakeServiceNow", "Fault"]

TABLE_API = "/api/now/table/"
PRIORITY = {(1, 1): "1", (1, 2): "2", (2, 1): "2", (2, 2): "3", (1, 3): "3", (3, 1): "3"}


class FakeServiceNow(FakeServer):
    def __init__(
        self,
        *,
        user: str = "",
        password: str = "",
        client_id: str = "",
        client_secret: str = "",
        tables: tuple[str, ...] = ("incident",),
        latency: float = 0.0,
    ) -> None:
        super().__init__(user=user, password=password, latency=latency)
        self.client_id, self.client_secret = client_id, client_secret
        self.tables = tables
        self.records: dict[str, dict[str, Any]] = {}  # sys_id -> record
        self.tokens: set[str] = set()
        self._numbers = itertools.count(10001)

    # --- Test helpers

    def set_state(self, number: str, state: str) -> None:
        """6 Resolved, 7 Closed, 8 Canceled; 1 New, 2 In Progress."""
        with self.lock:
            next(r for r in self.records.values() if r["number"] == number)["state"] = state

    def with_correlation(self, correlation_id: str) -> list[dict[str, Any]]:
        with self.lock:
            return [r for r in self.records.values() if r["correlation_id"] == correlation_id]

    # --- Routing

    def route(self, request: Request) -> tuple[str, Callable[[Request], Reply]] | None:
        if request.path == "/oauth_token.do" and request.method == "POST":
            return "token", self._token
        if not request.path.startswith(TABLE_API):
            return None
        parts = request.path[len(TABLE_API) :].strip("/").split("/")
        table, method = parts[0], request.method
        if table not in self.tables:
            return None
        if len(parts) == 1:
            if method == "GET":
                return "query", lambda r: self._query(table, r)
            if method == "POST":
                return "create", lambda r: self._create(table, r)
        elif len(parts) == 2:
            if method == "GET":
                return "get", lambda r: self._get(parts[1], r)
            if method in ("PUT", "PATCH"):
                return "update", lambda r: self._update(parts[1], r)
        return None

    def authorized(self, headers: dict[str, str]) -> bool:
        given = headers.get("authorization", "")
        if given.startswith("Bearer "):
            return given.removeprefix("Bearer ") in self.tokens
        return super().authorized(headers)

    def unauthorized(self) -> Reply:
        return (
            401,
            {
                "error": {
                    "message": "User Not Authenticated",
                    "detail": "Required to provide Auth information",
                },
                "status": "failure",
            },
            {"WWW-Authenticate": 'BASIC realm="Service-now"'},
        )

    def error_body(self, code: int) -> Any:
        messages = {429: "Rate limit exceeded", 500: "Internal server error"}
        return {
            "error": {"message": messages.get(code, f"Fake error {code}"), "detail": None},
            "status": "failure",
        }

    # --- Endpoints

    def _token(self, request: Request) -> Reply:
        form = request.body if isinstance(request.body, dict) else {}
        # The client authenticates with HTTP basic (RFC 6749 2.3.1) or in the form.
        client = (form.get("client_id"), form.get("client_secret"))
        given = request.headers.get("authorization", "")
        if given.startswith("Basic "):
            client_id, _, secret = base64.b64decode(given[6:]).decode().partition(":")
            client = (client_id, secret)
        good = (
            form.get("grant_type") == "password"
            and client == (self.client_id, self.client_secret)
            and (form.get("username"), form.get("password")) == (self.user, self.password)
            and self.client_id
        )
        if not good:
            return 401, {"error": "access_denied", "error_description": "access_denied"}, {}
        token = secrets.token_hex(16)
        self.tokens.add(token)
        return (
            200,
            {
                "access_token": token,
                "refresh_token": secrets.token_hex(16),
                "scope": "useraccount",
                "token_type": "Bearer",
                "expires_in": 1799,
            },
            {},
        )

    def _query(self, table: str, request: Request) -> Reply:
        conditions = [c for c in request.query.get("sysparm_query", "").split("^") if c]
        matches = [r for r in self.records.values() if all(_holds(c, r) for c in conditions)]
        limit = int(request.query.get("sysparm_limit") or 10000)
        fields = [f for f in request.query.get("sysparm_fields", "").split(",") if f]
        return 200, {"result": [_view(r, fields) for r in matches[:limit]]}, {}

    def _get(self, sys_id: str, request: Request) -> Reply:
        record = self.records.get(sys_id)
        if record is None:
            return (
                404,
                {
                    "error": {
                        "message": "No Record found",
                        "detail": "Record doesn't exist or ACL restricts the record retrieval",
                    },
                    "status": "failure",
                },
                {},
            )
        return 200, {"result": _view(record, [])}, {}

    def _create(self, table: str, request: Request) -> Reply:
        body = request.body if isinstance(request.body, dict) else {}
        sys_id = secrets.token_hex(16)
        urgency, impact = int(body.get("urgency", 3)), int(body.get("impact", 3))
        record = {
            "sys_id": sys_id,
            "number": f"INC{next(self._numbers):07d}",
            "state": "1",
            "short_description": body.get("short_description", ""),
            "description": body.get("description", ""),
            "correlation_id": body.get("correlation_id", ""),
            "correlation_display": body.get("correlation_display", ""),
            "urgency": str(urgency),
            "impact": str(impact),
            "priority": PRIORITY.get((urgency, impact), "4" if urgency + impact < 6 else "5"),
            "assignment_group": body.get("assignment_group", ""),
            "category": body.get("category", ""),
            "work_notes": [],
        }
        # Other fields the table has (location, cmdb_ci, u_line…), as sent.
        record.update(
            {
                name: value
                for name, value in body.items()
                if name not in record and isinstance(value, str)
            }
        )
        self.records[sys_id] = record
        return 201, {"result": _view(record, [])}, {}

    def _update(self, sys_id: str, request: Request) -> Reply:
        record = self.records.get(sys_id)
        if record is None:
            return self._get(sys_id, request)
        body = request.body if isinstance(request.body, dict) else {}
        for field, value in body.items():
            if field == "work_notes":
                record["work_notes"].append(value)
            else:
                record[field] = value
        return 200, {"result": _view(record, [])}, {}


def _holds(condition: str, record: dict[str, Any]) -> bool:
    if condition.startswith("ORDERBY"):
        return True
    if "LIKE" in condition:
        field, _, value = condition.partition("LIKE")
        return value.lower() in str(record.get(field, "")).lower()
    if "IN" in condition and "=" not in condition:
        field, _, values = condition.partition("IN")
        return str(record.get(field, "")) in values.split(",")
    field, _, value = condition.partition("=")
    return str(record.get(field, "")) == value


def _view(record: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    shown = {k: v for k, v in record.items() if k != "work_notes"}
    shown["work_notes"] = ""  # journal fields read back empty through the Table API
    return {k: shown.get(k, "") for k in fields} if fields else shown
