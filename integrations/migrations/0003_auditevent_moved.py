"""The audit log moves to gogent (every app records there now): rows are copied with
their ids, patterns and tickets kept as plain ids, then this app's table goes."""

from django.core.management.color import no_style
from django.db import migrations

FIELDS = [
    "id", "created_at", "action", "actor_id", "actor_label", "ticket_id", "pattern_id",
    "object_type", "object_id", "object_repr", "reason", "details",
]  # fmt: skip
BATCH = 2000


def copy_events(apps, schema_editor):
    old = apps.get_model("integrations", "AuditEvent")
    new = apps.get_model("gogent", "AuditEvent")
    last = 0
    while True:
        rows = list(old.objects.filter(pk__gt=last).order_by("pk").values(*FIELDS)[:BATCH])
        if not rows:
            break
        new.objects.bulk_create([new(**row) for row in rows])
        last = rows[-1]["id"]
    # auto_now_add set created_at on the copies: give them back their own times.
    for row in old.objects.order_by("pk").values("id", "created_at").iterator(BATCH):
        new.objects.filter(pk=row["id"]).update(created_at=row["created_at"])
    _reset_sequence(schema_editor, new)


def copy_events_back(apps, schema_editor):
    old = apps.get_model("integrations", "AuditEvent")
    new = apps.get_model("gogent", "AuditEvent")
    for row in new.objects.order_by("pk").values(*FIELDS).iterator(BATCH):
        old.objects.create(**row)
        old.objects.filter(pk=row["id"]).update(created_at=row["created_at"])
    _reset_sequence(schema_editor, old)


def _reset_sequence(schema_editor, model):
    """PostgreSQL: rows inserted with explicit ids leave the id sequence behind."""
    statements = schema_editor.connection.ops.sequence_reset_sql(no_style(), [model])
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0002_ticketrule_accept_offline"),
        ("gogent", "0002_auditevent"),
    ]

    operations = [
        migrations.RunPython(copy_events, copy_events_back),
        migrations.DeleteModel(name="AuditEvent"),
    ]
