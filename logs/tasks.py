"""Celery tasks of the logs app: thin wrappers over logs.services."""

from __future__ import annotations

from celery import shared_task

from logs.services import logs_purge_expired, patterns_wake
from logs.services.corrections import logs_move_pending


@shared_task(ignore_result=True)
def purge_old_logs() -> None:
    logs_purge_expired()


@shared_task(ignore_result=True)
def wake_snoozed_patterns() -> None:
    # Those snoozed "for N more logs" wake at ingest; this wakes those whose time came.
    patterns_wake()


@shared_task(ignore_result=True)
def move_logs_for_grouping_rules(rule_id: int | None = None) -> None:
    # Queued when an operator merges, splits or undoes; beat retries what is still pending.
    logs_move_pending(rule_id)
