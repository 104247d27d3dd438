"""The message sources behind `manage.py publish_logs`: every payload they make is valid input."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import orjson
import pytest

from logs.sources import (
    LOGHUB_SAMPLES,
    generated_logs,
    json_lines,
    loghub_datasets,
    loghub_logs,
    loghub_severity,
)
from logs.validation import ParsedLog, parse_log_message

LOGHUB_NAMES = ["Apache", "BGL", "HDFS", "Hadoop", "Linux", "OpenSSH", "Spark", "Zookeeper"]
SEVERITY_NAMES = {
    "debug",
    "info",
    "notice",
    "warning",
    "error",
    "critical",
    "alert",
    "emergency",
}


def parse_all(payloads: list[bytes]) -> list[ParsedLog]:
    received_at = datetime.now(UTC)
    return [parse_log_message(payload, received_at=received_at) for payload in payloads]


def decode_all(payloads: list[bytes]) -> list[dict[str, Any]]:
    return [orjson.loads(payload) for payload in payloads]


def test_every_dataset_is_found() -> None:
    assert [path.name for path in loghub_datasets(LOGHUB_SAMPLES)] == sorted(LOGHUB_NAMES)


@pytest.mark.parametrize("name", LOGHUB_NAMES)
def test_structured_csv_payloads_are_valid_and_carry_ground_truth(name: str) -> None:
    payloads = list(loghub_logs(LOGHUB_SAMPLES / name / f"{name}_2k.log_structured.csv"))

    assert len(payloads) == 2000
    parsed = parse_all(payloads)
    messages = decode_all(payloads)
    for message, log in zip(messages, parsed, strict=True):
        truth = message["context"]["loghub"]
        assert truth["dataset"] == name
        assert truth["event_id"].startswith("E")
        assert truth["event_template"]
        assert message["severity"] in SEVERITY_NAMES
        assert message["hostname"]
        assert message["service"]
        # Every one of the 8 samples has enough date to place it in time.
        assert datetime.fromisoformat(message["timestamp"]).tzinfo is not None
        assert log.timestamp == datetime.fromisoformat(message["timestamp"])
        assert log.message == message["message"]
    assert [message["context"]["loghub"]["line"] for message in messages] == list(range(1, 2001))


@pytest.mark.parametrize("name", LOGHUB_NAMES)
def test_raw_log_payloads_are_valid_and_keep_whole_lines(name: str) -> None:
    path = LOGHUB_SAMPLES / name / f"{name}_2k.log"
    lines = path.read_text(encoding="utf-8").splitlines()

    payloads = list(loghub_logs(path))

    assert len(payloads) == 2000
    parsed = parse_all(payloads)
    assert [log.message for log in parsed] == lines
    for message in decode_all(payloads):
        assert message["context"]["loghub"]["dataset"] == name
        assert message["severity"] in SEVERITY_NAMES
        assert "timestamp" not in message


def test_dataset_folder_uses_the_structured_csv() -> None:
    payloads = list(islice(loghub_logs(LOGHUB_SAMPLES / "HDFS"), 3))

    assert all("event_id" in message["context"]["loghub"] for message in decode_all(payloads))


def test_missing_loghub_path_fails_at_once(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        loghub_logs(tmp_path / "Nope")
    with pytest.raises(FileNotFoundError):
        loghub_logs(tmp_path)


def test_loghub_fields_come_from_the_right_columns() -> None:
    def first(name: str) -> dict[str, Any]:
        return decode_all(list(islice(loghub_logs(LOGHUB_SAMPLES / name), 1)))[0]

    apache = first("Apache")
    assert (apache["timestamp"], apache["severity"], apache["service"]) == (
        "2005-12-04T04:47:44+00:00",
        "notice",
        "httpd",
    )
    bgl = first("BGL")
    assert (bgl["hostname"], bgl["service"]) == ("R02-M1-N0-C:J12-U11", "KERNEL")
    assert bgl["timestamp"] == "2005-06-03T15:42:50.675872+00:00"
    assert first("HDFS")["timestamp"] == "2008-11-09T20:36:15+00:00"
    assert first("Hadoop")["timestamp"] == "2015-10-18T18:01:47.978000+00:00"
    # Linux's "Level" column is the hostname; Linux and OpenSSH have no year.
    linux = first("Linux")
    assert (linux["hostname"], linux["service"]) == ("combo", "sshd(pam_unix)")
    assert linux["timestamp"] == "2024-06-14T15:16:01+00:00"
    openssh = first("OpenSSH")
    assert (openssh["hostname"], openssh["service"]) == ("LabSZ", "sshd")
    assert first("Spark")["timestamp"] == "2017-06-09T20:10:40+00:00"
    zookeeper = first("Zookeeper")
    assert zookeeper["service"] == "FastLeaderElection"
    assert zookeeper["context"]["thread"] == "QuorumPeer[myid=1]/0"


def test_loghub_levels_map_to_gogent_severities() -> None:
    severities = Counter(
        message["severity"] for message in decode_all(list(loghub_logs(LOGHUB_SAMPLES / "BGL")))
    )

    # BGL's 2k sample: 1597 INFO, 347 FATAL, 41 ERROR + 7 SEVERE, 8 WARNING.
    assert severities == {"info": 1597, "critical": 347, "error": 48, "warning": 8}


@pytest.mark.parametrize(
    ("level", "severity"),
    [
        ("INFO", "info"),
        ("I", "info"),
        ("notice", "notice"),
        ("WARN", "warning"),
        ("W", "warning"),
        ("E", "error"),
        ("SEVERE", "error"),
        ("FATAL", "critical"),
        ("combo", "info"),
        ("", "info"),
    ],
)
def test_loghub_severity(level: str, severity: str) -> None:
    assert loghub_severity(level) == severity


def test_made_up_loghub_fields_depend_only_on_the_seed() -> None:
    path = LOGHUB_SAMPLES / "Spark"

    assert list(loghub_logs(path, seed=1)) == list(loghub_logs(path, seed=1))
    assert list(loghub_logs(path, seed=1)) != list(loghub_logs(path, seed=2))


def test_made_up_severity_is_one_per_event_template() -> None:
    messages = decode_all(list(loghub_logs(LOGHUB_SAMPLES / "OpenSSH", seed=5)))

    severities_by_event: dict[str, set[str]] = {}
    for message in messages:
        event_id = message["context"]["loghub"]["event_id"]
        severities_by_event.setdefault(event_id, set()).add(message["severity"])
    assert all(len(severities) == 1 for severities in severities_by_event.values())


def without_timestamps(payloads: list[bytes]) -> list[dict[str, Any]]:
    return [{**message, "timestamp": None} for message in decode_all(payloads)]


def test_generated_logs_are_deterministic_per_seed() -> None:
    first = list(islice(generated_logs(seed=7), 500))
    again = list(islice(generated_logs(seed=7), 500))
    other = list(islice(generated_logs(seed=8), 500))

    assert without_timestamps(first) == without_timestamps(again)
    assert without_timestamps(first) != without_timestamps(other)


def test_generated_logs_are_valid_and_varied() -> None:
    payloads = list(islice(generated_logs(seed=0), 5000))

    parsed = parse_all(payloads)
    messages = decode_all(payloads)
    assert len({message["context"]["generated"]["template"] for message in messages}) >= 30
    assert len({log.message for log in parsed}) > 4500
    assert len({log.hostname for log in parsed}) > 50
    severities = Counter(message["severity"] for message in messages)
    assert set(severities) <= SEVERITY_NAMES
    assert severities["info"] + severities["warning"] > 0.75 * len(messages)
    assert severities["error"] > 0
    assert severities["critical"] > 0
    for message in messages:
        assert message["timestamp"].endswith("+00:00")
        assert (
            abs((datetime.fromisoformat(message["timestamp"]) - datetime.now(UTC)).total_seconds())
            < 60
        )


def test_generated_plc_host_and_message_name_the_same_line() -> None:
    messages = decode_all(list(islice(generated_logs(seed=3), 3000)))

    plc_messages = [message for message in messages if message["hostname"].startswith("plc-line")]
    assert plc_messages
    for message in plc_messages:
        if "line" in message["context"]:
            assert message["hostname"].startswith(f"plc-line{message['context']['line']}-")


def test_json_lines_passes_bytes_through_and_skips_blank_lines() -> None:
    stream = io.BytesIO(
        b'{"message": "disk full"}\n'
        b"\n"
        b"   \t\n"
        b"not json at all\r\n"
        b'  {"message": "caf\xc3\xa9"}  \n'
        b"\xff\xfe broken utf-8\n"
        b'{"message": "last line, no newline"}'
    )

    assert list(json_lines(stream)) == [
        b'{"message": "disk full"}',
        b"not json at all",
        b'  {"message": "caf\xc3\xa9"}  ',
        b"\xff\xfe broken utf-8",
        b'{"message": "last line, no newline"}',
    ]
