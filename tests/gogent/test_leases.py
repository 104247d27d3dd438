"""gogent.leases, once for every kind of leased work: claims, releases, backoff, the resend
of stale work. On rows of a real model (Analysis), on SQLite and, under
`make test-production`, PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from analysis.models import Analysis
from gogent.leases import (
    after_failure,
    backoff,
    internal_error,
    lease_claim,
    lease_release,
    leases_resend,
    unleased,
)
from logs.models import LogPattern, Severity

pytestmark = pytest.mark.production


def make_work(key: str = "k1", **fields) -> Analysis:
    now = timezone.now()
    pattern = LogPattern.objects.create(
        key=key, template=f"Modbus timeout reading <*> ({key})", sample_message="Modbus timeout",
        first_seen=now, last_seen=now, count=1, max_severity=Severity.ERROR,
    )  # fmt: skip
    fields = {"next_attempt_at": now, **fields}
    return Analysis.objects.create(pattern=pattern, trigger=Analysis.Trigger.OPERATOR, **fields)


def claim(work: Analysis, seconds: float = 60) -> str | None:
    rows = Analysis.objects.filter(pk=work.pk).filter(unleased(timezone.now()))
    return lease_claim(rows, seconds=seconds, status=Analysis.Status.RUNNING)


@pytest.mark.django_db(transaction=True)
def test_of_workers_racing_for_one_row_exactly_one_claims_it():
    work = make_work()
    tokens: list[str | None] = []
    start = threading.Barrier(4)

    def worker() -> None:
        try:
            start.wait()
            tokens.append(claim(work))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len([token for token in tokens if token]) == 1
    work.refresh_from_db()
    assert work.lease_token == next(token for token in tokens if token)
    assert work.status == Analysis.Status.RUNNING


@pytest.mark.django_db
def test_a_lease_that_ran_out_is_claimed_again_and_the_old_holder_writes_nothing():
    work = make_work()
    first = claim(work)
    assert claim(work) is None  # held
    Analysis.objects.filter(pk=work.pk).update(lease_until=timezone.now() - timedelta(seconds=1))

    second = claim(work)

    assert second not in (None, first)
    later = timezone.now() + timedelta(seconds=30)
    assert lease_release(Analysis.objects.filter(pk=work.pk), first, at=later) is None
    work.refresh_from_db()
    assert (work.lease_token, work.next_attempt_at) != ("", later)
    assert 29 <= lease_release(Analysis.objects.filter(pk=work.pk), second, at=later) <= 30
    work.refresh_from_db()
    assert (work.lease_token, work.lease_until, work.next_attempt_at) == ("", None, later)


@pytest.mark.django_db
def test_stale_work_is_sent_again_and_fresh_or_held_work_is_not():
    now = timezone.now()
    overdue = make_work("overdue", next_attempt_at=now - timedelta(minutes=10))
    expired = make_work(
        "expired", status=Analysis.Status.RUNNING, lease_token="t",
        lease_until=now - timedelta(seconds=1), next_attempt_at=now - timedelta(minutes=10),
    )  # fmt: skip
    make_work("fresh", next_attempt_at=now)
    make_work(
        "held", status=Analysis.Status.RUNNING, lease_token="t",
        lease_until=now + timedelta(minutes=1), next_attempt_at=now - timedelta(minutes=10),
    )  # fmt: skip
    sent: list[int] = []

    resent = leases_resend(Analysis.objects.all(), stale_after=60, send=sent.append)

    assert (resent, sorted(sent)) == (2, sorted([overdue.pk, expired.pk]))
    overdue.refresh_from_db()
    assert overdue.next_attempt_at >= now  # due now, so the task sent claims it
    expired.refresh_from_db()
    assert expired.lease_token == "t"  # the task sent claims it when its lease has run out


def test_backoff_doubles_with_jitter_over_the_upper_half_up_to_its_cap():
    for attempts, ceiling in [(1, 2), (2, 4), (3, 8), (6, 60), (30, 60)]:
        waits = [backoff(attempts, base=2, cap=60) for _ in range(200)]
        assert ceiling / 2 <= min(waits) and max(waits) <= ceiling
        assert max(waits) - min(waits) > 0  # jittered


def test_after_a_failure_retry_while_attempts_remain_then_give_up():
    retry = after_failure("HTTP 503", attempts=2, limit=5, wait=12.4)
    assert (retry.wait, retry.error) == (12.4, "HTTP 503 (attempt 2 of 5, retrying in 12s)")
    stop = after_failure("HTTP 503", attempts=5, limit=5, wait=12.4)
    assert (stop.wait, stop.error) == (None, "HTTP 503 (attempt 5 of 5)")
    assert internal_error(KeyError("pk")) == "internal error: KeyError: 'pk'"
