"""Shapes of the logs app's API: logs, patterns, submissions and stats."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from logs.models import LogEntry, LogPattern, Severity

SeverityName = Literal[
    "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY"
]
PatternStatus = Literal["new", "active", "muted", "snoozed", "resolved"]
# What POST /patterns/{id}/status sets; a snooze has its own endpoint, with its end.
SettableStatus = Literal["new", "active", "muted", "resolved"]
Since = Literal["1h", "24h", "7d", "30d"]
PatternSort = Literal["last_seen", "count", "severity"]


def _severity_name(value: int) -> str:
    return Severity(value).label


class LogOut(Schema):
    id: int
    timestamp: datetime
    received_at: datetime
    severity: SeverityName
    hostname: str
    service: str
    message: str
    context: dict[str, Any]
    pattern_id: int | None
    plant: dict[str, str] | None = Field(
        description="Where the context rules placed the log (site, area, line, cell, asset: "
        "the keys that have a value); null when no rule did."
    )
    subject: str
    stream_seq: int = Field(description="The log's sequence in the JetStream stream.")

    @staticmethod
    def resolve_plant(entry: LogEntry) -> dict[str, str] | None:
        return entry.plant.as_dict() if entry.plant_id else None

    @staticmethod
    def resolve_severity(entry: LogEntry) -> str:
        return _severity_name(entry.severity)

    @staticmethod
    def resolve_context(entry: LogEntry) -> dict[str, Any]:
        return entry.context if isinstance(entry.context, dict) else {}


class LogPage(Schema):
    items: list[LogOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class LogIn(Schema):
    """One log as producers send it on NATS; the same input rules apply (README, "Input rules").

    Documentation only: the body is checked by those rules, not by this schema, so a
    log is accepted or refused over HTTP exactly as it would be on NATS.
    """

    model_config = ConfigDict(extra="allow")

    message: str = Field(description="Non-empty; at most LOG_MAX_MESSAGE_BYTES.")
    timestamp: str | float | None = Field(
        None, description="RFC 3339, or epoch seconds or milliseconds. Missing: receive time."
    )
    severity: str | int | None = Field(
        None, description="debug … emergency (and aliases), or syslog 0-7. Missing: INFO."
    )
    hostname: str | None = Field(None, max_length=255)
    service: str | None = Field(None, max_length=255)
    context: dict[str, Any] | None = None


class SubmittedOut(Schema):
    accepted: int
    duplicates: int = Field(
        description="Logs the stream had already from a request with the same Idempotency-Key."
    )
    stream: str
    stream_seqs: list[int] = Field(
        description="Each log's stream sequence, in request order; the stored log's stream_seq."
    )


# The explanation is the current analysis's text: only callers who may read analyses see it.
EXPLANATION_PERMISSION = "analysis.view_analysis"


class PatternOut(Schema):
    id: int
    key: str
    template: str
    sample_message: str
    status: PatternStatus
    count: int
    max_severity: SeverityName
    first_seen: datetime
    last_seen: datetime
    status_changed_at: datetime | None
    status_by: str | None = Field(
        description="Who set the status last: a user, a key, a rule or system (None before)."
    )
    snoozed_until: datetime | None = Field(description="A snoozed pattern wakes at this time…")
    snoozed_until_count: int | None = Field(
        description="…or once its count exceeds this, whichever comes first."
    )
    regressed_at: datetime | None
    is_regression: bool
    merged_into_id: int | None = Field(
        description="Set when this pattern was merged into another, which now holds its logs."
    )
    explanation: str = Field(
        description="The current analysis as plain text, if any; empty for callers without "
        f"the {EXPLANATION_PERMISSION!r} permission."
    )
    created_at: datetime

    @staticmethod
    def resolve_max_severity(pattern: LogPattern) -> str:
        return _severity_name(pattern.max_severity)

    @staticmethod
    def resolve_explanation(pattern: LogPattern, context: dict[str, Any] | None = None) -> str:
        auth = getattr((context or {}).get("request"), "auth", None)
        if auth is None or not auth.has_perm(EXPLANATION_PERMISSION):
            return ""
        return pattern.explanation


class ValueCount(Schema):
    value: str
    count: int


class PatternDetailOut(PatternOut):
    severities: list[ValueCount]
    hosts: list[ValueCount]
    services: list[ValueCount]
    host_total: int = Field(description="Distinct hosts; `hosts` lists the top ten.")
    service_total: int
    places: dict[str, list[ValueCount]] = Field(
        description="The sites, areas, lines, cells and assets it occurs on (top ten each)."
    )


class PatternPage(Schema):
    items: list[PatternOut]
    next_cursor: str | None


class StatusIn(Schema):
    status: SettableStatus


class SnoozeIn(Schema):
    """Until a time, for a number of minutes, or until a number of more logs; with a time
    and a number of logs, it wakes at whichever comes first."""

    until: datetime | None = None
    minutes: int | None = Field(None, ge=1, le=525_600)
    more: int | None = Field(None, ge=1, le=10**12)
    reason: str = Field("", max_length=500)


class VolumeOut(Schema):
    bucket_minutes: int
    buckets: list[datetime] = Field(description="Start of each bucket, oldest first.")
    by_severity: dict[str, list[int]] = Field(
        description="Logs received per bucket, by severity name."
    )
    total: int


class IngestRateOut(Schema):
    last_minute: float = Field(description="Logs stored per second over the last minute.")
    last_15_minutes: float


class RejectedCount(Schema):
    reason: str
    label: str
    count: int


class JetStreamLagOut(Schema):
    ok: bool
    pending: int = Field(description="In the stream, not yet delivered to consume_logs.")
    ack_pending: int = Field(description="Delivered, not yet stored and acknowledged.")
    redelivered: int
    waiting_pulls: int
    stream_messages: int
    error: str


class QueuesOut(Schema):
    jetstream: JetStreamLagOut
    celery: dict[str, int | None] = Field(
        description="Tasks waiting per Celery queue; null where the broker could not say."
    )


class StatsOut(Schema):
    volume: VolumeOut
    ingest_rate: IngestRateOut
    ingested: dict[str, int] = Field(description="Logs stored since the start, by severity.")
    rejected: list[RejectedCount]
    queues: QueuesOut


class GroupingRuleOut(Schema):
    """An operator's correction of grouping (a merge or a split), applied at ingest."""

    id: int
    kind: Literal["merge", "split"]
    pattern_id: int = Field(description="Merge: the pattern merged into. Split: the one split.")
    source_id: int | None = Field(description="Merge: the pattern merged away.")
    template: str = Field(description="The template whose logs the rule takes.")
    place: int | None = Field(description="Split: which <*> of the template, from 1.")
    value: str | None = Field(description="Split: the one value made literal; null: every value.")
    created_at: datetime
    created_by: str
    undone_at: datetime | None
    undone_by: str
    logs_pending: bool = Field(
        description="Stored logs are still being moved to follow the rule or its undoing."
    )
    logs_moved: int
    logs_move_error: str

    @staticmethod
    def resolve_place(rule: Any) -> int | None:
        return None if rule.place is None else rule.place + 1

    @staticmethod
    def resolve_created_by(rule: Any) -> str:
        return rule.created_by_label

    @staticmethod
    def resolve_undone_by(rule: Any) -> str:
        return rule.undone_by_label


# A pattern id: a positive 64-bit integer (beyond it, no row, and SQLite overflows).
PatternRef = Annotated[int, Field(ge=1, le=2**63 - 1)]


class MergeIn(Schema):
    patterns: list[PatternRef] = Field(
        min_length=1, max_length=50, description="Patterns to merge into this one."
    )
    reason: str = Field("", max_length=500)


class SplitIn(Schema):
    place: int = Field(ge=1, le=1000, description="Which <*> of the template, from 1.")
    value: str | None = Field(
        None,
        min_length=1,
        max_length=1000,
        description="Turn only this value into literal text; leave out to split by every value.",
    )
    reason: str = Field("", max_length=500)


class UndoIn(Schema):
    reason: str = Field("", max_length=500)


class PlaceValuesOut(Schema):
    place: int = Field(description="Which <*> of the template, from 1.")
    token: str
    top: list[ValueCount]
    other: int = Field(description="Logs read with a value not in `top`.")
    distinct: int = Field(description="Distinct values known (the sketch keeps at most 50).")
    logs: int = Field(description="Logs counted whose message the template matches.")
    counted_at_ingest: bool = Field(
        description="Counted at ingest since the template last changed; false: read from "
        "the newest 1,000 stored logs."
    )
    trimmed: bool = Field(description="Rare values were dropped: a kept count may be short.")
    unmatched: int = Field(description="Logs of the pattern its template does not match.")
