"""LogPattern.explanation, and agent_logs.analysis showing it.

The analysis app writes a pattern's current analysis there as plain text, so the
seed's `SELECT ..., analysis FROM agent_logs` shows it for every log of the
pattern. The view is dropped around the column change: SQLite rebuilds the table.
"""

import importlib

from django.db import migrations, models

view_0002 = importlib.import_module("logs.migrations.0002_agent_logs_view")

CREATE_VIEW = f"""
CREATE VIEW agent_logs AS
SELECT
    e.id AS id,
    e.timestamp AS timestamp,
    e.hostname AS hostname,
    CASE e.severity {view_0002.SEVERITY_NAME} END AS severity,
    e.service AS service,
    e.message AS message,
    e.context AS context,
    COALESCE(p.explanation, '') AS analysis,
    e.received_at AS created_at
FROM logs_logentry e
LEFT JOIN logs_logpattern p ON p.id = e.pattern_id
"""


class Migration(migrations.Migration):
    dependencies = [("logs", "0004_group_existing_logs")]

    operations = [
        migrations.RunSQL("DROP VIEW agent_logs", view_0002.CREATE_VIEW),
        migrations.AddField(
            model_name="logpattern",
            name="explanation",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunSQL(CREATE_VIEW, "DROP VIEW agent_logs"),
    ]
