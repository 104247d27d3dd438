"""The operations page for admins, under /admin/operations/ with the admin's look.

One page for "is Gogent keeping up?". gogent shows what it runs: the components'
readiness, the processes `make run` supervises (state, restarts, last exit), the
JetStream backlog, live Celery workers, queue depths and the periodic jobs running
now (gogent.runlock). Each app adds its own
sections after those (settings.OPERATIONS_SECTIONS, in that order): ingest events and
quarantined messages, analyses and providers, failed tickets; gogent imports no app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.module_loading import import_string

from gogent.models import RunLock
from gogent.monitoring import broker_queue_depths, celery_workers, consumer_lag, readiness
from gogent.supervisor.status import supervisor_status

RECENT = 10  # rows of each "recent failures" list
PERMISSION = "gogent.view_operations"


@dataclass(frozen=True)
class OperationsSection:
    """An app's part of the page: a fragment, rendered with `section` = what context returns."""

    template: str
    context: Callable[[], dict[str, Any]]


@cache
def _load(paths: tuple[str, ...]) -> tuple[OperationsSection, ...]:
    return tuple(import_string(path) for path in paths)


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
        "workers": celery_workers(),
        "queues": broker_queue_depths(),
        "jobs": RunLock.objects.order_by("name"),
        "sections": [
            (section.template, section.context())
            for section in _load(tuple(settings.OPERATIONS_SECTIONS))
        ],
    }
    return TemplateResponse(request, "admin/operations.html", context)
