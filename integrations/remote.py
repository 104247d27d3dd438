"""What the services and the ticket-system modules (jira.py, servicenow.py) exchange.

Each system module has the same small functions, one remote call or two each:
`ticket_find`, `ticket_create`, `ticket_comment`, `ticket_reopen`, `tickets_status`,
`connection_test`; services.SYSTEMS maps an integration's kind to its module. They raise
TicketError, whose message is safe to show and store: it never holds a credential.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

import requests
from django.utils import timezone
from urllib3.exceptions import NewConnectionError


@dataclass(frozen=True, slots=True)
class Section:
    """A part of a ticket's text; each system renders it in its own markup."""

    heading: str
    text: str = ""
    items: tuple[str, ...] = ()  # a numbered list
    facts: tuple[tuple[str, str], ...] = ()  # label: value lines
    code: tuple[str, ...] = ()  # verbatim lines (sample logs)


@dataclass(frozen=True, slots=True)
class TicketContent:
    title: str
    sections: tuple[Section, ...]
    link: str
    # low / medium / high / critical, mapped by the integration's priority_map.
    priority: str
    # key -> the pattern's most frequent value (site, area, line, cell, asset), for the
    # integration's plant_fields.
    place: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RemoteTicket:
    key: str  # OPS-12, INC0010001
    id: str  # Jira issue id, ServiceNow sys_id
    url: str
    status: str  # as the remote names it
    closed: bool


@dataclass(frozen=True, slots=True)
class FoundTicket:
    """A ticket a text search found (the investigation's search_tickets tool)."""

    key: str
    url: str
    status: str
    closed: bool
    title: str
    updated: str


class TicketError(Exception):
    """A failed remote call. retryable: a timeout, 429 or 5xx, worth trying again later;
    auth: a 401/403, which needs an admin, not a retry; ambiguous: the remote side may have
    carried the request out all the same (its reply was lost, or it failed with a 5xx), so
    a create may have created."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        retry_after: float | None = None,
        auth: bool = False,
        status: int | None = None,
        ambiguous: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.retry_after = retry_after
        self.auth = auth
        self.status = status
        self.ambiguous = ambiguous


def reply_lost(error: requests.RequestException) -> bool:
    """Whether a request that failed this way may have reached the remote side: a read
    timeout or a dropped connection may follow a create that happened. A connection that
    was never made (refused, a name that does not resolve, a connect timeout) carried
    nothing."""
    if isinstance(error, requests.ConnectTimeout):
        return False
    if isinstance(error, requests.ConnectionError) and error.args:
        reason = getattr(error.args[0], "reason", error.args[0])
        if isinstance(reason, NewConnectionError):
            return False
    return True


class ReopenImpossible(TicketError):
    """The remote workflow offers no way back from the ticket's closed state."""

    def __init__(self, message: str) -> None:
        super().__init__(message, retryable=False)


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header in seconds (delta form; an HTTP date counts from now)."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((moment - timezone.now()).total_seconds(), 0.0)
