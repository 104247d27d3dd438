"""What the operations page (gogent.operations) shows about tickets and notifications."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from gogent.operations import RECENT, OperationsSection
from integrations.models import Channel, Notification, Ticket


def tickets_context() -> dict[str, Any]:
    """The latest failed tickets."""
    failed = Ticket.objects.filter(status=Ticket.Status.FAILED).order_by("-updated_at")
    return {"failed": list(failed[:RECENT])}


TICKETS_SECTION = OperationsSection(
    template="integrations/_operations_tickets.html", context=tickets_context
)


def notifications_context() -> dict[str, Any]:
    """The queue, each enabled channel's health, the latest failed notifications."""
    since = timezone.now() - timedelta(hours=24)
    counts = Notification.objects.aggregate(
        pending=Count("pk", filter=Q(status=Notification.Status.PENDING)),
        sent_24h=Count("pk", filter=Q(status=Notification.Status.SENT, sent_at__gte=since)),
        failed_24h=Count("pk", filter=Q(status=Notification.Status.FAILED, updated_at__gte=since)),
    )
    channels = list(Channel.objects.filter(enabled=True).order_by("name"))
    for channel in channels:
        failing = channel.last_error_at is not None and (
            channel.last_success_at is None or channel.last_error_at > channel.last_success_at
        )
        used = "ok" if channel.last_success_at else "not used yet"
        channel.state = "failing" if failing else used
    failed = (
        Notification.objects.filter(status=Notification.Status.FAILED)
        .select_related("channel")
        .order_by("-updated_at")
    )
    return {"counts": counts, "channels": channels, "failed": list(failed[:RECENT])}


NOTIFICATIONS_SECTION = OperationsSection(
    template="integrations/_operations_notifications.html", context=notifications_context
)
