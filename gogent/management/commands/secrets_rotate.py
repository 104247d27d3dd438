"""manage.py secrets_rotate [--dry-run]

Re-encrypts every stored secret (each model's encrypted fields) with the first key of
GOGENT_ENCRYPTION_KEYS, so older keys can then be dropped: docs/deployment.md, "Secrets at
rest". Prints the rows rewritten per model; secrets no key decrypts are named on stderr.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from gogent.audit import Actor, audit_record
from gogent.encryption import secrets_rotate
from gogent.models import AuditEvent


class Command(BaseCommand):
    help = "Re-encrypt every stored secret with the first encryption key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be rewritten; write nothing."
        )

    def handle(self, *args, dry_run: bool, **options) -> None:
        report = secrets_rotate(dry_run=dry_run)
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        verb = "would be re-encrypted" if dry_run else "re-encrypted"
        for label, rows in report.rows.items():
            self.stdout.write(f"{label}: {rows} row{'s' if rows != 1 else ''} {verb}")
        for where in report.unreadable:
            self.stderr.write(
                f"{where}: no key decrypts it; left as it is (enter the secret again in admin)"
            )
        if not dry_run:
            audit_record(
                AuditEvent.Action.SECRETS_ROTATED,
                Actor(label="manage.py secrets_rotate"),
                details={"rows": report.total, "unreadable": len(report.unreadable)},
            )
