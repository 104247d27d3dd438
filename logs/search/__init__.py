"""Log search over every retained log: the query language and the one selector.

A query is words (every one must be in the message), "quoted phrases" (those words in that
order) and field terms: `host:` and `service:` (exact, or a glob with `*` and `?`; several of
one field mean any of them) and `severity:` (that severity or worse, by the names logs show:
debug, info, notice, warning, error, critical, alert, emergency, or their aliases). Words match
whole words as the database's full-text tokenizer splits them (letters and digits; `E_PRESS_4`
is the phrase "e press 4", so `press` finds it too), case-insensitively.

The text goes to a full-text index kept in step by ingest and retention: SQLite's FTS5
(logs.search.sqlite) or PostgreSQL's tsvector GIN index (logs.search.postgres). A query that
cannot be understood raises SearchSyntaxError with a message for the person who typed it;
whatever is typed, every word reaches the database as a quoted string, never as operators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import ModuleType

from django.db import connection
from django.db.models import Q, QuerySet

from gogent.numbers import ascii_digits
from logs.models import LogEntry, Severity
from logs.validation import SEVERITY_ALIASES, SYSLOG_SEVERITIES

MAX_QUERY_LENGTH = 1000
MAX_TERMS = 32
FIELDS = ("host", "service", "severity")
HELP = (
    'Words (all must match), "exact phrases", host:plc-* service:mes-api severity:error '
    "(error or worse)."
)

# A field term: a name of letters, a colon, then a value (bare, or a quoted phrase).
# "http://..." and "10:32:01" are text: the value of a field never starts with "/", and a
# name is letters only.
_FIELD = re.compile(r"([A-Za-z][A-Za-z_]*):(?!//)")
_WORD_CHARACTER = re.compile(r"\w", re.UNICODE)


class SearchSyntaxError(ValueError):
    """The query cannot be understood; str() says why, for the person who typed it."""


@dataclass(frozen=True)
class SearchQuery:
    # Each must be in the message: a word, or a phrase of words in order.
    texts: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    min_severity: int | None = None

    def __bool__(self) -> bool:
        return bool(self.texts or self.hosts or self.services or self.min_severity is not None)


def parse_query(text: str) -> SearchQuery:
    """The query `text` as terms, or SearchSyntaxError naming what is wrong."""
    if len(text) > MAX_QUERY_LENGTH:
        raise SearchSyntaxError(
            f"The search is {len(text)} characters long; at most {MAX_QUERY_LENGTH}."
        )
    if "\x00" in text:
        raise SearchSyntaxError("The search holds a NUL character.")
    texts: list[str] = []
    fields: dict[str, list[str]] = {name: [] for name in FIELDS}
    for name, value in _terms(text):
        if name:
            if name not in FIELDS:
                raise SearchSyntaxError(
                    f'Unknown field "{name}:"; the fields are host:, service: and severity:. '
                    f'To search for the text, put it in quotes: "{name}:{value}".'
                )
            if not value:
                raise SearchSyntaxError(f'"{name}:" needs a value, as in {name}:{_EXAMPLE[name]}.')
            fields[name].append(value)
        elif _WORD_CHARACTER.search(value):
            texts.append(value)
        # A term of punctuation alone (`*`, `-`, `&&`) holds no word the index knows: skipped.
    if len(texts) + sum(map(len, fields.values())) > MAX_TERMS:
        raise SearchSyntaxError(f"The search has too many terms; at most {MAX_TERMS}.")
    if not texts and not any(fields.values()) and text.strip():
        raise SearchSyntaxError("Search for words: letters or digits, not punctuation alone.")
    return SearchQuery(
        texts=tuple(dict.fromkeys(texts)),
        hosts=tuple(dict.fromkeys(fields["host"])),
        services=tuple(dict.fromkeys(fields["service"])),
        min_severity=max(map(_severity, fields["severity"]), default=None),
    )


_EXAMPLE = {"host": "plc-l01-03", "service": "mes-api", "severity": "error"}


def _terms(text: str) -> list[tuple[str, str]]:
    """(field name or "", value) for each term, left to right; phrases unquoted."""
    terms: list[tuple[str, str]] = []
    position, end = 0, len(text)
    while position < end:
        if text[position].isspace():
            position += 1
            continue
        name = ""
        field = _FIELD.match(text, position)
        if field:
            name = field.group(1).lower()
            position = field.end()
        if position < end and text[position] == '"':
            closing = text.find('"', position + 1)
            if closing < 0:
                raise SearchSyntaxError(
                    'A quote is not closed: a phrase goes between two double quotes ("...").'
                )
            terms.append((name, text[position + 1 : closing].strip()))
            position = closing + 1
            continue
        start = position
        while position < end and not text[position].isspace() and text[position] != '"':
            position += 1
        terms.append((name, text[start:position]))
    return terms


def _severity(value: str) -> int:
    key = value.strip().lower()
    if key in SEVERITY_ALIASES:
        return int(SEVERITY_ALIASES[key])
    if ascii_digits(key) and int(key) < len(SYSLOG_SEVERITIES):
        return int(SYSLOG_SEVERITIES[int(key)])
    names = ", ".join(label.lower() for label in Severity.labels)
    raise SearchSyntaxError(f'Unknown severity "{value}"; use one of {names} (or syslog 0-7).')


_GLOB = {"*": ".*", "?": "."}


def _glob(column: str, patterns: tuple[str, ...]) -> Q:
    """Any of the patterns: exact values use the column's index, globs a regex."""
    condition = Q()
    for pattern in patterns:
        if "*" in pattern or "?" in pattern:
            # Written out, not fnmatch.translate(): its \Z and atomic groups are Python's own;
            # this is a regex both SQLite (Python's re) and PostgreSQL read alike.
            regex = "".join(_GLOB.get(character, re.escape(character)) for character in pattern)
            condition |= Q(**{f"{column}__regex": f"^{regex}$"})
        else:
            condition |= Q(**{column: pattern})
    return condition


def search_logs(logs: QuerySet[LogEntry], query: SearchQuery) -> QuerySet[LogEntry]:
    """The logs of `logs` that match `query`, as a queryset (for reads that go through all
    of them, such as the export); pages use search_newest()."""
    logs = _fields(logs, query)
    return _backend().matching(logs, query.texts) if query.texts else logs


def search_newest(
    logs: QuerySet[LogEntry], query: SearchQuery, *, size: int, order: tuple[str, ...]
) -> list[LogEntry]:
    """The first `size` logs of `logs` in `order` (newest first) that match `query`, read
    the fastest way the database's index allows."""
    logs = _fields(logs, query)
    if not query.texts:
        return list(logs.order_by(*order)[:size])
    return _backend().newest_matching(logs, query.texts, size=size, order=order)


def _fields(logs: QuerySet[LogEntry], query: SearchQuery) -> QuerySet[LogEntry]:
    if query.hosts:
        logs = logs.filter(_glob("hostname", query.hosts))
    if query.services:
        logs = logs.filter(_glob("service", query.services))
    if query.min_severity is not None:
        logs = logs.filter(severity__gte=query.min_severity)
    return logs


def _backend() -> ModuleType:
    if connection.vendor == "postgresql":
        from logs.search import postgres

        return postgres
    from logs.search import sqlite

    return sqlite
