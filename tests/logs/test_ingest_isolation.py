"""What a producer controls cannot hold ingest back: reply headers, poison messages, resets.

Service level, on the test database (SQLite, and PostgreSQL in the production pass).
"""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.db import OperationalError
from django.db.models import Sum
from django.test import Client

from analysis.models import ReplyWaiter
from logs.metrics import collect as metrics_collect
from logs.models import IngestEvent, LogEntry, LogPattern, RejectedMessage, StreamEpoch
from logs.services import (
    logs_ingest,
    logs_ingest_batch,
    logs_quarantine,
    stream_epoch_record,
)
from logs.validation import reply_subject_problem
from tests.helpers.processes import free_port
from tests.helpers.users import user_with_role
from tests.logs.harness import POISON, refusing_poison
from tests.logs.test_ingest_batch import RECEIVED_AT, incoming

pytestmark = [pytest.mark.production, pytest.mark.django_db]
Reason = RejectedMessage.Reason


def log(text: str, severity: str = "error") -> dict:
    return {"message": text, "severity": severity, "hostname": "plc-1"}


# --- reply headers ------------------------------------------------------------------

BAD_REPLY_SUBJECTS = {
    "spaces": "has spaces in it",
    "tab": "_INBOX.a\tb",
    "newline": "_INBOX.a\r\nPUB x 1",
    "nul": "_INBOX.a\x00b",
    "over 255 bytes": "_INBOX." + "a" * 300,
    "over 255 bytes in UTF-8": "_INBOX." + "é" * 130,
    "star wildcard": "_INBOX.*",
    "tail wildcard": "_INBOX.>",
    "empty token": "_INBOX..a",
    "leading dot": ".a",
    "trailing dot": "a.",
    "control character": "_INBOX.\x1b[31m",
    "lone surrogate": "_INBOX.\ud800",
}


@pytest.mark.parametrize("subject", BAD_REPLY_SUBJECTS.values(), ids=BAD_REPLY_SUBJECTS.keys())
def test_a_reply_header_that_is_no_subject_is_refused(subject):
    assert reply_subject_problem(subject)


@pytest.mark.parametrize(
    "subject", ["_INBOX.Zx81pQ.1", "reply.plc-1.ack", "_INBOX." + "a" * 248, "ответ.plc"]
)
def test_a_valid_reply_subject_is_accepted(subject):
    assert reply_subject_problem(subject) == ""


def test_bad_reply_headers_are_ignored_and_counted_and_every_log_is_stored():
    bad = list(BAD_REPLY_SUBJECTS.values())
    batch = [incoming(seq, log(f"valve {seq} stuck"), reply_to=s) for seq, s in enumerate(bad, 1)]
    batch.append(incoming(100, log("valve 100 stuck"), reply_to="_INBOX.good"))

    result = logs_ingest(batch)

    assert result.stored == len(bad) + 1
    assert LogEntry.objects.count() == len(bad) + 1
    assert result.bad_reply_subjects == len(bad)
    assert [reply_to for reply_to, _ in result.receipts] == ["_INBOX.good"]
    assert list(ReplyWaiter.objects.values_list("reply_to", flat=True)) == ["_INBOX.good"]
    event = IngestEvent.objects.get(kind=IngestEvent.Kind.BAD_REPLY_SUBJECT)
    assert event.count == len(bad)
    assert "on agent.technical.support" in event.last_detail


def test_a_bad_reply_header_on_a_rejected_message_gets_no_receipt():
    result = logs_ingest([incoming(1, b"not json", reply_to="has spaces in it")])
    assert result.rejected == {Reason.NOT_JSON: 1}
    assert result.receipts == []
    assert IngestEvent.objects.get(kind=IngestEvent.Kind.BAD_REPLY_SUBJECT).count == 1


# --- poison messages ----------------------------------------------------------------


@pytest.fixture
def poison_refused() -> Iterator[None]:
    with refusing_poison():
        yield


def test_a_message_that_cannot_be_stored_is_quarantined_and_the_rest_are_stored(poison_refused):
    poisoned = {1, 38, 100}
    batch = [
        incoming(
            seq,
            log(f"conveyor {seq} jammed {POISON}" if seq in poisoned else f"conveyor {seq} jammed"),
            reply_to=f"_INBOX.r{seq}",
        )
        for seq in range(1, 101)
    ]

    result = logs_ingest(batch)

    assert result.stored == 97
    assert result.rejected == {Reason.STORE_FAILED: 3}
    assert result.rejected_seqs == poisoned
    assert set(LogEntry.objects.values_list("stream_seq", flat=True)) == set(range(1, 101)) - (
        poisoned
    )
    for row in RejectedMessage.objects.all():
        assert row.reason == Reason.STORE_FAILED
        assert "poison refused by a check" in row.detail
        assert bytes(row.raw) == batch[row.stream_seq - 1].data
    # Counters were rolled back with the failed attempts: they equal the rows.
    assert LogPattern.objects.aggregate(total=Sum("count"))["total"] == 97
    statuses = {reply_to: receipt["status"] for reply_to, receipt in result.receipts}
    assert statuses["_INBOX.r38"] == "rejected" and statuses["_INBOX.r37"] == "stored"
    assert len(statuses) == 100


def test_a_redelivered_batch_with_poison_is_stored_and_quarantined_once(poison_refused):
    batch = [incoming(1, log(f"press 1 {POISON}")), incoming(2, log("press 2 overheated"))]
    logs_ingest(batch)
    again = logs_ingest(batch)
    assert (LogEntry.objects.count(), RejectedMessage.objects.count()) == (1, 1)
    assert again.stored == 0


def test_when_every_message_fails_for_no_fault_of_the_data_the_batch_is_handed_back(monkeypatch):
    """A bug or a broken schema fails every message alike: nothing is quarantined for it."""
    from logs.patterns import PatternCatalog

    def broken(self, *args, **kwargs):
        raise RuntimeError("a bug in grouping")

    monkeypatch.setattr(PatternCatalog, "group", broken)
    batch = [incoming(seq, log(f"drive {seq} tripped")) for seq in range(1, 5)]
    with pytest.raises(RuntimeError, match="a bug in grouping"):
        logs_ingest(batch)
    assert not RejectedMessage.objects.exists()


def test_a_database_that_is_unavailable_is_no_message_s_fault(monkeypatch):
    calls = []

    def unavailable(messages):
        calls.append(len(messages))
        raise OperationalError("database is locked")

    monkeypatch.setattr("logs.services.ingest.logs_ingest_batch", unavailable)
    with pytest.raises(OperationalError):
        logs_ingest([incoming(seq, log("pump stopped")) for seq in range(1, 9)])
    assert calls == [8]  # not split
    assert not RejectedMessage.objects.exists()


def test_quarantine_leaves_a_stored_log_alone():
    logs_ingest_batch([incoming(5, log("fan 5 failed"))])
    result = logs_quarantine(
        message=incoming(5, log("fan 5 failed")), reason=Reason.MAX_DELIVERIES, detail="x"
    )
    assert result.duplicates == 1 and not result.rejected
    assert not RejectedMessage.objects.exists()


# --- stream identity ----------------------------------------------------------------

CREATED = datetime(2025, 1, 1, tzinfo=UTC)


def test_the_first_stream_is_epoch_zero_and_no_reset():
    epoch = stream_epoch_record(stream="AGENT_STREAM", created=CREATED)
    assert (epoch.number, epoch.is_reset) == (0, False)
    assert stream_epoch_record(stream="AGENT_STREAM", created=CREATED) == epoch


def test_a_recreated_stream_stores_its_logs_beside_the_old_ones_with_the_same_sequences():
    first = stream_epoch_record(stream="AGENT_STREAM", created=CREATED)
    logs_ingest([incoming(seq, log(f"robot {seq} stopped"), epoch=first.number) for seq in (1, 2)])

    second = stream_epoch_record(stream="AGENT_STREAM", created=CREATED + timedelta(days=1))
    assert (second.number, second.is_reset, second.previous_last_seq) == (1, True, 2)
    batch = [incoming(seq, log(f"robot {seq} stopped"), epoch=second.number) for seq in (1, 2, 3)]
    result = logs_ingest(batch)
    assert result.stored == 3
    # Redelivery within the new life is still stored once.
    assert logs_ingest(batch).stored == 0
    assert sorted(LogEntry.objects.values_list("stream_epoch", "stream_seq")) == [
        (0, 1), (0, 2), (1, 1), (1, 2), (1, 3),
    ]  # fmt: skip
    assert LogPattern.objects.get().count == 5


def test_logs_stored_before_epochs_existed_stay_with_the_stream_they_came_from():
    logs_ingest([incoming(seq, log("belt slipped")) for seq in (1, 2, 3)])  # received 2025-01-02
    epoch = stream_epoch_record(stream="AGENT_STREAM", created=CREATED)  # created before that
    assert (epoch.number, epoch.is_reset) == (0, False)


def test_a_stream_created_after_the_last_stored_log_cannot_be_where_it_came_from():
    logs_ingest([incoming(seq, log("belt slipped")) for seq in (1, 2, 3)])
    epoch = stream_epoch_record(stream="AGENT_STREAM", created=RECEIVED_AT + timedelta(hours=1))
    assert (epoch.number, epoch.is_reset, epoch.previous_last_seq) == (1, True, 3)
    assert StreamEpoch.objects.count() == 1


def test_the_operations_page_and_metrics_show_a_reset(settings):
    settings.NATS_SERVERS = [f"nats://127.0.0.1:{free_port()}"]
    settings.MONITORING_TIMEOUT = 0.3
    stream_epoch_record(stream="AGENT_STREAM", created=CREATED)
    stream_epoch_record(stream="AGENT_STREAM", created=CREATED + timedelta(days=2))
    logs_ingest([incoming(1, log("x"), reply_to="has spaces")])

    client = Client()
    client.force_login(user_with_role("admin"))
    page = client.get("/admin/operations/").content.decode()
    assert "The stream was created anew 1 time" in page
    assert "Reply header not a valid subject (ignored)" in page

    families = {family.name: family for family in metrics_collect()}
    assert [s.value for s in families["gogent_nats_stream_resets"].samples] == [1]
    events = {s.labels["kind"]: s.value for s in families["gogent_ingest_events"].samples}
    assert events == {"bad_reply_subject": 1, "reply_not_sent": 0}
