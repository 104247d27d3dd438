"""What ingest takes and gives back: messages as JetStream delivered them, and results."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from logs.patterns import PatternChanges


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """A message as JetStream delivered it; reply_to is where to send the receipt.

    (stream_epoch, stream_seq) is the message's place in the stream: its identity.
    reply_to is the producer's header as sent; ingest checks it before any use.
    """

    subject: str
    stream_seq: int
    data: bytes
    received_at: datetime
    reply_to: str = ""
    stream_epoch: int = 0


@dataclass(slots=True)
class IngestResult:
    stored: int = 0
    duplicates: int = 0
    # Messages on a subject Gogent publishes itself (analysis results): acked, not stored.
    ignored: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    rejected_seqs: set[int] = field(default_factory=set)
    patterns: PatternChanges = field(default_factory=PatternChanges)
    # (reply subject, receipt) for messages that asked for one.
    receipts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    # Reply headers that were no valid subject: ignored, the logs stored all the same.
    bad_reply_subjects: int = 0
    bad_reply_detail: str = ""
    # Time storing the batch, and the part of it spent holding the grouping lock (the one
    # lock ingest processes share; see logs.patterns).
    seconds: float = 0.0
    locked_seconds: float = 0.0
    locked_transactions: int = 0
    # From the first counter written to the commit: rows (a pattern's count, the minute's
    # volume) that a batch counting on the same ones waits for meanwhile.
    counting_seconds: float = 0.0

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    def add(self, other: IngestResult) -> None:
        """Add a part of the same batch (stored in its own transaction) to this result."""
        self.stored += other.stored
        self.duplicates += other.duplicates
        self.ignored += other.ignored
        self.rejected.update(other.rejected)
        self.rejected_seqs |= other.rejected_seqs
        self.receipts += other.receipts
        self.bad_reply_subjects += other.bad_reply_subjects
        self.bad_reply_detail = other.bad_reply_detail or self.bad_reply_detail
        self.seconds += other.seconds
        self.locked_seconds += other.locked_seconds
        self.locked_transactions += other.locked_transactions
        self.counting_seconds += other.counting_seconds
        for name in ("created", "generalized", "regressed", "escalated"):
            getattr(self.patterns, name).update(getattr(other.patterns, name))
        self.patterns.merged.update(other.patterns.merged)


def by_epoch(messages: Iterable[IncomingMessage]) -> dict[int, list[int]]:
    """Stream sequences by epoch: a batch nearly always comes from one life of the stream."""
    seqs: dict[int, list[int]] = {}
    for message in messages:
        seqs.setdefault(message.stream_epoch, []).append(message.stream_seq)
    return seqs
