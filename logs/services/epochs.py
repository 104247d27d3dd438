"""Stream epochs: which life of the JetStream stream a stored log came from."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import IntegrityError, transaction

from logs.models import LogEntry, RejectedMessage, StreamEpoch

logger = logging.getLogger(__name__)


def stream_epoch_record(*, stream: str, created: datetime) -> StreamEpoch:
    """The epoch of the stream life a consumer reads; JetStream's creation time tells lives apart.

    The first life Gogent meets adopts epoch 0, where logs stored before epochs existed
    are, unless it cannot be theirs. Every later life is a reset: logged as a warning,
    counted in /metrics, shown on the operations page. Safe from several consumers at once.
    """
    for _ in range(10):
        epoch = StreamEpoch.objects.filter(stream=stream, created=created).first()
        if epoch is not None:
            return epoch
        try:
            with transaction.atomic():
                return _stream_epoch_create(stream=stream, created=created)
        except IntegrityError:
            continue  # another consumer recorded this life, or took the number, first
    raise RuntimeError(f"could not record an epoch for stream {stream} created {created}")


def _stream_epoch_create(*, stream: str, created: datetime) -> StreamEpoch:
    latest = StreamEpoch.objects.order_by("-number").first()
    number = 0 if latest is None else latest.number + 1
    previous = _last_stored(number - 1) if number else _last_stored(0)
    if latest is None and (previous is None or previous[1] >= created):
        # Nothing stored yet, or the newest stored log came in while this stream existed.
        return StreamEpoch.objects.create(number=0, stream=stream, created=created)
    if latest is None:
        number = 1
    epoch = StreamEpoch.objects.create(
        number=number,
        stream=stream,
        created=created,
        is_reset=True,
        previous_last_seq=previous[0] if previous else None,
    )
    logger.warning(
        "stream %s was created anew (%s): its messages start again at sequence 1 and are "
        "stored as epoch %d; the epoch before ended at sequence %s",
        stream,
        created.isoformat(),
        number,
        epoch.previous_last_seq,
    )
    return epoch


def _last_stored(epoch: int) -> tuple[int, datetime] | None:
    """The highest stream sequence stored in an epoch, and when it was received."""
    last = (
        LogEntry.objects.filter(stream_epoch=epoch)
        .order_by("-stream_seq")
        .values_list("stream_seq", "received_at")
        .first()
    )
    quarantined = (
        RejectedMessage.objects.filter(stream_epoch=epoch, stream_seq__isnull=False)
        .order_by("-stream_seq")
        .values_list("stream_seq", "received_at")
        .first()
    )
    candidates = [row for row in (last, quarantined) if row is not None]
    return max(candidates) if candidates else None
