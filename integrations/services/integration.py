"""An integration's own row: which client library speaks to its system, its health after a
successful call, an admin's connection test and save."""

from __future__ import annotations

import importlib
import time
from types import ModuleType

from django.utils import timezone

from analysis.services import ConnectionCheck
from integrations.models import Integration
from integrations.remote import TicketError

# Imported when a remote call is made: the consumer runs this app's rules at ingest and
# needs neither client library, which take ~150 ms to import.
SYSTEMS: dict[str, str] = {
    Integration.Kind.JIRA: "integrations.jira",
    Integration.Kind.SERVICENOW: "integrations.servicenow",
}


def system_of(kind: str) -> ModuleType:
    return importlib.import_module(SYSTEMS[kind])


def integration_ok(integration: Integration) -> None:
    Integration.objects.filter(pk=integration.pk).update(
        last_success_at=timezone.now(), auth_failed_at=None
    )


def integration_test(*, integration: Integration) -> ConnectionCheck:
    """Sign in and look at the project or table; the answer or the exact error, for the
    admin's Test connection."""
    started = time.monotonic()
    try:
        detail = system_of(integration.kind).connection_test(integration)
    except TicketError as error:
        latency_ms = int((time.monotonic() - started) * 1000)
        Integration.objects.filter(pk=integration.pk).update(
            last_error=error.message[:2000], last_error_at=timezone.now()
        )
        return ConnectionCheck(ok=False, latency_ms=latency_ms, detail=error.message)
    latency_ms = int((time.monotonic() - started) * 1000)
    integration_ok(integration)
    return ConnectionCheck(ok=True, latency_ms=latency_ms, detail=detail)


def integration_save(*, integration: Integration) -> Integration:
    """Save an admin's or a config file's change: refused credentials and a pause are
    forgotten, so rules send work again."""
    integration.auth_failed_at = None
    integration.paused_until = None
    integration.save()
    return integration
