"""Leased work: a row that one worker at a time acts on, retried with backoff, failed visibly.

Analyses and tickets (and later notifications) are such rows, with the same columns:
`next_attempt_at` (due time), `lease_token` and `lease_until` (who holds it, until when),
`attempts`. A task carries only the row's id; whoever claims the row does the work, so a
duplicated or redelivered task finds it claimed and does nothing, and a worker that dies
leaves a lease that runs out and a row that the next task (or sweep) claims again.

Every write after the claim is conditional on the token: `rows.filter(lease_token=token)`.
A write that updates nothing means the work was cancelled or taken over meanwhile.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

if TYPE_CHECKING:
    from gogent.runlock import Deadline

# A task may be delivered a little early (clocks, broker countdowns); it still runs.
EARLY_TOLERANCE = timedelta(seconds=1)
# What a finished or released row holds: no one's lease.
LEASE_CLEARED: dict[str, Any] = {"lease_token": "", "lease_until": None}


class LeasedWork(models.Model):
    """The lease columns of a row of leased work. How attempts are counted stays with each
    model: a ticket counts deliveries, an analysis counts LLM calls and retries on
    provider failures."""

    # When the task is due again (capacity, backoff); the sweep re-sends overdue ones.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The worker holding the lease owns the row's work until the lease runs out.
    lease_token = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def lease_expired(self, now: datetime) -> bool:
        return self.lease_until is None or self.lease_until <= now


def due(now: datetime) -> Q:
    """Rows whose next attempt is due (or never set)."""
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + EARLY_TOLERANCE)


def unleased(now: datetime) -> Q:
    """Rows no one holds: never leased, released, or with a lease that ran out."""
    return Q(lease_until__isnull=True) | Q(lease_until__lte=now)


def lease_claim(rows: QuerySet, *, seconds: float, **changes: Any) -> str | None:
    """Take the rows' work (one row, filtered by the caller to what may be claimed) for
    `seconds`; `changes` are written in the same UPDATE. Returns the lease token, or None
    when another worker holds it or nothing was claimable: one UPDATE, so of workers racing
    for a row exactly one gets it."""
    now = timezone.now()
    token = secrets.token_hex(16)
    claimed = rows.update(
        lease_token=token, lease_until=now + timedelta(seconds=seconds), **changes
    )
    return token if claimed else None


def lease_release(rows: QuerySet, token: str, *, at: datetime, **changes: Any) -> float | None:
    """Hand the work back, due at `at`. Returns the seconds until then (the task's
    countdown), or None when the token no longer holds the row."""
    if not rows.filter(lease_token=token).update(next_attempt_at=at, **LEASE_CLEARED, **changes):
        return None
    return max((at - timezone.now()).total_seconds(), 0.0)


def backoff(attempts: int, *, base: float, cap: float) -> float:
    """Seconds before attempt `attempts` + 1: exponential, capped, with jitter over the
    upper half, so workers retrying together spread out."""
    ceiling = min(base * 2 ** (attempts - 1), cap)
    return ceiling * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not security


def leases_resend(
    work: QuerySet,
    *,
    stale_after: float,
    send: Callable[[int], Any],
    limit: int = 1000,
    deadline: Deadline | None = None,
) -> int:
    """Send again the tasks of `work` (rows that still have work to do) that a dead worker
    or a lost task message left behind: due for `stale_after` seconds with no one holding
    them, or held under a lease that ran out. Stops at the deadline, the rest left for the
    next sweep. Returns how many were sent."""
    now = timezone.now()
    overdue = now - timedelta(seconds=stale_after)
    stale = work.filter(
        Q(lease_until__isnull=True, next_attempt_at__lte=overdue) | Q(lease_until__lte=now)
    ).values_list("pk", flat=True)[:limit]
    resent = 0
    for pk in stale:
        # Due now, so the task sent may claim it; a duplicate of a task still on its way
        # finds it claimed and does nothing.
        if deadline is not None and deadline.passed():
            break
        work.filter(pk=pk, lease_until__isnull=True).update(next_attempt_at=now)
        send(pk)
        resent += 1
    return resent


@dataclass(frozen=True, slots=True)
class NextStep:
    """After a failed attempt: try again in `wait` seconds, or give up (wait is None).
    `error` is what the row shows operators either way."""

    wait: float | None
    error: str


def after_failure(problem: str, *, attempts: int, limit: int, wait: float) -> NextStep:
    """Retry after `wait` while attempts remain, else give up, saying which attempt it was."""
    if attempts >= limit:
        return NextStep(None, f"{problem} (attempt {attempts} of {limit})")
    return NextStep(wait, f"{problem} (attempt {attempts} of {limit}, retrying in {wait:.0f}s)")


def internal_error(error: BaseException) -> str:
    """A database error (a lost connection, a deadlock victim) or a bug, as a row shows it;
    the caller logs the traceback."""
    return f"internal error: {type(error).__name__}: {error}"
