"""Console pages and actions for analyses (server-rendered, HTMX)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from analysis.console import panel_context
from analysis.models import Analysis
from analysis.services import analysis_cancel, analysis_request, analysis_retry
from gogent.errors import StateRefused
from logs.models import LogPattern

REQUEST = "analysis.request_analysis"
ATTENTION = (Analysis.Status.QUEUED, Analysis.Status.RUNNING, Analysis.Status.FAILED)
PAGE_SIZE = 100


def _get_pattern_for_user(request: HttpRequest, pk: int) -> LogPattern:
    if not request.user.has_perm("analysis.view_analysis"):
        raise PermissionDenied
    return get_object_or_404(LogPattern, pk=pk)


def _get_analysis_for_user(request: HttpRequest, pk: int, *, act: bool = False) -> Analysis:
    if not request.user.has_perm("analysis.view_analysis") or (
        act and not request.user.has_perm(REQUEST)
    ):
        raise PermissionDenied
    return get_object_or_404(Analysis.objects.select_related("pattern"), pk=pk)


@login_required
@require_GET
def pattern_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The analysis section of a pattern page; polled while an analysis is active."""
    pattern = _get_pattern_for_user(request, pk)
    return render(
        request,
        "analysis/_pattern_panel.html",
        {"pattern": pattern, "panel": panel_context(request, pattern)},
    )


@login_required
@require_POST
def pattern_analyze(request: HttpRequest, pk: int) -> HttpResponse:
    pattern = _get_pattern_for_user(request, pk)
    if not request.user.has_perm(REQUEST):
        raise PermissionDenied
    analysis_request(pattern=pattern, trigger=Analysis.Trigger.OPERATOR, user=request.user)
    return render(
        request,
        "analysis/_pattern_panel.html",
        {"pattern": pattern, "panel": panel_context(request, pattern)},
    )


@login_required
@permission_required("analysis.view_analysis", raise_exception=True)
@require_GET
def analysis_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    analyses = (
        Analysis.objects.select_related("pattern")
        .defer("result", "text", "raw_reply", "thinking", "pattern__sample_message")
        .order_by("-created_at", "-pk")
    )
    if status in Analysis.Status.values:
        analyses = analyses.filter(status=status)
    else:
        status = ""
        analyses = analyses.filter(status__in=ATTENTION)
    counts = dict(
        Analysis.objects.values("status").annotate(n=Count("id")).values_list("status", "n")
    )
    context = {
        "analyses": analyses[:PAGE_SIZE],
        "status": status,
        "statuses": [
            (value, label, counts.get(value, 0)) for value, label in Analysis.Status.choices
        ],
        "attention": sum(counts.get(value, 0) for value in ATTENTION),
        "can_request": request.user.has_perm(REQUEST),
    }
    return render(request, "analysis/analyses.html", context)


@login_required
@require_POST
def analysis_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = _get_analysis_for_user(request, pk, act=True)
    error = ""
    try:
        analysis = analysis_retry(analysis=analysis, user=request.user)
    except StateRefused as problem:
        error = str(problem)
    return _row(request, analysis, error)


@login_required
@require_POST
def analysis_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = _get_analysis_for_user(request, pk, act=True)
    error = ""
    try:
        analysis = analysis_cancel(analysis=analysis, user=request.user)
    except StateRefused as problem:
        error = str(problem)
    return _row(request, analysis, error)


def _row(request: HttpRequest, analysis: Analysis, error: str) -> HttpResponse:
    return render(
        request,
        "analysis/_analysis_row.html",
        {"analysis": analysis, "error": error, "can_request": True},
        status=409 if error and not request.htmx else 200,
    )
