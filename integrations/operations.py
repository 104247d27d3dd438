"""What the operations page (gogent.operations) shows about tickets."""

from __future__ import annotations

from typing import Any

from gogent.operations import RECENT, OperationsSection
from integrations.models import Ticket


def tickets_context() -> dict[str, Any]:
    """The latest failed tickets."""
    failed = Ticket.objects.filter(status=Ticket.Status.FAILED).order_by("-updated_at")
    return {"failed": list(failed[:RECENT])}


TICKETS_SECTION = OperationsSection(
    template="integrations/_operations_tickets.html", context=tickets_context
)
