"""gogent.runlock: a periodic job runs alone across every worker and host, within a time
bound, and a holder that died stops no one for long. On SQLite and, under
`make test-production`, PostgreSQL."""

from __future__ import annotations

import itertools
import os
import socket
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from gogent.models import RunLock
from gogent.runlock import Deadline, run_alone, run_lock_release, run_lock_take
from tests.helpers.wait import wait_for

pytestmark = pytest.mark.production


@pytest.mark.django_db
def test_the_first_caller_gets_a_deadline_and_a_second_gets_none_while_it_runs():
    with run_alone("sweep", seconds=60) as first:
        assert isinstance(first, Deadline)
        assert first.seconds == 60
        with run_alone("sweep", seconds=60) as second:
            assert second is None
        # Another job's lock is its own.
        with run_alone("retention", seconds=60) as other:
            assert other is not None


@pytest.mark.django_db
def test_the_lock_is_free_again_after_the_block():
    with run_alone("sweep", seconds=60) as deadline:
        assert deadline is not None

    with run_alone("sweep", seconds=60) as again:
        assert again is not None


@pytest.mark.django_db
def test_the_lock_is_free_again_after_the_block_raised():
    with (
        pytest.raises(RuntimeError, match="ticket system timed out"),
        run_alone("sweep", seconds=60) as deadline,
    ):
        assert deadline is not None
        raise RuntimeError("ticket system timed out")

    lock = RunLock.objects.get(name="sweep")
    assert (lock.token, lock.until) == ("", None)
    with run_alone("sweep", seconds=60) as again:
        assert again is not None


@pytest.mark.django_db
def test_a_caller_turned_away_does_not_free_the_holders_lock():
    token = run_lock_take("sweep", seconds=60)
    assert token is not None

    with run_alone("sweep", seconds=60) as deadline:
        assert deadline is None

    assert RunLock.objects.get(name="sweep").token == token
    assert run_lock_take("sweep", seconds=60) is None


@pytest.mark.django_db
def test_a_lock_whose_holder_died_is_taken_over_once_it_runs_out():
    dead = run_lock_take("sweep", seconds=60)
    assert dead is not None
    with run_alone("sweep", seconds=60) as deadline:
        assert deadline is None  # still within its time
    RunLock.objects.filter(name="sweep").update(until=timezone.now() - timedelta(seconds=1))

    with run_alone("sweep", seconds=60) as deadline:
        assert deadline is not None
        taken = RunLock.objects.get(name="sweep")
        assert taken.token not in ("", dead)
        # The dead holder's late release does not free the new holder's lock.
        run_lock_release("sweep", dead)
        assert RunLock.objects.get(name="sweep").token == taken.token
        assert run_lock_take("sweep", seconds=60) is None


@pytest.mark.django_db
def test_the_lock_row_names_its_holder_and_outlives_the_deadline_by_the_margin():
    before = timezone.now()
    with run_alone("sweep", seconds=60) as deadline:
        assert deadline is not None
        lock = RunLock.objects.get(name="sweep")
        assert lock.holder == f"{socket.gethostname()}:{os.getpid()}"
        assert before <= lock.taken_at <= timezone.now()
        assert lock.held(timezone.now())
        # The job stops at its deadline; the lock lasts a little longer (LOCK_MARGIN).
        assert lock.until > lock.taken_at + timedelta(seconds=60)
        assert str(lock) == f"sweep: {lock.holder}"

    lock.refresh_from_db()
    assert not lock.held(timezone.now())
    assert lock.holder  # the last holder stays shown on the operations page


@pytest.mark.django_db(transaction=True)
def test_of_workers_racing_every_round_one_runs_and_runs_never_overlap():
    threads_count, rounds = 4, 5
    runs: list[tuple[int, float, float]] = []
    errors: list[BaseException] = []
    record = threading.Lock()
    start = threading.Barrier(threads_count)

    def worker() -> None:
        try:
            for round_number in range(rounds):
                start.wait(timeout=30)
                with run_alone("race", seconds=30) as deadline:
                    if deadline is not None:
                        entered = time.monotonic()
                        time.sleep(0.05)
                        with record:
                            runs.append((round_number, entered, time.monotonic()))
                # Everyone is out of this round before the next begins.
                start.wait(timeout=30)
        except BaseException as error:
            errors.append(error)
            start.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert {round_number for round_number, _, _ in runs} == set(range(rounds))
    ordered = sorted(runs, key=lambda run: run[1])
    for (_, _, left), (_, entered, _) in itertools.pairwise(ordered):
        assert left <= entered, f"two runs overlapped: {ordered}"


def test_a_deadline_of_zero_has_passed_at_once():
    deadline = Deadline(0)
    assert deadline.passed()
    assert deadline.left() == 0.0


def test_a_deadline_counts_down_and_then_has_passed():
    deadline = Deadline(0.2)
    assert not deadline.passed()
    assert 0 < deadline.left() <= 0.2

    wait_for(deadline.passed, timeout=5, interval=0.01, what="the deadline to pass")

    assert deadline.left() == 0.0  # never negative: a step's timeout
    assert Deadline(60).left() > 59
