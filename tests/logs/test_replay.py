"""manage.py replay: quarantined messages after a limit or rule changed, stored logs after
grouping changed; never a second row for a log. Quarantine retention."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from io import StringIO

import orjson
import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from analysis.models import Analysis
from gogent.audit import Actor
from gogent.models import AuditEvent
from logs import patterns
from logs.grouping import template_key
from logs.models import ContextRule, LogEntry, LogPattern, LogPatternStat, RejectedMessage
from logs.services import (
    IncomingMessage,
    logs_ingest_batch,
    logs_purge_expired,
    pattern_set_status,
)
from logs.services.replay import (
    LOGS_REPLAYED,
    QUARANTINE_REPLAYED,
    TRUNCATED,
    LogsSelection,
    QuarantineSelection,
    logs_replay,
    quarantine_replay,
)
from logs.tasks import purge_old_logs
from tests.helpers.processes import ManagePy
from tests.helpers.users import user_with_role
from tests.logs.harness import (
    POISON,
    publish,
    refusing_poison,
    stop_gracefully,
    wait_until_drained,
)

pytestmark = [pytest.mark.production, pytest.mark.django_db]
RECEIVED_AT = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
OPERATOR = Actor(label="test operator")


@pytest.fixture(autouse=True)
def fresh_catalog(monkeypatch):
    """Each test starts as a freshly started process would."""
    monkeypatch.setattr(patterns, "catalog", patterns.PatternCatalog())


def incoming(
    seq: int, payload: dict | bytes, *, received_at: datetime = RECEIVED_AT
) -> IncomingMessage:
    return IncomingMessage(
        subject="agent.technical.support",
        stream_seq=seq,
        data=payload if isinstance(payload, bytes) else orjson.dumps(payload),
        received_at=received_at,
    )


def long_log(seq: int, size: int = 300, **fields) -> IncomingMessage:
    """A log whose message is `size` bytes: over a LOG_MAX_MESSAGE_BYTES of 100."""
    return incoming(
        seq, {"severity": "error", "message": "Valve stuck " + "x" * (size - 12)}, **fields
    )


def replay(**selection) -> object:
    return quarantine_replay(selection=QuarantineSelection(**selection), actor=OPERATOR)


def test_a_message_rejected_as_too_large_is_stored_once_after_the_limit_is_raised(settings):
    settings.LOG_MAX_MESSAGE_BYTES = 100
    logs_ingest_batch([long_log(7)])
    rejected = RejectedMessage.objects.get()
    assert rejected.reason == RejectedMessage.Reason.INVALID_MESSAGE
    assert "limit is 100" in rejected.detail

    settings.LOG_MAX_MESSAGE_BYTES = 1000
    report = replay()

    assert (report.examined, report.replayed, report.already_stored) == (1, 1, 0)
    log = LogEntry.objects.get()
    assert (log.stream_epoch, log.stream_seq, log.received_at) == (0, 7, RECEIVED_AT)
    assert len(log.message) == 300
    assert not RejectedMessage.objects.exists()
    assert LogPattern.objects.get().count == 1

    again = replay()
    redelivered = logs_ingest_batch([long_log(7)])

    assert (again.examined, again.replayed) == (0, 0)
    assert (redelivered.stored, redelivered.duplicates) == (0, 1)
    assert LogEntry.objects.count() == 1
    assert LogPattern.objects.get().count == 1
    assert not RejectedMessage.objects.exists()


def test_a_quarantined_message_a_redelivery_stored_since_leaves_quarantine_without_a_second_log(
    settings,
):
    settings.LOG_MAX_MESSAGE_BYTES = 100
    logs_ingest_batch([long_log(3)])
    settings.LOG_MAX_MESSAGE_BYTES = 1000
    # JetStream delivered it again after the limit was raised (quarantine kept it too).
    assert logs_ingest_batch([long_log(3)]).stored == 1

    report = replay()

    assert (report.replayed, report.already_stored) == (0, 1)
    assert LogEntry.objects.count() == 1
    assert LogPattern.objects.get().count == 1
    assert not RejectedMessage.objects.exists()


def test_the_selection_by_reason_time_and_id_replays_only_what_it_names(settings):
    settings.LOG_MAX_MESSAGE_BYTES = 100
    settings.LOG_MAX_PAYLOAD_BYTES = 200
    day = timedelta(days=1)
    logs_ingest_batch(
        [
            long_log(1, size=150, received_at=RECEIVED_AT - 3 * day),  # invalid_message
            long_log(2, size=150, received_at=RECEIVED_AT - day),  # invalid_message
            long_log(3, size=300, received_at=RECEIVED_AT - day),  # too_large
            long_log(4, size=150, received_at=RECEIVED_AT),  # invalid_message
        ]
    )
    reasons = dict(RejectedMessage.objects.values_list("stream_seq", "reason"))
    assert reasons == {
        1: "invalid_message",
        2: "invalid_message",
        3: "too_large",
        4: "invalid_message",
    }
    settings.LOG_MAX_MESSAGE_BYTES = settings.LOG_MAX_PAYLOAD_BYTES = 10_000

    by_reason_and_time = replay(
        reasons=("invalid_message",), since=RECEIVED_AT - 2 * day, until=RECEIVED_AT
    )
    assert (by_reason_and_time.total, by_reason_and_time.replayed) == (1, 1)
    assert set(LogEntry.objects.values_list("stream_seq", flat=True)) == {2}

    by_id = replay(ids=(RejectedMessage.objects.get(stream_seq=3).pk,))
    assert by_id.replayed == 1
    assert set(LogEntry.objects.values_list("stream_seq", flat=True)) == {2, 3}
    assert set(RejectedMessage.objects.values_list("stream_seq", flat=True)) == {1, 4}

    with pytest.raises(ValueError, match="unknown reason too_big"):
        QuarantineSelection(reasons=("too_big",))


def test_a_dry_run_changes_nothing_and_reports_what_a_replay_then_does(settings):
    settings.LOG_MAX_MESSAGE_BYTES = 100
    logs_ingest_batch([long_log(1), long_log(2), long_log(3, size=5000)])
    before = sorted(RejectedMessage.objects.values_list("pk", "reason", "detail"))
    settings.LOG_MAX_MESSAGE_BYTES = 1000

    dry = quarantine_replay(selection=QuarantineSelection(), actor=OPERATOR, dry_run=True)

    assert sorted(RejectedMessage.objects.values_list("pk", "reason", "detail")) == before
    assert not LogEntry.objects.exists()
    assert not LogPattern.objects.exists()
    assert not AuditEvent.objects.exists()
    real = replay()
    assert (dry.replayed, dry.already_stored, dry.still_rejected, dry.updated) == (
        real.replayed,
        real.already_stored,
        real.still_rejected,
        real.updated,
    )
    assert (real.replayed, real.still_rejected, real.updated) == (
        2,
        Counter({"invalid_message": 1}),
        1,
    )


def test_a_payload_kept_only_in_part_is_reported_not_replayable_and_stays(settings):
    settings.LOG_MAX_PAYLOAD_BYTES = 200
    settings.REJECTED_RAW_MAX_BYTES = 100
    logs_ingest_batch([long_log(1, size=300)])
    rejected = RejectedMessage.objects.get()
    assert rejected.is_truncated and rejected.size > 300
    settings.LOG_MAX_PAYLOAD_BYTES = 10_000

    report = replay()

    assert report.not_replayable == Counter({TRUNCATED: 1})
    assert report.not_replayable_ids == [rejected.pk]
    assert report.replayed == 0
    assert RejectedMessage.objects.get().detail == rejected.detail
    assert not LogEntry.objects.exists()


def test_messages_that_still_fail_stay_with_todays_reason_and_detail(settings):
    settings.LOG_MAX_MESSAGE_BYTES = 100
    settings.LOG_MAX_PAYLOAD_BYTES = 100
    logs_ingest_batch(
        [
            incoming(1, {"message": "Valve stuck " + "x" * 200}),
            incoming(2, {"message": "Valve stuck", "timestamp": "yesterday", "pad": "x" * 100}),
        ]
    )
    assert dict(RejectedMessage.objects.values_list("stream_seq", "reason")) == {
        1: "too_large",
        2: "too_large",
    }
    settings.LOG_MAX_PAYLOAD_BYTES = 10_000
    settings.LOG_MAX_MESSAGE_BYTES = 150

    report = replay()

    assert report.replayed == 0
    assert report.still_rejected == Counter({"invalid_message": 1, "invalid_timestamp": 1})
    assert report.updated == 2
    first, second = RejectedMessage.objects.order_by("stream_seq")
    assert (first.reason, second.reason) == ("invalid_message", "invalid_timestamp")
    assert "the limit is 150" in first.detail
    assert "'yesterday'" in second.detail
    assert replay().updated == 0  # nothing new to say the second time


def test_a_message_the_database_refuses_stays_as_store_failed_and_the_rest_are_stored(settings):
    settings.LOG_MAX_MESSAGE_BYTES = 100
    logs_ingest_batch([long_log(1), incoming(2, {"message": f"Valve {POISON} " + "x" * 200})])
    settings.LOG_MAX_MESSAGE_BYTES = 1000

    with refusing_poison():
        report = replay()

    assert (report.replayed, report.still_rejected) == (1, Counter({"store_failed": 1}))
    refused = RejectedMessage.objects.get()
    assert (refused.stream_seq, refused.reason) == (2, "store_failed")
    assert "poison refused by a check" in refused.detail
    assert list(LogEntry.objects.values_list("stream_seq", flat=True)) == [1]
    assert LogPattern.objects.get().count == 1  # the refused attempt counted nothing


def test_a_replay_is_audited_with_who_did_it_and_what_was_stored(settings):
    settings.LOG_MAX_MESSAGE_BYTES = 100
    logs_ingest_batch([long_log(5), long_log(6, size=5000)])
    settings.LOG_MAX_MESSAGE_BYTES = 1000
    operator = user_with_role("operator")

    quarantine_replay(selection=QuarantineSelection(), actor=Actor.of_user(operator))

    event = AuditEvent.objects.get(action=QUARANTINE_REPLAYED)
    assert (event.actor, event.actor_label) == (operator, "operator")
    assert event.details["replayed"] == ["0:5"]
    assert event.details["updated"] == [RejectedMessage.objects.get().pk]


def test_the_command_prints_progress_and_a_summary_and_records_who_ran_it(settings):
    settings.LOG_MAX_MESSAGE_BYTES = 100
    settings.REJECTED_RAW_MAX_BYTES = 200
    logs_ingest_batch([long_log(1), long_log(2), long_log(3, size=5000), long_log(4, size=150)])
    settings.LOG_MAX_MESSAGE_BYTES = 1000
    out, err = StringIO(), StringIO()

    call_command(
        "replay", "quarantine", "--progress-every", "0", "--batch-size", "2", stdout=out, stderr=err
    )

    assert err.getvalue().splitlines() == [
        "replay quarantine: 2/4 examined, 0 stored, 0 still rejected, 2 not replayable",
        "replay quarantine: 4/4 examined, 1 stored, 0 still rejected, 3 not replayable",
    ]
    summary = out.getvalue()
    assert "Replayed 4 quarantined messages with the limits of now" in summary
    assert "  stored as logs: 1\n" in summary
    assert "  still rejected, kept in quarantine: 0\n" in summary
    assert "  skipped, not replayable: 3 (payload kept only in part" in summary
    assert LogEntry.objects.count() == 1
    assert AuditEvent.objects.get().actor_label.startswith("manage.py replay")


def test_the_command_dry_run_prints_the_summary_and_changes_nothing(settings):
    settings.LOG_MAX_MESSAGE_BYTES = 100
    logs_ingest_batch([long_log(1)])
    settings.LOG_MAX_MESSAGE_BYTES = 1000
    out = StringIO()

    call_command("replay", "quarantine", "--dry-run", "--reason", "invalid_message", stdout=out)

    assert out.getvalue().startswith("Dry run: nothing was changed.\n")
    assert "  would be stored as logs: 1\n" in out.getvalue()
    assert RejectedMessage.objects.count() == 1
    assert not LogEntry.objects.exists()


def test_the_command_refuses_unknown_reasons_and_an_empty_time_range():
    with pytest.raises(CommandError, match="invalid choice: 'too_big'"):
        call_command("replay", "quarantine", "--reason", "too_big")
    with pytest.raises(CommandError, match="--since must be before --until"):
        call_command("replay", "quarantine", "--since", "1d", "--until", "2d")
    with pytest.raises(CommandError, match="expected an ISO 8601 time"):
        call_command("replay", "logs", "--since", "last tuesday")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_what_a_consumer_quarantined_the_replay_command_stores_once_after_the_limit_is_raised(
    nats_server, start_consumer, gogent_env, tmp_path
):
    too_long = [
        orjson.dumps({"severity": "error", "message": f"Valve {n} stuck " + "x" * 300})
        for n in range(3)
    ]
    publish(nats_server, [*too_long, orjson.dumps({"message": "Valve 9 stuck"})])
    consumer = start_consumer(LOG_MAX_MESSAGE_BYTES="100")
    wait_until_drained(nats_server, 4)
    stop_gracefully(consumer)
    assert RejectedMessage.objects.count() == 3
    epoch = LogEntry.objects.get().stream_epoch

    def replay_command(run: int) -> str:
        command = ManagePy(
            ["replay", "quarantine"],
            {**gogent_env, "LOG_MAX_MESSAGE_BYTES": "1000"},
            tmp_path / f"replay-{run}.log",
        ).start()
        assert command.wait(timeout=60) == 0, command.output
        return command.output

    assert "  stored as logs: 3\n" in replay_command(1)
    assert not RejectedMessage.objects.exists()
    assert sorted(LogEntry.objects.values_list("stream_epoch", "stream_seq")) == [
        (epoch, seq) for seq in range(1, 5)
    ]
    assert "Replayed 0 quarantined messages" in replay_command(2)

    # The consumer again, with the new limit: nothing comes back, new logs come in beside.
    consumer = start_consumer(LOG_MAX_MESSAGE_BYTES="1000")
    publish(nats_server, [orjson.dumps({"message": "Valve 10 stuck"})])
    wait_until_drained(nats_server, 5)
    stop_gracefully(consumer)
    assert sorted(LogEntry.objects.values_list("stream_seq", flat=True)) == [1, 2, 3, 4, 5]
    assert LogPattern.objects.aggregate(n=Sum("count"))["n"] == 5


# --- stored logs ---------------------------------------------------------------------

OLD_TEMPLATE = "Disk <*> has <*> KB free"


def disk_log(seq: int, n: int, *, hour: int = 6) -> IncomingMessage:
    return incoming(
        seq,
        {
            "timestamp": f"2026-11-20T{hour:02d}:00:{n:02d}Z",
            "severity": "error" if n % 2 else "warning",
            "hostname": f"plc-{n % 3}",
            "service": "storage",
            "message": f"Disk sda{n} has {n * 100} KB free",
        },
    )


def stored_by_an_older_grouping(monkeypatch) -> LogPattern:
    """Logs grouped by an older Gogent, whose masking kept units apart from their numbers
    ("512 KB" read "<*> KB"): their pattern's template is one today's masking never makes,
    and its key is that template's. Counts and statistics are what ingest made them; each
    log has a place (site and cell), which moves with it."""
    ContextRule.objects.create(
        name="cell from host", source="hostname", pattern=r"plc-(?P<cell>\d)", site="plant-a"
    )
    logs_ingest_batch([disk_log(n, n, hour=6 + n % 2) for n in range(1, 7)])
    pattern = LogPattern.objects.get()
    assert pattern.template == "Disk <*> has <*> free"
    LogPattern.objects.filter(pk=pattern.pk).update(
        template=OLD_TEMPLATE, key=template_key(OLD_TEMPLATE)
    )
    monkeypatch.setattr(patterns, "catalog", patterns.PatternCatalog())  # a restart
    return pattern


def assert_counts_match_the_logs() -> None:
    for pattern in LogPattern.objects.all():
        stored = LogEntry.objects.filter(pattern=pattern).count()
        assert pattern.count == stored, pattern
        for dimension in ("severity", "host", "service", "hour", "site", "cell"):
            total = LogPatternStat.objects.filter(pattern=pattern, dimension=dimension).aggregate(
                n=Sum("count")
            )["n"]
            assert (total or 0) == stored, (pattern, dimension)
    positions = list(LogEntry.objects.values_list("stream_epoch", "stream_seq"))
    assert len(positions) == len(set(positions)) == 6


def test_logs_grouped_by_an_older_grouping_move_to_todays_pattern_with_their_counts(
    monkeypatch, settings
):
    settings.ANALYSIS_MIN_SEVERITY = "WARNING"
    old = stored_by_an_older_grouping(monkeypatch)
    analyses_before = Analysis.objects.count()

    report = logs_replay(selection=LogsSelection(), actor=OPERATOR)

    new = LogPattern.objects.get(merged_into=None)
    assert new.template == "Disk <*> has <*> free"
    assert (report.examined, report.moved, report.created) == (6, 6, {new.pk})
    assert report.merged == {old.pk: new.pk}
    assert set(LogEntry.objects.values_list("pattern_id", flat=True)) == {new.pk}
    old.refresh_from_db()
    assert (old.merged_into_id, old.count) == (new.pk, 0)
    assert (new.count, new.max_severity) == (6, 40)
    assert new.first_seen == datetime(2026, 11, 20, 6, 0, 2, tzinfo=UTC)
    assert_counts_match_the_logs()
    # The old pattern's analysis came with it: the new one needs no other.
    assert analyses_before == 1
    assert Analysis.objects.filter(pattern=new).count() == 1
    assert AuditEvent.objects.filter(action=LOGS_REPLAYED, actor_label="test operator").exists()

    again = logs_replay(selection=LogsSelection(), actor=OPERATOR)
    assert (again.examined, again.moved, again.created, again.merged) == (6, 0, set(), {})
    assert_counts_match_the_logs()


def test_a_filtered_replay_moves_part_of_a_pattern_and_both_keep_consistent_counts(
    monkeypatch, settings
):
    settings.ANALYSIS_MIN_SEVERITY = "WARNING"
    old = stored_by_an_older_grouping(monkeypatch)

    # The ERRORs: logs 1, 3 and 5, all at 07:00.
    report = logs_replay(selection=LogsSelection(min_severity=40), actor=OPERATOR)

    new = LogPattern.objects.exclude(pk=old.pk).get()
    assert (report.examined, report.moved, report.merged) == (3, 3, {})
    old.refresh_from_db()
    assert old.merged_into_id is None
    assert (old.count, new.count) == (3, 3)
    assert not LogPatternStat.objects.filter(pattern=old, dimension="severity", value="ERROR")
    assert not LogPatternStat.objects.filter(pattern=old, dimension="hour").exclude(
        value="2026-11-20T06"
    )
    # The ingest hooks heard of the new pattern: its analysis is asked for, as at ingest.
    assert Analysis.objects.get(pattern=new).trigger == Analysis.Trigger.NEW_PATTERN
    # What the old pattern keeps (WARNINGs 2, 4, 6 at 06:00) says how bad and when.
    assert (old.max_severity, new.max_severity) == (30, 40)
    assert (old.first_seen, old.last_seen) == (
        datetime(2026, 11, 20, 6, 0, 2, tzinfo=UTC),
        datetime(2026, 11, 20, 6, 0, 6, tzinfo=UTC),
    )
    assert_counts_match_the_logs()

    pattern_set_status(pattern=new, status=LogPattern.Status.RESOLVED, actor=OPERATOR)
    rest = logs_replay(selection=LogsSelection(pattern_ids=(old.pk,)), actor=OPERATOR)
    assert (rest.moved, rest.merged) == (3, {old.pk: new.pk})
    new.refresh_from_db()
    assert new.count == 6
    # Old logs moving in are no recurrence: a resolved pattern stays resolved.
    assert (new.status, new.regressed_at) == (LogPattern.Status.RESOLVED, None)
    assert_counts_match_the_logs()


def test_a_dry_run_of_the_logs_replay_predicts_it_and_writes_nothing(monkeypatch):
    old = stored_by_an_older_grouping(monkeypatch)
    out = StringIO()

    call_command("replay", "logs", "--dry-run", stdout=out)

    assert out.getvalue().splitlines()[1:] == [
        "Grouped 6 stored logs again:",
        f"  to be moved to another pattern: 6 (from patterns {old.pk} to -1)",
        "  unchanged: 0",
        "  patterns to be created: 1 (-1)",
        f"  patterns to be merged: 1 ({old.pk} into -1)",
    ]
    assert list(LogPattern.objects.values_list("pk", "template")) == [(old.pk, OLD_TEMPLATE)]
    assert set(LogEntry.objects.values_list("pattern_id", flat=True)) == {old.pk}
    assert not AuditEvent.objects.exists()
    dry = logs_replay(selection=LogsSelection(), actor=OPERATOR, dry_run=True)
    real = logs_replay(selection=LogsSelection(), actor=OPERATOR)
    assert (dry.moved, len(dry.created), len(dry.merged)) == (
        real.moved,
        len(real.created),
        len(real.merged),
    )


# --- retention -----------------------------------------------------------------------


def test_quarantine_retention_deletes_old_rejected_messages_only(settings):
    settings.LOG_MAX_MESSAGE_BYTES = 100
    now = datetime.now(UTC)
    logs_ingest_batch(
        [
            long_log(1, received_at=now - timedelta(days=40)),
            long_log(2, received_at=now - timedelta(days=2)),
            incoming(3, {"message": "Valve stuck"}, received_at=now - timedelta(days=40)),
        ]
    )
    settings.QUARANTINE_RETENTION_DAYS = 0
    purge_old_logs()
    assert RejectedMessage.objects.count() == 2

    settings.QUARANTINE_RETENTION_DAYS = 30
    report = logs_purge_expired()

    assert (report.rejected, report.logs) == (1, 0)
    assert list(RejectedMessage.objects.values_list("stream_seq", flat=True)) == [2]
    assert LogEntry.objects.count() == 1  # logs keep LOG_RETENTION_DAYS (0: forever)
