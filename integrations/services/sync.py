"""Open tickets' status read back from Jira and ServiceNow: what was closed there is closed
here (and its pattern resolved, where the integration says so)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gogent.audit import SYNC
from gogent.models import AuditEvent
from gogent.runlock import Deadline, run_alone
from integrations.models import Integration, Ticket
from integrations.remote import RemoteTicket, TicketError
from integrations.services.integration import system_of
from integrations.services.ticket_writes import ticket_audit, ticket_lock_pattern
from logs.models import LogPattern
from logs.services import pattern_set_status

STATUS_BATCH = 50
SYNC_LOCK = "tickets-sync"


@dataclass(frozen=True, slots=True)
class SyncReport:
    checked: int
    closed: int
    errors: list[str]


def tickets_sync() -> SyncReport | None:
    """Read open tickets' status back from Jira and ServiceNow; close what was closed there
    (and resolve its pattern, where the integration says so). Runs alone within
    SWEEP_TIME_LIMIT, least recently synced first, so what is left is next run's start.
    None when another sync is running."""
    with run_alone(SYNC_LOCK, seconds=settings.SWEEP_TIME_LIMIT) as deadline:
        return None if deadline is None else _sync(deadline)


def _sync(deadline: Deadline) -> SyncReport:
    checked = closed = 0
    errors: list[str] = []
    for integration in Integration.objects.filter(enabled=True, auth_failed_at=None):
        system = system_of(integration.kind)
        tickets = list(
            Ticket.objects.filter(
                integration=integration, status=Ticket.Status.OPEN, action=Ticket.Action.NONE
            )
            .exclude(external_id="")
            .select_related("pattern")
            .order_by(F("synced_at").asc(nulls_first=True))[:1000]
        )
        for start in range(0, len(tickets), STATUS_BATCH):
            if deadline.passed():
                break
            batch = tickets[start : start + STATUS_BATCH]
            try:
                remote = system.tickets_status(integration, [t.external_id for t in batch])
            except TicketError as error:
                _on_sync_error(integration, error)
                errors.append(f"{integration.name}: {error.message}")
                break
            checked += len(batch)
            for ticket in batch:
                found = remote.get(ticket.external_id)
                if found is None:
                    continue  # deleted remotely, or out of sight: left as it is
                if found.closed:
                    closed += _close(ticket, integration, found)
                else:
                    Ticket.objects.filter(pk=ticket.pk).update(
                        remote_status=found.status, synced_at=timezone.now()
                    )
    return SyncReport(checked=checked, closed=closed, errors=errors)


def _on_sync_error(integration: Integration, error: TicketError) -> None:
    health: dict[str, Any] = {"last_error": error.message[:2000], "last_error_at": timezone.now()}
    if error.auth:
        health["auth_failed_at"] = timezone.now()
    Integration.objects.filter(pk=integration.pk).update(**health)


def _close(ticket: Ticket, integration: Integration, remote: RemoteTicket) -> int:
    now = timezone.now()
    with transaction.atomic():
        pattern = ticket_lock_pattern(ticket)
        updated = Ticket.objects.filter(
            pk=ticket.pk, status=Ticket.Status.OPEN, action=Ticket.Action.NONE
        ).update(
            status=Ticket.Status.CLOSED,
            remote_status=remote.status,
            closed_at=now,
            synced_at=now,
            count_at_action=pattern.count,
        )
        if not updated:
            return 0
        ticket_audit(
            AuditEvent.Action.TICKET_CLOSED, SYNC, ticket=ticket,
            reason=f"{ticket.external_key} is {remote.status} in {integration.name}",
        )  # fmt: skip
        if integration.resolve_pattern_on_close and pattern.status in (
            LogPattern.Status.NEW,
            LogPattern.Status.ACTIVE,
        ):
            # Recorded below, with its ticket, as "resolved by its ticket": one row, not two.
            pattern_set_status(
                pattern=pattern, status=LogPattern.Status.RESOLVED, actor=SYNC, record=False
            )
            ticket_audit(
                AuditEvent.Action.PATTERN_RESOLVED, SYNC, ticket=ticket,
                reason=f"{ticket.external_key} was resolved in {integration.name}",
            )  # fmt: skip
    return 1
