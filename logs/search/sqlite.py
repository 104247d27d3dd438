"""Log text search on SQLite: an FTS5 index of LogEntry.message (migration logs 0013).

The index is an external-content FTS5 table (`logs_logentry_fts`, rowid = LogEntry.id): it
holds the terms only, the text stays in logs_logentry (a copy would add ~40% to the
database). Triggers keep it in step with every write to logs_logentry, in the writer's own
transaction, whoever writes: ingest, retention, the admin, a test, the sqlite3 shell. So a log
is searchable the moment its batch commits, and a deleted log leaves no terms behind.

FTS5 flushes its pending terms at the end of each statement a trigger runs in: a trigger
costs ~28 µs a row when rows come one statement each (executemany), ~5 µs when one statement
inserts many. Ingest therefore inserts each batch as multi-row statements
(logs.services.rows.insert_entry_rows); retention deletes a batch in one statement.
Explicit inserts from ingest would cost about the same and leave every other writer to
remember the index; an 'delete' of a log the index never had would corrupt it.

LogEntry ids come from AUTOINCREMENT: an id is never used twice, so terms left by a log
deleted behind the triggers' back could never name another log; index_rebuild() (what
the migration runs) builds the index again from the logs.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import BooleanField, Min, QuerySet
from django.db.models.expressions import RawSQL

from logs.models import LogEntry

# Tokenizer unicode61 (remove_diacritics 2): words of letters and digits, case and
# diacritics folded ("Überdruck" = "uberdruck").
TABLE = "logs_logentry_fts"


def match_expression(texts: tuple[str, ...]) -> str:
    """An FTS5 query that needs every text, each as a phrase: every term is a quoted string,
    so nothing typed is read as an operator (AND, NEAR, *, ^, column filters)."""
    return " ".join('"' + text.replace('"', '""') + '"' for text in texts)


def matching(logs: QuerySet[LogEntry], texts: tuple[str, ...]) -> QuerySet[LogEntry]:
    return logs.filter(pk__in=RawSQL(*_matches(texts)))  # noqa: S611 (constants; see _matches)


def _matches(texts: tuple[str, ...], *, min_id: int | None = None) -> tuple[str, list[Any]]:
    """SQL for the ids of the logs that hold the texts, and its parameters."""
    sql = f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s"  # noqa: S608 (a constant)
    params: list[Any] = [match_expression(texts)]
    if min_id is not None:
        # FTS5 seeks its doclists to the rowid: only the newer part of a common word is read.
        sql += " AND rowid >= %s"
        params.append(min_id)
    return sql, params


def count_matches(texts: tuple[str, ...], *, limit: int) -> int:
    """How many logs hold the texts, counting at most `limit` (from the index alone)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {TABLE} MATCH %s LIMIT %s)",  # noqa: S608
            [match_expression(texts), limit],
        )
        return cursor.fetchone()[0]


def newest_matching(
    logs: QuerySet[LogEntry], texts: tuple[str, ...], *, size: int, order: tuple[str, ...]
) -> list[LogEntry]:
    """The newest `size` logs of `logs` that hold the texts, in `order` (newest first).

    A word in fewer than SORT_LIMIT logs: all of them, sorted (a few ms). A common word:
    sorting tens of thousands of matches would take longer than the page may, so the search
    looks in the newest logs of the filter first: the N newest (by the filter's own index)
    and, from the full-text index, only the matches at or after the least id among them.
    When that window holds `size` matches they are the newest (none outside it is newer); otherwise
    the window grows eightfold, and after a few tries the search sorts every match.
    """
    if count_matches(texts, limit=SORT_LIMIT) < SORT_LIMIT:
        return list(matching(logs, texts).order_by(*order)[:size])
    total = _id_span()
    # At least SORT_LIMIT of `total` logs match: windows sized for that density find `size`.
    window = max(WINDOW_MIN, 2 * size * total // SORT_LIMIT)
    for _ in range(WINDOW_TRIES):
        edge = list(logs.order_by(*order).values_list("timestamp", flat=True)[window : window + 1])
        if not edge:
            break
        oldest = edge[0]
        # Matches below the window's least id are not in it: the index skips them.
        min_id = logs.order_by(*order)[:window].aggregate(least=Min("pk"))["least"]
        # Unary + keeps SQLite from driving the query from the index's list (reading every
        # match newer than min_id by primary key): it walks the filter's own index from the
        # newest down, stopping at `size` matches, and checks each id against the list.
        sql, params = _matches(texts, min_id=min_id)
        listed = RawSQL(f'+"{LogEntry._meta.db_table}"."id" IN ({sql})', params, BooleanField())  # noqa: S611
        found = list(logs.filter(listed, timestamp__gte=oldest).order_by(*order)[:size])
        if len(found) == size:
            return found
        window *= 8
    return list(matching(logs, texts).order_by(*order)[:size])


# Up to this many matches are sorted whole; more take the window path (a few ms to count).
SORT_LIMIT = 20_000
WINDOW_MIN = 1_000
WINDOW_TRIES = 3


def _id_span() -> int:
    table = LogEntry._meta.db_table
    with connection.cursor() as cursor:
        # Two look-ups at the ends of the primary key; max(id) - min(id) in one SELECT scans.
        cursor.execute(f"SELECT (SELECT max(id) FROM {table}) - (SELECT min(id) FROM {table})")  # noqa: S608
        return (cursor.fetchone()[0] or 0) + 1


def index_rebuild() -> None:
    """Build the index again from every stored log."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('rebuild')")  # noqa: S608


def index_check() -> bool:
    """FTS5's integrity check against the logs: True when the index matches them."""
    from django.db import DatabaseError

    with connection.cursor() as cursor:
        try:
            cursor.execute(
                f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES ('integrity-check', 1)"  # noqa: S608
            )
        except DatabaseError:
            return False
    return True
