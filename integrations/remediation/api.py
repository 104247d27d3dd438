"""Remediation proposals in the API: a pattern's proposals, approve, reject."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Router, Schema
from pydantic import Field

from gogent.access import ApiError, errors, require_perm
from gogent.errors import StateRefused
from integrations.models import ActionProposal
from integrations.remediation.services import proposal_approve, proposal_reject
from logs.models import LogPattern

proposals_router = Router(tags=["actions"])
pattern_proposals_router = Router(tags=["patterns"])

MAX_ID = 2**63 - 1
VIEW = "integrations.view_actionproposal"
APPROVE = "integrations.approve_action"


class ProposalOut(Schema):
    id: int
    pattern_id: int
    analysis_id: int | None
    action: str = Field(description="The admin-defined action's name.")
    dry_run: bool
    reason: str = Field(description="The model's reason, as it gave it (untrusted text).")
    status: str
    decided_by: str
    decided_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    request: dict[str, Any] | None = Field(description="Sent (or, dry, not sent); no secret.")
    response_status: int | None
    response_excerpt: str
    error: str
    created_at: datetime

    @staticmethod
    def resolve_action(proposal: ActionProposal) -> str:
        return proposal.action.name

    @staticmethod
    def resolve_dry_run(proposal: ActionProposal) -> bool:
        return proposal.action.dry_run

    @staticmethod
    def resolve_decided_by(proposal: ActionProposal) -> str:
        return proposal.decided_by_label


class RejectIn(Schema):
    reason: str = Field("", max_length=500)


@pattern_proposals_router.get(
    "/{pattern_id}/action-proposals",
    response={200: list[ProposalOut], **errors(404)},
    summary="A pattern's proposed remediation actions, newest first",
)
def pattern_proposals(
    request: HttpRequest, pattern_id: int = Path(..., ge=1, le=MAX_ID)
) -> list[ActionProposal]:
    require_perm(request, VIEW)
    pattern = get_object_or_404(LogPattern, pk=pattern_id)
    return list(
        ActionProposal.objects.filter(pattern=pattern)
        .select_related("action")
        .order_by("-created_at")[:50]
    )


def _decide(request: HttpRequest, proposal_id: int, decide: Any) -> ActionProposal:
    require_perm(request, APPROVE)
    get_object_or_404(ActionProposal, pk=proposal_id)
    try:
        decide()
    except StateRefused as error:
        raise ApiError(409, "invalid_state", str(error)) from None
    return ActionProposal.objects.select_related("action").get(pk=proposal_id)


@proposals_router.post(
    "/{proposal_id}/approve",
    response={200: ProposalOut, **errors(404, 409)},
    summary="Approve a proposed action: it runs (or, in dry-run mode, is recorded)",
    description="409 when the proposal was decided already, the action is disabled or no "
    "longer covers the pattern, its cooldown for the pattern has not passed, or its "
    "concurrent runs are at the limit.",
)
def proposal_approve_api(
    request: HttpRequest, proposal_id: int = Path(..., ge=1, le=MAX_ID)
) -> ActionProposal:
    return _decide(
        request, proposal_id, lambda: proposal_approve(proposal_id=proposal_id, user=request.auth)
    )


@proposals_router.post(
    "/{proposal_id}/reject",
    response={200: ProposalOut, **errors(404, 409)},
    summary="Reject a proposed action",
)
def proposal_reject_api(
    request: HttpRequest, body: RejectIn, proposal_id: int = Path(..., ge=1, le=MAX_ID)
) -> ActionProposal:
    return _decide(
        request, proposal_id,
        lambda: proposal_reject(proposal_id=proposal_id, user=request.auth, reason=body.reason),
    )  # fmt: skip
