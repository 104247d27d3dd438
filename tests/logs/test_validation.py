import contextlib
import random
from datetime import UTC, datetime

import orjson
import pytest

from logs.consumer import stream_sequence
from logs.models import RejectedMessage, Severity
from logs.validation import LogRejected, parse_log_message

Reason = RejectedMessage.Reason
RECEIVED_AT = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)


def parse(payload: bytes | dict):
    data = payload if isinstance(payload, bytes) else orjson.dumps(payload)
    return parse_log_message(data, received_at=RECEIVED_AT)


def rejection(payload: bytes | dict) -> LogRejected:
    with pytest.raises(LogRejected) as caught:
        parse(payload)
    return caught.value


def test_full_message_is_parsed_field_for_field():
    log = parse(
        {
            "timestamp": "2024-05-01T10:00:00.250+02:00",
            "hostname": "plc-line3-07",
            "severity": "err",
            "service": "conveyor",
            "message": "Modbus timeout on unit 3",
            "context": {"unit": 3, "registers": [40001, 40002]},
        }
    )
    assert log.timestamp == datetime(2024, 5, 1, 8, 0, 0, 250000, tzinfo=UTC)
    assert (log.hostname, log.service) == ("plc-line3-07", "conveyor")
    assert log.severity == Severity.ERROR
    assert log.message == "Modbus timeout on unit 3"
    assert log.context == {"unit": 3, "registers": [40001, 40002]}


def test_only_message_is_required_and_defaults_apply():
    log = parse({"message": "disk almost full"})
    assert log.timestamp == RECEIVED_AT
    assert log.severity == Severity.INFO
    assert (log.hostname, log.service, log.context) == ("", "", {})


def test_null_optional_fields_count_as_missing():
    log = parse({"message": "m", "hostname": None, "service": None, "context": None})
    assert (log.hostname, log.service, log.context) == ("", "", {})


def test_unknown_top_level_fields_are_kept_in_context():
    log = parse({"message": "m", "context": {"a": 1}, "level": "warn", "pid": 42})
    assert log.context == {"a": 1, "_extra": {"level": "warn", "pid": 42}}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-01T10:00:00Z", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01T10:00:00.123456789Z", datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC)),
        ("2024-05-01T12:00:00+02:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("2024-05-01 10:00:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),  # no zone: UTC
        (1714557600, datetime(2024, 5, 1, 10, tzinfo=UTC)),  # epoch seconds
        (1714557600.5, datetime(2024, 5, 1, 10, 0, 0, 500000, tzinfo=UTC)),
        (1714557600123, datetime(2024, 5, 1, 10, 0, 0, 123000, tzinfo=UTC)),  # epoch ms
        ("1714557600", datetime(2024, 5, 1, 10, tzinfo=UTC)),
        ("0001-01-01T00:00:00Z", datetime(1, 1, 1, tzinfo=UTC)),
        ("9999-12-31T23:59:59Z", datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)),
    ],
)
def test_timestamp_formats(value, expected):
    assert parse({"message": "m", "timestamp": value}).timestamp == expected


@pytest.mark.parametrize(
    "value",
    [
        "yesterday",
        "2024-13-45T99:00:00Z",
        "",
        True,
        [],
        {},
        1e300,
        # Before year 1 or after 9999 once in UTC (an OverflowError, before), and the last
        # millisecond of 9999, which SQLite's date functions round into year 10000.
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
        "9999-12-31T23:59:59.999999+00:00",
    ],
)
def test_bad_timestamp_is_rejected(value):
    assert rejection({"message": "m", "timestamp": value}).reason == Reason.INVALID_TIMESTAMP


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("debug", Severity.DEBUG),
        ("INFO", Severity.INFO),
        ("Notice", Severity.NOTICE),
        ("warn", Severity.WARNING),
        ("WARNING", Severity.WARNING),
        ("err", Severity.ERROR),
        ("error", Severity.ERROR),
        ("crit", Severity.CRITICAL),
        ("critical", Severity.CRITICAL),
        ("fatal", Severity.CRITICAL),
        ("alert", Severity.ALERT),
        ("emerg", Severity.EMERGENCY),
        ("emergency", Severity.EMERGENCY),
        ("panic", Severity.EMERGENCY),
        (0, Severity.EMERGENCY),
        (3, Severity.ERROR),
        ("4", Severity.WARNING),
        (7, Severity.DEBUG),
    ],
)
def test_severity_names_and_syslog_numbers_are_normalized(value, expected):
    assert parse({"message": "m", "severity": value}).severity == expected


# "²" is a digit to str.isdigit() that int() refuses; "٣" one that int() reads as 3.
@pytest.mark.parametrize("value", ["verbose", "trace", 8, -1, 3.5, True, ["error"], "²", "٣"])
def test_unknown_severity_is_rejected(value):
    assert rejection({"message": "m", "severity": value}).reason == Reason.INVALID_SEVERITY


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"severity": "error"}, Reason.MISSING_MESSAGE),
        ({"message": ""}, Reason.MISSING_MESSAGE),
        ({"message": "   "}, Reason.MISSING_MESSAGE),
        ({"message": 42}, Reason.INVALID_MESSAGE),
        ({"message": ["a"]}, Reason.INVALID_MESSAGE),
        ({"message": "m", "hostname": 7}, Reason.INVALID_HOSTNAME),
        ({"message": "m", "hostname": "h" * 256}, Reason.INVALID_HOSTNAME),
        ({"message": "m", "service": {"name": "x"}}, Reason.INVALID_SERVICE),
        ({"message": "m", "service": "s" * 256}, Reason.INVALID_SERVICE),
        ({"message": "m", "context": "text"}, Reason.INVALID_CONTEXT),
        ({"message": "m", "context": [1, 2]}, Reason.INVALID_CONTEXT),
        ({"message": "nul \x00 inside"}, Reason.NUL_CHARACTER),
        ({"message": "m", "context": {"k": "\x00"}}, Reason.NUL_CHARACTER),
    ],
)
def test_field_rules(payload, reason):
    assert rejection(payload).reason == reason


def test_text_fields_up_to_255_characters_are_accepted():
    log = parse({"message": "m", "hostname": "h" * 255, "service": "é" * 255})
    assert (len(log.hostname), len(log.service)) == (255, 255)


def test_message_over_the_limit_is_rejected(settings):
    settings.LOG_MAX_MESSAGE_BYTES = 1024
    assert parse({"message": "x" * 1024}).message == "x" * 1024
    too_long = rejection({"message": "é" * 513})  # 1026 bytes in UTF-8
    assert too_long.reason == Reason.INVALID_MESSAGE
    assert "1026 bytes" in too_long.detail


def test_context_nesting_limit(settings):
    settings.LOG_MAX_CONTEXT_DEPTH = 4
    assert parse({"message": "m", "context": {"a": {"b": {"c": {}}}}}).context
    assert rejection({"message": "m", "context": {"a": {"b": {"c": {"d": {}}}}}}).reason == (
        Reason.TOO_DEEP
    )
    assert rejection({"message": "m", "context": {"a": [[[[1]]]]}}).reason == Reason.TOO_DEEP


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"\xff\xfe\x00garbage", Reason.NOT_UTF8),
        (b'{"message": "caf\xe9"}', Reason.NOT_UTF8),
        (b"not json at all", Reason.NOT_JSON),
        (b'{"message": "m",}', Reason.NOT_JSON),
        (b"", Reason.NOT_JSON),
        (b'{"message": 1e999}', Reason.NOT_JSON),
        (b"[" * 5000 + b"]" * 5000, Reason.TOO_DEEP),
        (b'{"message": "m", "context": ' + b'{"a":' * 5000 + b"1" + b"}" * 5001, Reason.TOO_DEEP),
        (b'["message"]', Reason.NOT_OBJECT),
        (b'"just a string"', Reason.NOT_OBJECT),
        (b"null", Reason.NOT_OBJECT),
    ],
)
def test_payload_rules(payload, reason):
    assert rejection(payload).reason == reason


def test_oversized_payload_is_rejected_before_parsing(settings):
    settings.LOG_MAX_PAYLOAD_BYTES = 100
    too_large = rejection(b'{"message": "' + b"x" * 200 + b'"}')
    assert too_large.reason == Reason.TOO_LARGE
    assert "limit is 100" in too_large.detail


def test_random_bytes_never_raise_anything_but_a_rejection():
    generator = random.Random(1234)
    for _ in range(2000):
        payload = generator.randbytes(generator.randint(0, 200))
        with contextlib.suppress(LogRejected):
            parse(payload)


def test_unknown_fields_count_toward_the_context_depth_limit(settings):
    settings.LOG_MAX_CONTEXT_DEPTH = 4
    assert parse({"message": "m", "extra": {"a": 1}}).context == {"_extra": {"extra": {"a": 1}}}
    too_deep = rejection({"message": "m", "extra": {"a": {"b": {"c": {}}}}})
    assert too_deep.reason == Reason.TOO_DEEP
    assert "_extra" in too_deep.detail
    # As deep as the limit allows, and one more: fewer brackets than the limit in both.
    assert parse({"message": "m", "extra": {"a": {}}}).context == {"_extra": {"extra": {"a": {}}}}
    assert rejection({"message": "m", "extra": {"a": {"b": {}}}}).reason == Reason.TOO_DEEP


def _depth(value) -> int:
    children = value.values() if isinstance(value, dict) else value
    return 1 + max((_depth(c) for c in children if isinstance(c, dict | list)), default=0)


def test_the_depth_limit_holds_for_any_nesting_with_or_without_unknown_fields(settings):
    # Payloads count their brackets to skip the walk through shallow ones: never wrongly.
    settings.LOG_MAX_CONTEXT_DEPTH = limit = 4
    generator = random.Random(7)

    def nested(depth: int):
        if depth == 0 or generator.random() < 0.2:
            return generator.choice([1, "{[", {}, []])
        if generator.random() < 0.5:
            return [nested(depth - 1) for _ in range(generator.randint(1, 2))]
        return {f"k{i}": nested(depth - 1) for i in range(generator.randint(1, 2))}

    for _ in range(500):
        payload = {"message": "m", "context": {"a": nested(6)}}
        if generator.random() < 0.5:
            payload["extra"] = nested(5)
        expected = dict(payload["context"])
        if "extra" in payload:
            expected["_extra"] = {"extra": payload["extra"]}
        if _depth(expected) > limit:
            assert rejection(payload).reason == Reason.TOO_DEEP, payload
        else:
            assert parse(payload).context == expected


@pytest.mark.parametrize(
    ("ack_subject", "sequence"),
    [
        ("$JS.ACK.AGENT_STREAM.AGENT_CONSUMER.1.4242.17.1795320850083549135.3", 4242),
        (
            "$JS.ACK.plant-a.ACCHASH.AGENT_STREAM.AGENT_CONSUMER.2.9001.12.1795320850083549135.0.tok",
            9001,
        ),
    ],
)
def test_stream_sequence_is_read_from_both_ack_subject_layouts(ack_subject, sequence):
    assert stream_sequence(ack_subject) == sequence
