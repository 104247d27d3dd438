"""The full-text index of log messages (logs.search): FTS5 on SQLite, GIN on PostgreSQL.

Built over every stored log as it is applied: about 7 s per million logs on SQLite. On
PostgreSQL CREATE INDEX holds writes to logs_logentry while it builds (ingest waits, nothing
is lost: JetStream keeps the messages until they are stored).
No column of logs_logentry changes, so SQLite never rebuilds the table under agent_logs.
Why triggers on SQLite and an expression index on PostgreSQL: logs/search/sqlite.py and
logs/search/postgres.py.
"""

from django.db import migrations

FTS = "logs_logentry_fts"
# columnsize=0: no per-log row of token counts (only bm25 ranking reads it; results come
# newest first): about a quarter less work per log at ingest.
SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(message, content='logs_logentry', "
    "content_rowid='id', columnsize=0, tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {FTS}_insert AFTER INSERT ON logs_logentry BEGIN "
    f"INSERT INTO {FTS} (rowid, message) VALUES (new.id, new.message); END",
    f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON logs_logentry BEGIN "
    f"INSERT INTO {FTS} ({FTS}, rowid, message) VALUES ('delete', old.id, old.message); END",
    f"CREATE TRIGGER {FTS}_update AFTER UPDATE OF message ON logs_logentry BEGIN "
    f"INSERT INTO {FTS} ({FTS}, rowid, message) VALUES ('delete', old.id, old.message); "
    f"INSERT INTO {FTS} (rowid, message) VALUES (new.id, new.message); END",
    # Merge segments 16 at a time, not 4: a quarter less work per log at ingest (a batch is
    # one segment), measured with searches as fast at a million logs.
    f"INSERT INTO {FTS} ({FTS}, rank) VALUES ('automerge', 16)",
    # Every log stored before the index existed.
    f"INSERT INTO {FTS} ({FTS}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS}_update",
    f"DROP TRIGGER IF EXISTS {FTS}_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_insert",
    f"DROP TABLE IF EXISTS {FTS}",
]
POSTGRES_CREATE = [
    "CREATE INDEX IF NOT EXISTS logentry_message_fts ON logs_logentry "
    "USING gin (to_tsvector('simple'::regconfig, message))"
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS logentry_message_fts"]


def create(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for sql in POSTGRES_CREATE if postgres else SQLITE_CREATE:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for sql in POSTGRES_DROP if postgres else SQLITE_DROP:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("logs", "0012_pattern_snooze"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
