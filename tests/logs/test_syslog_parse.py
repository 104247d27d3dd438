"""Syslog frames to logs: the parser (RFC 5424, RFC 3164 and what devices really send), the
JSON messages made for the consumer, and TCP framing (RFC 6587).

Every payload made here is checked with the consumer's own input rules
(logs.validation.parse_log_message): a syslog line must be stored, never quarantined.
"""

from __future__ import annotations

import random
import zoneinfo
from datetime import UTC, datetime, timedelta

import orjson
import pytest

from logs.models import Severity
from logs.syslog.framing import TcpFramer, datagram_frames
from logs.syslog.message import PayloadLimits, syslog_payloads, text_split
from logs.syslog.parse import syslog_parse
from logs.validation import Limits, parse_log_message

RECEIVED_AT = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
SENDER = "192.0.2.7"
LIMITS = PayloadLimits(message_bytes=64 * 1024, payload_bytes=1024 * 1024)


def parse(frame: bytes, **options):
    options.setdefault("received_at", RECEIVED_AT)
    return syslog_parse(frame, sender=SENDER, transport="udp", **options)


def stored(frame: bytes, limits: PayloadLimits = LIMITS, **options) -> list:
    """What the consumer makes of each message for the frame; fails if it would refuse one."""
    log = parse(frame, **options)
    assert log is not None
    consumer_limits = Limits(
        payload_bytes=limits.payload_bytes, message_bytes=limits.message_bytes, context_depth=32
    )
    return [
        parse_log_message(payload, received_at=RECEIVED_AT, limits=consumer_limits)
        for payload in syslog_payloads(log, limits=limits)
    ]


def one(frame: bytes, **options):
    (log,) = stored(frame, **options)
    return log


# --- RFC 5424 ------------------------------------------------------------------------------


def test_rfc5424_with_structured_data_fills_every_field_and_the_context():
    log = one(
        b"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
        b'[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"]'
        b'[examplePriority@32473 class="high"] \xef\xbb\xbfAn application event log entry'
    )

    assert log.timestamp == datetime(2003, 10, 11, 22, 14, 15, 3000, tzinfo=UTC)
    assert (log.hostname, log.service) == ("mymachine.example.com", "evntslog")
    assert log.severity == Severity.NOTICE
    # The BOM says the rest is UTF-8; it is not part of the message.
    assert log.message == "An application event log entry"
    assert log.context == {
        "syslog": {
            "format": "rfc5424",
            "facility": "local4",
            "pri": 165,
            "msgid": "ID47",
            "sd": {
                "exampleSDID@32473": {"iut": "3", "eventSource": "Application", "eventID": "1011"},
                "examplePriority@32473": {"class": "high"},
            },
            "transport": "udp",
            "sender": SENDER,
        }
    }


def test_rfc5424_without_structured_data_keeps_procid_and_converts_the_offset_to_utc():
    log = one(
        b"<34>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - "
        b"%% It's time to make the do-nuts."
    )

    assert log.timestamp == datetime(2003, 8, 24, 12, 14, 15, 3, tzinfo=UTC)
    assert log.severity == Severity.CRITICAL
    assert log.message == "%% It's time to make the do-nuts."
    assert log.context["syslog"]["procid"] == "8710"
    assert "sd" not in log.context["syslog"] and "msgid" not in log.context["syslog"]


def test_escaped_and_repeated_structured_data_values_are_unescaped_and_all_kept():
    log = one(
        rb'<13>1 2025-01-02T03:04:05Z host app - - [x@1 q="say \"hi\"" b="C:\\temp" '
        rb'r="a\]b" other="\n stays" ip="10.0.0.1" ip="10.0.0.2"][x@1 late="merged"] msg'
    )

    assert log.context["syslog"]["sd"] == {
        "x@1": {
            "q": 'say "hi"',
            "b": "C:\\temp",
            "r": "a]b",
            "other": "\\n stays",
            "ip": ["10.0.0.1", "10.0.0.2"],
            "late": "merged",
        }
    }
    assert log.message == "msg"


def test_nilvalue_fields_fall_back_to_the_sender_and_the_time_received():
    log = one(b"<11>1 - - - - - - the message")

    assert log.hostname == SENDER
    assert log.service == ""
    assert log.timestamp == RECEIVED_AT
    assert log.severity == Severity.ERROR
    assert log.context["syslog"]["timestamp_source"] == "received"
    assert "procid" not in log.context["syslog"]


def test_an_impossible_rfc5424_timestamp_keeps_the_line_parsed_and_says_so():
    log = one(b"<14>1 2025-02-30T10:00:00Z host app - - - message")

    assert log.timestamp == RECEIVED_AT
    assert log.context["syslog"]["timestamp_invalid"] == "2025-02-30T10:00:00Z"
    assert (log.hostname, log.service, log.message) == ("host", "app", "message")


def test_nanosecond_timestamps_keep_their_microseconds():
    log = one(b"<14>1 2025-01-02T03:04:05.123456789+00:00 host app - - - message")

    assert log.timestamp == datetime(2025, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)


def test_an_rfc5424_line_without_a_message_is_stored_with_the_whole_line_as_message():
    log = one(b'<14>1 2025-01-02T03:04:05Z host app - ID1 [meta@1 k="v"]')

    assert log.message == '<14>1 2025-01-02T03:04:05Z host app - ID1 [meta@1 k="v"]'
    assert log.context["syslog"]["empty_message"] is True
    assert log.context["syslog"]["sd"] == {"meta@1": {"k": "v"}}


@pytest.mark.parametrize(
    "frame",
    [
        b'<14>1 2025-01-02T03:04:05Z host app - - [unterminated k="v" message',
        b"<14>1 2025-01-02T03:04:05Z host app - - [k=v] message",
        b"<14>1 2025-01-02T03:04:05Z host app - -",
        b'<14>1 2025-01-02T03:04:05Z host app - - [x@1 k="v"]no-space',
    ],
)
def test_a_broken_rfc5424_header_or_structured_data_makes_a_raw_line(frame):
    log = one(frame)

    assert log.context["syslog_raw"] is True
    assert log.message == frame.decode()
    assert log.severity == Severity.INFO  # PRI 14: user.info
    assert log.hostname == SENDER


# --- RFC 3164 and devices -----------------------------------------------------------------


def test_linux_bsd_line_gives_host_tag_and_a_timestamp_in_the_year_before_it_was_received():
    log = one(b"<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8")

    assert log.timestamp == datetime(2024, 10, 11, 22, 14, 15, tzinfo=UTC)
    assert (log.hostname, log.service) == ("mymachine", "su")
    assert log.severity == Severity.CRITICAL
    assert log.message == "'su root' failed for lonvick on /dev/pts/8"
    assert log.context["syslog"]["format"] == "rfc3164"
    assert log.context["syslog"]["facility"] == "auth"


def test_a_bsd_line_without_hostname_takes_the_sender_and_the_tag_and_pid():
    log = one(b"<30>Mar  4 05:00:00 systemd[1]: Started Session 4 of user root.")

    assert log.hostname == SENDER
    assert log.service == "systemd"
    assert log.context["syslog"]["procid"] == "1"
    assert log.message == "Started Session 4 of user root."
    assert log.timestamp == datetime(2025, 3, 4, 5, 0, tzinfo=UTC)


def test_cisco_ios_with_sequence_number_unsynced_clock_and_milliseconds():
    log = one(b"<189>123: *Mar  1 00:01:02.345: %SYS-5-CONFIG_I: Configured from console by vty0")

    assert log.timestamp == datetime(2025, 3, 1, 0, 1, 2, 345000, tzinfo=UTC)
    assert log.hostname == SENDER
    assert log.service == "SYS"
    assert log.severity == Severity.NOTICE
    assert log.message == "%SYS-5-CONFIG_I: Configured from console by vty0"
    assert (
        log.context["syslog"].items()
        >= {
            "facility": "local7",
            "sequence": 123,
            "clock_unsynced": True,
            "mnemonic": "SYS-5-CONFIG_I",
        }.items()
    )


def test_cisco_with_origin_hostname_year_and_a_named_zone():
    log = one(
        b"<187>45: router1: Mar  1 2024 00:01:02.345 CET: %LINK-3-UPDOWN: Interface Gi0/1, "
        b"changed state to down",
        time_zone=zoneinfo.ZoneInfo("Europe/Berlin"),
    )

    assert log.hostname == "router1"
    assert log.service == "LINK"
    assert log.severity == Severity.ERROR
    # CET is no zone Python can name: the configured zone (Berlin, +01:00 in March) is used.
    assert log.timestamp == datetime(2024, 2, 29, 23, 1, 2, 345000, tzinfo=UTC)
    assert log.context["syslog"]["time_zone_label"] == "CET"


def test_an_rfc3339_timestamp_in_a_bsd_line_is_read_as_written():
    log = one(b"<30>2024-10-11T22:14:15.123+02:00 gw01 app[42]: started")

    assert log.timestamp == datetime(2024, 10, 11, 20, 14, 15, 123000, tzinfo=UTC)
    assert (log.hostname, log.service, log.message) == ("gw01", "app", "started")


def test_bsd_timestamps_are_read_in_syslog_time_zone():
    log = one(b"<13>Jul  1 12:00:00 host app: summer", time_zone=zoneinfo.ZoneInfo("Europe/Berlin"))

    assert log.timestamp == datetime(2024, 7, 1, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("line", "received_at", "expected_year"),
    [
        # Sent on Dec 31, read just after midnight on Jan 1: last year's.
        (b"<13>Dec 31 23:59:59 h a: x", datetime(2025, 1, 1, 0, 0, 1, tzinfo=UTC), 2024),
        # A sender's clock seconds ahead over New Year: next year's, not eleven months ago.
        (b"<13>Jan  1 00:00:05 h a: x", datetime(2024, 12, 31, 23, 59, 58, tzinfo=UTC), 2025),
        # Feb 29 only exists in a leap year.
        (b"<13>Feb 29 10:00:00 h a: x", datetime(2025, 3, 4, tzinfo=UTC), 2024),
    ],
)
def test_the_year_of_a_bsd_timestamp_is_never_more_than_a_day_ahead(
    line, received_at, expected_year
):
    log = one(line, received_at=received_at)

    assert log.timestamp.year == expected_year
    assert log.timestamp - received_at <= timedelta(days=1)


# --- what is neither ---------------------------------------------------------------------


def test_a_line_without_pri_is_published_whole_as_notice_from_the_sender():
    log = one(b"Oct 11 22:14:15 host app: no PRI at all")

    assert log.message == "Oct 11 22:14:15 host app: no PRI at all"
    assert log.severity == Severity.NOTICE
    assert log.hostname == SENDER
    assert log.timestamp == RECEIVED_AT
    assert log.context["syslog_raw"] is True
    assert "pri" not in log.context["syslog"]


def test_garbage_after_a_readable_pri_keeps_the_pri_severity():
    log = one(b"<11>%%% not syslog at all %%%")

    assert log.severity == Severity.ERROR
    assert log.message == "<11>%%% not syslog at all %%%"
    assert log.context["syslog_raw"] is True
    assert log.context["syslog"]["facility"] == "user"


@pytest.mark.parametrize("frame", [b"<192>1 - - - - - - too high", b"<1a>x", b"<>x", b"<9999>x"])
def test_an_unreadable_pri_makes_a_raw_notice(frame):
    log = one(frame)

    assert log.severity == Severity.NOTICE
    assert log.message == frame.decode()


@pytest.mark.parametrize("frame", [b"", b"\n", b"  \r\n", b"\x00\x00", b"\t \n"])
def test_a_frame_of_white_space_is_no_log(frame):
    assert parse(frame) is None


def test_invalid_utf8_is_replaced_and_flagged():
    log = one(b"<14>1 2025-01-02T03:04:05Z host app - - - caf\xe9 \xff\xfe ok")

    assert log.message == "caf\ufffd \ufffd\ufffd ok"
    assert log.context["syslog"]["invalid_utf8"] is True


def test_nul_bytes_inside_are_replaced_and_trailing_ones_dropped():
    log = one(b"<14>1 2025-01-02T03:04:05Z host app - - - a\x00b\n\x00")

    assert log.message == "a\ufffdb"
    assert log.context["syslog"]["nul_replaced"] == 1


# --- the consumer's limits ---------------------------------------------------------------


def test_over_long_hostname_and_service_are_cut_to_255_and_kept_whole_in_context():
    hostname, service = "h" * 300, "s" * 400
    log = one(f"<14>1 2025-01-02T03:04:05Z {hostname} {service} - - - message".encode())

    assert log.hostname == "h" * 255
    assert log.service == "s" * 255
    assert log.context["syslog"]["hostname_original"] == hostname
    assert log.context["syslog"]["service_original"] == service


def test_a_message_grown_past_the_limit_by_replacement_is_sent_in_ordered_parts():
    limits = PayloadLimits(message_bytes=1000, payload_bytes=1024 * 1024)
    body = b"\xff" * 900  # 900 bytes on the wire, 2700 once each becomes U+FFFD

    logs = stored(b"<14>1 2025-01-02T03:04:05Z host app - - - " + body, limits=limits)

    assert len(logs) == 3
    assert "".join(log.message for log in logs) == "\ufffd" * 900
    assert [log.context["syslog"]["part"] for log in logs] == [1, 2, 3]
    assert {log.context["syslog"]["parts"] for log in logs} == {3}
    assert all(len(log.message.encode()) <= 1000 for log in logs)


def test_a_payload_over_the_payload_limit_goes_as_raw_parts_of_the_whole_line():
    limits = PayloadLimits(message_bytes=64 * 1024, payload_bytes=8192)
    line = "<14>1 2025-01-02T03:04:05Z host app - - - " + "\x01" * 3000

    logs = stored(line.encode(), limits=limits)

    assert "".join(log.message for log in logs) == line
    assert all(log.context["syslog_raw"] is True for log in logs)
    assert all(log.context["syslog"]["oversize"] is True for log in logs)


def test_text_split_cuts_between_characters():
    pieces = text_split("añ€😀" * 100, 7)

    assert "".join(pieces) == "añ€😀" * 100
    assert all(len(piece.encode()) <= 7 for piece in pieces)


def test_any_bytes_make_logs_the_consumer_stores_and_lose_nothing():
    """Random frames, some syslog-shaped: no exception, every payload passes the consumer's
    rules, and every character of the decoded line is in the messages or the context."""
    rng = random.Random(16)
    prefixes = [b"", b"<13>", b"<13>1 ", b"<191>Oct 11 22:14:15 ", b"<0>1 - - - - - ", b"12: *"]
    alphabet = bytes(range(256))
    limits = PayloadLimits(message_bytes=2048, payload_bytes=16 * 1024)
    for _ in range(1500):
        frame = rng.choice(prefixes) + bytes(rng.choices(alphabet, k=rng.randrange(0, 3000)))
        log = parse(frame)
        if log is None:
            assert not frame.decode("utf-8", "replace").replace("\x00", "").strip()
            continue
        logs = stored(frame, limits=limits)
        text = "".join(stored_log.message for stored_log in logs)
        assert log.message in text or text == log.line


# --- TCP framing (RFC 6587) ----------------------------------------------------------------


def frames_of(framer: TcpFramer, data: bytes, *, chunk: int | None = None) -> list:
    chunk = chunk or len(data) or 1
    frames = []
    for start in range(0, len(data), chunk):
        frames += framer.feed(data[start : start + chunk])
    return frames


@pytest.mark.parametrize("chunk", [1, 3, 1000])
def test_octet_counted_and_newline_frames_mix_on_one_connection_however_the_bytes_arrive(chunk):
    stream = b"11 <13>1 hello\n5 <13>x<13>plain line\r\n\n\x0011 <13>1 a\nb c<13>last\n"

    frames = frames_of(TcpFramer(1024), stream, chunk=chunk)

    assert [frame.data for frame in frames] == [
        b"<13>1 hello",
        b"<13>x",
        b"<13>plain line",
        b"<13>1 a\nb c",
        b"<13>last",
    ]


def test_an_octet_count_over_the_max_frame_ends_the_connection_after_handing_over_the_rest():
    framer = TcpFramer(100)

    frames = framer.feed(b"<13>before\n999 <13>this is what was read")

    assert frames[0].data == b"<13>before"
    assert frames[1].data == b"999 <13>this is what was read"
    assert frames[1].raw
    assert framer.closed == "octet count 999 is over SYSLOG_MAX_FRAME_BYTES"
    assert framer.feed(b"more") == []


@pytest.mark.parametrize(
    ("stream", "reason"),
    [
        (b"12x <13>hello", "digits not followed by a space: no octet count"),
        (b"99999999999999999999 <13>x", "octet count of more than 3 digits"),
        (b"0 <13>x", "octet count 0"),
    ],
)
def test_a_count_that_is_no_number_ends_the_connection(stream, reason):
    framer = TcpFramer(100)

    frames = framer.feed(stream)

    assert framer.closed == reason
    assert b"".join(frame.data for frame in frames) == stream
    assert all(frame.raw for frame in frames)


def test_a_line_without_terminator_is_handed_over_in_bounded_pieces():
    framer = TcpFramer(480)
    line = b"<13>" + b"x" * 1200

    frames = frames_of(framer, line + b"\n<13>next\n", chunk=100)

    assert b"".join(frame.data for frame in frames[:3]) == line
    assert all(len(frame.data) <= 480 for frame in frames)
    assert frames[0].notes == {"continued": True} and not frames[0].raw
    assert [frame.notes.get("piece") for frame in frames[1:3]] == [2, 3]
    assert frames[2].notes["last_piece"] is True and frames[2].raw
    assert frames[3].data == b"<13>next"
    assert framer.buffered == 0


def test_what_is_left_at_the_end_of_the_stream_is_handed_over_and_noted():
    framer = TcpFramer(1000)
    assert framer.feed(b"50 <13>1 cut short") == []

    (frame,) = framer.finish("eof")

    assert frame.data == b"<13>1 cut short"
    assert frame.notes == {"unterminated": "eof", "truncated": {"expected": 50, "received": 15}}
    assert TcpFramer(1000).finish("idle") == []


def test_a_datagram_over_the_max_frame_is_cut_like_a_long_line():
    frames = datagram_frames(b"<13>" + b"y" * 1000, 480)

    assert b"".join(frame.data for frame in frames) == b"<13>" + b"y" * 1000
    assert [frame.raw for frame in frames] == [False, True, True]
    assert datagram_frames(b"<13>short", 480)[0].notes == {}


def test_payloads_are_json_objects_with_the_consumers_fields_only():
    log = parse(b"<14>1 2025-01-02T03:04:05Z host app - - - message")

    (payload,) = syslog_payloads(log, limits=LIMITS)

    assert set(orjson.loads(payload)) == {
        "timestamp", "hostname", "severity", "service", "message", "context",
    }  # fmt: skip
    assert orjson.loads(payload)["severity"] == "info"
