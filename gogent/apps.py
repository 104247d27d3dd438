from django.apps import AppConfig
from django.db.models.signals import post_migrate


class GogentConfig(AppConfig):
    name = "gogent"
    verbose_name = "Gogent"

    def ready(self) -> None:
        # Roles need the permissions Django creates after each app migrates.
        post_migrate.connect(_ensure_roles, dispatch_uid="gogent.roles")


def _ensure_roles(**kwargs) -> None:
    from gogent.roles import roles_ensure

    roles_ensure()
