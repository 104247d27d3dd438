"""Receipts for producers that asked for one (the Gogent-Reply-To header)."""

from __future__ import annotations

from typing import Any

from logs.models import LogEntry
from logs.services.batch import IncomingMessage, by_epoch
from logs.validation import LogRejected, ParsedLog


def batch_receipts(
    entries: list[tuple[IncomingMessage, ParsedLog]],
    rejections: list[tuple[IncomingMessage, LogRejected]],
) -> list[tuple[str, dict[str, Any]]]:
    """(reply subject, receipt) for each message of the batch that asked for one."""
    waiting = [m for m, _ in entries if m.reply_to]
    ids: dict[tuple[int, int], int] = {}
    for epoch, seqs in by_epoch(waiting).items():
        ids.update(
            ((epoch, seq), pk)
            for seq, pk in LogEntry.objects.filter(
                stream_epoch=epoch, stream_seq__in=seqs
            ).values_list("stream_seq", "id")
        )
    receipts = [
        (
            m.reply_to,
            {
                "status": "stored",
                "id": ids.get((m.stream_epoch, m.stream_seq)),
                "stream_seq": m.stream_seq,
            },
        )
        for m in waiting
    ]
    receipts += [
        (
            m.reply_to,
            {
                "status": "rejected",
                "reason": r.reason,
                "detail": r.detail,
                "stream_seq": m.stream_seq,
            },
        )
        for m, r in rejections
        if m.reply_to
    ]
    return receipts
