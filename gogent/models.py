"""Access to the API: keys for machines.

The key model lives in gogent because access control is wiring every app's API
shares, and dependencies point towards gogent: logs, analysis and integrations
may all check a key, none of them may own it.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models

from gogent.roles import ADMIN, OPERATOR, ROLE_PERMISSIONS, VIEWER


class ApiKey(models.Model):
    """A key for /api and /metrics. Only a SHA-256 of the key is kept; the key is shown once."""

    class Role(models.TextChoices):
        VIEWER = VIEWER, "Viewer (reads)"
        OPERATOR = OPERATOR, "Operator (reads, triages, submits logs)"
        ADMIN = ADMIN, "Admin"

    name = models.CharField(max_length=100, help_text="Who or what uses it, e.g. 'grafana'.")
    # The public part of the key ("gog_<prefix>_<secret>"): finds the row to check.
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Blank: never expires.")
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Written at most once a minute (API_KEY_LAST_USED_INTERVAL), not on every request.
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Per-key rate limit (gogent.apikeys): requests counted in the current minute.
    rate_window = models.PositiveBigIntegerField(default=0, editable=False)
    rate_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = "API key"
        permissions = [("view_operations", "Can see the operations page")]

    def __str__(self) -> str:
        return f"{self.name} ({self.role}, gog_{self.prefix}_…)"

    @property
    def display_prefix(self) -> str:
        return f"gog_{self.prefix}_…"

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def has_perm(self, perm: str) -> bool:
        """The role's permission, as a user's has_perm answers for the role's group."""
        return perm in ROLE_PERMISSIONS.get(self.role, ())


class AuditEvent(models.Model):
    """Who did what, to what, and why: every state change a person, a key, a rule or
    Gogent itself makes. Never holds a secret's value.

    It lives in gogent because every app records here and dependencies point towards
    gogent: patterns and tickets are named by id, not by foreign key, so the row outlives
    what it names and gogent imports no app's models.
    """

    class Action(models.TextChoices):
        TICKET_CREATED = "ticket_created", "Ticket created"
        TICKET_COMMENTED = "ticket_commented", "Ticket commented"
        TICKET_REOPENED = "ticket_reopened", "Ticket reopened"
        TICKET_CLOSED = "ticket_closed", "Ticket closed remotely"
        TICKET_FAILED = "ticket_failed", "Ticket failed"
        TICKET_REQUESTED = "ticket_requested", "Ticket requested"
        TICKET_DUPLICATE = "ticket_duplicate", "Ticket folded into another (patterns merged)"
        DRAFT_CREATED = "draft_created", "Draft created"
        DRAFT_APPROVED = "draft_approved", "Draft approved"
        DRAFT_DISCARDED = "draft_discarded", "Draft discarded"
        PATTERN_RESOLVED = "pattern_resolved", "Pattern resolved by its ticket"
        PATTERN_STATUS = "pattern_status", "Pattern status changed"
        ANALYSIS_REQUESTED = "analysis_requested", "Analysis requested"
        ANALYSIS_RETRIED = "analysis_retried", "Analysis retried"
        ANALYSIS_CANCELLED = "analysis_cancelled", "Analysis cancelled"
        API_KEY_CREATED = "api_key_created", "API key created"
        API_KEY_REVOKED = "api_key_revoked", "API key revoked"
        USER_ADDED = "user_added", "User added"
        USER_CHANGED = "user_changed", "User changed"
        USER_DELETED = "user_deleted", "User deleted"
        GROUP_ADDED = "group_added", "Role added"
        GROUP_CHANGED = "group_changed", "Role changed"
        GROUP_DELETED = "group_deleted", "Role deleted"
        CONFIG_ADDED = "config_added", "Configuration added"
        CONFIG_CHANGED = "config_changed", "Configuration changed"
        CONFIG_DELETED = "config_deleted", "Configuration deleted"
        CONFIG_DISABLED = "config_disabled", "Configuration disabled"
        SECRETS_ROTATED = "secrets_rotated", "Stored secrets re-encrypted"
        QUARANTINE_REPLAYED = "quarantine_replayed", "Quarantined messages replayed"
        LOGS_REPLAYED = "logs_replayed", "Stored logs regrouped (replay)"
        PATTERNS_MERGED = "patterns_merged", "Patterns merged by an operator"
        PATTERN_SPLIT = "pattern_split", "Pattern split by an operator"
        GROUPING_RULE_UNDONE = "grouping_rule_undone", "Grouping correction undone"
        MAINTENANCE_ENDED = "maintenance_ended", "Maintenance window ended, held work released"
        NOTIFICATION_RESENT = "notification_resent", "Failed notification sent again"
        ACTION_PROPOSED = "action_proposed", "Remediation action proposed"
        ACTION_NOT_OFFERED = "action_not_offered", "Proposed action refused: not offered"
        ACTION_APPROVED = "action_approved", "Remediation action approved"
        ACTION_REJECTED = "action_rejected", "Remediation action rejected"
        ACTION_RAN = "action_ran", "Remediation action ran"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    api_key = models.ForeignKey(
        ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # "alice", "key grafana (gog_1a2b3c4d_…)", "rule: <name>", "apply_config <file>",
    # "worker": kept when users and keys go.
    actor_label = models.CharField(max_length=200)
    pattern_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    ticket_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # What changed: "analysis.provider", its pk and its name then.
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=100, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    # Field names, keys, counts, old and new statuses: never values of secrets.
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The audit log: newest first, by action, by what was acted on.
            models.Index(fields=["action", "created_at"], name="auditevent_action"),
            models.Index(fields=["object_type", "object_id"], name="auditevent_object"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor_label}"


class RunLock(models.Model):
    """A job that runs alone across every process (a sweep, the results publisher): who
    holds it, until when. A holder that dies leaves a lock that runs out."""

    name = models.CharField(max_length=100, primary_key=True)
    token = models.CharField(max_length=32, blank=True)
    until = models.DateTimeField(null=True, blank=True)
    # "host:pid", for the operations page and logs.
    holder = models.CharField(max_length=200, blank=True)
    taken_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.holder or 'free'}"

    def held(self, now: datetime) -> bool:
        return self.until is not None and self.until > now
