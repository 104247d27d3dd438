"""Log text search on PostgreSQL: a GIN index on to_tsvector('simple', message).

An expression index (migration logs 0013), not a stored column: PostgreSQL keeps it in step
with every insert, delete and update itself, in the writer's transaction, so ingest,
retention and replay need no code for it, and no column is added to logs_logentry (a
stored tsvector would be a second copy of every message's words on disk). A query must
spell the indexed expression exactly (VECTOR) for the planner to use the index.

'simple' folds case and keeps every word as written: no stemming and no stop words, since
log text is identifiers, codes and hostnames more than English ("E_PRESS_4" is the phrase
e <-> press <-> 4, "0x1f" one word). Each text is a phrase_to_tsquery of its own, joined
with &&: whatever is typed is parsed as text, never as tsquery operators.
pg_trgm would find substrings too, but its index is several times larger, costs more at
ingest, and a trigram search of a common word reads as many rows as a scan; words and
phrases are what the query language offers on both databases.
"""

from __future__ import annotations

from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from logs.models import LogEntry

CONFIG = "simple"
VECTOR = f'to_tsvector(\'{CONFIG}\'::regconfig, "logs_logentry"."message")'


def matching(logs: QuerySet[LogEntry], texts: tuple[str, ...]) -> QuerySet[LogEntry]:
    query = " && ".join([f"phraseto_tsquery('{CONFIG}'::regconfig, %s)"] * len(texts))
    # Constants and placeholders only; the texts are parameters.
    matches = RawSQL(f"{VECTOR} @@ ({query})", list(texts), output_field=BooleanField())  # noqa: S611
    return logs.filter(matches)


def newest_matching(
    logs: QuerySet[LogEntry], texts: tuple[str, ...], *, size: int, order: tuple[str, ...]
) -> list[LogEntry]:
    """The newest `size` logs of `logs` that hold the texts: the planner chooses between the
    GIN index (a rare word) and walking the timestamp index checking each row (a common one)."""
    return list(matching(logs, texts).order_by(*order)[:size])
