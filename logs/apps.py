import sys

from django.apps import AppConfig
from django.conf import settings
from django.db import connections
from django.db.models.signals import post_migrate


class LogsConfig(AppConfig):
    name = "logs"
    verbose_name = "Logs"

    def ready(self) -> None:
        # The seed's data/agent.db: made with Gogent's database, checked after every migrate.
        post_migrate.connect(_seed_db_link, sender=self, dispatch_uid="logs.seed_db_link")


def _seed_db_link(*, using: str, verbosity: int = 1, stdout=None, **kwargs) -> None:
    from logs.seed import SeedLink, seed_db_link_ensure

    database = connections[using].settings_dict
    if seed_db_link_ensure(database=database) is SeedLink.CREATED and verbosity >= 1:
        (stdout or sys.stdout).write(
            f"Linked {settings.DATA_DIR / settings.SEED_DB_LINK} to {database['NAME']}: "
            "the Go seed's queries on it read Gogent's logs (agent_logs).\n"
        )
