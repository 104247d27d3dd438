"""The operations page for admins, under /admin/operations/ with the admin's look.

One page for "is Gogent keeping up?": the components' readiness, the processes
`make run` supervises (state, restarts, last exit), the JetStream
backlog, live Celery workers, queue depths, providers' state, and the latest
failures (analyses, quarantined messages, tickets). Like urls.py, it is wiring
that looks at every app; tickets are looked up by name so the page works before
the integrations app has them.
"""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.db.models import Count
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone

from analysis.models import Analysis, Provider
from analysis.ratelimit import provider_headroom
from gogent.monitoring import broker_queue_depths, celery_workers, consumer_lag, readiness
from gogent.supervisor.status import supervisor_status
from logs.selectors import ingest_health, rejected_page

logger = logging.getLogger(__name__)

RECENT = 10
PERMISSION = "gogent.view_operations"


def operations_view(request: HttpRequest) -> TemplateResponse:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        "title": "Operations",
        "now": timezone.now(),
        "checks": readiness(),
        "processes": supervisor_status(run_dir=settings.SUPERVISOR_DIR),
        "lag": consumer_lag(),
        "ingest": ingest_health(),
        "workers": celery_workers(),
        "queues": broker_queue_depths(),
        "analysis_counts": dict(
            Analysis.objects.values_list("status").annotate(n=Count("id")).order_by()
        ),
        "providers": [
            (provider, provider_headroom(provider))
            for provider in Provider.objects.filter(enabled=True)
        ],
        "failed_analyses": list(
            Analysis.objects.filter(status=Analysis.Status.FAILED)
            .select_related("pattern")
            .order_by("-finished_at", "-pk")[:RECENT]
        ),
        "rejected": rejected_page(size=RECENT).rows,
        "failed_tickets": _failed_tickets(),
    }
    return TemplateResponse(request, "admin/operations.html", context)


def _failed_tickets() -> list[Any] | None:
    """The latest failed tickets; None before the integrations app has tickets."""
    try:
        ticket = apps.get_model("integrations", "Ticket")
    except LookupError:
        return None
    try:
        return list(ticket.objects.filter(status="failed").order_by("-updated_at")[:RECENT])
    except DatabaseError as error:
        logger.warning("failed tickets not shown: %s", error)
        return None
