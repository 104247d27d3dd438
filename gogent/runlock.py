"""Jobs that run alone: a sweep or the results publisher, one at a time across every
worker and host, within a time bound.

Beat sends a sweep every few seconds whether or not the last one has finished, and a
slow one (NATS away, a ticket system timing out) would otherwise overlap the next, and
the next, until every worker thread is sweeping. `run_alone` takes a named row lock
(gogent.models.RunLock) with one conditional UPDATE, so of callers racing exactly one
gets it; the others return at once. The lock runs out by itself after `seconds`, so a
worker that dies holding it stops no one for long. The job is given a `Deadline` inside
that time and stops at it, leaving the rest for its next run.
"""

from __future__ import annotations

import os
import secrets
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from gogent.models import RunLock

# A lock outlives its job's deadline by this much: the last step may overrun a little.
LOCK_MARGIN = 30.0


@dataclass(slots=True)
class Deadline:
    """A time bound for a job: `passed()` between steps, `left()` for a step's timeout."""

    seconds: float
    started: float = field(default_factory=time.monotonic)

    def left(self) -> float:
        return max(self.seconds - (time.monotonic() - self.started), 0.0)

    def passed(self) -> bool:
        return self.left() <= 0.0


def holder_label() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_lock_take(name: str, *, seconds: float) -> str | None:
    """The lock's token if this caller now holds `name` for `seconds`, else None."""
    RunLock.objects.get_or_create(name=name)
    now = timezone.now()
    token = secrets.token_hex(16)
    taken = RunLock.objects.filter(Q(until__isnull=True) | Q(until__lte=now), name=name).update(
        token=token,
        until=now + timedelta(seconds=seconds),
        holder=holder_label(),
        taken_at=now,
    )
    return token if taken else None


def run_lock_release(name: str, token: str) -> None:
    RunLock.objects.filter(name=name, token=token).update(token="", until=None)


@contextmanager
def run_alone(name: str, *, seconds: float) -> Iterator[Deadline | None]:
    """Run the block as the only holder of `name`: yields its Deadline (`seconds`), or None
    when another process holds it, and the block should return without doing the work."""
    token = run_lock_take(name, seconds=seconds + LOCK_MARGIN)
    if token is None:
        yield None
        return
    try:
        yield Deadline(seconds)
    finally:
        run_lock_release(name, token)
