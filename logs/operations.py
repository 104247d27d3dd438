"""What the operations page (gogent.operations) shows about ingest."""

from __future__ import annotations

from typing import Any

from gogent.operations import RECENT, OperationsSection
from logs.selectors import ingest_health, rejected_page


def ingest_context() -> dict[str, Any]:
    """The stream's epochs and resets, ingest events, the latest quarantined messages."""
    return {"ingest": ingest_health(), "rejected": rejected_page(size=RECENT).rows}


INGEST_SECTION = OperationsSection(template="logs/_operations_ingest.html", context=ingest_context)
