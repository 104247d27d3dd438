"""Console actions on tickets (server-rendered, HTMX): open, approve or discard a draft, retry."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from gogent.errors import StateRefused
from integrations.console import panel_context
from integrations.models import Integration, Ticket
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
    try:
        action()
    except StateRefused as problem:
        return _panel(request, ticket.pattern, str(problem))
    return _panel(request, ticket.pattern)
