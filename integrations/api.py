"""The integrations app's API: tickets (list, get) and opening one for a pattern.

Endpoints call the services the console's views call. gogent.api mounts these
routers under /api/v1/.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Status

from gogent.access import ApiError, errors, id_cursor_after, require_perm
from gogent.cursors import encode_cursor
from gogent.errors import StateRefused
from integrations.models import Integration, Ticket
from integrations.schemas import TicketOpenIn, TicketOut, TicketPage, TicketStatus
from integrations.services import ticket_open
from logs.models import LogPattern

tickets_router = Router(tags=["tickets"])
# Mounted with the logs app's patterns router: /api/v1/patterns/{id}/tickets.
pattern_tickets_router = Router(tags=["patterns"])

MAX_ID = 2**63 - 1
MAX_PAGE = 500
VIEW = "integrations.view_ticket"
OPEN = "integrations.open_ticket"


@tickets_router.get("", response={200: TicketPage, **errors()}, summary="List tickets")
def list_tickets(
    request: HttpRequest,
    status: TicketStatus | None = None,
    pattern: int | None = Query(None, ge=1, le=MAX_ID),
    integration: int | None = Query(None, ge=1, le=MAX_ID),
    cursor: str = "",
    limit: int = Query(50, ge=1, le=MAX_PAGE),
) -> dict[str, Any]:
    require_perm(request, VIEW)
    tickets = Ticket.objects.select_related("integration").order_by("-pk")
    if status:
        tickets = tickets.filter(status=status)
    if pattern is not None:
        tickets = tickets.filter(pattern_id=pattern)
    if integration is not None:
        tickets = tickets.filter(integration_id=integration)
    after = id_cursor_after(cursor)
    if after is not None:
        tickets = tickets.filter(pk__lt=after)
    rows = list(tickets[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": rows,
        "next_cursor": encode_cursor(["id", rows[-1].pk]) if more else None,
    }


@tickets_router.get(
    "/{ticket_id}", response={200: TicketOut, **errors(404)}, summary="Get a ticket"
)
def get_ticket(request: HttpRequest, ticket_id: int = Path(..., ge=1, le=MAX_ID)) -> Ticket:
    require_perm(request, VIEW)
    return get_object_or_404(Ticket.objects.select_related("integration"), pk=ticket_id)


@pattern_tickets_router.post(
    "/{pattern_id}/tickets",
    response={202: TicketOut, **errors(404, 409)},
    summary="Open a ticket for a pattern on an integration",
    description="Returns the pattern's active ticket on that integration when it has one; "
    "otherwise one is opened (or a closed one reopened, as the integration says) by a "
    "worker: poll GET /tickets/{id} for its key and link, or the exact error.",
    # As published before the view was renamed apart from the open_ticket task.
    operation_id="integrations_api_open_ticket",
)
def pattern_ticket_request(
    request: HttpRequest, body: TicketOpenIn, pattern_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[Ticket]:
    require_perm(request, OPEN)
    pattern = get_object_or_404(LogPattern, pk=pattern_id)
    integration = get_object_or_404(Integration, pk=body.integration)
    try:
        # request.auth: the user or the API key, so a key's ticket is recorded as the key's.
        ticket = ticket_open(pattern=pattern, integration=integration, user=request.auth)
    except StateRefused as error:
        raise ApiError(409, "invalid_state", str(error)) from None
    return Status(202, Ticket.objects.select_related("integration").get(pk=ticket.pk))
