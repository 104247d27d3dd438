"""Celery tasks of the logs app: thin wrappers over logs.services."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from logs.services import logs_purge


@shared_task(ignore_result=True)
def purge_old_logs() -> None:
    if settings.LOG_RETENTION_DAYS > 0:
        logs_purge(
            older_than=timezone.now() - timedelta(days=settings.LOG_RETENTION_DAYS),
            batch_size=settings.LOG_RETENTION_BATCH,
        )
