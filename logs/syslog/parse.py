"""One syslog frame to a log's fields: RFC 5424, RFC 3164 (BSD), and what devices really send.

Written here because no maintained library fits: syslog-rfc5424-parser (0.3.2, 2019) reads
RFC 5424 only and needs lark-parser, a package since renamed; syslogmp (0.4, 2021) reads
RFC 3164 only; neither says what becomes of a line that is neither. This module follows the
RFCs' grammars where they are strict (PRI, the RFC 5424 header and structured data) and takes
the well-known deviations of real devices in BSD lines: Cisco IOS sequence numbers, "*"
(clock not synchronized), milliseconds, a year or a zone in the timestamp, RFC 3339
timestamps, a missing host name.

Contract: syslog_parse() never raises, whatever the bytes. Every byte of a frame that is not
framing noise (trailing CR, LF, NUL) ends up in the log it returns: a frame that fits neither
grammar becomes a raw line (the whole line as the message, context syslog_raw), with the
severity of its PRI if one can be read, else NOTICE. Only a frame of nothing but white space
gives None.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any

from logs.models import Severity
from logs.validation import SYSLOG_SEVERITIES

MAX_PRI = 191  # facility 23 (local7) * 8 + severity 7
# RFC 5424 section 6.2.1, with the names rsyslog and syslog-ng use.
FACILITIES = (
    "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
    "authpriv", "ftp", "ntp", "security", "console", "solaris-cron",
    "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
)  # fmt: skip
MONTHS = {
    name: number
    for number, name in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
# A BSD timestamp may be this far in the future (a sender's clock ahead of ours) before the
# year before is taken instead.
FUTURE_TOLERANCE = timedelta(days=1)
# How far back the year of a BSD timestamp is looked for: Feb 29 needs a leap year.
YEARS_BACK = 8
NILVALUE = "-"
BOM = "\ufeff"

PRI = re.compile(r"<([0-9]{1,3})>")
# RFC 5424 section 6: VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP,
# each field PRINTUSASCII (no field can hold a space, so nothing here backtracks).
HEADER_5424 = re.compile(
    r"1 (?P<timestamp>[!-~]+) (?P<hostname>[!-~]+) (?P<app>[!-~]+) (?P<procid>[!-~]+) "
    r"(?P<msgid>[!-~]+) "
)
TIMESTAMP_5424 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})"
)
# SD-NAME: PRINTUSASCII except '=', SP, ']' and '"', 1 to 32 of them.
SD_NAME = re.compile(r"[!#-<>-\\^-~]{1,32}")
# PARAM-VALUE: anything up to an unescaped '"' (']' is taken unescaped too, as many send it).
SD_VALUE = re.compile(r'"((?:[^"\\]|\\.)*)"', re.DOTALL)
SD_ESCAPE = re.compile(r'\\([\\"\]])')

# RFC 3164 and its relatives.
CISCO_SEQUENCE = re.compile(r"([0-9]{1,10}): ")
BSD_TIMESTAMP = re.compile(
    r"(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}(?P<day>[0-9]{1,2})"
    r"(?: (?P<year>[0-9]{4}))? (?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})"
    r"(?:\.(?P<fraction>[0-9]{1,6}))?(?: (?P<zone>[A-Z]{2,5})(?=:))?"
)
ISO_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})"
)
# Cisco's "logging origin-id hostname": "<189>12: router1: *Mar  1 ...".
CISCO_ORIGIN = re.compile(
    r"([^\s:*.][^\s:]*): (?=[*.]?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) )"
)
CISCO_MNEMONIC = re.compile(r"%([A-Z][A-Z0-9_]*)-([0-7])-([A-Z0-9_]+):")
# TAG[PID]: then a space or the end. A token with ':' or '[' right after it is a tag, so a
# line without a host name is told apart from one with.
TAG = re.compile(r"([^\s\[\]:]+)(?:\[([^\]\s]*)\])?:(?: |$)")
HOSTNAME = re.compile(r"(\S+)(?: |$)")
UTC_ZONES = frozenset({"UTC", "GMT", "Z"})


@dataclass(frozen=True, slots=True)
class SyslogLog:
    """A log's fields as the consumer takes them, before any size limit is applied."""

    timestamp: datetime
    hostname: str
    severity: Severity
    service: str
    message: str
    context: dict[str, Any]
    # The whole frame as text: what a raw log carries, and what message.py falls back on.
    line: str

    @property
    def is_raw(self) -> bool:
        return bool(self.context.get("syslog_raw"))


def syslog_parse(
    frame: bytes,
    *,
    sender: str,
    transport: str,
    received_at: datetime,
    time_zone: tzinfo = UTC,
    notes: Mapping[str, Any] | None = None,
    raw: bool = False,
) -> SyslogLog | None:
    """The log in `frame`, or None for a frame of white space only.

    sender is the peer's address (the host name when the frame has none), transport "udp"
    or "tcp", received_at when the frame arrived (the timestamp when it has none, and what
    fixes the year of a BSD timestamp), time_zone the zone of BSD timestamps without one.
    notes (from the framing) are added to context["syslog"]; raw=True skips the grammars
    (the continuation of a split line, the rest of a broken TCP stream).
    """
    text, decoding = _decode(frame)
    if not text.strip():
        return None
    base: dict[str, Any] = {"transport": transport, "sender": sender, **decoding, **(notes or {})}
    pri = _pri(text)
    fields = None
    if pri is not None and not raw:
        fields = _parse_5424(text, pri[1], received_at) or _parse_3164(
            text, pri[1], received_at, time_zone
        )
    if fields is None:
        return _raw_log(text, pri[0] if pri else None, base, received_at, sender)
    prival = pri[0]
    syslog = {
        "format": fields.pop("format"),
        "facility": FACILITIES[prival >> 3],
        "pri": prival,
        **fields.pop("extra"),
        **base,
    }
    message = fields["message"]
    if not message.strip():
        # The consumer refuses an empty message; the header is all this line says.
        message = text
        syslog["empty_message"] = True
    return SyslogLog(
        timestamp=fields["timestamp"],
        hostname=fields["hostname"] or sender,
        severity=SYSLOG_SEVERITIES[prival & 7],
        service=fields["service"],
        message=message,
        context={"syslog": syslog},
        line=text,
    )


def _decode(frame: bytes) -> tuple[str, dict[str, Any]]:
    """The frame as text: invalid UTF-8 replaced, NUL (which PostgreSQL cannot store)
    replaced, trailing CR, LF and NUL (framing) dropped; what was done, for the context."""
    notes: dict[str, Any] = {}
    frame = frame.rstrip(b"\r\n\x00")
    try:
        text = frame.decode("utf-8")
    except UnicodeDecodeError:
        text = frame.decode("utf-8", errors="replace")
        notes["invalid_utf8"] = True
    if "\x00" in text:
        notes["nul_replaced"] = text.count("\x00")
        text = text.replace("\x00", "\ufffd")
    return text, notes


def _pri(text: str) -> tuple[int, int] | None:
    """(PRIVAL, where the rest starts), or None when the line has no valid PRI."""
    match = PRI.match(text)
    if match is None:
        return None
    value = int(match.group(1))
    return (value, match.end()) if value <= MAX_PRI else None


def _raw_log(
    text: str, prival: int | None, base: dict[str, Any], received_at: datetime, sender: str
) -> SyslogLog:
    syslog: dict[str, Any] = {"format": "raw", "timestamp_source": "received"}
    if prival is not None:
        syslog.update(facility=FACILITIES[prival >> 3], pri=prival)
    syslog.update(base)
    return SyslogLog(
        timestamp=received_at,
        hostname=sender,
        severity=SYSLOG_SEVERITIES[prival & 7] if prival is not None else Severity.NOTICE,
        service="",
        message=text,
        context={"syslog_raw": True, "syslog": syslog},
        line=text,
    )


# --- RFC 5424 -----------------------------------------------------------------------------


def _parse_5424(text: str, start: int, received_at: datetime) -> dict[str, Any] | None:
    header = HEADER_5424.match(text, start)
    if header is None:
        return None
    parsed_sd = _parse_sd(text, header.end())
    if parsed_sd is None:
        return None
    sd, position = parsed_sd
    if position == len(text):
        message = ""
    elif text[position] == " ":
        message = text[position + 1 :]
    else:
        return None
    extra: dict[str, Any] = {}
    stamp = header["timestamp"]
    if stamp == NILVALUE:
        timestamp = received_at
        extra["timestamp_source"] = "received"
    else:
        timestamp = _timestamp_5424(stamp)
        if timestamp is None:
            timestamp = received_at
            extra.update(timestamp_source="received", timestamp_invalid=stamp[:64])
    for field, key in (("procid", "procid"), ("msgid", "msgid")):
        if header[field] != NILVALUE:
            extra[key] = header[field]
    if sd:
        extra["sd"] = sd
    return {
        "format": "rfc5424",
        "timestamp": timestamp,
        "hostname": "" if header["hostname"] == NILVALUE else header["hostname"],
        "service": "" if header["app"] == NILVALUE else header["app"],
        # MSG-UTF8 starts with a BOM; it says how the rest is encoded, it is not text.
        "message": message.removeprefix(BOM),
        "extra": extra,
    }


def _timestamp_5424(stamp: str) -> datetime | None:
    match = TIMESTAMP_5424.fullmatch(stamp)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        zone = UTC if offset == "Z" else _offset(offset)
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second),
            _microseconds(fraction), tzinfo=zone,
        ).astimezone(UTC)  # fmt: skip
    except (ValueError, OverflowError):  # Feb 30, 24:00, a second 60; year 1 at +01:00
        return None


def _offset(text: str) -> timezone:
    hours, minutes = int(text[1:3]), int(text[4:6])
    if hours > 23 or minutes > 59:
        raise ValueError(f"no such offset: {text}")
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if text[0] == "-" else delta)


def _microseconds(fraction: str | None) -> int:
    return int(fraction[:6].ljust(6, "0")) if fraction else 0


def _parse_sd(text: str, position: int) -> tuple[dict[str, dict[str, Any]], int] | None:
    """STRUCTURED-DATA at position: ({SD-ID: {PARAM-NAME: value}}, where it ends), or None.

    A parameter given more than once (RFC 5424 allows it, e.g. origin's ip) keeps every
    value, as a list; an SD-ID given more than once (which it forbids) has its parameters
    merged rather than lost.
    """
    if text.startswith(NILVALUE, position):
        end = position + 1
        return ({}, end) if end == len(text) or text[end] == " " else None
    elements: dict[str, dict[str, Any]] = {}
    length = len(text)
    while position < length and text[position] == "[":
        sd_id = SD_NAME.match(text, position + 1)
        if sd_id is None:
            return None
        params = elements.setdefault(sd_id.group(), {})
        position = sd_id.end()
        while position < length and text[position] == " ":
            name = SD_NAME.match(text, position + 1)
            if name is None or not text.startswith("=", name.end()):
                return None
            value = SD_VALUE.match(text, name.end() + 1)
            if value is None:
                return None
            _add_param(params, name.group(), SD_ESCAPE.sub(r"\1", value.group(1)))
            position = value.end()
        if not text.startswith("]", position):
            return None
        position += 1
    return (elements, position) if elements else None


def _add_param(params: dict[str, Any], name: str, value: str) -> None:
    if name not in params:
        params[name] = value
    elif isinstance(params[name], list):
        params[name].append(value)
    else:
        params[name] = [params[name], value]


# --- RFC 3164 and what devices send as it ------------------------------------------------


def _parse_3164(
    text: str, position: int, received_at: datetime, time_zone: tzinfo
) -> dict[str, Any] | None:
    extra: dict[str, Any] = {}
    hostname = ""
    sequence = CISCO_SEQUENCE.match(text, position)
    if sequence is not None:
        extra["sequence"] = int(sequence.group(1))
        position = sequence.end()
        origin = CISCO_ORIGIN.match(text, position)
        if origin is not None:
            hostname = origin.group(1)
            position = origin.end()
    if text.startswith(("*", "."), position):
        # Cisco IOS: "*" the clock was never set, "." it lost its time source.
        extra["clock_unsynced"] = True
        position += 1
    stamp = _timestamp_3164(text, position, received_at, time_zone)
    if stamp is None:
        return None
    timestamp, position, zone_label = stamp
    if zone_label:
        extra["time_zone_label"] = zone_label
    service = ""
    if text.startswith(":", position):
        # Cisco style: the timestamp ends with a colon, the message follows; the
        # mnemonic (%FACILITY-SEVERITY-NAME) names the part of the device that speaks.
        message = text[position + 1 :].removeprefix(" ")
        mnemonic = CISCO_MNEMONIC.match(message)
        if mnemonic is not None:
            service = mnemonic.group(1)
            extra["mnemonic"] = f"{mnemonic.group(1)}-{mnemonic.group(2)}-{mnemonic.group(3)}"
    elif position == len(text) or text[position] == " ":
        position += 1
        tag = TAG.match(text, position)
        if tag is None and not hostname:
            host = HOSTNAME.match(text, position)
            if host is not None:
                hostname = host.group(1)
                position = host.end()
                tag = TAG.match(text, position)
        if tag is not None:
            service = tag.group(1)
            if tag.group(2):
                extra["procid"] = tag.group(2)
            position = tag.end()
        message = text[position:]
    else:
        return None
    return {
        "format": "rfc3164",
        "timestamp": timestamp,
        "hostname": hostname,
        "service": service,
        "message": message,
        "extra": extra,
    }


def _timestamp_3164(
    text: str, position: int, received_at: datetime, time_zone: tzinfo
) -> tuple[datetime, int, str] | None:
    """(the time, where the timestamp ends, a zone name it gave other than UTC) or None."""
    iso = ISO_TIMESTAMP.match(text, position)
    if iso is not None:
        timestamp = _timestamp_5424(iso.group())
        return None if timestamp is None else (timestamp, iso.end(), "")
    bsd = BSD_TIMESTAMP.match(text, position)
    if bsd is None:
        return None
    zone_label = bsd["zone"] or ""
    zone = UTC if zone_label in UTC_ZONES else time_zone
    timestamp = _bsd_datetime(bsd, zone, received_at)
    if timestamp is None:
        return None
    return timestamp, bsd.end(), "" if zone_label in UTC_ZONES else zone_label


def _bsd_datetime(bsd: re.Match[str], zone: tzinfo, received_at: datetime) -> datetime | None:
    """A BSD timestamp has no year: the latest year that puts it at most FUTURE_TOLERANCE
    after received_at (a line from Dec 31 read on Jan 1 is last year's)."""
    fields = (
        MONTHS[bsd["month"]], int(bsd["day"]), int(bsd["hour"]), int(bsd["minute"]),
        int(bsd["second"]), _microseconds(bsd["fraction"]),
    )  # fmt: skip
    if bsd["year"]:
        try:
            return datetime(int(bsd["year"]), *fields, tzinfo=zone).astimezone(UTC)
        except (ValueError, OverflowError):
            return None
    latest = received_at + FUTURE_TOLERANCE
    this_year = received_at.astimezone(zone).year
    for year in range(this_year + 1, this_year - YEARS_BACK, -1):
        try:
            candidate = datetime(year, *fields, tzinfo=zone).astimezone(UTC)
        except ValueError:  # Feb 29 of a common year, Apr 31, 25:00
            continue
        if candidate <= latest:
            return candidate
    return None
