"""Writes the labelled logs of bench/grouping_data: one CSV per system, `Content,EventId`.

    .venv/bin/python bench/grouping_data/generate.py held_out      # or: development

Each set's `systems.py` holds `SYSTEMS`, a dict of system name to its `families`, `values`
and `lines` (plain data, read as a `System`). A family is one true event,
`(event id, weight, layout)`; its messages are its layout with every `{field}`
filled at random: from the system's own `values` (a tuple to choose from, whose entries may
hold fields themselves), from `{=a|b|c}` written in place, or from `MAKERS` below (numbers,
addresses, ids, paths, durations in the shapes real logs print them). Families are drawn by
weight, so some events have hundreds of lines and some a handful; a field is a field only
when its values are a value (a user, a host, a count); where one word tells events apart
("Paused" and "Resumed"), each is its own family.

The output is fixed by the seed: running this again writes the same files.
"""

# The value makers read best one to a line.
# ruff: noqa: E501

from __future__ import annotations

import csv
import random
import re
import runpy
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 18

Family = tuple[str, int, str]


@dataclass(frozen=True)
class System:
    families: tuple[Family, ...]
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    lines: int = 1500


def _int(rng: random.Random) -> str:
    return str(rng.choice((rng.randint(0, 9), rng.randint(10, 999), rng.randint(1000, 10**7))))


def _duration(rng: random.Random) -> str:
    return rng.choice(
        (
            f"{rng.randint(1, 999)}ms",
            f"{rng.randint(1, 59)}s",
            f"{rng.uniform(0, 9):.3f}s",
            f"{rng.randint(1, 9)}m{rng.randint(0, 59)}s",
            f"{rng.randint(1, 900)}.{rng.randint(0, 999999):06d}ms",
        )
    )


def _size(rng: random.Random) -> str:
    return rng.choice(
        (
            f"{rng.randint(1, 1023)} bytes",
            f"{rng.uniform(0.1, 999):.1f} KB",
            f"{rng.uniform(0.1, 999):.2f} MB",
            f"{rng.uniform(0.1, 64):.1f}GB",
            f"{rng.randint(1, 4096)}MiB",
        )
    )


def _path(rng: random.Random) -> str:
    top = rng.choice(
        ("/var/lib", "/var/log", "/opt", "/srv", "/home", "/tmp", "/etc", "/usr/share")
    )
    parts = rng.choices(
        ("app", "data", "cache", "nova", "conf.d", "releases", "spool", "backup", "run", "current"),
        k=rng.randint(1, 3),
    )
    leaf = rng.choice(
        (
            f"{rng.choice(('report', 'state', 'index', 'session'))}-{rng.randint(1, 9999)}.{rng.choice(('log', 'json', 'db', 'tmp'))}",
            f"{rng.getrandbits(40):010x}",
            rng.choice(("settings.yaml", "lock", "queue", "journal")),
        )
    )
    return "/".join((top, *parts, leaf))


def _host(rng: random.Random) -> str:
    return (
        f"{rng.choice(('app', 'db', 'web', 'cache', 'mq', 'worker'))}{rng.randint(1, 40):02d}."
        f"{rng.choice(('prod', 'stage', 'eu-west', 'dc2'))}.{rng.choice(('example.com', 'corp.example.net', 'internal'))}"
    )


def _ip(rng: random.Random) -> str:
    return f"{rng.choice((10, 172, 192, rng.randint(11, 223)))}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


MAKERS: dict[str, Callable[[random.Random], str]] = {
    "int": _int,
    "small": lambda rng: str(rng.randint(0, 20)),
    "count": lambda rng: str(rng.randint(1, 5000)),
    "big": lambda rng: str(rng.randint(10**6, 10**11)),
    "float": lambda rng: f"{rng.uniform(0, 5000):.{rng.randint(1, 6)}f}",
    "secs": lambda rng: f"{rng.uniform(0, 60):.{rng.randint(2, 7)}f}",
    "pct": lambda rng: f"{rng.uniform(0, 100):.1f}",
    "pid": lambda rng: str(rng.randint(100, 65535)),
    "port": lambda rng: str(rng.choice((22, 80, 443, 8080, 5432, rng.randint(1024, 65535)))),
    "hex2": lambda rng: f"{rng.getrandbits(8):02x}",
    "hex4": lambda rng: f"{rng.getrandbits(16):04x}",
    "hex7": lambda rng: f"{rng.getrandbits(28):07x}",
    "hex8": lambda rng: f"{rng.getrandbits(32):08x}",
    "hex12": lambda rng: f"{rng.getrandbits(48):012x}",
    "hex16": lambda rng: f"{rng.getrandbits(64):016x}",
    "hex32": lambda rng: f"{rng.getrandbits(128):032x}",
    "hex40": lambda rng: f"{rng.getrandbits(160):040x}",
    "hex64": lambda rng: f"{rng.getrandbits(256):064x}",
    "0x": lambda rng: f"0x{rng.getrandbits(rng.choice((4, 8, 16, 32))):x}",
    "0x8": lambda rng: f"0x{rng.getrandbits(32):08x}",
    "0X8": lambda rng: f"0x{rng.getrandbits(32):08X}",
    "uuid": lambda rng: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
    "ip": _ip,
    "ipport": lambda rng: f"{_ip(rng)}:{rng.randint(1024, 65535)}",
    "mac": lambda rng: ":".join(f"{rng.getrandbits(8):02x}" for _ in range(6)),
    "host": _host,
    "path": _path,
    "duration": _duration,
    "ms": lambda rng: str(rng.choice((rng.randint(0, 99), rng.randint(100, 99999)))),
    "size": _size,
    "date": lambda rng: f"{rng.randint(2015, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
    "time": lambda rng: f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}",
    "iso": lambda rng: (
        f"{rng.randint(2015, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        f"T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"
    ),
    "user": lambda rng: rng.choice(
        ("root", "admin", "oracle", "deploy", "alice", "bob", "postgres", "jenkins", "svc_backup", "www-data", "mkovacs", "tanaka")
    ),
}  # fmt: skip

# "{{" and "}}" are literal braces, as in str.format.
_FIELD = re.compile(r"\{\{|\}\}|\{([^{}]+)\}")


def fill(
    layout: str, values: dict[str, tuple[str, ...]], rng: random.Random, depth: int = 0
) -> str:
    """The layout with each field filled; a value may hold fields of its own."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return match.group()[0]
        if name.startswith("="):
            choice = rng.choice(name[1:].split("|"))
        elif name in values:
            choice = rng.choice(values[name])
        elif name in MAKERS:
            return MAKERS[name](rng)
        else:
            raise KeyError(f"no values for field {name!r} in {layout!r}")
        return fill(choice, values, rng, depth + 1) if depth < 4 else choice

    return _FIELD.sub(one, layout)


def system_sample(system: System, seed: int) -> list[tuple[str, str]]:
    """(message, event id) pairs of one system, in the order they are written."""
    rng = random.Random(seed)
    weights = [weight for _, weight, _ in system.families]
    rows = []
    for _ in range(system.lines):
        event, _, layout = rng.choices(system.families, weights=weights)[0]
        rows.append((fill(layout, system.values, rng), event))
    return rows


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not (HERE / argv[0] / "systems.py").is_file():
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    write_set(argv[0])
    return 0


def write_set(name: str, *, quiet: bool = False) -> None:
    """Write the CSVs of one set (the same files every time: the seed is fixed)."""
    folder = HERE / name
    written = runpy.run_path(str(folder / "systems.py"))["SYSTEMS"]
    for offset, (name, spec) in enumerate(sorted(written.items())):
        system = System(**spec)
        events = {event for event, _, _ in system.families}
        assert len(events) == len(system.families), f"{name}: an event id is used twice"
        rows = system_sample(system, SEED + offset)
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(("Content", "EventId"))
            writer.writerows(rows)
        seen = len({event for _, event in rows})
        if not quiet:
            print(f"{name:<12} {len(rows):>6} lines {seen:>4} events ({len(events)} written)")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
