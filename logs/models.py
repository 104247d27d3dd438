import json

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
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} {self.hostname or '-'}: {self.message[:80]}"

    @property
    def context_json(self) -> str:
        return json.dumps(self.context, indent=2, ensure_ascii=False, sort_keys=True)


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

    class Meta:
        permissions = [("triage_pattern", "Can mute, resolve and reopen patterns")]
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
    """Occurrences of a pattern per severity, host, service and hour; counted by upsert.

    Hours are the logs' own timestamps truncated to the hour in UTC ("2026-11-22T06"):
    the pattern pages draw activity over time from them without reading the logs.
    """

    class Dimension(models.TextChoices):
        SEVERITY = "severity", "Severity"
        HOST = "host", "Host"
        SERVICE = "service", "Service"
        HOUR = "hour", "Hour"

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


class GroupingState(models.Model):
    """One row. Its revision orders pattern changes; locking it serializes them."""

    revision = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"grouping revision {self.revision}"
