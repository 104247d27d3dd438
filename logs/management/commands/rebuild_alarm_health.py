from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from logs.alarms.rollup import alarms_rebuild


class Command(BaseCommand):
    help = (
        "Count alarm health's rollups again from the stored logs: after changing "
        "ALARM_SEVERITY, or for logs stored before alarm health existed. Ingest waits while "
        "it runs (one transaction), and takes up again where it was; nothing is lost."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="only the last DAYS days (from the start of that UTC day); default: every "
            "stored log",
        )

    def handle(self, *args, days: int | None, **options) -> None:
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1")
        since = datetime.now(UTC) - timedelta(days=days) if days is not None else None
        self.stdout.write(
            f"Counting logs at {settings.ALARM_SEVERITY} or worse as alarms, "
            + (f"from {since:%Y-%m-%d} (UTC)" if since else "every stored log")
            + "; ingest waits until this is done."
        )
        report = alarms_rebuild(
            since=since,
            progress=lambda counted: self.stdout.write(f"  {counted:,} alarms counted"),
        )
        self.stdout.write(self.style.SUCCESS(f"Done: {report.logs:,} alarms counted."))
