"""Consumers store side by side: a batch that changes no pattern takes no exclusive lock.

Batches run in threads (each with its own database connection), one of them held open
inside its transaction by an ingest hook, as a slow consumer would be. On PostgreSQL the
others go on meanwhile unless they change patterns; SQLite writes one transaction at a
time, so there they wait, and every count comes out the same on both.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import connection, transaction

from gogent.audit import Actor
from logs import patterns
from logs.models import GroupingState, LogEntry, LogPattern, LogPatternStat
from logs.patterns import CatalogMoved, PatternCatalog, PatternChanges
from logs.place_values import place_values_read
from logs.services import ingest, logs_ingest_batch
from logs.services.batch import IncomingMessage, IngestResult
from logs.services.corrections import patterns_merge_by_operator
from logs.validation import parse_log_message
from tests.logs.test_ingest_batch import RECEIVED_AT, incoming

pytestmark = [pytest.mark.production, pytest.mark.django_db(transaction=True)]

HELD_REPLY = "_INBOX.held"
WAIT = 30


class Gate:
    """Holds a batch whose logs asked for a reply to HELD_REPLY inside its transaction,
    after it has inserted and counted, until released."""

    def __init__(self) -> None:
        self.inside = threading.Event()
        self.release = threading.Event()


gate: Gate | None = None


def hold_the_batch(*, changes: PatternChanges, replies: list) -> None:
    if gate is not None and any(reply_to == HELD_REPLY for reply_to, _, _ in replies):
        gate.inside.set()
        assert gate.release.wait(WAIT), "the held batch was never released"


@pytest.fixture
def held(settings) -> Iterator[Gate]:
    global gate
    settings.LOGS_INGEST_HOOKS = [*settings.LOGS_INGEST_HOOKS, f"{__name__}.hold_the_batch"]
    gate = Gate()
    try:
        yield gate
    finally:
        gate.release.set()
        gate = None


@pytest.fixture
def threads() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield pool


def in_thread(pool: ThreadPoolExecutor, messages: list[IncomingMessage]) -> Future[IngestResult]:
    def run() -> IngestResult:
        try:
            return logs_ingest_batch(messages)
        finally:
            connection.close()

    return pool.submit(run)


def log(text: str, severity: str = "error") -> dict:
    return {"message": text, "severity": severity, "hostname": "plc-1"}


def side_by_side() -> bool:
    return connection.vendor == "postgresql"


def finished_while_held(future: Future, gate: Gate) -> bool:
    """Whether the batch finishes while the held one is still open: on PostgreSQL it
    must; on SQLite it cannot, and finishes once the held one is let go."""
    if side_by_side():
        future.result(timeout=WAIT)
        return not gate.release.is_set()
    with pytest.raises(TimeoutError):
        future.result(timeout=1)
    gate.release.set()
    future.result(timeout=WAIT)
    return False


def test_batches_that_change_no_pattern_store_side_by_side(held, threads):
    logs_ingest_batch([incoming(1, log("valve 1 stuck open")), incoming(2, log("pump 1 dry"))])
    first = in_thread(
        threads, [incoming(seq, log(f"valve {seq} stuck open"), reply_to=HELD_REPLY)
                  for seq in range(3, 6)],
    )  # fmt: skip
    assert held.inside.wait(WAIT)

    # Known patterns, and no counter the held batch holds: another pattern, severity and
    # minute (logs below ALARM_SEVERITY count no alarm).
    later = RECEIVED_AT + timedelta(minutes=5)
    second = in_thread(
        threads, [replace(incoming(seq, log(f"pump {seq} dry", "info")), received_at=later)
                  for seq in (6, 7)],
    )  # fmt: skip

    assert finished_while_held(second, held) == side_by_side()
    assert second.result().locked_seconds == 0
    held.release.set()
    assert (first.result(timeout=WAIT).stored, second.result().stored) == (3, 2)
    counts = dict(LogPattern.objects.values_list("template", "count"))
    assert counts == {"valve <*> stuck open": 4, "pump <*> dry": 3}


def test_batches_that_count_on_the_same_rows_wait_for_each_other_in_line(held, threads):
    logs_ingest_batch([incoming(1, log("valve 1 stuck open"))])
    first = in_thread(threads, [incoming(2, log("valve 2 stuck open"), reply_to=HELD_REPLY)])
    assert held.inside.wait(WAIT)

    second = in_thread(threads, [incoming(seq, log(f"valve {seq} stuck open")) for seq in (3, 4)])

    with pytest.raises(TimeoutError):
        second.result(timeout=1)
    held.release.set()
    assert (first.result(timeout=WAIT).stored, second.result(timeout=WAIT).stored) == (1, 2)
    pattern = LogPattern.objects.get()
    assert pattern.count == LogEntry.objects.filter(pattern=pattern).count() == 4


def test_a_batch_that_makes_a_pattern_waits_for_the_batches_counting(held, threads):
    logs_ingest_batch([incoming(1, log("valve 1 stuck open"))])
    first = in_thread(threads, [incoming(2, log("valve 2 stuck open"), reply_to=HELD_REPLY)])
    assert held.inside.wait(WAIT)

    making = in_thread(threads, [incoming(3, log("press 3 hydraulic pressure low"))])

    with pytest.raises(TimeoutError):
        making.result(timeout=1)
    held.release.set()
    assert making.result(timeout=WAIT).patterns.created
    assert making.result().locked_seconds > 0
    assert first.result(timeout=WAIT).stored == 1
    assert LogPattern.objects.count() == 2


def test_a_log_another_batch_stored_meanwhile_is_counted_once(held, threads):
    logs_ingest_batch([incoming(1, log("valve 1 stuck open"))])
    first = in_thread(
        threads, [incoming(seq, log(f"valve {seq} stuck open"), reply_to=HELD_REPLY)
                  for seq in range(2, 6)],
    )  # fmt: skip
    assert held.inside.wait(WAIT)

    # A redelivery: 4 and 5 are in the held batch, which has not committed them yet.
    again = in_thread(threads, [incoming(seq, log(f"valve {seq} stuck open")) for seq in (4, 5, 6)])

    with pytest.raises(TimeoutError):
        again.result(timeout=1)  # it waits for the held batch's rows
    held.release.set()
    result = again.result(timeout=WAIT)
    assert (result.stored, result.duplicates) == (1, 2)
    assert first.result(timeout=WAIT).stored == 4
    pattern = LogPattern.objects.get()
    assert pattern.count == LogEntry.objects.count() == 6


def test_two_batches_that_see_a_resolved_pattern_recur_regress_it_once(held, threads):
    logs_ingest_batch([incoming(1, log("valve 1 stuck open"))])
    LogPattern.objects.update(status=LogPattern.Status.RESOLVED)
    first = in_thread(threads, [incoming(2, log("valve 2 stuck open"), reply_to=HELD_REPLY)])
    assert held.inside.wait(WAIT)

    second = in_thread(threads, [incoming(3, log("valve 3 stuck open"))])

    with pytest.raises(TimeoutError):
        second.result(timeout=1)  # it waits to count on the pattern the held batch counts on
    held.release.set()
    regressed = [first.result(timeout=WAIT).patterns.regressed, second.result().patterns.regressed]
    pattern = LogPattern.objects.get()
    assert regressed == [{pattern.pk}, set()]
    assert (pattern.status, pattern.count) == (LogPattern.Status.ACTIVE, 3)


def parsed(*texts: str) -> list:
    return [
        parse_log_message(incoming(0, log(text)).data, received_at=RECEIVED_AT) for text in texts
    ]


def test_a_batch_matched_before_another_process_made_its_pattern_adopts_that_pattern():
    logs_ingest_batch([incoming(1, log("pump 1 dry run"))])
    ours = patterns.catalog
    grouping = ours.match(parsed("valve 7 stuck open"))
    assert grouping.changes_patterns  # a template this process has not stored

    patterns.catalog = PatternCatalog()  # another consumer stores it first
    try:
        logs_ingest_batch([incoming(2, log("valve 8 stuck open"))])
    finally:
        patterns.catalog = ours
    theirs = LogEntry.objects.get(stream_seq=2).pattern_id

    changes = PatternChanges()
    with transaction.atomic():
        state = patterns.grouping_lock()
        ids = ours.pattern_ids_locked(parsed("valve 7 stuck open"), grouping, state, changes)
    assert ids == [theirs]
    assert changes.created == set()
    assert LogPattern.objects.filter(merged_into=None).count() == 2


def test_a_batch_matched_before_the_patterns_were_reset_is_grouped_again():
    logs_ingest_batch([incoming(1, log("valve 1 stuck open"))])
    grouping = patterns.catalog.match(parsed("valve 2 stuck open"))
    assert not grouping.changes_patterns
    # A restored backup, a test database flushed: the pattern this process knows is gone.
    LogEntry.objects.all().delete()
    LogPattern.objects.all().delete()
    GroupingState.objects.update(revision=0)

    with transaction.atomic(), pytest.raises(CatalogMoved):
        patterns.catalog.pattern_ids_shared(grouping)

    result = logs_ingest_batch([incoming(2, log("valve 2 stuck open"))])
    assert result.stored == 1
    assert result.locked_seconds > 0  # it made the pattern again, under the lock
    assert LogPattern.objects.get().count == 1


def test_a_batch_prepared_before_another_process_merged_its_pattern_counts_on_the_survivor(
    monkeypatch,
):
    """Rows and counts are worked out before the transaction, for the ids the match gave;
    a merge committed in between sends the logs to the survivor, counted there."""
    logs_ingest_batch([incoming(1, log("valve 1 stuck open")), incoming(2, log("pump 2 dry run"))])
    valve = LogEntry.objects.get(stream_seq=1).pattern_id
    pump = LogEntry.objects.get(stream_seq=2).pattern_id
    prepare = ingest._prepare

    def prepare_then_merge(entries, grouping):
        prepared = prepare(entries, grouping)
        assert prepared is not None and prepared.pattern_ids == [valve, valve]
        patterns_merge_by_operator(survivor_id=pump, absorbed_ids=[valve], actor=Actor("ops"))
        return prepared

    monkeypatch.setattr(ingest, "_prepare", prepare_then_merge)
    result = logs_ingest_batch(
        [incoming(3, log("valve 3 stuck open")), incoming(4, log("valve 4 stuck open", "info"))]
    )

    assert result.stored == 2
    assert set(LogEntry.objects.values_list("pattern_id", flat=True)) == {pump}
    survivor = LogPattern.objects.get(pk=pump)
    assert survivor.count == LogEntry.objects.count() == 4
    severities = dict(
        LogPatternStat.objects.filter(pattern_id=pump, dimension="severity").values_list(
            "value", "count"
        )
    )
    assert severities == {"ERROR": 3, "INFO": 1}
    assert LogPattern.objects.get(pk=valve).count == 0


def test_a_batch_prepared_before_its_template_changed_counts_values_under_the_new_one(
    monkeypatch,
):
    """Place values are tallied before the transaction under the template as matched; one
    generalized meanwhile by another process is tallied again under the stored one."""
    logs_ingest_batch([incoming(1, log("valve 1 stuck open"))])
    valve = LogPattern.objects.get()
    assert valve.template == "valve <*> stuck open"
    prepare = ingest._prepare

    def prepare_then_generalize(entries, grouping):
        prepared = prepare(entries, grouping)
        assert prepared is not None
        with transaction.atomic():
            state = patterns.grouping_lock()
            state.revision += 1
            state.save(update_fields=["revision"])
            LogPattern.objects.filter(pk=valve.pk).update(
                template="valve <*> stuck <*>", revision=state.revision
            )
        return prepared

    monkeypatch.setattr(ingest, "_prepare", prepare_then_generalize)
    logs_ingest_batch(
        [incoming(2, log("valve 2 stuck open")), incoming(3, log("valve 3 stuck open"))]
    )

    sketches = place_values_read(valve.pk, "valve <*> stuck <*>", top=5)
    assert sketches is not None
    # A sketch starts again when its template changes: this batch's values only.
    assert [sketch.top for sketch in sketches] == [[("2", 1), ("3", 1)], [("open", 2)]]
