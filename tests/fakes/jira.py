"""A fake Jira on 127.0.0.1 speaking the REST API v2 calls the `jira` library makes.

    with FakeJira(token="pat-123") as jira:         # or user="bot@acme.io", password="api-token"
        jira.fail("create", Fault.after(3))          # creates the issue, then never answers
        ...
        assert len(jira.issues) == 1

FakeJira(search_lag=20) shows a new issue in search only 20 s after it was created, as Jira
Cloud's index can. Operations (for faults): serverInfo, field, myself, project, create,
issue, comment, transitions, transition, search. Issues follow a small workflow: To Do and In
Progress are open; Done is done; "Reopen" takes a done issue to Reopened. JQL
understands what Gogent asks: `labels = "x"`, `id in (1, 2)`, `key in (...)`,
joined with AND, and an ORDER BY it ignores.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Callable
from typing import Any

from tests.fakes.ticket_server import FakeServer, Fault, Reply, Request

__all__ = ["FakeJira", "Fault"]

STATUSES = {
    "To Do": {"id": "1", "name": "To Do", "statusCategory": {"key": "new", "name": "To Do"}},
    "In Progress": {
        "id": "3",
        "name": "In Progress",
        "statusCategory": {"key": "indeterminate", "name": "In Progress"},
    },
    "Done": {"id": "10001", "name": "Done", "statusCategory": {"key": "done", "name": "Done"}},
    "Reopened": {
        "id": "4",
        "name": "Reopened",
        "statusCategory": {"key": "indeterminate", "name": "In Progress"},
    },
}
OPEN_TRANSITIONS = [("11", "Start Progress", "In Progress"), ("31", "Done", "Done")]
DONE_TRANSITIONS = [("41", "Reopen", "Reopened")]
FIELDS = [
    ("summary", "Summary"),
    ("description", "Description"),
    ("status", "Status"),
    ("labels", "Labels"),
    ("priority", "Priority"),
    ("issuetype", "Issue Type"),
    ("project", "Project"),
    ("created", "Created"),
]
API = "/rest/api/2/"
CLAUSE = re.compile(
    r"^\s*(?P<field>labels|id|key|project|text)\s*(?P<op>=|in|~)\s*"
    r'(?P<value>"[^"]*"|\([^)]*\)|\S+)\s*$',
    re.IGNORECASE,
)


class FakeJira(FakeServer):
    def __init__(
        self,
        *,
        user: str = "",
        password: str = "",
        token: str = "",
        projects: dict[str, str] | None = None,
        cloud: bool = False,
        reopen: bool = True,
        latency: float = 0.0,
        search_lag: float = 0.0,
        components: dict[str, set[str]] | None = None,
    ) -> None:
        super().__init__(user=user, password=password, token=token, latency=latency)
        # Seconds before search shows a new issue, as Jira Cloud's index does.
        self.search_lag = search_lag
        self.projects = projects or {"OPS": "Operations"}
        # Component names each project has: Jira refuses an issue naming any other.
        self.components = components or {}
        self.cloud = cloud
        self.reopen = reopen  # False: the workflow has no way out of Done
        self.issues: dict[str, dict[str, Any]] = {}  # key -> issue
        self._ids = itertools.count(10001)

    # --- Test helpers

    def close(self, key: str) -> None:
        with self.lock:
            self.issues[key]["status"] = "Done"

    def with_label(self, label: str) -> list[dict[str, Any]]:
        with self.lock:
            return [issue for issue in self.issues.values() if label in issue["labels"]]

    # --- Routing

    def route(self, request: Request) -> tuple[str, Callable[[Request], Reply]] | None:
        if not request.path.startswith(API):
            return None
        path, method = request.path[len(API) :].rstrip("/"), request.method
        parts = path.split("/")
        table: dict[tuple[str, str], tuple[str, Callable[[Request], Reply]]] = {
            ("GET", "serverInfo"): ("serverInfo", self._server_info),
            ("GET", "field"): ("field", self._fields),
            ("GET", "myself"): ("myself", self._myself),
            ("POST", "issue"): ("create", self._create),
            ("GET", "search"): ("search", self._search),
            ("POST", "search"): ("search", self._search),
            ("GET", "search/jql"): ("search", self._search),
            ("POST", "search/jql"): ("search", self._search),
        }
        if (method, path) in table:
            return table[(method, path)]
        if parts[0] == "project" and len(parts) == 2 and method == "GET":
            return "project", lambda r: self._project(parts[1])
        if parts[0] == "issue" and len(parts) >= 2:
            ref = parts[1]
            rest = "/".join(parts[2:])
            if rest == "" and method == "GET":
                return "issue", lambda r: self._issue(ref)
            if rest == "comment" and method == "POST":
                return "comment", lambda r: self._comment(ref, r)
            if rest == "transitions" and method == "GET":
                return "transitions", lambda r: self._transitions(ref)
            if rest == "transitions" and method == "POST":
                return "transition", lambda r: self._transition(ref, r)
        return None

    def unauthorized(self) -> Reply:
        return (
            401,
            {
                "errorMessages": [
                    "You are not authenticated. Authentication required to perform this operation."
                ],
                "errors": {},
            },
            {"WWW-Authenticate": 'Basic realm="protected-area"'},
        )

    def error_body(self, code: int) -> Any:
        messages = {429: "Rate limit exceeded.", 500: "Internal server error", 503: "Unavailable"}
        return {"errorMessages": [messages.get(code, f"Fake error {code}")], "errors": {}}

    # --- Endpoints

    def _server_info(self, request: Request) -> Reply:
        return (
            200,
            {
                "baseUrl": self.url,
                "version": "1001.0.0-SNAPSHOT" if self.cloud else "9.12.2",
                "versionNumbers": [1001, 0, 0] if self.cloud else [9, 12, 2],
                "deploymentType": "Cloud" if self.cloud else "Server",
                "buildNumber": 100000,
                "serverTitle": "Fake Jira",
            },
            {},
        )

    def _fields(self, request: Request) -> Reply:
        return (
            200,
            [
                {
                    "id": field_id,
                    "key": field_id,
                    "name": name,
                    "custom": False,
                    "navigable": True,
                    "searchable": True,
                    "clauseNames": [field_id],
                }
                for field_id, name in FIELDS
            ],
            {},
        )

    def _myself(self, request: Request) -> Reply:
        return (
            200,
            {
                "name": self.user or "pat-user",
                "displayName": "Gogent Bot",
                "emailAddress": self.user or "bot@example.com",
                "active": True,
            },
            {},
        )

    def _project(self, key: str) -> Reply:
        if key not in self.projects:
            return (
                404,
                {"errorMessages": [f"No project could be found with key '{key}'."], "errors": {}},
                {},
            )
        return (
            200,
            {
                "id": "10000",
                "key": key,
                "name": self.projects[key],
                "self": f"{self.url}{API}project/{key}",
            },
            {},
        )

    def _create(self, request: Request) -> Reply:
        fields = (request.body or {}).get("fields", {})
        project = (fields.get("project") or {}).get("key")
        errors = {}
        if project not in self.projects:
            errors["project"] = "valid project is required"
        if not (fields.get("issuetype") or {}).get("name"):
            errors["issuetype"] = "valid issue type is required"
        if not fields.get("summary"):
            errors["summary"] = "You must specify a summary of the issue."
        elif "\n" in fields["summary"] or len(fields["summary"]) > 255:
            errors["summary"] = "The summary must be one line of at most 255 characters."
        labels = fields.get("labels") or []
        if any(" " in label for label in labels):
            errors["labels"] = "Labels cannot contain spaces."
        for component in fields.get("components") or []:
            name = component.get("name") if isinstance(component, dict) else None
            if name not in self.components.get(project, set()):
                errors["components"] = f"Component name '{name}' is not valid"
        if errors:
            return 400, {"errorMessages": [], "errors": errors}, {}
        issue_id = str(next(self._ids))
        key = f"{project}-{len([k for k in self.issues if k.startswith(project + '-')]) + 1}"
        self.issues[key] = {
            "id": issue_id,
            "key": key,
            "fields": fields,
            "labels": list(labels),
            "status": "To Do",
            "comments": [],
            "created": time.monotonic(),
        }
        return 201, {"id": issue_id, "key": key, "self": f"{self.url}{API}issue/{issue_id}"}, {}

    def _find(self, ref: str) -> dict[str, Any] | None:
        if ref in self.issues:
            return self.issues[ref]
        return next((i for i in self.issues.values() if i["id"] == ref), None)

    def _missing(self, ref: str) -> Reply:
        return (
            404,
            {
                "errorMessages": ["Issue does not exist or you do not have permission to see it."],
                "errors": {},
            },
            {},
        )

    def _json(self, issue: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": issue["id"],
            "key": issue["key"],
            "self": f"{self.url}{API}issue/{issue['id']}",
            "fields": {
                **issue["fields"],
                "labels": issue["labels"],
                "status": STATUSES[issue["status"]],
            },
        }

    def _issue(self, ref: str) -> Reply:
        issue = self._find(ref)
        return (200, self._json(issue), {}) if issue else self._missing(ref)

    def _comment(self, ref: str, request: Request) -> Reply:
        issue = self._find(ref)
        if issue is None:
            return self._missing(ref)
        body = (request.body or {}).get("body", "")
        issue["comments"].append(body)
        comment_id = str(10000 + len(issue["comments"]))
        return (
            201,
            {
                "id": comment_id,
                "body": body,
                "self": f"{self.url}{API}issue/{issue['id']}/comment/{comment_id}",
            },
            {},
        )

    def _available(self, issue: dict[str, Any]) -> list[tuple[str, str, str]]:
        if STATUSES[issue["status"]]["statusCategory"]["key"] == "done":
            return DONE_TRANSITIONS if self.reopen else []
        return OPEN_TRANSITIONS

    def _transitions(self, ref: str) -> Reply:
        issue = self._find(ref)
        if issue is None:
            return self._missing(ref)
        return (
            200,
            {
                "transitions": [
                    {"id": tid, "name": name, "to": STATUSES[to], "hasScreen": False}
                    for tid, name, to in self._available(issue)
                ]
            },
            {},
        )

    def _transition(self, ref: str, request: Request) -> Reply:
        issue = self._find(ref)
        if issue is None:
            return self._missing(ref)
        wanted = str(((request.body or {}).get("transition") or {}).get("id"))
        target = next((to for tid, _, to in self._available(issue) if tid == wanted), None)
        if target is None:
            return (
                400,
                {
                    "errorMessages": [f"Transition id '{wanted}' is not valid for this issue."],
                    "errors": {},
                },
                {},
            )
        issue["status"] = target
        for change in ((request.body or {}).get("update") or {}).get("comment", []):
            issue["comments"].append(change.get("add", {}).get("body", ""))
        return 204, None, {}

    def _search(self, request: Request) -> Reply:
        params = request.body if request.method == "POST" else request.query
        jql = (params or {}).get("jql", "")
        try:
            indexed = time.monotonic() - self.search_lag
            matches = [
                issue
                for issue in self.issues.values()
                if issue["created"] <= indexed and _jql_matches(jql, issue)
            ]
        except ValueError as error:
            return 400, {"errorMessages": [str(error)], "errors": {}}, {}
        limit = int((params or {}).get("maxResults") or 50)
        found = [self._json(issue) for issue in matches[:limit]]
        if request.path.endswith("/jql"):
            return 200, {"issues": found, "isLast": True}, {}
        return 200, {"startAt": 0, "maxResults": limit, "total": len(matches), "issues": found}, {}


def _jql_matches(jql: str, issue: dict[str, Any]) -> bool:
    query = re.split(r"\s+ORDER\s+BY\s+", jql, flags=re.IGNORECASE)[0]
    for clause in re.split(r"\s+AND\s+", query, flags=re.IGNORECASE):
        match = CLAUSE.match(clause)
        if match is None:
            raise ValueError(f"Error in the JQL Query: cannot read {clause!r}")
        field, value = match["field"].lower(), match["value"]
        if field == "text":
            # Jira's text search: every word in the summary or description (no operators).
            fields = issue["fields"]
            haystack = f"{fields.get('summary', '')} {fields.get('description', '')}".lower()
            if not all(word in haystack for word in value.strip('"').lower().split()):
                return False
            continue
        values = (
            [v.strip().strip('"') for v in value[1:-1].split(",")]
            if value.startswith("(")
            else [value.strip('"')]
        )
        actual = {
            "labels": issue["labels"],
            "id": [issue["id"]],
            "key": [issue["key"]],
            "project": [issue["key"].split("-")[0]],
        }[field]
        if not set(values) & set(actual):
            return False
    return True
