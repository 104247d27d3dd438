"""agent_logs.timestamp as RFC 3339 text, as the Go seed's column read.

The seed's `timestamp` was TEXT holding the producer's RFC 3339 string. Gogent's is a
datetime, which SQLite keeps as "2026-12-04 14:00:00.123456" (no T, no zone, no fraction
when it is zero) and PostgreSQL returns as a timestamptz. The view now gives every log
as UTC with six fraction digits and a Z, "2026-12-04T14:00:00.123456Z": the same width
for every row, so the seed's ORDER BY timestamp, a text sort, is chronological.

That sort cannot use the timestamp index: the seed's query reads the whole table (about
a third of a second per million logs on SQLite), as it did in the seed, which had no
index. Gogent's own pages and API read LogEntry through its indexes.

A later migration that rebuilds logs_logentry on SQLite drops the view first and makes
it again after, with `view_create` and `view_drop` from here (the SQL differs by vendor).
"""

import importlib

from django.db import migrations

view_0002 = importlib.import_module("logs.migrations.0002_agent_logs_view")
VIEW_0005 = importlib.import_module("logs.migrations.0005_pattern_explanation").CREATE_VIEW

# Django stores a datetime in SQLite as str() of its naive UTC value: "YYYY-MM-DD HH:MM:SS"
# with ".ffffff" only when the microseconds are not zero.
SQLITE_TIMESTAMP = (
    "substr(e.timestamp, 1, 10) || 'T' || substr(e.timestamp, 12, 8) || '.' || "
    "substr(substr(e.timestamp, 21) || '000000', 1, 6) || 'Z'"
)
# COLLATE "C": byte order, whatever the database's collation, so text order is time order.
POSTGRESQL_TIMESTAMP = (
    'to_char(e.timestamp AT TIME ZONE \'UTC\', \'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\') COLLATE "C"'
)
TIMESTAMPS = {"sqlite": SQLITE_TIMESTAMP, "postgresql": POSTGRESQL_TIMESTAMP}

VIEW = """
CREATE VIEW agent_logs AS
SELECT
    e.id AS id,
    {timestamp} AS timestamp,
    e.hostname AS hostname,
    CASE e.severity {severity_name} END AS severity,
    e.service AS service,
    e.message AS message,
    e.context AS context,
    COALESCE(p.explanation, '') AS analysis,
    e.received_at AS created_at
FROM logs_logentry e
LEFT JOIN logs_logpattern p ON p.id = e.pattern_id
"""


def create_view_sql(vendor: str) -> str:
    if vendor not in TIMESTAMPS:
        raise NotImplementedError(
            f"agent_logs: no RFC 3339 timestamp for the {vendor} backend (SQLite or PostgreSQL)"
        )
    return VIEW.format(timestamp=TIMESTAMPS[vendor], severity_name=view_0002.SEVERITY_NAME)


def view_create(apps, schema_editor) -> None:
    schema_editor.execute(create_view_sql(schema_editor.connection.vendor))


def view_drop(apps, schema_editor) -> None:
    schema_editor.execute("DROP VIEW agent_logs")


def _view_0005_create(apps, schema_editor) -> None:
    schema_editor.execute(VIEW_0005)


class Migration(migrations.Migration):
    dependencies = [("logs", "0010_stream_identity")]

    operations = [
        migrations.RunPython(view_drop, _view_0005_create),
        migrations.RunPython(view_create, view_drop),
    ]
