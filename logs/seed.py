"""The Go seed's database name: `sqlite3 data/agent.db "SELECT ... FROM agent_logs ..."`.

The seed kept its logs in data/agent.db; Gogent's embedded default is data/gogent.db, with
the seed's table as the view agent_logs. `migrate` makes SEED_DB_LINK (agent.db) in the
data dir a symbolic link to gogent.db, so the seed's command line works as written.

A link, because SQLite resolves it when it opens the file: the -wal and -shm files are
gogent.db's whichever name a client opened, and a reader through agent.db sees every
committed write. A copy would go stale; a hard link would give its readers a WAL file of
their own (agent.db-wal), without gogent.db's latest writes.

Never overwritten: a real file of that name (the seed's own database, say) is left alone,
with a warning.
"""

from __future__ import annotations

import logging
import os
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

DEFAULT_DATABASE_NAME = "gogent.db"


class SeedLink(StrEnum):
    CREATED = "created"
    PRESENT = "present"
    NOT_USED = "not used"  # turned off, or not the embedded default database
    BLOCKED = "blocked"  # something else has the name, or the link could not be made


def seed_db_link_ensure(*, database: dict[str, Any]) -> SeedLink:
    """Make DATA_DIR/SEED_DB_LINK a link to gogent.db when `database` (a connection's
    settings_dict) is the embedded default: SQLite at DATA_DIR/gogent.db. What is in
    the way is left alone and logged as a warning."""
    name = settings.SEED_DB_LINK
    default = Path(settings.DATA_DIR) / DEFAULT_DATABASE_NAME
    if (
        not name
        or name == DEFAULT_DATABASE_NAME
        or not database["ENGINE"].endswith("sqlite3")
        or Path(str(database["NAME"])) != default
    ):
        return SeedLink.NOT_USED
    link = Path(settings.DATA_DIR) / name
    if not link.is_symlink() and not link.exists():
        try:
            # Relative: the link stays right when the data dir is moved or mounted elsewhere.
            os.symlink(DEFAULT_DATABASE_NAME, link)
        except FileExistsError:
            pass  # another migrate made it (or something else took the name): look again
        except OSError as error:
            logger.warning(
                "Could not link %s to %s for the Go seed's queries: %s. Query %s instead, "
                "or set SEED_DB_LINK= (empty) to stop trying.",
                link, DEFAULT_DATABASE_NAME, error.strerror or error, default,
            )  # fmt: skip
            return SeedLink.BLOCKED
        else:
            return SeedLink.CREATED
    if link.is_symlink() and link.resolve() == default.resolve():
        return SeedLink.PRESENT
    what = f"a link to {os.readlink(link)}" if link.is_symlink() else "not a link"
    logger.warning(
        "%s is %s, so it was left alone: the Go seed's query on it does not read "
        "Gogent's logs, which are in %s. If it is the seed's old database, keep it "
        "elsewhere and run migrate again to link the name to Gogent's; or set "
        "SEED_DB_LINK to another name, or empty to stop linking.",
        link, what, default,
    )  # fmt: skip
    return SeedLink.BLOCKED
