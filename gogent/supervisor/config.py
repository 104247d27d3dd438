"""start: the Procfile as a supervisord config, and supervisord run in the foreground."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import pwd
import re
import secrets
import shlex
import sys
import time
from pathlib import Path

STOP_WAIT_SECONDS = 30
START_SECONDS = 10
START_RETRIES = 60
FATAL_RETRY_SECONDS = 60

LISTENER = "events"
# supervisord's own lines and the listener's are printed under this name.
PREFIX = "supervisor"
CONFIG_FILE = "supervisord.conf"
LOG_FILE = "supervisord.log"
SOCKET_FILE = "supervisor.sock"
# sockaddr_un holds 108 bytes; a longer path falls back to the temp dir.
SOCKET_PATH_MAX = 100
PROCFILE_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")


def clock() -> str:
    """The time every output line starts with."""
    return time.strftime("%H:%M:%S")


def procfile_read(path: Path) -> dict[str, str]:
    """The Procfile's processes, name to shell command line, in file order."""
    processes: dict[str, str] = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = PROCFILE_LINE.match(line)
        if match is None:
            raise ValueError(f"{path}:{number}: not `name: command`: {line!r}")
        name, command = match.groups()
        if name in (LISTENER, PREFIX) or name in processes:
            raise ValueError(f"{path}:{number}: process name {name!r} is taken")
        processes[name] = command
    if not processes:
        raise ValueError(f"{path}: no processes")
    return processes


def _ini(value: str) -> str:
    """supervisord expands %(name)s in values: a literal % is doubled."""
    return value.replace("%", "%%")


def supervisor_socket_path(run_dir: Path) -> Path:
    path = run_dir / SOCKET_FILE
    if len(os.fsencode(path)) <= SOCKET_PATH_MAX:
        return path
    digest = hashlib.sha256(os.fsencode(run_dir)).hexdigest()[:16]
    return Path("/tmp") / f"gogent-supervisor-{digest}.sock"  # noqa: S108


def supervisord_config(
    *,
    processes: dict[str, str],
    directory: Path,
    run_dir: Path,
    password: str,
    log_offset: int,
    start_seconds: int = START_SECONDS,
    start_retries: int = START_RETRIES,
    stop_wait_seconds: int = STOP_WAIT_SECONDS,
    fatal_retry_seconds: int = FATAL_RETRY_SECONDS,
) -> str:
    """supervisord.conf: one [program] per Procfile line, run by /bin/sh like honcho did
    (the lines use ${VAR:-default} and `exec`), plus the listener that prints and records."""
    socket = supervisor_socket_path(run_dir)
    user = pwd.getpwuid(os.getuid()).pw_name
    listener = [
        sys.executable, "-m", "gogent.supervisor", "listen",
        "--run-dir", str(run_dir), "--log-offset", str(log_offset),
        "--start-seconds", str(start_seconds), "--start-retries", str(start_retries),
        "--fatal-retry", str(fatal_retry_seconds), "--names", ",".join(processes),
    ]  # fmt: skip
    sections = [
        f"""[supervisord]
nodaemon=true
silent=true
user={user}
identifier=gogent
logfile={run_dir / LOG_FILE}
logfile_maxbytes=10MB
logfile_backups=2
loglevel=info
pidfile={run_dir / "supervisord.pid"}
childlogdir={run_dir}

[unix_http_server]
file={socket}
chmod=0700
username=gogent
password={password}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{socket}
username=gogent
password={password}

[eventlistener:{LISTENER}]
command={_ini(shlex.join(listener))}
directory={directory}
events=PROCESS_STATE,PROCESS_LOG,SUPERVISOR_STATE_CHANGE,TICK_5
buffer_size=10000
priority=1
autorestart=true
stdout_logfile=NONE
stderr_logfile=/dev/stdout
stderr_logfile_maxbytes=0
environment=SUPERVISOR_USERNAME="gogent",SUPERVISOR_PASSWORD="{password}"
"""
    ]
    for index, (name, command) in enumerate(processes.items(), start=1):
        sections.append(
            f"""[program:{name}]
command={_ini(shlex.join(["/bin/sh", "-c", command]))}
directory={directory}
priority={index * 10}
autorestart=true
startsecs={start_seconds}
startretries={start_retries}
stopsignal=TERM
stopwaitsecs={stop_wait_seconds}
stopasgroup=true
killasgroup=true
redirect_stderr=true
stdout_logfile=NONE
stdout_events_enabled=true
environment=PYTHONUNBUFFERED="1"
"""
        )
    return "\n".join(sections)


def supervisor_start(*, procfile: Path, run_dir: Path, directory: Path, **timing: int) -> None:
    """Write the config and run supervisord in this process until SIGINT or SIGTERM."""
    from supervisor import supervisord

    processes = procfile_read(procfile)
    run_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    log_path = run_dir / LOG_FILE
    config_path = run_dir / CONFIG_FILE
    # The config holds the control socket's password.
    fd = os.open(config_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as config:
        config.write(
            supervisord_config(
                processes=processes,
                directory=directory,
                run_dir=run_dir,
                password=secrets.token_urlsafe(24),
                log_offset=log_path.stat().st_size if log_path.exists() else 0,
                **timing,
            )
        )
    print(
        f"Supervising {', '.join(processes)} from {procfile} with supervisord: a process "
        f"that dies is started again. `supervisorctl -c {config_path} status` shows them; "
        "Ctrl-C stops all.",
        flush=True,
    )
    # supervisord writes to /dev/stdout through a file of its own: with `make run > file`
    # (not >>), writes through the inherited descriptor would land over its lines.
    for fd in (1, 2):
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_APPEND)
    supervisord.main(["--configuration", str(config_path)])
    print(f"{clock()} {PREFIX} | every process has stopped", flush=True)
