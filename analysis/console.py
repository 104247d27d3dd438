"""What the pattern pages (logs.views) show about analyses: a list column and a panel."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest

from analysis.budgets import spend_overview
from analysis.models import Analysis, Provider
from analysis.ratelimit import provider_headroom
from analysis.selectors import investigation_trace
from logs.console import DashboardPanel, PatternColumn, PatternPanel
from logs.models import LogPattern

EARLIER_SHOWN = 10


def latest_analyses(pattern_ids: list[int]) -> dict[int, Analysis]:
    """The newest analysis of each pattern (queued, running or finished)."""
    latest: dict[int, Analysis] = {}
    for analysis in Analysis.objects.filter(pattern_id__in=pattern_ids).order_by(
        "pattern_id", "-created_at", "-pk"
    ):
        latest.setdefault(analysis.pattern_id, analysis)
    return latest


def panel_context(request: HttpRequest, pattern: LogPattern) -> dict[str, Any]:
    analyses = list(pattern.analyses.order_by("-created_at", "-pk")[: EARLIER_SHOWN + 2])
    current = next((a for a in analyses if a.status == Analysis.Status.DONE), None)
    active = next((a for a in analyses if a.is_active), None)
    return {
        "current": current,
        "active": active,
        "current_steps": investigation_trace(current) if current else [],
        "active_steps": investigation_trace(active) if active else [],
        "earlier": [a for a in analyses if a not in (current, active)][:EARLIER_SHOWN],
        "can_request": request.user.has_perm("analysis.request_analysis"),
    }


def dashboard_context(request: HttpRequest) -> dict[str, Any]:
    counts = dict(
        Analysis.objects.filter(
            status__in=[Analysis.Status.QUEUED, Analysis.Status.RUNNING, Analysis.Status.FAILED]
        )
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    providers = [
        (provider, provider_headroom(provider))
        for provider in Provider.objects.filter(enabled=True).order_by("-is_default", "name")
    ]
    return {"counts": counts, "providers": providers, "spend": spend_overview()}


ANALYSIS_COLUMN = PatternColumn(
    label="Analysis",
    template="analysis/_pattern_cell.html",
    values=latest_analyses,
    permission="analysis.view_analysis",
)
ANALYSIS_PANEL = PatternPanel(
    template="analysis/_pattern_panel.html",
    context=panel_context,
    permission="analysis.view_analysis",
)
ANALYSIS_DASHBOARD = DashboardPanel(
    template="analysis/_dashboard_card.html",
    context=dashboard_context,
    permission="analysis.view_analysis",
)
