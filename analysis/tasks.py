"""Celery tasks: thin wrappers over analysis.services (queue "analysis")."""

from __future__ import annotations

from celery import shared_task

from analysis import services


@shared_task(acks_late=True, ignore_result=True)
def analyze_pattern(analysis_id: int) -> None:
    # No capacity or a backoff: come back later instead of holding a worker slot.
    wait = services.analysis_run(analysis_id=analysis_id)
    if wait is not None:
        analyze_pattern.apply_async((analysis_id,), countdown=wait)


@shared_task(acks_late=True, ignore_result=True)
def send_replies(pattern_id: int) -> None:
    # Sent by versions before the outbox; kept so their queued messages still answer.
    services.replies_answer_current(pattern_ids=[pattern_id])


@shared_task(ignore_result=True)
def publish_results() -> None:
    services.results_publish()


@shared_task(ignore_result=True)
def sweep_analyses() -> None:
    services.analyses_sweep()


@shared_task(ignore_result=True)
def redo_offline_analyses() -> None:
    services.analyses_redo_offline()
