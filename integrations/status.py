"""What `manage.py status` (gogent.status) says about tickets and notifications: each
enabled integration's and channel's health, the queues, the last failures."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Min
from django.utils import timezone

from gogent.status import Level, Problem, StatusSection, ago, moment_json
from integrations.models import Channel, Integration, Notification, Ticket

RECENT = timedelta(hours=24)


def tickets_status() -> StatusSection:
    """Down for an integration whose sign-in was refused (no ticket goes there until an
    admin saves it again); a warning for one that is paused (429) or whose last call failed."""
    now = timezone.now()
    integrations = list(Integration.objects.filter(enabled=True).order_by("name"))
    counts = dict(Ticket.objects.values_list("status").annotate(n=Count("id")).order_by())
    failed = Ticket.objects.filter(status=Ticket.Status.FAILED)
    queue = {
        "pending": counts.get(Ticket.Status.PENDING, 0),
        "drafts": counts.get(Ticket.Status.DRAFT, 0),
        "open": counts.get(Ticket.Status.OPEN, 0),
        "failed_last_24h": failed.filter(updated_at__gte=now - RECENT).count(),
        "oldest_pending_at": Ticket.objects.filter(status=Ticket.Status.PENDING).aggregate(
            oldest=Min("created_at")
        )["oldest"],
    }
    last_failed = failed.select_related("integration").order_by("-updated_at", "-pk").first()

    problems = []
    lines = [
        (
            "queue",
            f"{queue['pending']} being opened (oldest "
            f"{ago(queue['oldest_pending_at'], now, never='none')}), {queue['drafts']} drafts "
            f"to review, {queue['open']} open, {queue['failed_last_24h']} failed in 24 h",
        )
    ]
    for integration in integrations:
        state, why = _state(integration, now)
        lines.append(
            (
                f"integration {integration.name}",
                f"{state.upper()} {why}" if state != "ok" else f"ok{why}",
            )
        )
        if state == "auth failed":
            problems.append(Problem(Level.DOWN, f"integration {integration.name}: {state} {why}"))
        elif state != "ok":
            problems.append(
                Problem(Level.WARNING, f"integration {integration.name} is {state} {why}")
            )
    if not integrations:
        lines.append(("integrations", "none enabled"))
    if last_failed is not None:
        lines.append(
            ("last failure", f"{last_failed} in {last_failed.integration.name}, "
                             f"{ago(last_failed.updated_at, now)}: {last_failed.error}")
        )  # fmt: skip

    # Notifications share the section: the same app, the same workers and queue.
    notifications = notifications_status()
    lines += notifications.lines
    problems += notifications.problems
    return StatusSection(
        title="Tickets",
        lines=lines,
        data={
            "notifications": notifications.data,
            "queue": {**queue, "oldest_pending_at": moment_json(queue["oldest_pending_at"])},
            "counts": {status: counts.get(status, 0) for status in Ticket.Status.values},
            "integrations": [_integration_json(integration, now) for integration in integrations],
            "last_failure": None
            if last_failed is None
            else {
                "id": last_failed.pk,
                "integration": last_failed.integration.name,
                "error": last_failed.error,
                "at": moment_json(last_failed.updated_at),
            },
        },
        problems=problems,
    )


def _state(integration: Integration, now: datetime) -> tuple[str, str]:
    """(state, why): "ok" (why: its last success), "auth failed", "paused" or "failing"."""
    if integration.auth_failed_at is not None:
        return "auth failed", (
            f"{ago(integration.auth_failed_at, now)}: {integration.last_error}; rules send "
            "it nothing until an admin saves it again"
        )
    if integration.paused_until is not None and integration.paused_until > now:
        return "paused", f"until {integration.paused_until:%H:%M:%S} UTC (asked to slow down)"
    if integration.last_error_at is not None and (
        integration.last_success_at is None
        or integration.last_error_at > integration.last_success_at
    ):
        return "failing", f"its last call {ago(integration.last_error_at, now)}: " + (
            integration.last_error
        )
    if integration.last_success_at is None:
        return "ok", ", not used yet"
    return "ok", f", last success {ago(integration.last_success_at, now)}"


def _integration_json(integration: Integration, now: datetime) -> dict[str, Any]:
    state, _ = _state(integration, now)
    return {
        "name": integration.name,
        "kind": integration.kind,
        "state": state,
        "auth_failed_at": moment_json(integration.auth_failed_at),
        "paused_until": moment_json(integration.paused_until),
        "last_error": integration.last_error,
        "last_error_at": moment_json(integration.last_error_at),
        "last_success_at": moment_json(integration.last_success_at),
    }


def notifications_status() -> StatusSection:
    """The notifications part of the tickets section: a warning for a channel whose last
    send failed or that is paused (429), and for notifications failed in the last 24 h."""
    now = timezone.now()
    channels = list(Channel.objects.filter(enabled=True).order_by("name"))
    counts = dict(Notification.objects.values_list("status").annotate(n=Count("id")).order_by())
    failed = Notification.objects.filter(status=Notification.Status.FAILED)
    failed_recent = failed.filter(updated_at__gte=now - RECENT).count()
    oldest_pending = Notification.objects.filter(status=Notification.Status.PENDING).aggregate(
        oldest=Min("created_at")
    )["oldest"]
    last_failed = failed.select_related("channel").order_by("-updated_at", "-pk").first()
    problems = []
    lines = [
        (
            "notifications",
            f"{counts.get(Notification.Status.PENDING, 0)} waiting (oldest "
            f"{ago(oldest_pending, now, never='none')}), "
            f"{counts.get(Notification.Status.SENT, 0)} sent, {failed_recent} failed in 24 h",
        )
    ]
    for channel in channels:
        state, why = _channel_state(channel, now)
        shown = f"ok{why}" if state == "ok" else f"{state.upper()} {why}"
        lines.append((f"channel {channel.name}", shown))
        if state != "ok":
            problems.append(Problem(Level.WARNING, f"channel {channel.name} is {state} {why}"))
    if not channels:
        lines.append(("channels", "none enabled"))  # notifications
    if failed_recent:
        problems.append(
            Problem(Level.WARNING, f"{failed_recent} notification(s) failed in 24 h (admin: "
                                   "Notifications, Send failed notification again)")
        )  # fmt: skip
    if last_failed is not None:
        lines.append(
            ("last notification failure", f"{last_failed} to {last_failed.channel.name}, "
                             f"{ago(last_failed.updated_at, now)}: {last_failed.error}")
        )  # fmt: skip
    return StatusSection(
        title="Notifications",
        lines=lines,
        data={
            "counts": {status: counts.get(status, 0) for status in Notification.Status.values},
            "failed_last_24h": failed_recent,
            "oldest_pending_at": moment_json(oldest_pending),
            "channels": [
                {
                    "name": channel.name,
                    "kind": channel.kind,
                    "state": _channel_state(channel, now)[0],
                    "paused_until": moment_json(channel.paused_until),
                    "last_error": channel.last_error,
                    "last_error_at": moment_json(channel.last_error_at),
                    "last_success_at": moment_json(channel.last_success_at),
                }
                for channel in channels
            ],
            "last_failure": None
            if last_failed is None
            else {
                "id": last_failed.pk,
                "channel": last_failed.channel.name,
                "error": last_failed.error,
                "at": moment_json(last_failed.updated_at),
            },
        },
        problems=problems,
    )


def _channel_state(channel: Channel, now: datetime) -> tuple[str, str]:
    if channel.paused_until is not None and channel.paused_until > now:
        return "paused", f"until {channel.paused_until:%H:%M:%S} UTC (asked to slow down)"
    if channel.last_error_at is not None and (
        channel.last_success_at is None or channel.last_error_at > channel.last_success_at
    ):
        return "failing", f"its last send {ago(channel.last_error_at, now)}: {channel.last_error}"
    if channel.last_success_at is None:
        return "ok", ", not used yet"
    return "ok", f", last success {ago(channel.last_success_at, now)}"
