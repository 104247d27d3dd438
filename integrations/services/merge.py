"""Tickets when their patterns merge: the survivor keeps one active ticket per integration."""

from __future__ import annotations

from gogent.audit import WORKER
from gogent.models import AuditEvent
from integrations.models import Ticket
from integrations.selectors import ticket_active
from integrations.services.ticket_writes import ticket_audit, ticket_work_done

# Which of two active tickets survives a pattern merge: the one furthest along.
RANK = {Ticket.Status.OPEN: 3, Ticket.Status.PENDING: 2, Ticket.Status.DRAFT: 1}


def tickets_fold_for_merge(*, absorbed_id: int, survivor_id: int) -> None:
    """Before a merge moves the absorbed pattern's tickets to the survivor: where both have
    an active ticket on one integration, the one furthest along stays and the other
    becomes its duplicate, so the survivor keeps one active ticket per integration."""
    for ticket in Ticket.objects.filter(pattern_id=absorbed_id, status__in=Ticket.ACTIVE):
        other = ticket_active(pattern_id=survivor_id, integration_id=ticket.integration_id)
        if other is None:
            continue
        keep, fold = (
            (ticket, other) if RANK[ticket.status] > RANK[other.status] else (other, ticket)
        )
        Ticket.objects.filter(pk=fold.pk).update(
            status=Ticket.Status.DUPLICATE, duplicate_of=keep, **ticket_work_done()
        )
        ticket_audit(
            AuditEvent.Action.TICKET_DUPLICATE, WORKER, ticket=fold,
            reason=f"patterns {absorbed_id} and {survivor_id} merged; kept ticket {keep.pk}"
            + (f" ({keep.external_key})" if keep.external_key else ""),
        )  # fmt: skip
