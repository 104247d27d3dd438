"""Group logs stored before patterns existed, so every LogEntry points to its pattern.

Runs the template miner over the stored messages in stream order (what ingest
would have done), then writes patterns, entry links and counters in bulk.
"""

from django.db import migrations
from django.db.models import Count, Max, Min

from logs.grouping import TemplateMiner

CHUNK = 5000
# Frozen copy of logs.models.Severity labels at the time of this migration.
SEVERITY_NAMES = {10: "DEBUG", 20: "INFO", 25: "NOTICE", 30: "WARNING", 40: "ERROR",
                  50: "CRITICAL", 60: "ALERT", 70: "EMERGENCY"}  # fmt: skip


def group_existing_logs(apps, schema_editor):
    LogEntry = apps.get_model("logs", "LogEntry")
    LogPattern = apps.get_model("logs", "LogPattern")
    LogPatternStat = apps.get_model("logs", "LogPatternStat")
    if not LogEntry.objects.filter(pattern__isnull=True).exists():
        return

    miner = TemplateMiner()
    absorbed_into: dict[str, str] = {}
    entry_keys: dict[str, list[int]] = {}
    samples: dict[str, str] = {}
    ungrouped = LogEntry.objects.filter(pattern__isnull=True).order_by("stream_seq")
    for entry_id, message in ungrouped.values_list("id", "message").iterator(chunk_size=CHUNK):
        match = miner.add(message)
        key = match.cluster.key
        for absorbed in match.merged:
            absorbed_into[absorbed] = key
        entry_keys.setdefault(key, []).append(entry_id)
        samples.setdefault(key, message)

    def survivor(key: str) -> str:
        while key in absorbed_into:
            key = absorbed_into[key]
        return key

    templates = {cluster.key: cluster.template for cluster in miner.clusters()}
    for key, entry_ids in entry_keys.items():
        final = survivor(key)
        pattern, _ = LogPattern.objects.get_or_create(
            key=final,
            defaults={
                "template": templates.get(final, samples[key]),
                "sample_message": samples.get(final, samples[key]),
                "first_seen": "1970-01-01T00:00:00Z",
                "last_seen": "1970-01-01T00:00:00Z",
                "max_severity": 20,
            },
        )
        for start in range(0, len(entry_ids), CHUNK):
            LogEntry.objects.filter(id__in=entry_ids[start : start + CHUNK]).update(pattern=pattern)

    for totals in LogEntry.objects.values("pattern").annotate(
        count=Count("id"), first=Min("timestamp"), last=Max("timestamp"), worst=Max("severity")
    ):
        LogPattern.objects.filter(pk=totals["pattern"]).update(
            count=totals["count"],
            first_seen=totals["first"],
            last_seen=totals["last"],
            max_severity=totals["worst"],
        )
    LogPatternStat.objects.all().delete()
    for dimension, field in (
        ("severity", "severity"),
        ("host", "hostname"),
        ("service", "service"),
    ):
        entries = (
            LogEntry.objects.all()
            if dimension == "severity"
            else (
                LogEntry.objects.exclude(**{field: ""})  # no row for an empty host or service
            )
        )
        rows = entries.values("pattern", field).annotate(count=Count("id"), last=Max("timestamp"))
        LogPatternStat.objects.bulk_create(
            LogPatternStat(
                pattern_id=row["pattern"],
                dimension=dimension,
                value=SEVERITY_NAMES[row[field]] if dimension == "severity" else row[field],
                count=row["count"],
                last_seen=row["last"],
            )
            for row in rows
        )


class Migration(migrations.Migration):
    dependencies = [("logs", "0003_log_patterns")]

    operations = [migrations.RunPython(group_existing_logs, migrations.RunPython.noop)]
