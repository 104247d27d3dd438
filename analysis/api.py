"""The analysis app's API: analyses (list, get, retry, cancel) and analyzing a pattern again.

Endpoints call the services the console's views and the admin actions call.
gogent.api mounts these routers under /api/v1/.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Status

from analysis.models import Analysis
from analysis.schemas import AnalysisDetailOut, AnalysisOut, AnalysisPage, AnalysisStatus
from analysis.selectors import analysis_page
from analysis.services import analysis_cancel, analysis_request, analysis_retry
from gogent.access import ApiError, errors, id_cursor_after, require_perm
from gogent.cursors import encode_cursor
from gogent.errors import StateRefused
from logs.models import LogPattern

analyses_router = Router(tags=["analyses"])
# Mounted with the logs app's patterns router: /api/v1/patterns/{id}/analyze.
pattern_actions_router = Router(tags=["patterns"])

MAX_ID = 2**63 - 1
MAX_PAGE = 500
VIEW = "analysis.view_analysis"
REQUEST = "analysis.request_analysis"


@analyses_router.get("", response={200: AnalysisPage, **errors()}, summary="List analyses")
def list_analyses(
    request: HttpRequest,
    status: AnalysisStatus | None = None,
    pattern: int | None = Query(None, ge=1, le=MAX_ID),
    cursor: str = "",
    limit: int = Query(50, ge=1, le=MAX_PAGE),
) -> dict[str, Any]:
    require_perm(request, VIEW)
    rows, last_id = analysis_page(
        status=status or "", pattern_id=pattern, after_id=id_cursor_after(cursor), size=limit
    )
    return {
        "items": rows,
        "next_cursor": encode_cursor(["id", last_id]) if last_id is not None else None,
    }


def _get_analysis(analysis_id: int) -> Analysis:
    return get_object_or_404(Analysis.objects.select_related("requested_by"), pk=analysis_id)


@analyses_router.get(
    "/{analysis_id}", response={200: AnalysisDetailOut, **errors(404)}, summary="Get an analysis"
)
def get_analysis(request: HttpRequest, analysis_id: int = Path(..., ge=1, le=MAX_ID)) -> Analysis:
    require_perm(request, VIEW)
    return _get_analysis(analysis_id)


@analyses_router.post(
    "/{analysis_id}/retry",
    response={202: AnalysisOut, **errors(404, 409)},
    summary="Run a failed or cancelled analysis again",
)
def retry_analysis(
    request: HttpRequest, analysis_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[Analysis]:
    require_perm(request, REQUEST)
    analysis = _get_analysis(analysis_id)
    try:
        return Status(202, analysis_retry(analysis=analysis, user=request.auth))
    except StateRefused as error:
        raise ApiError(409, "invalid_state", str(error)) from None


@analyses_router.post(
    "/{analysis_id}/cancel",
    response={200: AnalysisOut, **errors(404, 409)},
    summary="Cancel a queued or running analysis",
)
def cancel_analysis(
    request: HttpRequest, analysis_id: int = Path(..., ge=1, le=MAX_ID)
) -> Analysis:
    require_perm(request, REQUEST)
    analysis = _get_analysis(analysis_id)
    try:
        return analysis_cancel(analysis=analysis, user=request.auth)
    except StateRefused as error:
        raise ApiError(409, "invalid_state", str(error)) from None


@pattern_actions_router.post(
    "/{pattern_id}/analyze",
    response={202: AnalysisOut, **errors(404, 409)},
    summary="Analyze a pattern again",
    description="Queues an analysis; if one is queued or running already, that one is returned.",
    # As published before the view was renamed apart from the analyze_pattern task.
    operation_id="analysis_api_analyze_pattern",
)
def pattern_analysis_request(
    request: HttpRequest, pattern_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[Analysis]:
    require_perm(request, REQUEST)
    pattern = get_object_or_404(LogPattern, pk=pattern_id)
    if pattern.merged_into_id is not None:
        raise ApiError(
            409,
            "pattern_merged",
            f"Pattern {pattern.pk} was merged into {pattern.merged_into_id}; analyze that one.",
        )
    # request.auth: the user or the API key; a key is recorded as such, with no requested_by.
    analysis = analysis_request(
        pattern=pattern, trigger=Analysis.Trigger.OPERATOR, user=request.auth
    )
    return Status(202, analysis)
