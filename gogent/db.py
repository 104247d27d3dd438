"""Writing many rows at once, the fastest way each database backend offers."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import connection, models


def insert_rows(
    cursor: Any,
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    on_conflict: str,
    *,
    returning: str = "",
) -> list[tuple] | None:
    """INSERT `rows` (one value per column, in order) into the model's table, then
    `on_conflict` (an ON CONFLICT clause). Values are adapted for the database already.
    With `returning` (column names, PostgreSQL only), the rows the statement returned.

    SQLite runs in process, so executemany costs little per row. On PostgreSQL each row of
    an executemany is a statement of its own; here the batch goes as one array per column,
    unnested by the server: one short statement, one round trip. An ON CONFLICT ... DO
    UPDATE needs rows with distinct keys (PostgreSQL updates a row once per statement).
    """
    if not rows:
        return [] if returning else None
    head, values, column_arrays = _insert_sql(model, tuple(columns), connection.vendor)
    if returning:
        if not column_arrays:
            raise ValueError("RETURNING rows of an executemany: PostgreSQL only")
        on_conflict = f"{on_conflict} RETURNING {returning}"
    if column_arrays:
        # Django's psycopg cursors bind on the client, quoting each value into the SQL text;
        # a server-side binding cursor sends the arrays as parameters, in binary (%b).
        # Imported here: SQLite processes need not load psycopg (about 10 MiB). This cursor
        # is not Django's, so the statement is not in connection.queries.
        import psycopg

        with psycopg.Cursor(connection.connection) as server_binding:
            server_binding.execute(
                f"{head} {values} {on_conflict}",
                [list(column) for column in zip(*rows, strict=True)],
            )
            return server_binding.fetchall() if returning else None
    cursor.executemany(f"{head} {values} {on_conflict}", rows)
    return None


@cache
def _insert_sql(
    model: type[models.Model], columns: tuple[str, ...], vendor: str
) -> tuple[str, str, bool]:
    quote = connection.ops.quote_name
    # Identifiers come from model metadata, values are parameters: nothing user-supplied.
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))})"
    if vendor == "postgresql":
        types = [model._meta.get_field(name).db_type(connection) for name in columns]
        arrays = ", ".join(f"%b::{db_type}[]" for db_type in types)
        return head, f"SELECT * FROM unnest({arrays})", True  # noqa: S608 (types from models)
    return head, "VALUES (" + ", ".join(["%s"] * len(columns)) + ")", False
