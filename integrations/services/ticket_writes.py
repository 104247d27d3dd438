"""What every write to a ticket shares: its pattern locked first, its audit row, and the
fields of a ticket whose remote work is done."""

from __future__ import annotations

from typing import Any

from gogent.audit import Actor, audit_record
from gogent.leases import LEASE_CLEARED
from gogent.models import AuditEvent
from integrations.models import Ticket
from logs.models import LogPattern
from logs.patterns import pattern_lock_of


def ticket_lock_pattern(ticket: Ticket) -> LogPattern:
    """First in a transaction that writes the ticket and rows pointing at its pattern
    (audit events): see pattern_lock_of. The ticket then holds the pattern it is on now."""
    ticket.pattern = pattern_lock_of(Ticket, ticket.pk)
    return ticket.pattern


def ticket_work_done() -> dict[str, Any]:
    """The fields of a ticket with no remote work left (done, failed or set aside)."""
    return {
        "action": Ticket.Action.NONE,
        "error": "",
        "ambiguous_create_at": None,
        "next_attempt_at": None,
        **LEASE_CLEARED,
    }


def ticket_audit(
    action: str,
    actor: Actor,
    *,
    ticket: Ticket,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record an action on a ticket, shown by its key once it has one."""
    return audit_record(
        action,
        actor,
        ticket_id=ticket.pk,
        pattern_id=ticket.pattern_id,
        object_type="integrations.ticket",
        object_id=str(ticket.pk),
        object_repr=ticket.external_key or f"ticket {ticket.pk}",
        reason=reason,
        details=details,
    )
