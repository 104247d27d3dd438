"""Sending a notification once, under its lease (gogent.leases), as tickets are delivered:
a duplicated or redelivered task finds it claimed or sent and does nothing; a 429, a 5xx
or a timeout comes back after a backoff (or the receiver's Retry-After, which pauses the
channel for every worker); a refusal fails it for good, visibly."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gogent import leases
from integrations.models import Channel, Notification
from integrations.notifications.channels import NotifyError, channel_send
from integrations.notifications.content import notification_message
from integrations.notifications.messages import Message

logger = logging.getLogger(__name__)


def notification_deliver(*, notification_id: int) -> float | None:
    """Send the notification once. Returns the seconds until its task should come back
    (backoff, Retry-After, a paused channel), or None when there is nothing more to do:
    sent, failed for good, discarded, or held by another worker."""
    row = (
        Notification.objects.filter(pk=notification_id)
        .values("channel__timeout_seconds", "channel__paused_until", "status")
        .first()
    )
    if row is None or row["status"] != Notification.Status.PENDING:
        return None
    now = timezone.now()
    paused_until = row["channel__paused_until"]
    if paused_until is not None and paused_until > now:
        return (paused_until - now).total_seconds()  # no call made: not an attempt
    claimable = Notification.objects.filter(
        pk=notification_id, status=Notification.Status.PENDING
    ).filter(leases.unleased(now) & leases.due(now))
    # Connect, TLS, send: each within the timeout.
    token = leases.lease_claim(
        claimable,
        seconds=row["channel__timeout_seconds"] * 3 + 10,
        attempts=F("attempts") + 1,
        closed=True,
    )
    if token is None:
        return None
    notification = Notification.objects.select_related("channel", "rule").get(pk=notification_id)
    channel, rule = notification.channel, notification.rule
    if not channel.enabled or (rule is not None and not rule.enabled):
        what = "channel" if not channel.enabled else "rule"
        _finish(notification, token, status=Notification.Status.DISCARDED,
                error=f"not sent: its {what} was disabled")  # fmt: skip
        return None
    try:
        message = _content(notification, token)
        if message is None:
            return None  # the lease ran out meanwhile
        sent = channel_send(channel, message, key=notification.idempotency_key)
    except NotifyError as error:
        return _on_error(notification, token, error)
    except Exception as error:
        # A database error or a bug, maybe after the message went out: the next attempt
        # sends it with the same idempotency key.
        logger.exception("notification %s: internal error", notification.pk)
        step = leases.after_failure(
            leases.internal_error(error), attempts=notification.attempts,
            limit=settings.NOTIFICATIONS_MAX_ATTEMPTS, wait=_backoff(notification.attempts),
        )  # fmt: skip
        if step.wait is None:
            _fail(notification, token, step.error)
            return None
        return _release(notification, token, at=timezone.now() + timedelta(seconds=step.wait),
                        error=step.error)  # fmt: skip
    # One transaction, as a ticket's: nobody reads "sent" beside "channel not used yet".
    with transaction.atomic():
        finished = _finish(
            notification, token, status=Notification.Status.SENT, sent_at=timezone.now()
        )
        if finished:
            Channel.objects.filter(pk=channel.pk).update(last_success_at=timezone.now())
    if finished:
        logger.info("notification %s sent to %s: %s", notification.pk, channel.name, sent.detail)
    return None


def _content(notification: Notification, token: str) -> Message | None:
    """The message, written on the first attempt: every retry sends the same."""
    if notification.content:
        return Message.from_json(notification.content)
    message = notification_message(notification)
    written = Notification.objects.filter(pk=notification.pk, lease_token=token).update(
        content=message.to_json(), title=message.title[:255]
    )
    return message if written else None


def _on_error(notification: Notification, token: str, error: NotifyError) -> float | None:
    channel = notification.channel
    now = timezone.now()
    health: dict[str, Any] = {"last_error": error.message[:2000], "last_error_at": now}
    if error.status == 429 and error.retry_after:
        health["paused_until"] = now + timedelta(seconds=error.retry_after)
    Channel.objects.filter(pk=channel.pk).update(**health)
    attempts, limit = notification.attempts, settings.NOTIFICATIONS_MAX_ATTEMPTS
    if error.retryable and attempts < limit:
        wait = error.retry_after or _backoff(attempts)
        logger.info("notification %s: %s; retrying in %.0fs", notification.pk, error.message, wait)
        step = leases.after_failure(error.message, attempts=attempts, limit=limit, wait=wait)
        return _release(notification, token, at=now + timedelta(seconds=wait), error=step.error)
    if error.retryable:
        message = leases.after_failure(error.message, attempts=attempts, limit=limit, wait=0).error
    else:
        message = f"{error.message} (refused: not retried)"
    _fail(notification, token, message)
    return None


def _fail(notification: Notification, token: str, message: str) -> None:
    if _finish(notification, token, status=Notification.Status.FAILED, error=message[:2000]):
        logger.warning(
            "notification %s to %s failed: %s", notification.pk, notification.channel.name,
            message,
        )  # fmt: skip


def _finish(notification: Notification, token: str, **update: Any) -> bool:
    update.setdefault("error", "")
    return bool(
        Notification.objects.filter(pk=notification.pk, lease_token=token).update(
            next_attempt_at=None, **leases.LEASE_CLEARED, **update
        )
    )


def _release(
    notification: Notification, token: str, *, at: datetime, error: str | None = None
) -> float | None:
    update = {} if error is None else {"error": error[:2000]}
    return leases.lease_release(
        Notification.objects.filter(pk=notification.pk), token, at=at, **update
    )


def _backoff(attempts: int) -> float:
    return leases.backoff(
        attempts,
        base=settings.NOTIFICATIONS_BACKOFF_BASE,
        cap=settings.NOTIFICATIONS_BACKOFF_MAX,
    )
