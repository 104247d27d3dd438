"""Operators' grouping corrections (GroupingRule) and the patterns a split makes.

Adding the nullable split_rule column is an ALTER TABLE on SQLite, but removing it
(migrating back) rebuilds logs_logpattern: agent_logs is dropped around the change, with
0011's SQL, as 0014 does.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

view_0011 = importlib.import_module("logs.migrations.0011_agent_logs_rfc3339")


class Migration(migrations.Migration):
    dependencies = [
        ("logs", "0016_alarm_health"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(view_0011.view_drop, view_0011.view_create),
        migrations.AlterModelOptions(
            name="logpattern",
            options={
                "permissions": [
                    ("triage_pattern", "Can mute, resolve and reopen patterns"),
                    (
                        "correct_grouping",
                        "Can merge and split patterns, and undo those corrections",
                    ),
                ]
            },
        ),
        migrations.CreateModel(
            name="GroupingRule",
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
                        choices=[("merge", "Merge"), ("split", "Split")], max_length=8
                    ),
                ),
                ("template", models.TextField()),
                ("place", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("value", models.TextField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("created_by_label", models.CharField(max_length=200)),
                ("undone_at", models.DateTimeField(blank=True, null=True)),
                ("undone_by_label", models.CharField(blank=True, default="", max_length=200)),
                ("revision", models.PositiveBigIntegerField(default=0)),
                ("logs_moved_at", models.DateTimeField(blank=True, null=True)),
                ("logs_moved", models.PositiveBigIntegerField(default=0)),
                ("logs_move_error", models.TextField(blank=True, default="")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "pattern",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="logs.logpattern",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="logs.logpattern",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="logpattern",
            name="split_rule",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="patterns",
                to="logs.groupingrule",
            ),
        ),
        migrations.AddIndex(
            model_name="groupingrule",
            index=models.Index(
                condition=models.Q(("undone_at", None)), fields=["id"], name="grouping_rule_active"
            ),
        ),
        migrations.RunPython(view_0011.view_create, view_0011.view_drop),
    ]
