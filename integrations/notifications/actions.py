"""What admins do by hand: save a channel, send it a test message, send a failed
notification again. Each change is audited with its actor."""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from analysis.services import ConnectionCheck
from gogent.audit import Actor, audit_record
from gogent.errors import StateRefused
from gogent.models import AuditEvent
from integrations.models import Channel, Notification
from integrations.notifications.channels import NotifyError, channel_send
from integrations.notifications.content import test_message


def channel_save(*, channel: Channel) -> Channel:
    """Save an admin's or a config file's change: a pause asked for by the old receiver is
    forgotten."""
    channel.paused_until = None
    channel.save()
    return channel


def channel_test(*, channel: Channel) -> ConnectionCheck:
    """Send a test message now, through the same code as every notification; the answer or
    the exact error (URL masked), for the admin's Send test. No retry: the admin sees why."""
    started = time.monotonic()
    try:
        sent = channel_send(channel, test_message(channel.name), key=f"test-{uuid.uuid4().hex}")
    except NotifyError as error:
        latency_ms = int((time.monotonic() - started) * 1000)
        Channel.objects.filter(pk=channel.pk).update(
            last_error=error.message[:2000], last_error_at=timezone.now()
        )
        hint = " (temporary: worth trying again)" if error.retryable else ""
        return ConnectionCheck(ok=False, latency_ms=latency_ms, detail=error.message + hint)
    latency_ms = int((time.monotonic() - started) * 1000)
    Channel.objects.filter(pk=channel.pk).update(last_success_at=timezone.now())
    return ConnectionCheck(ok=True, latency_ms=latency_ms, detail=sent.detail)


def notification_retry(*, notification: Notification, user: Any) -> Notification:
    """Send a failed notification again (the same message, the same idempotency key), with
    its attempts counted afresh."""
    from integrations.tasks import send_notification

    with transaction.atomic():
        updated = Notification.objects.filter(
            pk=notification.pk, status=Notification.Status.FAILED
        ).update(
            status=Notification.Status.PENDING, attempts=0, error="",
            next_attempt_at=timezone.now(), lease_token="", lease_until=None,
        )  # fmt: skip
        if not updated:
            raise StateRefused(f"{notification} has not failed: nothing to send again")
        audit_record(
            AuditEvent.Action.NOTIFICATION_RESENT, Actor.of_user(user), obj=notification,
            reason="failed notification sent again",
        )  # fmt: skip
        transaction.on_commit(lambda: send_notification.delay(notification.pk))
    notification.refresh_from_db()
    return notification
