"""manage.py create_api_key --role operator --name grafana [--expires-in-days 90]

Prints the key alone on stdout (for scripts: KEY=$(manage.py create_api_key ...)) and
what it is on stderr. The key is shown this once; only its hash is stored.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gogent.apikeys import api_key_create
from gogent.audit import Actor
from gogent.models import ApiKey


class Command(BaseCommand):
    help = "Create an API key for /api and /metrics; the key is printed once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", required=True, choices=ApiKey.Role.values)
        parser.add_argument("--name", required=True, help="Who or what uses it.")
        parser.add_argument(
            "--expires-in-days", type=int, default=None, help="Default: never expires."
        )

    def handle(self, *args, role: str, name: str, expires_in_days: int | None, **options) -> None:
        if not name.strip():
            raise CommandError("--name must not be empty")
        expires_at = None
        if expires_in_days is not None:
            if expires_in_days < 1:
                raise CommandError("--expires-in-days must be at least 1")
            expires_at = timezone.now() + timedelta(days=expires_in_days)
        key, raw_key = api_key_create(
            name=name.strip(),
            role=role,
            expires_at=expires_at,
            created_by=Actor(label="manage.py create_api_key"),
        )
        expiry = f"expires {expires_at:%Y-%m-%d %H:%M} UTC" if expires_at else "never expires"
        self.stderr.write(
            f"Created API key {key.name!r} ({key.role}, {expiry}). "
            "Store it now: it is not shown again."
        )
        self.stdout.write(raw_key)
