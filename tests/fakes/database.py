"""Faults at the database boundary, through Django's execute_wrapper: the statement is
refused as a database refuses it (a deadlock victim, a lost connection), and the code
under test meets the error where it would meet the real one.

    with database_fails(OperationalError("deadlock detected"), table="integrations_ticket"):
        ...                                          # the next write to that table fails
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection


@contextmanager
def database_fails(
    error: Exception,
    *,
    table: str,
    when: Callable[[], bool] = lambda: True,
    times: int = 1,
) -> Iterator[list[str]]:
    """Within the block, on this thread's connection, the next `times` writes (INSERT,
    UPDATE, DELETE) to `table` made while `when()` holds raise `error` instead of running.
    Yields the refused statements."""
    write = re.compile(rf'^\s*(INSERT INTO|UPDATE|DELETE FROM) "{re.escape(table)}"', re.I)
    refused: list[str] = []

    def refuse(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any):
        if len(refused) < times and write.match(sql) and when():
            refused.append(sql)
            raise error
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield refused
