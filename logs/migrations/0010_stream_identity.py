"""A log's identity includes its stream's: (stream_epoch, stream_seq) replaces the unique
stream_seq, so a recreated stream's sequences never look stored. Existing rows keep
epoch 0, which the first stream the consumer meets afterwards adopts when it is the
same life of the stream (see logs.services.stream_epoch_record).

The agent_logs view is dropped around the change: SQLite rebuilds the table.
"""

import importlib

from django.db import migrations, models

AGENT_LOGS_VIEW = importlib.import_module("logs.migrations.0005_pattern_explanation").CREATE_VIEW


class Migration(migrations.Migration):
    dependencies = [
        ("logs", "0009_console_indexes"),
    ]

    operations = [
        migrations.RunSQL("DROP VIEW agent_logs", AGENT_LOGS_VIEW),
        migrations.CreateModel(
            name="IngestEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("bad_reply_subject", "Reply header not a valid subject (ignored)"),
                            ("reply_not_sent", "Receipt or reply could not be published"),
                        ],
                        max_length=32,
                        unique=True,
                    ),
                ),
                ("count", models.PositiveBigIntegerField(default=0)),
                ("last_at", models.DateTimeField()),
                ("last_detail", models.TextField(blank=True, default="")),
            ],
        ),
        migrations.CreateModel(
            name="StreamEpoch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField(unique=True)),
                ("stream", models.CharField(max_length=255)),
                ("created", models.DateTimeField()),
                ("is_reset", models.BooleanField(default=False)),
                ("previous_last_seq", models.PositiveBigIntegerField(blank=True, null=True)),
                ("detected_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.AddField(
            model_name="logentry",
            name="stream_epoch",
            field=models.PositiveIntegerField(db_default=0, default=0),
        ),
        migrations.AddField(
            model_name="rejectedmessage",
            name="stream_epoch",
            field=models.PositiveIntegerField(db_default=0, default=0),
        ),
        migrations.AlterField(
            model_name="logentry",
            name="stream_seq",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AlterField(
            model_name="rejectedmessage",
            name="reason",
            field=models.CharField(
                choices=[
                    ("too_large", "Payload too large"),
                    ("not_utf8", "Not UTF-8"),
                    ("not_json", "Not JSON"),
                    ("nul_character", "NUL character"),
                    ("too_deep", "Nesting too deep"),
                    ("not_object", "Not a JSON object"),
                    ("missing_message", "Missing message"),
                    ("invalid_message", "Invalid message"),
                    ("invalid_timestamp", "Invalid timestamp"),
                    ("invalid_severity", "Invalid severity"),
                    ("invalid_hostname", "Invalid hostname"),
                    ("invalid_service", "Invalid service"),
                    ("invalid_context", "Invalid context"),
                    ("store_failed", "Could not be stored"),
                    ("max_deliveries", "Too many deliveries"),
                ],
                max_length=32,
            ),
        ),
        migrations.AlterField(
            model_name="rejectedmessage",
            name="stream_seq",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name="logentry",
            constraint=models.UniqueConstraint(
                fields=("stream_epoch", "stream_seq"), name="logentry_stream_position"
            ),
        ),
        migrations.AddConstraint(
            model_name="rejectedmessage",
            constraint=models.UniqueConstraint(
                fields=("stream_epoch", "stream_seq"), name="rejected_stream_position"
            ),
        ),
        migrations.AddConstraint(
            model_name="streamepoch",
            constraint=models.UniqueConstraint(
                fields=("stream", "created"), name="stream_epoch_identity"
            ),
        ),
        migrations.RunSQL(AGENT_LOGS_VIEW, "DROP VIEW agent_logs"),
    ]
