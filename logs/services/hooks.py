"""settings.LOGS_INGEST_HOOKS: how apps that build on logs hear of a stored batch."""

from __future__ import annotations

from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from logs.patterns import PatternChanges


class IngestHook(Protocol):
    """One of settings.LOGS_INGEST_HOOKS (analysis, ticket rules): called inside the
    batch's transaction with what the batch changed and the logs that asked for a reply,
    as (reply subject, stream sequence, pattern id)."""

    def __call__(self, *, changes: PatternChanges, replies: list[tuple[str, int, int]]) -> None: ...


@cache
def _ingest_hooks_for(paths: tuple[str, ...]) -> tuple[IngestHook, ...]:
    return tuple(import_string(path) for path in paths)


def ingest_hooks() -> tuple[IngestHook, ...]:
    """settings.LOGS_INGEST_HOOKS: how apps that build on logs (analysis) hear of a batch.

    Each is called inside the batch's transaction as hook(changes=PatternChanges,
    replies=[(reply subject, stream sequence, pattern id), ...]), so what it writes
    commits or rolls back with the logs; work outside the database goes on_commit.
    """
    return _ingest_hooks_for(tuple(settings.LOGS_INGEST_HOOKS))
