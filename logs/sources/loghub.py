"""Loghub samples as Gogent input: https://github.com/logpai/loghub.

Each structured row or raw line becomes one payload in Gogent's input format
(logs/validation.py), with what the file says (time, level, host, component) and,
for what it does not say, seeded stand-ins. The 2k samples ship in bench/loghub/<Name>/
(LOGHUB_SAMPLES), with Loghub's LICENSE.
"""

# Seeded, reproducible data is the point here, not secrecy.
# ruff: noqa: S311

from __future__ import annotations

import csv
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

# Linux and OpenSSH lines carry no year.
LOGHUB_YEAR = 2024
# The Loghub-2k samples that ship with Gogent, for publish_logs, the tests and the benches.
LOGHUB_SAMPLES = Path(__file__).resolve().parents[2] / "bench" / "loghub"

LOGHUB_SEVERITIES: dict[str, str] = {
    "trace": "debug",
    "verbose": "debug",
    "v": "debug",
    "debug": "debug",
    "d": "debug",
    "info": "info",
    "information": "info",
    "i": "info",
    "notice": "notice",
    "warn": "warning",
    "warning": "warning",
    "w": "warning",
    "err": "error",
    "error": "error",
    "e": "error",
    # In BGL, SEVERE ranks between WARNING and ERROR, FAILURE above FATAL.
    "severe": "error",
    "crit": "critical",
    "critical": "critical",
    "fatal": "critical",
    "f": "critical",
    "failure": "critical",
    "alert": "alert",
    "emerg": "emergency",
    "emergency": "emergency",
    "panic": "emergency",
}
# Raw .log lines: an upper-case level word, or a bracketed lower-case one as Apache writes it.
RAW_LEVEL = re.compile(
    r"\b(DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|SEVERE|FATAL|FAILURE|CRITICAL)\b"
    r"|\[(debug|info|notice|warn|error|crit|alert|emerg)\]"
)
DIGITS = re.compile(r"\d+")
# For logs that carry no level: mostly info, as real logs are.
MADE_UP_SEVERITIES = ("info", "notice", "warning", "error", "critical")
MADE_UP_SEVERITY_WEIGHTS = (70, 5, 17, 7, 1)
# Dataset name -> (service, hostname prefix) for what the files do not say.
LOGHUB_MADE_UP: dict[str, tuple[str, str]] = {
    "Apache": ("httpd", "web"),
    "BGL": ("bgl-ras", "bgl-node"),
    "HDFS": ("hdfs-datanode", "hdfs-dn"),
    "Hadoop": ("hadoop-mapreduce", "hadoop-worker"),
    "Linux": ("syslog", "linux"),
    "OpenSSH": ("sshd", "ssh-gw"),
    "Spark": ("spark-executor", "spark-worker"),
    "Zookeeper": ("zookeeper", "zk"),
}
MADE_UP_HOSTS_PER_DATASET = 8


def loghub_severity(level: str) -> str:
    return LOGHUB_SEVERITIES.get(level.strip().lower(), "info")


def loghub_datasets(root: Path) -> list[Path]:
    """The dataset folders under a Loghub directory, by name."""
    return sorted(path for path in root.iterdir() if path.is_dir() and _loghub_file_in(path))


def loghub_logs(path: Path, *, seed: int = 0) -> Iterator[bytes]:
    """A Loghub sample: a dataset folder (its _structured.csv is preferred), a .log or a .csv.

    Raises FileNotFoundError at once, not on the first message, for a path with no sample.
    """
    file = _loghub_file_in(path) if path.is_dir() else path
    if file is None or not file.is_file():
        raise FileNotFoundError(f"no Loghub .log or _structured.csv file at {path}")
    # "HDFS_2k.log_structured.csv", "HDFS_2k.log" and a full "HDFS.log" all name HDFS.
    dataset = file.name.split("_", 1)[0].split(".", 1)[0]
    if file.name.endswith(".csv"):
        return _loghub_csv_payloads(file, dataset, seed)
    return _loghub_log_payloads(file, dataset, seed)


def _loghub_file_in(folder: Path) -> Path | None:
    # Loghub names files after their folder: HDFS/HDFS_2k.log_structured.csv, HDFS/HDFS_2k.log.
    for pattern in (f"{folder.name}*_structured.csv", f"{folder.name}*.log"):
        found = sorted(folder.glob(pattern))
        if found:
            return found[0]
    return None


@dataclass(frozen=True, slots=True)
class LoghubFields:
    """What one structured row says; empty strings are made up by the caller."""

    timestamp: datetime | None
    level: str = ""
    hostname: str = ""
    service: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _naive_utc(text: str, layout: str) -> datetime | None:
    # Loghub times have no zone; they are taken as UTC.
    try:
        return datetime.strptime(text, layout).replace(tzinfo=UTC)
    except ValueError:
        return None


def _apache_fields(row: dict[str, str]) -> LoghubFields:
    return LoghubFields(
        timestamp=_naive_utc(row["Time"], "%a %b %d %H:%M:%S %Y"), level=row["Level"]
    )


def _bgl_fields(row: dict[str, str]) -> LoghubFields:
    node = row["Node"]
    return LoghubFields(
        timestamp=_naive_utc(row["Time"], "%Y-%m-%d-%H.%M.%S.%f"),
        level=row["Level"],
        hostname="" if node in ("NULL", "UNKNOWN_LOCATION") else node,
        service=row["Component"],
    )


def _hdfs_fields(row: dict[str, str]) -> LoghubFields:
    return LoghubFields(
        timestamp=_naive_utc(row["Date"] + row["Time"], "%y%m%d%H%M%S"),
        level=row["Level"],
        service=row["Component"],
        extra={"pid": row["Pid"]},
    )


def _hadoop_fields(row: dict[str, str]) -> LoghubFields:
    return LoghubFields(
        timestamp=_naive_utc(f"{row['Date']} {row['Time']}", "%Y-%m-%d %H:%M:%S,%f"),
        level=row["Level"],
        service=row["Component"],
        extra={"thread": row["Process"]},
    )


def _linux_fields(row: dict[str, str]) -> LoghubFields:
    # The "Level" column is the syslog hostname ("combo"); these lines have no level.
    return LoghubFields(
        timestamp=_naive_utc(
            f"{LOGHUB_YEAR} {row['Month']} {row['Date']} {row['Time']}", "%Y %b %d %H:%M:%S"
        ),
        hostname=row["Level"],
        service=row["Component"],
        extra={"pid": row["PID"]} if row["PID"] else {},
    )


def _openssh_fields(row: dict[str, str]) -> LoghubFields:
    # "Component" is the syslog hostname (LabSZ); the program is always sshd.
    return LoghubFields(
        timestamp=_naive_utc(
            f"{LOGHUB_YEAR} {row['Date']} {row['Day']} {row['Time']}", "%Y %b %d %H:%M:%S"
        ),
        hostname=row["Component"],
        extra={"pid": row["Pid"]},
    )


def _spark_fields(row: dict[str, str]) -> LoghubFields:
    return LoghubFields(
        timestamp=_naive_utc(f"{row['Date']} {row['Time']}", "%y/%m/%d %H:%M:%S"),
        level=row["Level"],
        service=row["Component"],
    )


def _zookeeper_fields(row: dict[str, str]) -> LoghubFields:
    # Loghub split "[thread:Class@line]" at the wrong colon: "Node" is the thread name and
    # "Component" is "<rest of thread>:<Class>".
    return LoghubFields(
        timestamp=_naive_utc(f"{row['Date']} {row['Time']}", "%Y-%m-%d %H:%M:%S,%f"),
        level=row["Level"],
        service=row["Component"].rsplit(":", 1)[-1],
        extra={"thread": row["Node"]},
    )


def _other_fields(row: dict[str, str]) -> LoghubFields:
    return LoghubFields(
        timestamp=None, level=row.get("Level", ""), service=row.get("Component", "")
    )


LOGHUB_ROW_READERS: dict[str, Callable[[dict[str, str]], LoghubFields]] = {
    "Apache": _apache_fields,
    "BGL": _bgl_fields,
    "HDFS": _hdfs_fields,
    "Hadoop": _hadoop_fields,
    "Linux": _linux_fields,
    "OpenSSH": _openssh_fields,
    "Spark": _spark_fields,
    "Zookeeper": _zookeeper_fields,
}


class MadeUpFields:
    """Deterministic stand-ins for what a Loghub file does not say."""

    def __init__(self, dataset: str, seed: int) -> None:
        self.service, self._host_prefix = LOGHUB_MADE_UP.get(
            dataset, (dataset.lower(), dataset.lower())
        )
        self._dataset = dataset
        self._seed = seed
        self._rng = random.Random(f"{seed}:{dataset}")
        self._severity_by_key: dict[str, str] = {}

    def hostname(self) -> str:
        return f"{self._host_prefix}-{self._rng.randint(1, MADE_UP_HOSTS_PER_DATASET):02d}"

    def severity(self, key: str) -> str:
        """One severity per key (an event template), as one log statement has one level."""
        if key not in self._severity_by_key:
            rng = random.Random(f"{self._seed}:{self._dataset}:{key}")
            self._severity_by_key[key] = rng.choices(
                MADE_UP_SEVERITIES, weights=MADE_UP_SEVERITY_WEIGHTS
            )[0]
        return self._severity_by_key[key]


def _loghub_csv_payloads(file: Path, dataset: str, seed: int) -> Iterator[bytes]:
    read_row = LOGHUB_ROW_READERS.get(dataset, _other_fields)
    made_up = MadeUpFields(dataset, seed)
    with file.open(newline="", encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            fields = read_row(row)
            message: dict[str, Any] = {
                "hostname": fields.hostname or made_up.hostname(),
                "severity": (
                    loghub_severity(fields.level)
                    if fields.level
                    else made_up.severity(row["EventId"])
                ),
                "service": fields.service or made_up.service,
                "message": row["Content"],
                "context": {
                    "loghub": {
                        "dataset": dataset,
                        "line": int(row["LineId"]),
                        "event_id": row["EventId"],
                        "event_template": row["EventTemplate"],
                    },
                    **fields.extra,
                },
            }
            if fields.timestamp is not None:
                message["timestamp"] = fields.timestamp.isoformat()
            yield orjson.dumps(message)


def _loghub_log_payloads(file: Path, dataset: str, seed: int) -> Iterator[bytes]:
    made_up = MadeUpFields(dataset, seed)
    with file.open(encoding="utf-8", errors="replace", newline="") as lines:
        for number, raw_line in enumerate(lines, start=1):
            line = raw_line.rstrip("\r\n")
            if not line.strip():
                continue
            level = RAW_LEVEL.search(line)
            yield orjson.dumps(
                {
                    "hostname": made_up.hostname(),
                    "severity": (
                        loghub_severity(level.group(1) or level.group(2))
                        if level
                        else made_up.severity(DIGITS.sub("", line))
                    ),
                    "service": made_up.service,
                    "message": line,
                    "context": {"loghub": {"dataset": dataset, "line": number}},
                }
            )
