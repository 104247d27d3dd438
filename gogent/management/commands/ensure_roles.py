from django.core.management.base import BaseCommand

from gogent.roles import ROLE_PERMISSIONS, roles_ensure


class Command(BaseCommand):
    help = "Create the viewer, operator and admin groups with their permissions (idempotent)."

    def handle(self, *args, **options) -> None:
        granted = roles_ensure()
        for role in ROLE_PERMISSIONS:
            self.stdout.write(f"{role}: {granted[role]} permissions")
