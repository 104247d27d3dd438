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


@shared_task(ignore_result=True)
def sweep_tickets() -> None:
    services.tickets_sweep()


@shared_task(ignore_result=True)
def sync_tickets() -> None:
    services.tickets_sync()
