"""ServiceNow through `pysnow` and the Table API: one function per remote job.

Records go to the integration's table (incident by default). The ticket's
correlation_id field carries Gogent's correlation id, searched for before creating.
pysnow builds https://<instance>.service-now.com from an instance name, or takes a
host (and use_ssl) from the base URL, which is also how the tests reach their fake.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote, urlsplit

import pysnow
import requests
from oauthlib.oauth2 import OAuth2Error
from pysnow.exceptions import PysnowException, ResponseError, TokenCreateError
from pysnow.resource import Resource

from integrations.models import Integration
from integrations.remote import (
    FoundTicket,
    RemoteTicket,
    ReopenImpossible,
    TicketContent,
    TicketError,
    reply_lost,
    retry_after_seconds,
)

SHORT_DESCRIPTION_MAX = 160
# Incident states: 1 New, 2 In Progress, 3 On Hold, 6 Resolved, 7 Closed, 8 Canceled.
IN_PROGRESS = "2"
RESOLVED_STATES = frozenset({"6", "7", "8"})
FINAL_STATES = frozenset({"7", "8"})  # read-only in a stock instance: no way back
STATE_NAMES = {
    "1": "New", "2": "In Progress", "3": "On Hold", "6": "Resolved", "7": "Closed",
    "8": "Canceled",
}  # fmt: skip
# Journal fields (work notes) render [code]...[/code] as HTML.
CODE_TAG = re.compile(r"\[(/?code)\]", re.IGNORECASE)
FIELDS = ["sys_id", "number", "state"]


def client(integration: Integration) -> pysnow.Client:
    # Reference: https://pysnow.readthedocs.io/en/latest/usage/clients.html
    where: dict[str, Any]
    if integration.base_url:
        split = urlsplit(integration.base_url)
        where = {"host": split.netloc, "use_ssl": split.scheme == "https"}
    else:
        where = {"instance": integration.instance}
    if integration.auth != Integration.Auth.OAUTH:
        return pysnow.Client(
            user=integration.username, password=integration.resolved_secret(), **where
        )
    oauth = pysnow.OAuthClient(
        client_id=integration.client_id,
        client_secret=integration.resolved_client_secret(),
        **where,
    )
    # Reference: https://pysnow.readthedocs.io/en/latest/usage/oauth.html (password grant)
    with _remote("get an OAuth token", integration):
        oauth.set_token(oauth.generate_token(integration.username, integration.resolved_secret()))
    return oauth


def table(integration: Integration) -> Resource:
    resource = client(integration).resource(api_path=f"/table/{integration.table}")
    # OAuthClient.resource() takes no request options; every request reads this one.
    resource.kwargs["timeout"] = integration.timeout_seconds
    return resource


def ticket_find(integration: Integration, correlation_id: str) -> RemoteTicket | None:
    records = table(integration)
    # Reference: Table API, GET /api/now/table/{table}: https://docs.servicenow.com/csh?topicname=c_TableAPI
    with _remote("search for the record", integration):
        found = records.get(query={"correlation_id": correlation_id}, limit=1, fields=FIELDS).all()
    return _remote_ticket(integration, found[0]) if found else None


def ticket_create(
    integration: Integration, content: TicketContent, correlation_id: str
) -> RemoteTicket:
    payload: dict[str, Any] = {
        "short_description": _one_line(content.title)[:SHORT_DESCRIPTION_MAX],
        "description": plain_text(content),
        "correlation_id": correlation_id,
        "correlation_display": "Gogent",
    }
    if integration.assignment_group:
        payload["assignment_group"] = integration.assignment_group
    if integration.category:
        payload["category"] = integration.category
    for field_name, key in integration.plant_fields.items():
        if content.place.get(key):
            payload[field_name] = content.place[key]
    priority = integration.priorities().get(content.priority) or {}
    for field in ("urgency", "impact"):
        if field in priority:
            payload[field] = str(priority[field])
    records = table(integration)
    # Reference: Table API, POST /api/now/table/{table}: https://docs.servicenow.com/csh?topicname=c_TableAPI
    with _remote("create the record", integration):
        record = records.create(payload=payload).one()
    return _remote_ticket(integration, record)


def ticket_comment(integration: Integration, remote_id: str, content: TicketContent) -> None:
    """Add a work note to the record with this sys_id."""
    records = table(integration)
    # Reference: Table API, PUT /api/now/table/{table}/{sys_id}: https://docs.servicenow.com/csh?topicname=c_TableAPI
    with _remote("add a work note", integration):
        records.update(query={"sys_id": remote_id}, payload={"work_notes": plain_text(content)})


def ticket_reopen(integration: Integration, remote_id: str, content: TicketContent) -> RemoteTicket:
    """Set a resolved record in progress again, with the recurrence as a work note."""
    records = table(integration)
    with _remote("read the record", integration):
        record = records.get(query={"sys_id": remote_id}, limit=1, fields=FIELDS).one()
    state = str(record.get("state", ""))
    if state in FINAL_STATES:
        raise ReopenImpossible(
            f"{record.get('number', remote_id)} is {STATE_NAMES.get(state, state)}, "
            "which cannot be reopened"
        )
    # Reference: Table API, PUT /api/now/table/{table}/{sys_id}: https://docs.servicenow.com/csh?topicname=c_TableAPI
    with _remote("reopen the record", integration):
        updated = records.update(
            query={"sys_id": remote_id},
            payload={"state": IN_PROGRESS, "work_notes": plain_text(content)},
        ).one()
    return _remote_ticket(integration, updated)


def tickets_status(integration: Integration, remote_ids: Sequence[str]) -> dict[str, RemoteTicket]:
    """Current state of records by sys_id; records no longer there are left out."""
    if not remote_ids:
        return {}
    records = table(integration)
    # Reference: Table API, sysparm_query sys_idIN...: https://docs.servicenow.com/csh?topicname=c_TableAPI
    with _remote("read the records' state", integration):
        found = records.get(
            query="sys_idIN" + ",".join(remote_ids), limit=len(remote_ids), fields=FIELDS
        ).all()
    tickets = (_remote_ticket(integration, record) for record in found)
    return {ticket.id: ticket for ticket in tickets}


def tickets_search(integration: Integration, words: Sequence[str], limit: int) -> list[FoundTicket]:
    """Records whose short description has all the words, newest first. The words are
    letters, digits and underscores only (integrations.tools): no ^ or = reaches the
    encoded query, so none can add a condition."""
    records = table(integration)
    query = "^".join(f"short_descriptionLIKE{word}" for word in words)
    fields = [*FIELDS, "short_description", "sys_updated_on"]
    # Reference: Table API, sysparm_query: https://docs.servicenow.com/csh?topicname=c_TableAPI
    with _remote("search records", integration):
        found = records.get(
            query=f"{query}^ORDERBYDESCsys_updated_on", limit=limit, fields=fields
        ).all()
    tickets = []
    for record in found[:limit]:
        remote = _remote_ticket(integration, record)
        tickets.append(
            FoundTicket(
                key=remote.key,
                url=remote.url,
                status=remote.status,
                closed=remote.closed,
                title=str(record.get("short_description") or ""),
                updated=str(record.get("sys_updated_on") or ""),
            )
        )
    return tickets


def connection_test(integration: Integration) -> str:
    records = table(integration)
    with _remote(f"read the {integration.table} table", integration):
        records.get(query={}, limit=1, fields=["sys_id"]).all()
    return f"ServiceNow at {base_url(integration)}: table {integration.table} readable"


def base_url(integration: Integration) -> str:
    if integration.base_url:
        return integration.base_url.rstrip("/")
    return f"https://{integration.instance}.service-now.com"


def record_url(integration: Integration, sys_id: str) -> str:
    target = quote(f"{integration.table}.do?sys_id={sys_id}", safe="")
    return f"{base_url(integration)}/nav_to.do?uri={target}"


# --- Text ---------------------------------------------------------------------------


def plain_text(content: TicketContent) -> str:
    """The content as plain text; [code] tags from logs or the model are defused."""
    parts: list[str] = []
    for section in content.sections:
        lines: list[str] = []
        if section.heading:
            lines.append(f"== {section.heading} ==")
        if section.text:
            lines.append(_one_line(section.text))
        lines.extend(f"{n}. {_one_line(item)}" for n, item in enumerate(section.items, 1))
        lines.extend(f"{label}: {_one_line(value)}" for label, value in section.facts)
        lines.extend(f"    {line}" for line in section.code)
        parts.append("\n".join(lines))
    if content.link:
        parts.append(f"Open the pattern in Gogent: {content.link}")
    return CODE_TAG.sub(r"[ \1 ]", "\n\n".join(parts))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _remote_ticket(integration: Integration, record: dict[str, Any]) -> RemoteTicket:
    sys_id = str(record.get("sys_id", ""))
    state = str(record.get("state", ""))
    return RemoteTicket(
        key=str(record.get("number", "")) or sys_id,
        id=sys_id,
        url=record_url(integration, sys_id),
        status=STATE_NAMES.get(state, state),
        closed=state in RESOLVED_STATES,
    )


@contextmanager
def _remote(what: str, integration: Integration) -> Iterator[None]:
    """Turn pysnow's and requests' exceptions into TicketError (never str() of a request)."""
    try:
        yield
    except requests.HTTPError as error:
        raise _http_error(what, error.response) from None
    except requests.Timeout as error:
        raise TicketError(
            f"ServiceNow did not answer ({what}) within {integration.timeout_seconds:g}s",
            retryable=True,
            ambiguous=reply_lost(error),
        ) from None
    except requests.ConnectionError as error:
        raise TicketError(
            f"cannot reach ServiceNow at {base_url(integration)} ({what}): {type(error).__name__}",
            retryable=True,
            ambiguous=reply_lost(error),
        ) from None
    except TokenCreateError as error:
        status = error.snow_status_code
        raise TicketError(
            f"ServiceNow refused the OAuth credentials (HTTP {status or '?'}) to {what}: "
            f"{error.description or error.error}",
            retryable=status is not None and status >= 500,
            auth=status in (400, 401, 403, None),
            status=status,
        ) from None
    except ResponseError as error:
        raise TicketError(
            f"ServiceNow refused ({what}): {error.message}: {error.detail}", retryable=False
        ) from None
    except (PysnowException, OAuth2Error) as error:
        raise TicketError(
            f"unexpected reply from ServiceNow ({what}): {type(error).__name__}", retryable=False
        ) from None
    except (requests.RequestException, ValueError) as error:
        raise TicketError(
            f"unexpected reply from ServiceNow ({what}): {type(error).__name__}", retryable=True
        ) from None


def _http_error(what: str, response: requests.Response | None) -> TicketError:
    status = response.status_code if response is not None else None
    detail = _error_detail(response)
    retry_after = (
        retry_after_seconds(response.headers.get("Retry-After")) if response is not None else None
    )
    if status in (401, 403):
        return TicketError(
            f"ServiceNow refused the credentials (HTTP {status}) to {what}: {detail}",
            retryable=False,
            auth=True,
            status=status,
        )
    if status == 429:
        return TicketError(
            f"ServiceNow rate limit (HTTP 429) to {what}",
            retryable=True,
            retry_after=retry_after,
            status=status,
        )
    if status is not None and status >= 500:
        return TicketError(
            f"ServiceNow failed (HTTP {status}) to {what}: {detail}",
            retryable=True,
            ambiguous=True,
            retry_after=retry_after,
            status=status,
        )
    return TicketError(
        f"ServiceNow refused (HTTP {status or '?'}) to {what}: {detail}",
        retryable=False,
        status=status,
    )


def _error_detail(response: requests.Response | None) -> str:
    """The Table API's {"error": {"message", "detail"}}, or the start of the body."""
    if response is None:
        return "no reply"
    try:
        error = response.json().get("error") or {}
    except ValueError:
        return response.text.strip()[:300] or "no details"
    parts = [str(error.get(k)) for k in ("message", "detail") if error.get(k)]
    return ": ".join(parts)[:500] or "no details"
