import json

import re2
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class Severity(models.IntegerChoices):
    """One scale for every producer; higher is worse, so "at or above" is >=."""

    DEBUG = 10, "DEBUG"
    INFO = 20, "INFO"
    NOTICE = 25, "NOTICE"
    WARNING = 30, "WARNING"
    ERROR = 40, "ERROR"
    CRITICAL = 50, "CRITICAL"
    ALERT = 60, "ALERT"
    EMERGENCY = 70, "EMERGENCY"


class LogEntry(models.Model):
    """One log as a producer sent it, stored exactly once per stream sequence."""

    timestamp = models.DateTimeField()
    hostname = models.CharField(max_length=255, blank=True)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    service = models.CharField(max_length=255, blank=True)
    message = models.TextField()
    context = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField()
    subject = models.CharField(max_length=255)
    # Which life of the stream (StreamEpoch.number) and JetStream's sequence in it: together
    # the dedup key for redeliveries. A recreated stream counts from 1 again, in a new epoch.
    stream_epoch = models.PositiveIntegerField(default=0, db_default=0)
    stream_seq = models.PositiveBigIntegerField()
    # Null only for logs stored before grouping existed, until migration 0004 fills it.
    pattern = models.ForeignKey(
        "LogPattern", on_delete=models.PROTECT, related_name="entries", null=True
    )
    # Where on the shop floor, as the context rules placed it at ingest; null: nowhere known.
    plant = models.ForeignKey(
        "PlantContext", on_delete=models.PROTECT, related_name="+", null=True, db_index=False
    )

    class Meta:
        verbose_name_plural = "log entries"
        constraints = [
            # Ingest's ON CONFLICT target and its "already stored?" look-up.
            models.UniqueConstraint(
                fields=["stream_epoch", "stream_seq"], name="logentry_stream_position"
            )
        ]
        indexes = [
            # The logs explorer and agent_logs: newest first, optionally by time range.
            models.Index(fields=["timestamp"], name="logentry_timestamp"),
            # Filters by severity / service / host, newest first.
            models.Index(fields=["severity", "timestamp"], name="logentry_severity_ts"),
            models.Index(fields=["service", "timestamp"], name="logentry_service_ts"),
            models.Index(fields=["hostname", "timestamp"], name="logentry_hostname_ts"),
            # A pattern's recent occurrences and its activity over time.
            models.Index(fields=["pattern", "timestamp"], name="logentry_pattern_ts"),
            # Filters by site, line, asset… (through PlantContext), newest first. Partial:
            # logs no rule placed cost no index write.
            models.Index(
                fields=["plant", "timestamp"],
                condition=models.Q(plant__isnull=False),
                name="logentry_plant_ts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} {self.hostname or '-'}: {self.message[:80]}"

    @property
    def context_json(self) -> str:
        return json.dumps(self.context, indent=2, ensure_ascii=False, sort_keys=True)


PLANT_KEYS = ("site", "area", "line", "cell", "asset")
PLANT_VALUE_MAX = 100


class PlantContext(models.Model):
    """A place on the shop floor: one row per distinct (site, area, line, cell, asset) that
    logs were placed at, so each log stores one small key and filters join a short table."""

    site = models.CharField(max_length=PLANT_VALUE_MAX, blank=True)
    area = models.CharField(max_length=PLANT_VALUE_MAX, blank=True)
    line = models.CharField(max_length=PLANT_VALUE_MAX, blank=True)
    cell = models.CharField(max_length=PLANT_VALUE_MAX, blank=True)
    asset = models.CharField(max_length=PLANT_VALUE_MAX, blank=True)

    class Meta:
        verbose_name = "plant context"
        constraints = [
            models.UniqueConstraint(fields=list(PLANT_KEYS), name="plant_context_unique")
        ]

    def __str__(self) -> str:
        return " / ".join(f"{key} {value}" for key, value in self.as_dict().items()) or "-"

    def as_dict(self) -> dict[str, str]:
        """The keys that have a value, in order (site first)."""
        return {key: getattr(self, key) for key in PLANT_KEYS if getattr(self, key)}


class ContextRule(models.Model):
    """An admin's rule placing logs on the shop floor (logs.plant): from a context field, a
    regex's named groups on the host or service name, or static values.

    Rules apply in position order; each key takes the first value a matching rule gives it.
    """

    class Source(models.TextChoices):
        HOSTNAME = "hostname", "Host name"
        SERVICE = "service", "Service"
        CONTEXT = "context", "A context field"
        ANY = "any", "Every log"

    class Key(models.TextChoices):
        SITE = "site", "Site"
        AREA = "area", "Area"
        LINE = "line", "Line"
        CELL = "cell", "Cell"
        ASSET = "asset", "Asset"

    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveIntegerField(
        default=100, help_text="Rules apply in this order, lowest first."
    )
    enabled = models.BooleanField(default=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.HOSTNAME)
    context_field = models.CharField(
        max_length=200,
        blank=True,
        help_text="For 'A context field': its path in the log's context, dots between levels "
        "(line, or plant.line).",
    )
    pattern = models.CharField(
        "regular expression",
        max_length=500,
        blank=True,
        help_text="RE2 syntax, searched in the value. Named groups fill the keys they are "
        "named after: plc-line(?P<line>\\d+)-(?P<cell>\\d+). Blank: any value matches.",
    )
    assign_to = models.CharField(
        "value goes to",
        max_length=16,
        choices=Key.choices,
        blank=True,
        help_text="The whole value (or the regular expression's match) fills this key.",
    )
    site = models.CharField(max_length=PLANT_VALUE_MAX, blank=True)
    area = models.CharField(max_length=PLANT_VALUE_MAX, blank=True)
    line = models.CharField(max_length=PLANT_VALUE_MAX, blank=True)
    cell = models.CharField(max_length=PLANT_VALUE_MAX, blank=True)
    asset = models.CharField(max_length=PLANT_VALUE_MAX, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "context rule"

    def __str__(self) -> str:
        return self.name

    def static_values(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in PLANT_KEYS if getattr(self, key)}

    def clean(self) -> None:
        problems = self.problems()
        if problems:
            raise ValidationError(problems)

    def problems(self) -> dict[str, str]:
        """What keeps the rule from placing logs, by field; empty when it can."""
        problems: dict[str, str] = {}
        if self.source == self.Source.CONTEXT and not self.context_field.strip():
            problems["context_field"] = "Name the context field to read (line, or plant.line)."
        if self.source == self.Source.ANY and (self.pattern or self.assign_to):
            problems["source"] = (
                "'Every log' has no value to search or assign: give static values, or read "
                "the host, the service or a context field."
            )
        groups: list[str] = []
        if self.pattern:
            try:
                groups = list(re2.compile(self.pattern).groupindex)
            except re2.error as error:
                problems["pattern"] = f"Not a valid RE2 regular expression: {error}"
            unknown = [group for group in groups if group not in PLANT_KEYS]
            if unknown:
                problems["pattern"] = (
                    f"Named groups must be among {', '.join(PLANT_KEYS)}; not {', '.join(unknown)}."
                )
        if not (groups or self.assign_to or self.static_values()) and not problems:
            problems["__all__"] = (
                "The rule gives no key a value: add named groups, choose where the value "
                "goes, or give static values."
            )
        return problems


class RejectedMessage(models.Model):
    """Quarantine: a message that failed validation or could not be stored, kept with the reason."""

    class Reason(models.TextChoices):
        TOO_LARGE = "too_large", "Payload too large"
        NOT_UTF8 = "not_utf8", "Not UTF-8"
        NOT_JSON = "not_json", "Not JSON"
        NUL_CHARACTER = "nul_character", "NUL character"
        TOO_DEEP = "too_deep", "Nesting too deep"
        NOT_OBJECT = "not_object", "Not a JSON object"
        MISSING_MESSAGE = "missing_message", "Missing message"
        INVALID_MESSAGE = "invalid_message", "Invalid message"
        INVALID_TIMESTAMP = "invalid_timestamp", "Invalid timestamp"
        INVALID_SEVERITY = "invalid_severity", "Invalid severity"
        INVALID_HOSTNAME = "invalid_hostname", "Invalid hostname"
        INVALID_SERVICE = "invalid_service", "Invalid service"
        INVALID_CONTEXT = "invalid_context", "Invalid context"
        # Valid, yet its batch failed with it alone: the database error is the detail.
        STORE_FAILED = "store_failed", "Could not be stored"
        # JetStream gave up redelivering it (NATS_MAX_DELIVER); the payload was read back.
        MAX_DELIVERIES = "max_deliveries", "Too many deliveries"

    received_at = models.DateTimeField()
    subject = models.CharField(max_length=255)
    stream_epoch = models.PositiveIntegerField(default=0, db_default=0)
    # Null for payloads that never reached the stream.
    stream_seq = models.PositiveBigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=32, choices=Reason.choices)
    detail = models.TextField()
    # The payload as received, cut to REJECTED_RAW_MAX_BYTES; size is the full length.
    raw = models.BinaryField()
    size = models.PositiveIntegerField()

    class Meta:
        constraints = [
            # Quarantine's ON CONFLICT target: a redelivered bad message is kept once.
            models.UniqueConstraint(
                fields=["stream_epoch", "stream_seq"], name="rejected_stream_position"
            )
        ]
        indexes = [
            # Quarantine page: newest first, and counts by reason.
            models.Index(fields=["received_at"], name="rejected_received_at"),
            models.Index(fields=["reason", "received_at"], name="rejected_reason_ts"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} at {self.received_at:%Y-%m-%d %H:%M:%S}"

    @property
    def is_truncated(self) -> bool:
        return len(self.raw) < self.size

    def raw_preview(self, limit: int = 2000) -> str:
        """The payload as text for display; undecodable bytes shown as U+FFFD."""
        return bytes(self.raw[:limit]).decode("utf-8", errors="replace")


class StreamEpoch(models.Model):
    """One life of the JetStream stream. A stream that is deleted and created again (a lost
    store, a new cluster) numbers its messages from 1 again: its logs get a new epoch, so
    they never look like the stored logs of an earlier life."""

    number = models.PositiveIntegerField(unique=True)
    stream = models.CharField(max_length=255)
    # JetStream's creation time of the stream: what tells one life from the next.
    created = models.DateTimeField()
    # False for the first stream Gogent consumed from; True for every stream after it.
    is_reset = models.BooleanField(default=False)
    # The highest sequence stored from the epoch before, when this one was detected.
    previous_last_seq = models.PositiveBigIntegerField(null=True, blank=True)
    detected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stream", "created"], name="stream_epoch_identity")
        ]

    def __str__(self) -> str:
        return f"{self.stream} epoch {self.number} (created {self.created:%Y-%m-%d %H:%M:%S})"


class IngestEvent(models.Model):
    """Counts of things ingest noticed and got past, for /metrics and the operations page."""

    class Kind(models.TextChoices):
        BAD_REPLY_SUBJECT = "bad_reply_subject", "Reply header not a valid subject (ignored)"
        REPLY_NOT_SENT = "reply_not_sent", "Receipt or reply could not be published"

    kind = models.CharField(max_length=32, choices=Kind.choices, unique=True)
    count = models.PositiveBigIntegerField(default=0)
    last_at = models.DateTimeField()
    last_detail = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return f"{self.kind}: {self.count}"


class LogPattern(models.Model):
    """A group of logs with one template: the unit of analysis, tickets and attention."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        ACTIVE = "active", "Active"
        MUTED = "muted", "Muted"
        SNOOZED = "snoozed", "Snoozed"
        RESOLVED = "resolved", "Resolved"

    # Stable identity: the key of the pattern's first template, kept when it generalizes.
    key = models.CharField(max_length=32, unique=True)
    template = models.TextField()
    sample_message = models.TextField()
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    count = models.PositiveBigIntegerField(default=0)
    max_severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # Who set the status ("alice", "key grafana (…)", "rule: …", "system"); the audit log
    # keeps every change, this the latest, for the pages. Nullable so adding it is an ALTER
    # TABLE: a NOT NULL column makes SQLite rebuild the table under the agent_logs view.
    status_by = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    # A snoozed pattern wakes (becomes active) at this time, or once its count exceeds
    # snoozed_until_count, whichever comes first.
    snoozed_until = models.DateTimeField(null=True, blank=True)
    snoozed_until_count = models.PositiveBigIntegerField(null=True, blank=True)
    regressed_at = models.DateTimeField(null=True, blank=True)
    # Set on a pattern absorbed into another; its counts and attachments moved there.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="absorbed"
    )
    # The current analysis as plain text, written by the analysis app when one
    # completes; agent_logs.analysis shows it for every log of the pattern.
    explanation = models.TextField(blank=True, default="")
    # GroupingState.revision of the last change: consumers reload what changed since theirs.
    revision = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set on a pattern an operator's split made (one value of a place): the rule, not the
    # miner, sends logs here, so consumers keep it out of their miners.
    split_rule = models.ForeignKey(
        "GroupingRule", null=True, blank=True, on_delete=models.SET_NULL, related_name="patterns"
    )

    class Meta:
        permissions = [
            ("triage_pattern", "Can mute, resolve and reopen patterns"),
            ("correct_grouping", "Can merge and split patterns, and undo those corrections"),
        ]
        indexes = [
            # Consumers catching up with patterns other consumers created or generalized.
            models.Index(fields=["revision"], name="pattern_revision"),
            # The patterns page: newest activity first, by status.
            models.Index(fields=["status", "last_seen"], name="pattern_status_last_seen"),
            models.Index(fields=["last_seen"], name="pattern_last_seen"),
            # Waking snoozed patterns whose time has come.
            models.Index(
                fields=["snoozed_until"],
                condition=models.Q(status="snoozed"),
                name="pattern_snoozed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.template[:80]}"

    @property
    def is_regression(self) -> bool:
        return self.regressed_at is not None and self.status == self.Status.ACTIVE

    @property
    def is_quiet(self) -> bool:
        """Muted or snoozed: rules, re-analyses and notifications leave it alone."""
        return self.status in QUIET_STATUSES

    @property
    def snooze_occurrences_left(self) -> int | None:
        if self.snoozed_until_count is None:
            return None
        return max(self.snoozed_until_count - self.count, 0)


QUIET_STATUSES = (LogPattern.Status.MUTED, LogPattern.Status.SNOOZED)


class LogPatternStat(models.Model):
    """Occurrences of a pattern per severity, host, service, hour and plant key (site, area,
    line, cell, asset); counted by upsert.

    Hours are the logs' own timestamps truncated to the hour in UTC ("2026-11-22T06"):
    the pattern pages draw activity over time from them without reading the logs.
    """

    class Dimension(models.TextChoices):
        SEVERITY = "severity", "Severity"
        HOST = "host", "Host"
        SERVICE = "service", "Service"
        HOUR = "hour", "Hour"
        # Where the pattern occurs (logs.plant): one row per value of each key.
        SITE = "site", "Site"
        AREA = "area", "Area"
        LINE = "line", "Line"
        CELL = "cell", "Cell"
        ASSET = "asset", "Asset"

    pattern = models.ForeignKey(LogPattern, on_delete=models.CASCADE, related_name="stats")
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    value = models.CharField(max_length=255)
    count = models.PositiveBigIntegerField(default=0)
    last_seen = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pattern", "dimension", "value"], name="pattern_stat_unique"
            )
        ]
        indexes = [
            # Patterns seen on a host or service (console filters), the pickers' most common
            # values (covering: count is read from the index), the dashboard's most active
            # patterns (hours since a time).
            models.Index(fields=["dimension", "value", "count"], name="pattern_stat_value_count"),
        ]

    def __str__(self) -> str:
        return f"{self.pattern_id} {self.dimension}={self.value}: {self.count}"


class LogVolume(models.Model):
    """Logs received per minute and severity, counted by upsert at ingest: the dashboard's
    chart reads a few hundred of these rows instead of counting millions of logs."""

    minute = models.DateTimeField()
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["minute", "severity"], name="log_volume_unique")
        ]

    def __str__(self) -> str:
        return f"{self.minute:%Y-%m-%d %H:%M} {self.get_severity_display()}: {self.count}"


# Alarm health (logs.alarms): logs at or above ALARM_SEVERITY counted at ingest into the
# rollups below, so every figure of the page, API and /metrics reads these, never the logs.
# Times are whole periods since 1970-01-01 UTC (signed: a producer may send year 1).


class AlarmScope(models.Model):
    """What alarm health is reported for: every alarm, a site, or a line of a site (logs
    placed by the context rules). A line of no known site has site ""."""

    class Kind(models.TextChoices):
        ALL = "all", "All"
        SITE = "site", "Site"
        LINE = "line", "Line"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    site = models.CharField(max_length=PLANT_VALUE_MAX, blank=True)
    line = models.CharField(max_length=PLANT_VALUE_MAX, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "site", "line"], name="alarm_scope_unique")
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.ALL:
            return "all alarms"
        site = f"site {self.site}" if self.site else "no site"
        return f"{site} · line {self.line}" if self.kind == self.Kind.LINE else site


class AlarmLoad(models.Model):
    """Alarms per scope, 10-minute period and severity: averages, floods and priority mix."""

    scope = models.ForeignKey(AlarmScope, on_delete=models.CASCADE, db_index=False)
    slot = models.IntegerField()  # 10-minute periods since 1970
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            # Ingest's upsert target; the page's and /metrics' reads of a scope's periods.
            models.UniqueConstraint(fields=["scope", "slot", "severity"], name="alarm_load_unique")
        ]

    def __str__(self) -> str:
        return f"scope {self.scope_id} slot {self.slot} {self.get_severity_display()}: {self.count}"


class AlarmPatternHour(models.Model):
    """Alarms of a pattern per scope and hour, and its chattering minutes in that hour: the
    (place, minute)s where it raised 3 alarms or more (logs.alarms)."""

    scope = models.ForeignKey(AlarmScope, on_delete=models.CASCADE, db_index=False)
    hour = models.IntegerField()  # hours since 1970
    pattern = models.ForeignKey(LogPattern, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveBigIntegerField(default=0)
    chatter = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            # Ingest's upsert target; the bad actors of a period's first and last hours.
            models.UniqueConstraint(
                fields=["scope", "hour", "pattern"], name="alarm_pattern_hour_unique"
            )
        ]
        indexes = [
            # Chattering patterns of a scope and period. Partial: most hours never chatter.
            models.Index(
                fields=["scope", "hour"],
                condition=models.Q(chatter__gt=0),
                name="alarm_pattern_hour_chatter",
            ),
        ]

    def __str__(self) -> str:
        return f"pattern {self.pattern_id} scope {self.scope_id} hour {self.hour}: {self.count}"


class AlarmPatternDay(models.Model):
    """Alarms of a pattern per scope and UTC day, and the hours of the day it alarmed in (bit
    n: hour n): bad actors over whole days, and stale patterns (runs of alarming hours)."""

    scope = models.ForeignKey(AlarmScope, on_delete=models.CASCADE, db_index=False)
    day = models.IntegerField()  # days since 1970
    pattern = models.ForeignKey(LogPattern, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveBigIntegerField(default=0)
    hours = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            # Ingest's upsert target; the bad actors and stale patterns of a period.
            models.UniqueConstraint(
                fields=["scope", "day", "pattern"], name="alarm_pattern_day_unique"
            )
        ]

    def __str__(self) -> str:
        return f"pattern {self.pattern_id} scope {self.scope_id} day {self.day}: {self.count}"


class AlarmMinute(models.Model):
    """Alarms of a pattern per place and minute, kept about a day: only to see a minute
    reach 3 alarms (a chattering minute, counted in AlarmPatternHour)."""

    pattern = models.ForeignKey(
        LogPattern, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    plant = models.PositiveBigIntegerField()  # PlantContext id; 0: no place known
    minute = models.BigIntegerField()  # minutes since 1970
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            # Ingest's upsert target, and the pattern's rows when patterns merge.
            models.UniqueConstraint(
                fields=["pattern", "plant", "minute"], name="alarm_minute_unique"
            )
        ]
        indexes = [
            # The hourly prune of minutes older than a day.
            models.Index(fields=["minute"], name="alarm_minute_minute"),
        ]

    def __str__(self) -> str:
        return f"pattern {self.pattern_id} place {self.plant} minute {self.minute}: {self.count}"


class GroupingState(models.Model):
    """One row. Its revision orders pattern changes; locking it serializes them."""

    revision = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"grouping revision {self.revision}"


class PatternPlaceValues(models.Model):
    """The inspector's sketches of a pattern's `<*>`s: each one's most common values with
    their counts, counted at ingest (logs.place_values). One row per pattern."""

    pattern = models.OneToOneField(
        LogPattern, on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    template_key = models.CharField(max_length=16)  # the template it was counted under
    # JSON: per `<*>`, [{value: logs} (at most SKETCH_SIZE), logs whose value was trimmed off]
    places = models.TextField(default="[]")
    unmatched = models.PositiveBigIntegerField(default=0)  # logs the template did not match
    trimmed = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"pattern {self.pattern_id} values"


class GroupingRule(models.Model):
    """An operator's correction of grouping (logs.grouping.corrections): every consumer
    applies the active ones at ingest, before its miner, from the next batch on.

    A merge sends the logs of `template` (the absorbed pattern `source`'s) to `pattern`. A
    split gives each value of `template`'s place `place` (or only `value`) a pattern of
    its own (LogPattern.split_rule); `pattern` is the one split. Undoing a rule stops it
    and moves the stored logs back (logs.services.corrections).
    """

    class Kind(models.TextChoices):
        MERGE = "merge", "Merge"
        SPLIT = "split", "Split"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    pattern = models.ForeignKey(LogPattern, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(
        LogPattern, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    template = models.TextField()
    place = models.PositiveSmallIntegerField(null=True, blank=True)
    value = models.TextField(null=True, blank=True)  # noqa: DJ001 (None: every value)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_label = models.CharField(max_length=200)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by_label = models.CharField(max_length=200, blank=True, default="")
    # GroupingState.revision when it was made, then when it was undone.
    revision = models.PositiveBigIntegerField(default=0)
    # Stored logs moved to follow the rule (or its undoing): when that finished, how many.
    logs_moved_at = models.DateTimeField(null=True, blank=True)
    logs_moved = models.PositiveBigIntegerField(default=0)
    logs_move_error = models.TextField(blank=True, default="")
    # A merge's record of the rows besides logs it moved (patterns.pattern_merge), which
    # its undoing gives back: {"rows": {"app.Model.field": [ids]}, "explanation_taken"}.
    merge_moves = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            # Consumers read the active rules whenever the grouping revision moves.
            models.Index(
                fields=["id"], condition=models.Q(undone_at=None), name="grouping_rule_active"
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.MERGE:
            return f"merge #{self.source_id} into #{self.pattern_id}"
        what = "every value" if self.value is None else repr(self.value[:40])
        return f"split #{self.pattern_id} at <*> {(self.place or 0) + 1}: {what}"

    @property
    def is_active(self) -> bool:
        return self.undone_at is None

    @property
    def logs_pending(self) -> bool:
        """Stored logs still to move, after the rule was made or undone."""
        return self.logs_moved_at is None


class SyslogReceiver(models.Model):
    """A `manage.py receive_syslog` process and its counts since it started, written every
    few seconds (its heartbeat) for `manage.py status` and /metrics. One row per host and
    address: a receiver started again there takes the row over and counts from zero."""

    name = models.CharField(max_length=255, unique=True)
    listening = models.CharField(max_length=255)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()
    # Set when it stopped on a signal; a row not seen for a while and not stopped is down.
    stopped_at = models.DateTimeField(null=True, blank=True)
    received_udp = models.PositiveBigIntegerField(default=0)
    received_tcp = models.PositiveBigIntegerField(default=0)
    published = models.PositiveBigIntegerField(default=0)
    raw = models.PositiveBigIntegerField(default=0)
    spooled = models.PositiveBigIntegerField(default=0)
    dropped = models.PositiveBigIntegerField(default=0)
    spool_bytes = models.PositiveBigIntegerField(default=0)
    pending = models.PositiveIntegerField(default=0)
    tcp_connections = models.PositiveIntegerField(default=0)
    tcp_refused = models.PositiveBigIntegerField(default=0)
    tcp_framing_errors = models.PositiveBigIntegerField(default=0)
    udp_kernel_drops = models.PositiveBigIntegerField(default=0)
    nats_connected = models.BooleanField(default=False)
    last_error = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return f"syslog receiver {self.name}"
