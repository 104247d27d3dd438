"""Notifications: the right people told once, in Slack, Teams, e-mail or a webhook.

- channels: where messages go (Channel), and sending one (httpx, smtplib);
- messages: what a message says and how each target writes it, log text escaped;
- content: a notification's message, built from its events when first sent;
- events: the hooks (ingest, analysis, tickets, maintenance) and rule matching; events of
  a rule collect into one notification for its grouping time and cooldown;
- delivery: sending under a lease, retried on 429/5xx/timeouts, failed visibly;
- sweep: lost sends re-sent, thresholds, ingest stalled and providers down (beat);
- actions: an admin's Send test, save, and sending a failed notification again.

The names below are the package's interface: settings' hooks, tasks, the admin and config
import them from here.
"""

from integrations.notifications.actions import channel_save, channel_test, notification_retry
from integrations.notifications.delivery import notification_deliver
from integrations.notifications.events import (
    EventIn,
    notifications_after_analysis,
    notifications_after_ingest,
    notifications_after_maintenance,
    notifications_record,
    notifications_ticket_failed,
    notifications_ticket_opened,
)
from integrations.notifications.sweep import NotificationSweepReport, notifications_sweep

__all__ = [
    "EventIn",
    "NotificationSweepReport",
    "channel_save",
    "channel_test",
    "notification_deliver",
    "notification_retry",
    "notifications_after_analysis",
    "notifications_after_ingest",
    "notifications_after_maintenance",
    "notifications_record",
    "notifications_sweep",
    "notifications_ticket_failed",
    "notifications_ticket_opened",
]
