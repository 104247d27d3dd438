"""API keys: made, checked, limited and revoked here.

A key is "gog_<prefix>_<secret>": the prefix (12 hex characters) finds the row,
the secret (256 random bits) proves it. The database keeps the prefix and a
SHA-256 of the whole key, never the key. A fast hash is the right one here:
slow, salted hashes (PBKDF2, Argon2) exist to make guessing low-entropy
passwords expensive; a 256-bit random secret cannot be guessed, and a slow hash
would cost every API request tens of milliseconds for nothing.

The rate limit is counted in the key's row, in the database every web process
already shares: one UPDATE per request, exact across processes and machines,
with no cache server to run. (Django's default cache is per process, and its
file and database caches do not increment atomically.)
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from gogent.audit import SYSTEM, Actor, audit_record
from gogent.models import ApiKey, AuditEvent

KEY_SCHEME = "gog"
PREFIX_BYTES = 6
SECRET_BYTES = 32
RATE_WINDOW_SECONDS = 60


class ApiKeyRefused(Exception):
    """The key cannot be used; code is stable for clients (invalid, expired, revoked)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class RateLimited:
    retry_after: int  # whole seconds, as the Retry-After header wants
    limit: int


def key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def api_key_create(
    *,
    name: str,
    role: str,
    expires_at: datetime | None = None,
    created_by: Actor = SYSTEM,
) -> tuple[ApiKey, str]:
    """Make a key; returns the row and the key itself, which is not stored and not shown again.
    The audit log names the key by its public prefix, as everywhere."""
    if role not in ApiKey.Role.values:
        raise ValueError(f"unknown role {role!r}: use {', '.join(ApiKey.Role.values)}")
    prefix = secrets.token_hex(PREFIX_BYTES)
    raw_key = f"{KEY_SCHEME}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    with transaction.atomic():
        key = ApiKey.objects.create(
            name=name,
            role=role,
            prefix=prefix,
            key_hash=key_hash(raw_key),
            expires_at=expires_at,
            created_by=created_by.stored_user,
        )
        audit_record(
            AuditEvent.Action.API_KEY_CREATED,
            created_by,
            obj=key,
            details={"role": role, "expires_at": expires_at.isoformat() if expires_at else None},
        )
    return key, raw_key


def api_key_revoke(*, key: ApiKey, actor: Actor) -> ApiKey:
    """Refuse the key from now on; the row stays, for the record. Revoking a revoked key
    changes and records nothing."""
    with transaction.atomic():
        revoked = ApiKey.objects.filter(pk=key.pk, revoked_at=None).update(
            revoked_at=timezone.now()
        )
        if revoked:
            audit_record(AuditEvent.Action.API_KEY_REVOKED, actor, obj=key)
    key.refresh_from_db(fields=["revoked_at"])
    return key


def api_key_authenticate(raw_key: str) -> ApiKey:
    """The key's row, or ApiKeyRefused: unknown or malformed keys, expired, revoked."""
    scheme, _, rest = raw_key.strip().partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != KEY_SCHEME or len(prefix) != 2 * PREFIX_BYTES or not secret:
        raise ApiKeyRefused("invalid_api_key", "The API key is not valid.")
    key = ApiKey.objects.filter(prefix=prefix).first()
    # Compared in constant time, so response times say nothing about the stored hash.
    if key is None or not hmac.compare_digest(key.key_hash, key_hash(raw_key.strip())):
        raise ApiKeyRefused("invalid_api_key", "The API key is not valid.")
    if key.is_revoked:
        raise ApiKeyRefused("api_key_revoked", "The API key has been revoked.")
    if key.is_expired(timezone.now()):
        raise ApiKeyRefused("api_key_expired", "The API key has expired.")
    return key


def api_key_use(*, key: ApiKey, now: datetime | None = None) -> RateLimited | None:
    """Count one request against the key's limit and note when it was last used.

    A fixed one-minute window per key, counted by one UPDATE in the key's row (the
    database serializes concurrent requests); a burst at a window's edge may see up
    to twice the limit over 60 s, which a per-minute limit tolerates. The last-used
    time rides along only when it is older than API_KEY_LAST_USED_INTERVAL.
    """
    now = now or timezone.now()
    touch: dict[str, datetime] = {}
    interval = timedelta(seconds=settings.API_KEY_LAST_USED_INTERVAL)
    if key.last_used_at is None or now - key.last_used_at >= interval:
        touch["last_used_at"] = now
    limit = settings.API_RATE_LIMIT
    if limit <= 0:
        if touch:
            ApiKey.objects.filter(pk=key.pk).update(**touch)
        return None
    window = int(now.timestamp() // RATE_WINDOW_SECONDS)
    with transaction.atomic():
        # Every SET expression sees the row as it was, so the CASE compares the old window.
        ApiKey.objects.filter(pk=key.pk).update(
            rate_count=Case(When(rate_window=window, then=F("rate_count") + 1), default=Value(1)),
            rate_window=Value(window),
            **touch,
        )
        count = ApiKey.objects.filter(pk=key.pk).values_list("rate_count", flat=True).get()
    if count <= limit:
        return None
    retry_after = math.ceil((window + 1) * RATE_WINDOW_SECONDS - now.timestamp())
    return RateLimited(retry_after=max(retry_after, 1), limit=limit)
