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
    # (epoch, sequence) -> (log id, pattern id)
    ids: dict[tuple[int, int], tuple[int, int]] = {}
    for epoch, seqs in by_epoch(waiting).items():
        ids.update(
            ((epoch, seq), (pk, pattern_id))
            for seq, pk, pattern_id in LogEntry.objects.filter(
                stream_epoch=epoch, stream_seq__in=seqs
            ).values_list("stream_seq", "id", "pattern_id")
        )
    receipts: list[tuple[str, dict[str, Any]]] = []
    for m in waiting:
        log_id, pattern_id = ids.get((m.stream_epoch, m.stream_seq), (None, None))
        receipts.append(
            (
                m.reply_to,
                {
                    "status": "stored",
                    "id": log_id,
                    "pattern_id": pattern_id,
                    "stream_seq": m.stream_seq,
                },
            )
        )
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
