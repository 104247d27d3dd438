"""Console pages and actions on tickets (server-rendered, HTMX): the Tickets page; open,
approve or discard a draft, retry, from a pattern's panel or in place on the page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from gogent.errors import StateRefused
from gogent.numbers import row_id
from integrations.console import panel_context
from integrations.maintenance.selectors import maintenance_occurrences, maintenance_windows
from integrations.models import Integration, Ticket
from integrations.selectors import TICKETS_ATTENTION, ticket_page
from integrations.services import ticket_approve, ticket_discard, ticket_open, ticket_retry
from logs.models import LogPattern

OPEN = "integrations.open_ticket"
REVIEW = "integrations.review_draft"


def _get_pattern_for_user(request: HttpRequest, pk: int, *, permission: str = "") -> LogPattern:
    if not request.user.has_perm("integrations.view_ticket"):
        raise PermissionDenied
    if permission and not request.user.has_perm(permission):
        raise PermissionDenied
    return get_object_or_404(LogPattern, pk=pk)


def _get_ticket_for_user(request: HttpRequest, pk: int, permission: str) -> Ticket:
    if not request.user.has_perm("integrations.view_ticket") or not request.user.has_perm(
        permission
    ):
        raise PermissionDenied
    return get_object_or_404(Ticket, pk=pk)


def _panel(request: HttpRequest, pattern: LogPattern, error: str = "") -> HttpResponse:
    context = {"pattern": pattern, "panel": panel_context(request, pattern), "error": error}
    return render(request, "integrations/_pattern_panel.html", context)


@login_required
@require_GET
def pattern_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The tickets section of a pattern page; polled while a ticket is being opened."""
    return _panel(request, _get_pattern_for_user(request, pk))


@login_required
@require_POST
def pattern_open_ticket(request: HttpRequest, pk: int) -> HttpResponse:
    pattern = _get_pattern_for_user(request, pk, permission=OPEN)
    integration = get_object_or_404(Integration, pk=request.POST.get("integration") or 0)
    try:
        ticket_open(pattern=pattern, integration=integration, user=request.user)
    except StateRefused as problem:
        return _panel(request, pattern, str(problem))
    return _panel(request, pattern)


@login_required
@require_POST
def ticket_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _get_ticket_for_user(request, pk, REVIEW)
    return _act(request, ticket, lambda: ticket_approve(ticket=ticket, user=request.user))


@login_required
@require_POST
def ticket_discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _get_ticket_for_user(request, pk, REVIEW)
    reason = request.POST.get("reason", "")[:500]
    return _act(
        request, ticket, lambda: ticket_discard(ticket=ticket, user=request.user, reason=reason)
    )


@login_required
@require_POST
def ticket_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _get_ticket_for_user(request, pk, OPEN)
    return _act(request, ticket, lambda: ticket_retry(ticket=ticket, user=request.user))


def _act(request: HttpRequest, ticket: Ticket, action) -> HttpResponse:
    """Do the action; answer with what the request came from: its row on the Tickets page
    (HTMX targeting the row), else the pattern's tickets panel."""
    error = ""
    try:
        action()
    except StateRefused as problem:
        error = str(problem)
    if request.htmx and request.htmx.target == f"ticket-{ticket.pk}":
        ticket.refresh_from_db()
        context = _row_context(request, ticket, error)
        return render(request, "integrations/_ticket_row.html", context)
    return _panel(request, ticket.pattern, error)


def _row_context(request: HttpRequest, ticket: Ticket, error: str = "") -> dict[str, object]:
    return {
        "ticket": ticket,
        "error": error,
        "can_open": request.user.has_perm(OPEN),
        "can_review": request.user.has_perm(REVIEW),
    }


@login_required
@permission_required("integrations.view_ticket", raise_exception=True)
@require_GET
def ticket_list(request: HttpRequest) -> HttpResponse:
    """Tickets to work: drafts to review, being opened, failed (by default), or any status,
    by integration, with a text search; newest first, a page at a time."""
    status = request.GET.get("status", "")
    if status not in Ticket.Status.values:
        status = ""
    integration_id = row_id(request.GET.get("integration"))
    query = request.GET.get("q", "").strip()[:200]
    page = ticket_page(
        status=status,
        integration_id=integration_id,
        query=query,
        before=row_id(request.GET.get("before")),
    )
    context = {
        "page": page,
        "status": status,
        "statuses": [
            (value, label, page.counts.get(value, 0)) for value, label in Ticket.Status.choices
        ],
        "attention": sum(page.counts.get(value, 0) for value in TICKETS_ATTENTION),
        "integrations": Integration.objects.order_by("name"),
        "integration_id": integration_id,
        "query": query,
        "can_open": request.user.has_perm(OPEN),
        "can_review": request.user.has_perm(REVIEW),
    }
    return render(request, "integrations/tickets.html", context)


@login_required
@permission_required("integrations.view_maintenancewindow", raise_exception=True)
@require_GET
def maintenance_list(request: HttpRequest) -> HttpResponse:
    """Maintenance windows: on now, next, over; and what the latest occurrences held."""
    context = {
        "windows": maintenance_windows(),
        "occurrences": maintenance_occurrences(),
        "can_change": request.user.is_staff
        and request.user.has_perm("integrations.change_maintenancewindow"),
    }
    return render(request, "integrations/maintenance.html", context)
