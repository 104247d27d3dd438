"""Work that finishes on a pattern while a consumer merges that pattern into another.

A merge locks both patterns, then moves what points at them (analyses, tickets). Work that
touches a pattern and the rows pointing at it takes the same order, so on PostgreSQL the
two wait for each other instead of deadlocking, and the work lands on the survivor.
On SQLite the whole database is one lock; the outcome asserted is the same.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction

from analysis.models import Analysis
from analysis.services import analysis_run
from gogent.models import AuditEvent
from integrations.models import Ticket
from integrations.services import ticket_deliver, ticket_open
from logs.models import GroupingState, LogPattern
from logs.patterns import pattern_merge
from tests.analysis.test_worker import use_provider
from tests.fakes.llm import FakeLLM
from tests.helpers.analysis import ingest, log
from tests.helpers.wait import wait_for

pytestmark = [pytest.mark.production, pytest.mark.django_db(transaction=True)]


def in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:  # the test reports it
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors


def waiting_on_a_lock() -> bool:
    """Some other session of this database waits on a row lock (PostgreSQL); on SQLite the
    waiter is inside its busy timeout, which no query shows, so just give it a moment."""
    if connection.vendor != "postgresql":
        time.sleep(0.5)
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def race_with_a_merge(absorbed: LogPattern, survivor: LogPattern, work: Callable[[], Any]) -> None:
    """Start merging `absorbed` into `survivor`, run `work` until it waits for the merge,
    then let the merge finish; both must end without an error."""
    merge_begun, work_waiting = threading.Event(), threading.Event()

    def merge() -> None:
        with transaction.atomic():
            GroupingState.objects.get_or_create(pk=1)
            LogPattern.objects.select_for_update().get(pk=absorbed.pk)
            merge_begun.set()
            work_waiting.wait(timeout=30)
            pattern_merge(absorbed_id=absorbed.pk, survivor_id=survivor.pk, revision=99)

    merger, merge_errors = in_thread(merge)
    assert merge_begun.wait(timeout=10)
    worker, work_errors = in_thread(work)
    wait_for(waiting_on_a_lock, timeout=20, what="the work to wait for the merge")
    work_waiting.set()
    merger.join(timeout=30)
    worker.join(timeout=30)
    assert not merger.is_alive() and not worker.is_alive()
    assert merge_errors == [] and work_errors == []
    absorbed.refresh_from_db()
    assert absorbed.merged_into_id == survivor.pk


def error_and_info_patterns() -> tuple[LogPattern, LogPattern]:
    ingest(log("Hydraulic pressure 112 bar below threshold on press 4"))
    ingest(log("press 4 cycle counter reset by operator", severity="INFO"))
    error, info = LogPattern.objects.order_by("pk")
    return error, info


def test_an_analysis_finishing_while_its_pattern_is_merged_lands_on_the_survivor(
    jira_integration, fake_jira, make_rule
):
    absorbed, survivor = error_and_info_patterns()
    analysis = Analysis.objects.get()  # only the error pattern is analyzed
    assert analysis.pattern_id == absorbed.pk
    make_rule(jira_integration, min_confidence=0)

    with FakeLLM() as llm:
        use_provider(llm.url)
        race_with_a_merge(absorbed, survivor, lambda: analysis_run(analysis_id=analysis.pk))

    analysis.refresh_from_db()
    assert (analysis.status, analysis.pattern_id) == (Analysis.Status.DONE, survivor.pk)
    survivor.refresh_from_db()
    assert survivor.explanation == analysis.text
    # The rule acted on the survivor, which now holds the error logs and their analysis.
    assert list(Ticket.objects.values_list("pattern_id", "status")) == [
        (survivor.pk, Ticket.Status.PENDING)
    ]


def test_a_ticket_opened_while_its_pattern_is_merged_lands_on_the_survivor(
    jira_integration, fake_jira, admin_user
):
    absorbed, survivor = error_and_info_patterns()
    ticket = ticket_open(pattern=absorbed, integration=jira_integration, user=admin_user)

    race_with_a_merge(absorbed, survivor, lambda: ticket_deliver(ticket_id=ticket.pk))

    ticket.refresh_from_db()
    assert (ticket.status, ticket.pattern_id, ticket.external_key) == (
        Ticket.Status.OPEN, survivor.pk, "OPS-1",
    )  # fmt: skip
    assert list(fake_jira.issues) == ["OPS-1"]
    # The audit log is history, never rewritten: the request names the pattern it was made
    # on, the creation the pattern the ticket had moved to.
    events = dict(
        AuditEvent.objects.filter(ticket_id=ticket.pk).values_list("action", "pattern_id")
    )
    assert events[AuditEvent.Action.TICKET_REQUESTED] == absorbed.pk
    assert events[AuditEvent.Action.TICKET_CREATED] == survivor.pk
