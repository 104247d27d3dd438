"""What the pattern pages and the dashboard (logs.views) show about tickets."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.utils.safestring import mark_safe

from integrations.models import Ticket
from integrations.remediation.views import proposals_panel_context
from integrations.runbooks import runbook_html, runbooks_for_pattern
from integrations.selectors import integrations_enabled, pattern_tickets
from logs.console import DashboardPanel, PatternColumn, PatternFlag, PatternPanel
from logs.models import LogPattern


def latest_tickets(pattern_ids: list[int]) -> dict[int, Ticket]:
    """Each pattern's most relevant ticket: an active one first, else the newest."""
    best: dict[int, Ticket] = {}
    for ticket in (
        Ticket.objects.filter(pattern_id__in=pattern_ids)
        .select_related("integration")
        .order_by("pattern_id", "-created_at", "-pk")
    ):
        current = best.get(ticket.pattern_id)
        if current is None or (ticket.is_active and not current.is_active):
            best[ticket.pattern_id] = ticket
    return best


def panel_context(request: HttpRequest, pattern: LogPattern) -> dict[str, Any]:
    tickets = list(pattern_tickets(pattern)[:20])
    return {
        "tickets": tickets,
        "integrations": list(integrations_enabled()),
        "can_open": request.user.has_perm("integrations.open_ticket"),
        "can_review": request.user.has_perm("integrations.review_draft"),
        "pending": any(t.status == Ticket.Status.PENDING for t in tickets),
    }


def runbook_panel_context(request: HttpRequest, pattern: LogPattern) -> dict[str, Any]:
    return {
        "runbooks": [
            (runbook, mark_safe(runbook_html(runbook.body)))  # noqa: S308 - sanitized by nh3
            for runbook in runbooks_for_pattern(pattern)
        ]
    }


def dashboard_context(request: HttpRequest) -> dict[str, Any]:
    counts = dict(
        Ticket.objects.values("status").annotate(n=Count("id")).values_list("status", "n")
    )
    by_integration = (
        Ticket.objects.filter(status__in=Ticket.ACTIVE)
        .values("integration__name", "status")
        .annotate(n=Count("id"))
        .order_by("integration__name", "status")
    )
    return {"counts": counts, "by_integration": list(by_integration)}


def patterns_with_active_ticket():
    return Ticket.objects.filter(status__in=[Ticket.Status.PENDING, Ticket.Status.OPEN]).values(
        "pattern_id"
    )


TICKET_COLUMN = PatternColumn(
    label="Ticket",
    template="integrations/_pattern_cell.html",
    values=latest_tickets,
    permission="integrations.view_ticket",
)
TICKET_PANEL = PatternPanel(
    template="integrations/_pattern_panel.html",
    context=panel_context,
    permission="integrations.view_ticket",
)
TICKET_DASHBOARD = DashboardPanel(
    template="integrations/_dashboard_card.html",
    context=dashboard_context,
    permission="integrations.view_ticket",
)
HAS_TICKET = PatternFlag(
    name="ticket",
    label="Has ticket",
    pattern_ids=patterns_with_active_ticket,
    permission="integrations.view_ticket",
)
RUNBOOK_PANEL = PatternPanel(
    template="integrations/_runbooks.html",
    context=runbook_panel_context,
    permission="integrations.view_runbook",
)
ACTIONS_PANEL = PatternPanel(
    template="integrations/_action_proposals.html",
    context=proposals_panel_context,
    permission="integrations.view_actionproposal",
)
