"""agent_logs: the Gogent seed's table, as a view over LogEntry.

Queries written for the seed (SELECT timestamp, severity, message, analysis
FROM agent_logs ...) keep working. Severity is shown by name, as the seed
stored it; analysis stays '' (not NULL, which Go's string scan rejects)
until the analysis app fills it.
"""

from django.db import migrations

# Frozen copy of logs.models.Severity at the time of this migration.
SEVERITY_NAMES = {
    10: "DEBUG",
    20: "INFO",
    25: "NOTICE",
    30: "WARNING",
    40: "ERROR",
    50: "CRITICAL",
    60: "ALERT",
    70: "EMERGENCY",
}
SEVERITY_NAME = " ".join(f"WHEN {value} THEN '{name}'" for value, name in SEVERITY_NAMES.items())

CREATE_VIEW = f"""
CREATE VIEW agent_logs AS
SELECT
    e.id AS id,
    e.timestamp AS timestamp,
    e.hostname AS hostname,
    CASE e.severity {SEVERITY_NAME} END AS severity,
    e.service AS service,
    e.message AS message,
    e.context AS context,
    '' AS analysis,
    e.received_at AS created_at
FROM logs_logentry e
"""


class Migration(migrations.Migration):
    dependencies = [("logs", "0001_initial")]

    operations = [migrations.RunSQL(CREATE_VIEW, "DROP VIEW agent_logs")]
