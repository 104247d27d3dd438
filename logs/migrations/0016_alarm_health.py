"""Alarm health's rollups (logs.alarms): new tables only, counted by ingest from now on.

Logs stored before this migration are not in them: `manage.py rebuild_alarm_health` counts
them (README "Alarm health"), once, while ingest waits.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("logs", "0015_syslog_receiver"),
    ]

    operations = [
        migrations.CreateModel(
            name="AlarmScope",
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
                        choices=[("all", "All"), ("site", "Site"), ("line", "Line")], max_length=8
                    ),
                ),
                ("site", models.CharField(blank=True, max_length=100)),
                ("line", models.CharField(blank=True, max_length=100)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "site", "line"), name="alarm_scope_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="AlarmMinute",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("plant", models.PositiveBigIntegerField()),
                ("minute", models.BigIntegerField()),
                ("count", models.PositiveBigIntegerField(default=0)),
                (
                    "pattern",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="logs.logpattern",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["minute"], name="alarm_minute_minute")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("pattern", "plant", "minute"), name="alarm_minute_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="AlarmPatternHour",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("hour", models.IntegerField()),
                ("count", models.PositiveBigIntegerField(default=0)),
                ("chatter", models.PositiveIntegerField(default=0)),
                (
                    "pattern",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="logs.logpattern",
                    ),
                ),
                (
                    "scope",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="logs.alarmscope",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        condition=models.Q(("chatter__gt", 0)),
                        fields=["scope", "hour"],
                        name="alarm_pattern_hour_chatter",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("scope", "hour", "pattern"), name="alarm_pattern_hour_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="AlarmPatternDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.IntegerField()),
                ("count", models.PositiveBigIntegerField(default=0)),
                ("hours", models.PositiveIntegerField(default=0)),
                (
                    "pattern",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="logs.logpattern",
                    ),
                ),
                (
                    "scope",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="logs.alarmscope",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("scope", "day", "pattern"), name="alarm_pattern_day_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="AlarmLoad",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slot", models.IntegerField()),
                (
                    "severity",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (10, "DEBUG"),
                            (20, "INFO"),
                            (25, "NOTICE"),
                            (30, "WARNING"),
                            (40, "ERROR"),
                            (50, "CRITICAL"),
                            (60, "ALERT"),
                            (70, "EMERGENCY"),
                        ]
                    ),
                ),
                ("count", models.PositiveBigIntegerField(default=0)),
                (
                    "scope",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="logs.alarmscope",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("scope", "slot", "severity"), name="alarm_load_unique"
                    )
                ],
            },
        ),
    ]
