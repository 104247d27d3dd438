from datetime import UTC, datetime

import orjson
import pytest
from django.db import connection

from logs.models import LogEntry, RejectedMessage, Severity
from logs.services import IncomingMessage, logs_ingest_batch

pytestmark = [pytest.mark.production, pytest.mark.django_db]
RECEIVED_AT = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def incoming(
    seq: int, payload: bytes | dict, *, reply_to: str = "", epoch: int = 0
) -> IncomingMessage:
    data = payload if isinstance(payload, bytes) else orjson.dumps(payload)
    return IncomingMessage(
        subject="agent.technical.support",
        stream_seq=seq,
        data=data,
        received_at=RECEIVED_AT,
        reply_to=reply_to,
        stream_epoch=epoch,
    )


def test_batch_is_stored_field_for_field():
    result = logs_ingest_batch(
        [
            incoming(
                1,
                {
                    "timestamp": "2024-05-01T10:00:00Z",
                    "hostname": "srv-db-02",
                    "severity": "critical",
                    "service": "postgres",
                    "message": "deadlock detected",
                    "context": {"pid": 4242, "tables": ["a", "b"]},
                },
            ),
            incoming(2, {"message": "second"}),
        ]
    )
    assert (result.stored, result.duplicates, result.rejected_total) == (2, 0, 0)
    first = LogEntry.objects.get(stream_seq=1)
    assert first.timestamp == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert (first.hostname, first.service, first.message) == (
        "srv-db-02",
        "postgres",
        "deadlock detected",
    )
    assert first.severity == Severity.CRITICAL
    assert first.context == {"pid": 4242, "tables": ["a", "b"]}
    assert first.received_at == RECEIVED_AT
    assert first.subject == "agent.technical.support"
    assert LogEntry.objects.get(stream_seq=2).timestamp == RECEIVED_AT


def test_redelivered_message_is_stored_once():
    batch = [incoming(seq, {"message": f"m{seq}"}) for seq in (1, 2, 3)]
    logs_ingest_batch(batch)
    again = logs_ingest_batch([*batch, incoming(4, {"message": "m4"})])
    assert (again.stored, again.duplicates) == (1, 3)
    assert sorted(LogEntry.objects.values_list("stream_seq", flat=True)) == [1, 2, 3, 4]


def test_rejected_messages_are_quarantined_with_reason_next_to_good_ones(settings):
    settings.REJECTED_RAW_MAX_BYTES = 10
    result = logs_ingest_batch(
        [
            incoming(1, {"message": "good"}),
            incoming(2, b"\xff\x01garbage that is long"),
            incoming(3, {"message": "m", "severity": "loud"}),
            incoming(4, {"message": "also good"}),
        ]
    )
    assert result.stored == 2
    assert result.rejected == {"not_utf8": 1, "invalid_severity": 1}
    assert result.rejected_seqs == {2, 3}
    garbage = RejectedMessage.objects.get(stream_seq=2)
    assert garbage.reason == RejectedMessage.Reason.NOT_UTF8
    assert bytes(garbage.raw) == b"\xff\x01garbage "
    assert garbage.size == len(b"\xff\x01garbage that is long")
    assert garbage.is_truncated
    assert "loud" in RejectedMessage.objects.get(stream_seq=3).detail
    # A redelivered rejected message is not quarantined twice.
    logs_ingest_batch([incoming(2, b"\xff\x01garbage that is long")])
    assert RejectedMessage.objects.count() == 2


def test_values_at_the_edges_of_their_types_are_rejected_by_reason_not_failing_the_batch():
    # Each of these once raised from validation or from the counts (a ValueError, an
    # OverflowError, an IntegrityError), so the whole batch failed and was split.
    result = logs_ingest_batch(
        [
            incoming(1, {"message": "good", "severity": "error"}),
            incoming(2, {"message": "m", "severity": "²"}),
            incoming(3, {"message": "m", "timestamp": "0001-01-01T00:00:00+01:00"}),
            incoming(4, {"message": "m", "timestamp": "9999-12-31T23:59:59.999999Z"}),
            incoming(5, {"message": "first", "severity": "error", "timestamp": "0001-01-01"}),
            incoming(
                6, {"message": "last", "severity": "error", "timestamp": "9999-12-31T23:59:59Z"}
            ),
        ]
    )
    assert result.stored == 3
    assert result.rejected == {"invalid_severity": 1, "invalid_timestamp": 2}


def test_receipts_name_the_entry_or_the_rejection():
    result = logs_ingest_batch(
        [
            incoming(7, {"message": "hello"}, reply_to="_INBOX.a"),
            incoming(8, {"message": "no receipt wanted"}),
            incoming(9, b"{", reply_to="_INBOX.b"),
        ]
    )
    entry = LogEntry.objects.get(stream_seq=7)
    assert result.receipts[0] == (
        "_INBOX.a",
        {"status": "stored", "id": entry.id, "pattern_id": entry.pattern_id, "stream_seq": 7},
    )
    reply_to, receipt = result.receipts[1]
    assert (reply_to, receipt["status"], receipt["reason"]) == ("_INBOX.b", "rejected", "not_json")
    assert len(result.receipts) == 2


def test_agent_logs_view_answers_the_gogent_seed_query():
    logs_ingest_batch(
        [
            incoming(1, {"timestamp": "2024-05-01T10:00:00Z", "severity": 3, "message": "old"}),
            incoming(2, {"timestamp": "2024-05-01T11:00:00Z", "severity": "err", "message": "new"}),
            incoming(3, {"timestamp": "2024-05-01T12:00:00Z", "severity": "info", "message": "ok"}),
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT timestamp, severity, message, analysis FROM agent_logs "
            "WHERE severity = 'ERROR' ORDER BY timestamp DESC LIMIT 5;"
        )
        rows = cursor.fetchall()
        cursor.execute(
            "SELECT id, hostname, service, context, created_at FROM agent_logs ORDER BY id"
        )
        assert len(cursor.fetchall()) == 3
    # Timestamps as RFC 3339 text in UTC, as the seed's column held them (migration 0011).
    assert rows == [
        ("2024-05-01T11:00:00.000000Z", "ERROR", "new", ""),
        ("2024-05-01T10:00:00.000000Z", "ERROR", "old", ""),
    ]


def test_a_batch_that_fails_while_grouping_leaves_no_phantom_pattern_behind(monkeypatch):
    """The transaction rolls back the patterns it made; the process must forget their ids
    too, or every later batch points at patterns that do not exist."""
    from django.db import DatabaseError

    from logs.patterns import PatternCatalog

    logs_ingest_batch([incoming(1, {"message": "pump 1 started"})])
    create = PatternCatalog._create

    def create_then_fail(self, *args, **kwargs):
        create(self, *args, **kwargs)
        raise DatabaseError("canceling statement due to lock timeout")

    batch = [incoming(2, {"message": "valve 7 stuck open", "severity": "error"})]
    monkeypatch.setattr(PatternCatalog, "_create", create_then_fail)
    with pytest.raises(DatabaseError):
        logs_ingest_batch(batch)
    monkeypatch.setattr(PatternCatalog, "_create", create)

    result = logs_ingest_batch(batch)
    assert result.stored == 1
    entry = LogEntry.objects.select_related("pattern").get(stream_seq=2)
    assert entry.pattern.template == "valve <*> stuck open"
    assert entry.pattern.count == 1
