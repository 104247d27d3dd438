"""The pattern page's Proposed actions section (HTMX): approve or reject a proposal."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from gogent.errors import StateRefused
from integrations.models import ActionProposal
from integrations.remediation.services import proposal_approve, proposal_reject
from logs.models import LogPattern

VIEW = "integrations.view_actionproposal"
APPROVE = "integrations.approve_action"
SHOWN = 10


def proposals_panel_context(request: HttpRequest, pattern: LogPattern) -> dict[str, Any]:
    proposals = (
        ActionProposal.objects.filter(pattern=pattern)
        .select_related("action")
        .order_by("-created_at")[:SHOWN]
    )
    return {"proposals": list(proposals), "can_approve": request.user.has_perm(APPROVE)}


def _panel(request: HttpRequest, pattern: LogPattern, error: str = "") -> HttpResponse:
    context = {"pattern": pattern, "panel": proposals_panel_context(request, pattern),
               "error": error}  # fmt: skip
    return render(request, "integrations/_action_proposals.html", context)


@login_required
@require_GET
def proposals_panel(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm(VIEW):
        raise PermissionDenied
    return _panel(request, get_object_or_404(LogPattern, pk=pk))


@login_required
@require_POST
def proposal_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if not (request.user.has_perm(VIEW) and request.user.has_perm(APPROVE)):
        raise PermissionDenied
    proposal = get_object_or_404(ActionProposal.objects.select_related("pattern"), pk=pk)
    error = ""
    try:
        if decision == "approve":
            proposal_approve(proposal_id=proposal.pk, user=request.user)
        else:
            reason = request.POST.get("reason", "")[:500]
            proposal_reject(proposal_id=proposal.pk, user=request.user, reason=reason)
    except StateRefused as problem:
        error = str(problem)
    return _panel(request, proposal.pattern, error)
