"""The command line: `start` (what make run calls) and `listen` (what supervisord runs)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import gogent.supervisor
from gogent.supervisor.config import (
    FATAL_RETRY_SECONDS,
    START_RETRIES,
    START_SECONDS,
    STOP_WAIT_SECONDS,
    supervisor_start,
)
from gogent.supervisor.listener import supervisor_listen


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m gogent.supervisor", description=gogent.supervisor.__doc__
    )
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("start", help="run the Procfile's processes under supervisord")
    start.add_argument("--procfile", type=Path, default=Path("Procfile"))
    start.add_argument("--start-seconds", type=int, default=START_SECONDS)
    start.add_argument("--start-retries", type=int, default=START_RETRIES)
    start.add_argument("--stop-wait-seconds", type=int, default=STOP_WAIT_SECONDS)
    start.add_argument("--fatal-retry-seconds", type=int, default=FATAL_RETRY_SECONDS)
    listen = commands.add_parser("listen", help="supervisord's event listener (internal)")
    listen.add_argument("--run-dir", type=Path, required=True)
    listen.add_argument("--names", required=True)
    listen.add_argument("--log-offset", type=int, default=0)
    listen.add_argument("--start-seconds", type=int, default=START_SECONDS)
    listen.add_argument("--start-retries", type=int, default=START_RETRIES)
    listen.add_argument("--fatal-retry", type=float, default=FATAL_RETRY_SECONDS)
    args = parser.parse_args(argv)

    if args.command == "listen":
        supervisor_listen(
            run_dir=args.run_dir,
            names=args.names.split(","),
            log_offset=args.log_offset,
            start_seconds=args.start_seconds,
            start_retries=args.start_retries,
            fatal_retry=args.fatal_retry,
        )
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gogent.settings")
    from django.conf import settings  # loads .env into the environment the processes inherit

    supervisor_start(
        procfile=args.procfile,
        run_dir=settings.SUPERVISOR_DIR,
        directory=Path.cwd(),
        start_seconds=args.start_seconds,
        start_retries=args.start_retries,
        stop_wait_seconds=args.stop_wait_seconds,
        fatal_retry_seconds=args.fatal_retry_seconds,
    )


if __name__ == "__main__":
    main()
