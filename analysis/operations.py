"""What the operations page (gogent.operations) shows about analyses and providers."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from analysis.models import Analysis, Provider
from analysis.ratelimit import provider_headroom
from analysis.selectors import results_outbox
from gogent.operations import RECENT, OperationsSection


def analysis_context() -> dict[str, Any]:
    """Analyses by status, enabled providers' limits, the results outbox and NATS as its
    publisher last found it, the latest failed analyses."""
    return {
        "counts": dict(Analysis.objects.values_list("status").annotate(n=Count("id")).order_by()),
        "providers": [
            (provider, provider_headroom(provider))
            for provider in Provider.objects.filter(enabled=True)
        ],
        "outbox": results_outbox(),
        "failed": list(
            Analysis.objects.filter(status=Analysis.Status.FAILED)
            .select_related("pattern")
            .order_by("-finished_at", "-pk")[:RECENT]
        ),
    }


ANALYSIS_SECTION = OperationsSection(
    template="analysis/_operations_analyses.html", context=analysis_context
)
