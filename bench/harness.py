"""What the benches share: their command line, temp dirs and Django setup, the processes they
start (nats-server, manage.py commands, Celery workers) and stop, and how they print figures.

Only the standard library is imported here: bench/ingest.py's raw pipeline processes load this
file too, and Django's or psycopg's import would count in their startup and RSS.

A bench run as a script has bench/ first on sys.path, where bench/analysis.py would shadow the
analysis app; each bench puts the project root there instead before importing this module.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import dataclasses
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

STOP_TIMEOUT = 15.0
READY_TIMEOUT = 60.0


# --- Command line and run ------------------------------------------------------------------


def argument_parser(doc: str) -> argparse.ArgumentParser:
    """A bench's parser, described by the first paragraph of its module docstring."""
    return argparse.ArgumentParser(description=doc.split("\n\n")[0])


def require_at_least_one(parser: argparse.ArgumentParser, *numbers: float) -> None:
    if min(numbers) < 1:
        parser.error("every number must be at least 1")


def unwind_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so the with blocks stop children, drop the bench's
    databases and remove temp dirs."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def temp_dir(
    *, keep: bool = False, prefix: str = "gogent-bench-"
) -> contextlib.AbstractContextManager[str]:
    """A new temp dir, removed at the end unless kept."""
    if keep:
        return contextlib.nullcontext(tempfile.mkdtemp(prefix=prefix))
    return tempfile.TemporaryDirectory(prefix=prefix)


@contextlib.contextmanager
def timed(steps: dict[str, float], name: str) -> Iterator[None]:
    """Adds the seconds the block took to steps[name]."""
    started = time.perf_counter()
    yield
    steps[name] = time.perf_counter() - started


def machine_text() -> str:
    return f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"


# --- Django -------------------------------------------------------------------------------


def bench_env(*, data_dir: Path, database_url: str, **settings: str) -> dict[str, str]:
    """This process's environment with the bench's own data dir, database and broker (and any
    other settings given, such as NATS_URL).

    Explicit values, so neither the caller's environment nor a .env file points the bench at a
    real database, NATS server or broker.
    """
    return {
        **os.environ,
        "GOGENT_DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": "gogentfs://",
        "DJANGO_SETTINGS_MODULE": "gogent.settings",
        **settings,
    }


def django_setup(env: dict[str, str]) -> None:
    """Django in this process on the bench's environment, so that its settings, database and
    Celery app are the bench's own."""
    os.environ.update(env)
    import django

    django.setup()


def manage_argv(*args: str) -> list[str]:
    return [PYTHON, "manage.py", *args]


def migrate(env: dict[str, str]) -> None:
    """`manage.py migrate` on the database env's DATABASE_URL names; its output on failure."""
    done = subprocess.run(
        manage_argv("migrate", "--noinput", "-v", "0"),
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"migrate failed:\n{done.stdout.decode()}{done.stderr.decode()}")


def compile_bytecode() -> None:
    """Write the project's bytecode, as a service's second start finds it: without, every
    process the bench starts compiles the project's modules again (~0.2 s) where
    PYTHONDONTWRITEBYTECODE is set, and a bench that times starts would count it."""
    packages = ("gogent", "logs", "analysis", "integrations")
    for package in packages:
        if not compileall.compile_dir(ROOT / package, quiet=1):
            raise RuntimeError(f"compiling {package} failed")


# --- Processes ----------------------------------------------------------------------------


@dataclasses.dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, lines: int = 25) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])


class Children:
    """Every process the bench starts; on exit all are stopped (TERM, then KILL), newest first,
    after printing the last lines of each one's log if the bench failed."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.started: list[Child] = []

    def __enter__(self) -> Children:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc_info: object) -> None:
        if exc_type is not None:
            self.print_logs()
        for child in reversed(self.started):
            self.stop(child)

    def start(self, name: str, argv: list[str], *, env: dict[str, str]) -> Child:
        log_path = self.log_dir / f"{name}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log
            )
        child = Child(name, process, log_path)
        self.started.append(child)
        return child

    def stop(self, child: Child) -> int:
        """SIGTERM and wait; SIGKILL after STOP_TIMEOUT. Returns the exit code."""
        if child.process.poll() is None:
            child.process.terminate()
            try:
                child.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                print(f"  ! {child.name} ignored SIGTERM for {STOP_TIMEOUT:.0f}s: killed")
                child.process.kill()
                child.process.wait(STOP_TIMEOUT)
        return child.process.returncode

    def check_alive(self, *children: Child) -> None:
        for child in children:
            if child.process.poll() is not None:
                raise RuntimeError(
                    f"{child.name} exited with {child.process.returncode}:\n{child.log_tail()}"
                )

    def print_logs(self) -> None:
        for child in self.started:
            print(f"\n--- last lines of {child.log_path.name} ---", file=sys.stderr)
            print(child.log_tail(8), file=sys.stderr)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nats_server_start(children: Children, store_dir: Path, port: int, env: dict[str, str]) -> Child:
    """A nats-server with JetStream in store_dir on 127.0.0.1:port, once it takes connections."""
    from gogent.nats import nats_server_binary, nats_server_config

    store_dir.mkdir()
    config = store_dir / "nats-server.conf"
    config.write_text(
        nats_server_config(
            host="127.0.0.1",
            port=port,
            monitor_port=0,
            store_dir=store_dir,
            server_name="gogent-bench",
        )
    )
    server = children.start(
        "nats-server", [str(nats_server_binary()), "--config", str(config)], env=env
    )
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        children.check_alive(server)
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return server
        if time.monotonic() > deadline:
            raise TimeoutError(f"nats-server took no connection in {READY_TIMEOUT:.0f}s")
        time.sleep(0.05)


def celery_worker_argv(name: str, *, concurrency: int) -> list[str]:
    """A Celery worker as the Procfile runs it, with the bench's concurrency."""
    return [
        PYTHON, "-m", "celery", "--app", "gogent", "worker",
        "--queues", "celery,analysis,tickets", "--pool", "threads",
        "--concurrency", str(concurrency), "--without-gossip", "--without-mingle",
        "--hostname", f"{name}@%h", "--loglevel", "INFO",
    ]  # fmt: skip


def peak_rss_mib(pid: int) -> float:
    """VmHWM of a running process; refuses anything but a python (not a wrapper)."""
    return _status_mib(pid, "VmHWM")


def rss_mib(pid: int) -> float:
    """VmRSS of a running process, what it holds now; a python only, as above."""
    return _status_mib(pid, "VmRSS")


def _status_mib(pid: int, field: str) -> float:
    exe = Path(f"/proc/{pid}/exe").resolve()
    if "python" not in exe.name:
        raise RuntimeError(f"pid {pid} is {exe}, not a python process")
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


# --- Figures ------------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """The value at index int(fraction * n) of the sorted values, the last at most."""
    ordered = sorted(values)
    return ordered[min(int(fraction * len(ordered)), len(ordered) - 1)]


def percentile_nearest_rank(values: Sequence[float], fraction: float) -> float:
    """Nearest rank: of 30 values, p95 is the second largest."""
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def missed(met: bool) -> str:
    """The mark after a figure that misses its target."""
    return "" if met else "  MISSED"


def targets_print(
    rows: Iterable[tuple[str, str, str, bool]], *, widths: tuple[int, int, int]
) -> None:
    """One line per figure: its name, the measured value, the target, and ok or MISSED."""
    name_width, measured_width, target_width = widths
    for name, measured, target, met in rows:
        print(
            f"  {name:<{name_width}} {measured:<{measured_width}} {target:<{target_width}} "
            f"{'ok' if met else 'MISSED'}"
        )
