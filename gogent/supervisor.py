"""The supervisor behind `make run`: honcho, with time for every process to stop cleanly.

honcho sends SIGKILL to whatever has not exited 5 s after SIGTERM. A Celery worker
on a broker that needs no server (a polling transport) blocks in 2 s polls and runs
one more poll after it is told to stop, so its warm shutdown takes ~4.7 s even when
idle: under load it would be killed mid-shutdown. honcho has no option for this, so
its module constant is raised before its command line runs.
"""

import sys

import honcho.command
import honcho.manager

STOP_TIMEOUT_SECONDS = 30


def main() -> None:
    honcho.manager.KILL_WAIT = STOP_TIMEOUT_SECONDS
    sys.exit(honcho.command.main(sys.argv[1:]))


if __name__ == "__main__":
    main()
