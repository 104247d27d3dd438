"""What the operations page (gogent.operations) shows about ingest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gogent.operations import RECENT, OperationsSection
from logs.models import IngestEvent, StreamEpoch
from logs.selectors import rejected_page


@dataclass(frozen=True, slots=True)
class IngestHealth:
    """What ingest got past: stream lives (resets) and counted events."""

    epochs: list[StreamEpoch]
    resets: int
    events: list[IngestEvent]


def ingest_health(*, epochs: int = 5) -> IngestHealth:
    return IngestHealth(
        epochs=list(StreamEpoch.objects.order_by("-number")[:epochs]),
        resets=StreamEpoch.objects.filter(is_reset=True).count(),
        events=list(IngestEvent.objects.order_by("kind")),
    )


def ingest_context() -> dict[str, Any]:
    """The stream's epochs and resets, ingest events, the latest quarantined messages."""
    return {"ingest": ingest_health(), "rejected": rejected_page(size=RECENT).rows}


INGEST_SECTION = OperationsSection(template="logs/_operations_ingest.html", context=ingest_context)
