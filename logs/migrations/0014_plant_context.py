"""Plant context: context rules, places (PlantContext) and each log's place.

Adding the nullable column is an ALTER TABLE on SQLite, but removing it (migrating back)
rebuilds logs_logentry: agent_logs is dropped around the change, with 0011's SQL.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

view_0011 = importlib.import_module("logs.migrations.0011_agent_logs_rfc3339")


class Migration(migrations.Migration):
    dependencies = [
        ("logs", "0013_search_index"),
    ]

    operations = [
        migrations.RunPython(view_0011.view_drop, view_0011.view_create),
        migrations.CreateModel(
            name="ContextRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, unique=True)),
                (
                    "position",
                    models.PositiveIntegerField(
                        default=100, help_text="Rules apply in this order, lowest first."
                    ),
                ),
                ("enabled", models.BooleanField(default=True)),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("hostname", "Host name"),
                            ("service", "Service"),
                            ("context", "A context field"),
                            ("any", "Every log"),
                        ],
                        default="hostname",
                        max_length=16,
                    ),
                ),
                (
                    "context_field",
                    models.CharField(
                        blank=True,
                        help_text="For 'A context field': its path in the log's context, dots between levels (line, or plant.line).",
                        max_length=200,
                    ),
                ),
                (
                    "pattern",
                    models.CharField(
                        blank=True,
                        help_text="RE2 syntax, searched in the value. Named groups fill the keys they are named after: plc-line(?P<line>\\d+)-(?P<cell>\\d+). Blank: any value matches.",
                        max_length=500,
                        verbose_name="regular expression",
                    ),
                ),
                (
                    "assign_to",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("site", "Site"),
                            ("area", "Area"),
                            ("line", "Line"),
                            ("cell", "Cell"),
                            ("asset", "Asset"),
                        ],
                        help_text="The whole value (or the regular expression's match) fills this key.",
                        max_length=16,
                        verbose_name="value goes to",
                    ),
                ),
                ("site", models.CharField(blank=True, max_length=100)),
                ("area", models.CharField(blank=True, max_length=100)),
                ("line", models.CharField(blank=True, max_length=100)),
                ("cell", models.CharField(blank=True, max_length=100)),
                ("asset", models.CharField(blank=True, max_length=100)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "context rule",
                "ordering": ["position", "name"],
            },
        ),
        migrations.AlterField(
            model_name="logpatternstat",
            name="dimension",
            field=models.CharField(
                choices=[
                    ("severity", "Severity"),
                    ("host", "Host"),
                    ("service", "Service"),
                    ("hour", "Hour"),
                    ("site", "Site"),
                    ("area", "Area"),
                    ("line", "Line"),
                    ("cell", "Cell"),
                    ("asset", "Asset"),
                ],
                max_length=16,
            ),
        ),
        migrations.CreateModel(
            name="PlantContext",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("site", models.CharField(blank=True, max_length=100)),
                ("area", models.CharField(blank=True, max_length=100)),
                ("line", models.CharField(blank=True, max_length=100)),
                ("cell", models.CharField(blank=True, max_length=100)),
                ("asset", models.CharField(blank=True, max_length=100)),
            ],
            options={
                "verbose_name": "plant context",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("site", "area", "line", "cell", "asset"),
                        name="plant_context_unique",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="logentry",
            name="plant",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="logs.plantcontext",
            ),
        ),
        migrations.AddIndex(
            model_name="logentry",
            index=models.Index(
                condition=models.Q(("plant__isnull", False)),
                fields=["plant", "timestamp"],
                name="logentry_plant_ts",
            ),
        ),
        migrations.RunPython(view_0011.view_create, view_0011.view_drop),
    ]
