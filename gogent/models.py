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
