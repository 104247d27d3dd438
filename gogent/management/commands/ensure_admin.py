import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from gogent.audit import Actor, audit_record
from gogent.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Create the first admin account with a generated password, printed once. "
        "Does nothing when a superuser already exists."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options) -> None:
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("An admin account exists already; no account created.")
            return
        password = secrets.token_urlsafe(18)
        user = User.objects.create_superuser(username=username, email="", password=password)
        audit_record(
            AuditEvent.Action.USER_ADDED,
            Actor(label="manage.py ensure_admin"),
            obj=user,
            details={"fields": ["username", "password", "is_staff", "is_superuser"]},
        )
        self.stdout.write(
            self.style.SUCCESS(
                "\n"
                "  Created the admin account. This password is shown only now:\n"
                f"    username: {username}\n"
                f"    password: {password}\n"
                "  Change it after logging in; `manage.py changepassword "
                f"{username}` resets it.\n"
            )
        )
