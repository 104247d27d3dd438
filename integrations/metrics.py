"""The integrations app's numbers for /metrics, from its tables."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily, Metric

from integrations.models import Notification, Ticket


def collect() -> Iterable[Metric]:
    family = GaugeMetricFamily(
        "gogent_tickets", "Tickets by status and integration.", labels=["status", "integration"]
    )
    rows = Ticket.objects.values_list("status", "integration__name").annotate(n=Count("id"))
    for status, integration, count in rows.order_by():
        family.add_metric([status, integration or ""], count)
    notifications = GaugeMetricFamily(
        "gogent_notifications",
        "Notifications by status and channel.",
        labels=["status", "channel"],
    )
    rows = Notification.objects.values_list("status", "channel__name").annotate(n=Count("id"))
    for status, channel, count in rows.order_by():
        notifications.add_metric([status, channel or ""], count)
    return [family, notifications]
