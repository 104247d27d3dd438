"""Celery tasks: thin wrappers over integrations.services (queue "tickets")."""

from __future__ import annotations

from celery import shared_task

from integrations import services


@shared_task(acks_late=True, ignore_result=True)
def open_ticket(ticket_id: int) -> None:
    """Do a ticket's remote work: create it, or add its comment, or reopen it."""
    # A backoff, a Retry-After or a paused integration: come back then, holding no slot.
    wait = services.ticket_deliver(ticket_id=ticket_id)
    if wait is not None:
        open_ticket.apply_async((ticket_id,), countdown=wait)


@shared_task(acks_late=True, ignore_result=True)
def run_remediation(proposal_id: int) -> None:
    """Run an approved remediation action once (a duplicate finds it running or done)."""
    from integrations.remediation.services import proposal_run

    proposal_run(proposal_id=proposal_id)


@shared_task(ignore_result=True)
def sweep_tickets() -> None:
    services.tickets_sweep()


@shared_task(ignore_result=True)
def sync_tickets() -> None:
    services.tickets_sync()


@shared_task(ignore_result=True)
def release_maintenance() -> None:
    # Imported here: the release runs the ticket rules, whose services import these tasks.
    from integrations.maintenance.release import maintenance_release

    maintenance_release()


@shared_task(acks_late=True, ignore_result=True)
def send_notification(notification_id: int) -> None:
    """Send a notification once; come back after a backoff or Retry-After."""
    from integrations.notifications import notification_deliver

    wait = notification_deliver(notification_id=notification_id)
    if wait is not None:
        send_notification.apply_async((notification_id,), countdown=wait)


@shared_task(ignore_result=True)
def sweep_notifications() -> None:
    from integrations.notifications import notifications_sweep

    notifications_sweep()
