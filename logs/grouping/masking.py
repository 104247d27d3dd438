"""Masking: a log message becomes a tuple of tokens where variable parts read `<*>`.

Every rule looks at the shape of text, never at words from a particular log source, so
it carries over to logs it has not seen. No digit survives masking, which makes the
result the same for two messages that differ only in their digits (a hexadecimal
number's letters among them); the miner relies on that to cache by
`digits_zeroed(message)`, the text masking reads.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable
from http import HTTPStatus

WILDCARD = "<*>"

_ZERO_DIGITS = bytes.maketrans(b"123456789", b"000000000")

_HEX_RUN = re.compile(r"(?<![A-Za-z])[0-9A-Fa-f]{8,}(?![A-Za-z])")
_HEX_RUN_LENGTH = 8
# What wraps a value: "(pid=42)", "[10.0.0.1]", "port 80," and sentence ends.
_COMPARATORS = "<>~≈≤≥"
_OPENERS = "([{<\"'"
_CLOSERS = ")]}>\"',;:.!?"

_EMPTY_VALUES = frozenset(("()", "[]", "{}", "<>", '""', "''"))
_AFTER_EMPTY_VALUE = ",;:.!?)]}"

# Units a number is printed with; they belong to the value.
UNITS = frozenset(
    [
        "B",
        "b",
        "kB",
        "KB",
        "MB",
        "GB",
        "TB",
        "PB",
        "KiB",
        "MiB",
        "GiB",
        "TiB",
        "byte",
        "bytes",
        "kb",
        "mb",
        "gb",
        "B/s",
        "KB/s",
        "kB/s",
        "MB/s",
        "GB/s",
        "bps",
        "kbps",
        "Kbps",
        "Mbps",
        "Gbps",
        "Hz",
        "kHz",
        "MHz",
        "GHz",
        "rpm",
        "°C",
        "°F",
        "mV",
        "V",
        "kV",
        "mA",
        "A",
        "W",
        "kW",
        "MW",
        "Wh",
        "kWh",
        "Pa",
        "kPa",
        "MPa",
        "bar",
        "mbar",
        "psi",
        "l/min",
        "l/h",
        "mm",
        "cm",
        "km",
        "kg",
        "ns",
        "us",
        "µs",
        "ms",
        "s",
        "msec",
        "usec",
        "sec",
        "secs",
        "second",
        "seconds",
        "milliseconds",
        "microseconds",
        "nanoseconds",
        "m",
        "min",
        "mins",
        "minute",
        "minutes",
        "h",
        "hr",
        "hrs",
        "hour",
        "hours",
        "d",
        "day",
        "days",
        "%",
    ]
)
# Time zones a time is printed with ("09:07:08.92 +0000 UTC", "+0100 CET"), and the half
# of the day of a twelve-hour clock ("12/14/2026 2:14:07 AM"): they belong to the time as a
# unit to its number.
TIME_MARKS = frozenset(
    [
        "AM",
        "PM",
        "UTC",
        "GMT",
        "WET",
        "WEST",
        "CET",
        "CEST",
        "EET",
        "EEST",
        "MSK",
        "IST",
        "PKT",
        "ICT",
        "SGT",
        "HKT",
        "CST",
        "JST",
        "KST",
        "AEST",
        "AEDT",
        "ACST",
        "NZST",
        "NZDT",
        "EST",
        "EDT",
        "CDT",
        "MST",
        "MDT",
        "PST",
        "PDT",
        "AKST",
        "AKDT",
        "HST",
        "BST",
    ]
)

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://\S*")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_PATH = re.compile(r"(?:[A-Za-z]:\\|\\\\|~?/|\.{1,2}/)\S*|[^\s/(\[]*/[^\s/]+/\S*")
# The parts of an event's name in capitals (see `_event_name`).
_NAME_PARTS = re.compile(r"[-_]")
_EVENT_NAME_PART = re.compile(r"0*[A-Z]{2,}0*")
# An event's name has at least this many parts, as many of them words.
_EVENT_NAME_PARTS = 3
_ZEROS = re.compile(r"0+")
# An object's kind before its address in memory (PgBouncer's client "C-0x55d0" and
# server "S-0x58e0").
_KIND_AND_ADDRESS = re.compile(r"([A-Za-z]{1,8}[-_])0x[0-9A-Fa-f]+")
_UUID = re.compile(r"[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}")
_MAC = re.compile(r"[0-9A-Fa-f]{2}(?:[:\-][0-9A-Fa-f]{2}){5}")
_UUID_LENGTH, _MAC_LENGTH = 36, 17
_IPV6 = re.compile(r"\[?[0-9A-Fa-f]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f.]*(?:%\w+)?\]?(?::0+)?")
# "db-2.example.com:5432", "kafka-0.kafka.svc:9092": a host name of two labels or more with
# a port; a one-label name ("onExtend:0") reads as a key with its value.
_HOST_PORT = re.compile(r"(?:[A-Za-z0-9\-]+\.)+[A-Za-z][A-Za-z0-9\-]*:0{1,5}")
# "server.go:123", "Worker.java:42": a source file and a line (klog, glog, log4j's %F:%L).
# One name before the extension: "api.example.rs:443" is a host.
_SOURCE_FILE = r"[\w\-]+\.(?:go|java|kt|scala|py|rb|rs|c|cc|cpp|cxx|h|hpp|js|ts|cs|php|swift|lua)"
_SOURCE_LINE = re.compile(rf"({_SOURCE_FILE}):0+")
# "glusterd-handler.c:1475:__glusterd_handle_cli_list_friends": a file, its line and the
# function (GlusterFS, C daemons' %s:%d:%s); the function is kept with the file.
_SOURCE_FUNCTION = re.compile(rf"({_SOURCE_FILE}):0+:([A-Za-z_]+)")
# "repo/view.go:758(repo.Home)": a file in its package, its line and the function called
# there (Gitea's router names the handler that served a request so); the function is
# kept with the file.
_SOURCE_CALL = re.compile(rf"((?:[\w\-]+/)*{_SOURCE_FILE}):0+\(([A-Za-z_][\w.]*\)?)")
# "org.example.OrderService", "com.android.systemui", "android.intent.action.SCREEN_ON":
# three dotted identifiers or more name a class, a package or a constant, a value a message
# names as it names a file, when a label is capitalized or the name starts with a domain
# reversed; "mapred.task.id" is a setting's name, part of what the message says.
_DOTTED_NAME = re.compile(r"([A-Za-z_$][\w$]*)(?:\.[A-Za-z_$][\w$]*){2,}(?::0+)?")
# Of those, a Java exception's or error's class ("java.io.IOException").
_EXCEPTION_CLASS = re.compile(r"\.[A-Z]\w*(?:Exception|Error)$")
# A subsystem's tag in capitals and the path it speaks of ("KPPS:/dev/pps0"), not a URL.
_TAGGED_PATH = re.compile(r"([A-Z][A-Z0-9_]+):/(?!/)[^\s:,;]*([,;:]?)")
# An Erlang binary, its text masked ("<<"nodered">>").
_ERLANG_BINARY = '<<"<*>">>'
# A term in braces of values and punctuation only ("{[],<<"<*>">>}").
_VALUES_ONLY = re.compile(r"\{(?:[^A-Za-z]|<\*>)*\}")
_KEY_VALUE = re.compile(r"([A-Za-z_][A-Za-z_.\-\[\]]*?)([=:]|\.{2,})(.+)")
# A host name is told from a Java class or a file name by its last label.
_HOST = re.compile(r"(?:[A-Za-z0-9\-]+\.)+([A-Za-z]{2,})(?::0+)?")
_ZONE_CLASS = re.compile(r"/(?:IN|CH|HS)$")
# "CORP\svc_etl", "BUILTIN\Administrators", "CORP\\tanaka.h" (its backslash escaped): a
# Windows account, its domain in capitals.
_ACCOUNT = re.compile(r"[A-Z][A-Z0-9\-]*\\{1,2}[\w.\-]+\$?")
_TOP_LEVEL_DOMAINS = frozenset(
    [
        "com",
        "net",
        "org",
        "edu",
        "gov",
        "mil",
        "int",
        "info",
        "biz",
        "io",
        "co",
        "us",
        "uk",
        "de",
        "fr",
        "nl",
        "cn",
        "hk",
        "jp",
        "kr",
        "in",
        "ru",
        "br",
        "au",
        "ca",
        "it",
        "es",
        "se",
        "ch",
        "at",
        "be",
        "dk",
        "fi",
        "no",
        "pl",
        "cz",
        "eu",
        "tw",
        "sg",
        "local",
        "localdomain",
        "lan",
        "internal",
        "corp",
        "home",
        "intra",
        "example",
        "arpa",
        "test",
        "localhost",
    ]
)
# Files named by an extension that marks them as data, not code identifiers.
_FILE = re.compile(r"[\w\-]+(?:\.[\w\-]+)*\.([A-Za-z]{1,10})")
_FILE_EXTENSIONS = frozenset(
    [
        "exe",
        "dll",
        "sys",
        "so",
        "jar",
        "war",
        "class",
        "py",
        "sh",
        "bat",
        "ps1",
        "log",
        "txt",
        "csv",
        "json",
        "xml",
        "yaml",
        "yml",
        "conf",
        "cfg",
        "ini",
        "properties",
        "tmp",
        "bak",
        "bin",
        "dat",
        "db",
        "sql",
        "tar",
        "gz",
        "tgz",
        "zip",
        "bz2",
        "xz",
        "iso",
        "img",
        "pdf",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "html",
        "htm",
        "js",
        "css",
        "service",
        "socket",
        "timer",
        "mount",
        "pid",
        "lock",
        "sock",
        "pem",
        "crt",
        "key",
    ]
)

# Whole-message shapes that span several tokens or hold spaces.
_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t|tember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_WEEKDAYS = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*"
# Digits are zeroed before this runs: "Sun Dec 04 04:47:44 2005" is "Sun Dec 00 00:00:00 0000".
_TIMESTAMP = re.compile(
    rf"\b(?:{_WEEKDAYS},? +)?(?:{_MONTHS}\.? +0{{1,2}}|0{{1,2}}[ \-/]{_MONTHS})\b"
    r"(?:[ \-/,]+0{4})?(?:[ T:]+0{1,2}:00(?::00)?(?:[.,]0+)?)?(?: +[+\-]?0{4}\b)?"
)
# What every timestamp above holds, found many times faster than one: most lines have none.
_MONTH_NAME = re.compile("Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec")
# A single-quoted value, an item of a list of them (see mask_zeroed).
_QUOTED_ITEM = "'" + WILDCARD + "'"
# A span of days and a clock time, as Python prints a timedelta and Net-SNMP an uptime
# ("2 days, 16:00:00", "0 day, 02:10:09.32"): one duration, as "16:00:00" alone is.
_DAYS_AND_TIME = re.compile(r"\b0+ days?, 0{1,2}:00:00(?:\.0+)?(?![\w:])")
# The key starts where its run of key characters starts: tried from inside the run too,
# every start would rescan the rest of it, quadratic in a long word before a quote. A key
# takes the whole run anyway (`[=:]` ends it), so a match found at the run's first word
# character is the same match; the run's leading "." and "-" are kept as they were.
_KEY_QUOTED = re.compile(r"""(?<![\w.\-])([.\-]*)(\w[\w.\-]*[=:] ?)("[^"]*"|'[^']*')""")
_QUOTED_WORD = re.compile(r"""(?<![\w'"])(["'`])[^\s"'`]+\1(?![\w'"])""")


# A number in hexadecimal ("0x14ed93111f20027", "0xDEAD"), whole: its letters are digits.
_HEX_NUMBER = re.compile(r"\b0x[0-9A-Fa-f]+\b")


def _hex_zeroed(number: re.Match[str]) -> str:
    return "0x" + "0" * (len(number[0]) - 2)


def digits_zeroed(message: str) -> str:
    """The message with every ASCII digit turned into 0, and every digit of a number in
    hexadecimal ("0x1f" is "0x00"): masking cannot tell them apart. ZooKeeper's session
    ids and BGL's addresses, as others' counts, then take the miner's route memo.

    Through its UTF-8 bytes, about ten times as fast as str.translate() (which looks up
    each character in a dict): no byte of a multi-byte character is an ASCII digit, and
    "surrogatepass" carries a lone surrogate (valid JSON) there and back unchanged; it
    is asked for only when needed, as the strict codec is the faster.
    """
    if "0x" in message:
        message = _HEX_NUMBER.sub(_hex_zeroed, message)
    try:
        return message.encode().translate(_ZERO_DIGITS).decode()
    except UnicodeEncodeError:
        encoded = message.encode("utf-8", "surrogatepass")
        return encoded.translate(_ZERO_DIGITS).decode("utf-8", "surrogatepass")


def mask(message: str) -> tuple[str, ...]:
    """Tokens of the message with variables as `<*>`; adjacent variables become one."""
    return mask_zeroed(digits_zeroed(message))


def mask_zeroed(text: str) -> tuple[str, ...]:
    """`mask()` of a message whose digits `digits_zeroed()` already turned into 0."""
    if '"' in text:
        text = _mask_quoted_phrases(text)
    if "'" in text:
        text = _mask_single_quoted_phrases(text)
    if "`" in text:
        text = _mask_backquoted_phrases(text)
    if '"' in text or "'" in text or "`" in text:
        text = _KEY_QUOTED.sub(_mask_quoted_value, text)
        text = _QUOTED_WORD.sub(_mask_quoted_word, text)
    if "0" in text:
        if _MONTH_NAME.search(text):
            text = _TIMESTAMP.sub(WILDCARD, text)
        if " day" in text:
            text = _DAYS_AND_TIME.sub(WILDCARD, text)
    raws = text.split()
    if "{" in text or "(" in text or "[" in text:
        raws = _joined_objects(raws)
    # The memo's lookup in line: most tokens have been seen, and a call costs more.
    memo = _MASKED_TOKENS.get
    masked = [memo(raw) or _mask_token(raw) for raw in raws]
    if ('msg="' in text or 'message="' in text) and _logfmt_line(text):
        for place, raw in enumerate(raws):
            if raw.startswith(MESSAGE_KEYS):
                key, quote, words = raw.partition('"')
                masked[place] = f"{key}{quote}{_mask_token(words) if words else ''}"
    if "-> " in text or "=> " in text:
        for place in _transition_states(raws):
            masked[place] = _masked_whole(raws[place])
    if "= " in text:
        for place in _spaced_values(raws):
            masked[place] = _masked_whole(raws[place])
        # "ruser= rhost=...", "uname= t=...": a field whose value is empty this time. Not
        # the last word: Loghub labels a line that ends in an empty field ("... rhost=")
        # an event of its own.
        for place in range(len(raws) - 1):
            if raws[place][-1] == "=" and _EMPTY_FIELD.fullmatch(raws[place]):
                masked[place] = f"{raws[place]}{WILDCARD}"
    if "=" in text:
        for place in _record_flags(raws):
            masked[place] = WILDCARD
        for start, end in _spaced_field_values(raws):
            masked[start] = f"{raws[start].partition('=')[0]}={WILDCARD}"
            masked[start + 1 : end] = [""] * (end - start - 1)
        # "ERR=No such file or directory": a field's value may be a system error's text.
        for place, end in _field_error_texts(raws):
            masked[place + 1 : end] = [WILDCARD] * (end - place - 1)
        # A record's first field, with a word for its value, names the record as a first
        # word does: "type=USER_AUTH msg=audit(...): pid=42 uid=0 ...", "type=CWD
        # msg=audit(...): cwd=/root" (the first field and two more make a record); so
        # does its class, type or event anywhere ("eid=5 class=scrub_start pool='tank'").
        # Not in a logfmt line with a message ('level=warn msg="retrying"'): its text does.
        if sum("=" in raw for raw in raws) >= 3 and not any(
            raw.startswith(MESSAGE_KEYS) for raw in raws
        ):
            for place, raw in enumerate(raws):
                if (place == 0 or raw.partition("=")[0] in _NAMING_KEYS) and (
                    _NAMING_FIELD.fullmatch(raw)
                ):
                    masked[place] = raw
    if text.count(":") >= _RECORD_FIELDS:
        for place in _colon_fields(raws):
            key = raws[place].partition(":")[0]
            masked[place] = f"{key}:{WILDCARD}{_closing_marks(raws[place])}"
    if "#" in text or "$" in text:
        # "vty[5]@(config-router)# clear ip bgp * soft in", "$ go build -o bin/app": what
        # follows a prompt is a command typed there, one value.
        prompt = _prompt_place(raws)
        if prompt is not None:
            masked[prompt + 1 :] = [WILDCARD] + [""] * (len(masked) - prompt - 2)
    if " ; " in text and raws.count(";") >= _RECORD_SEPARATORS:
        # sudo's "bob : TTY=pts/1 ; PWD=/srv ; USER=root ; COMMAND=/usr/bin/apt install
        # -y git": in a record of fields between " ; ", the last field's value runs to the
        # end of the line, words and all.
        last = len(raws) - 1 - raws[::-1].index(";")
        if last + 2 < len(raws) and KEYED_FIELD.fullmatch(raws[last + 1]):
            masked[last + 1] = f"{raws[last + 1].partition('=')[0]}={WILDCARD}"
            masked[last + 2 :] = [""] * (len(masked) - last - 2)
    if _SQL_CLAUSE.search(text):
        # "(0.012) SELECT "auth_user"."id" FROM "auth_user" WHERE ...; args=(7,)": a
        # statement in SQL, to the end of the line, is one value, as a command typed at a
        # prompt is.
        statement = _sql_statement_place(raws)
        if statement is not None:
            masked[statement:] = [WILDCARD] + [""] * (len(masked) - statement - 1)
    if " --" in text:
        for start, end in _option_runs(raws):
            masked[start:end] = [WILDCARD] + [""] * (end - start - 1)
    if "HTTP/" in text:
        for place in _request_targets(raws):
            masked[place] = _mask_route(raws[place])
    if " /" in text or "://" in text:
        # "200 GET /info (10.0.0.9:5)", "[<*>] POST /cart/ => generated": a method between
        # a value and a path that is one is the request's, a value with them; a route
        # keeps its method ("GET /v2/servers HTTP/1.1"), which with the route's words
        # names an endpoint, as a handler's does ("Handler for GET /v1.47/containers/x").
        # Before a whole URL, a value, it is a value too ("Sending HTTP request POST
        # https://login.example.com/token").
        # Not the last word of a line besides its level ("INFO: 200 GET /info"): a line
        # of values only would take any line of as many.
        methods = [
            place
            for place in range(1, len(raws) - 1)
            if raws[place] in HTTP_METHODS
            and masked[place + 1] == WILDCARD
            and (
                (raws[place + 1][0] == "/" and WILDCARD in masked[place - 1])
                or "://" in raws[place + 1]
            )
        ]
        if methods and sum(map(_worded, masked)) - len(methods) >= _WORDS_BESIDES_METHOD:
            for place in methods:
                masked[place] = WILDCARD
    if ":/" in text:
        # gpsd's "PPS:/dev/pps0" and "KPPS:/dev/pps0": a subsystem's tag in capitals, then
        # the path it speaks of; the tag is part of what names the line. Not in brackets,
        # where the whole is one value ("[MEMORY:/etc/krb5.keytab]", a keytab's name).
        for place, raw in enumerate(raws):
            tagged_path = _TAGGED_PATH.fullmatch(raw) if ":/" in raw else None
            if tagged_path:
                masked[place] = f"{tagged_path.group(1)}:{WILDCARD}{tagged_path.group(2)}"
    if "{" in text and "," in text:
        # An Erlang term of values only, "{[],<<"sensor-0596">>}" and "{"plant1",<<"gw">>}"
        # (a client's mountpoint, empty or not, and its id): one value, whatever shapes
        # its parts take.
        for place, token in enumerate(masked):
            if (
                token[:1] == "{"
                and "," in token
                and " " not in token
                and _VALUES_ONLY.fullmatch(token.rstrip(",;:."))
            ):
                masked[place] = WILDCARD + token[len(token.rstrip(",;:.")) :]
    if '<<"' in text:
        # Erlang: a binary ("<<"nodered">>") is a value, and so is the atom that stands
        # where a value is missing ("username undefined" of "username <<"nodered">>").
        for place, token in enumerate(masked):
            if token.startswith(_ERLANG_BINARY):
                masked[place] = WILDCARD + token[len(_ERLANG_BINARY) :]
            elif place and raws[place] == "undefined" and masked[place - 1][-1:].isalpha():
                masked[place] = WILDCARD
    if "Exception" in text or "Error" in text:
        # What a request or a call threw, right after its value ("handleException /login
        # org.eclipse.jetty.io.EofException: Broken pipe"), names what went wrong, as an
        # error's text does. After a label ("Caused by:", "disconnected:") it is the value.
        for place in range(1, len(raws)):
            if masked[place - 1] == WILDCARD and _thrown(raws[place]):
                masked[place] = raws[place]
    if "000 " in text and _STATUS_START.search(text):
        # "404 Not Found": a status code's reason phrase says no more than the code.
        for place, end in _status_phrases(raws):
            masked[place] += _closing_marks(raws[end - 1])
            masked[place + 1 : end] = [""] * (end - place - 1)
    if "]," in text or "];" in text or "]:" in text:
        # "/dev/sda [SAT], opened": a type in brackets right after a value says what kind
        # of thing it is, and is not always there ("/dev/nvme0, opened").
        for place in range(1, len(raws) - 1):
            if masked[place - 1] == WILDCARD and _KIND_TAG.fullmatch(raws[place]):
                masked[place - 1] = ""  # dropped below; the places stay those of `raws`
                masked[place] = WILDCARD + raws[place][raws[place].index("]") + 1 :]
    if "/" in text:
        # "/srv/My Documents/a.pdf: OK": a path with a space in it is one value.
        for place in range(len(raws) - 1, 0, -1) if _VALUE_ENDING in masked else ():
            if (
                masked[place] == _VALUE_ENDING
                and masked[place - 1] == WILDCARD
                and raws[place - 1][0] == "/"
                and _FILE_NAME_END.search(raws[place])
            ):
                del masked[place - 1]
        # "A /srv/samba/Kunden/Schulz AG/Lieferschein 4623.pdf": so is one whose parts
        # after a space go on with a folder or end as a file's name does.
        path = False
        for place, raw in enumerate(raws):
            if path and masked[place] and _PATH_GOES_ON.fullmatch(raw):
                masked[place] = ""
                continue
            path = raw[0] == "/" and masked[place] == WILDCARD
    if " | " in text and raws.count("|") >= _TABLE_SEPARATORS:
        # "Event | High | Closed | Data Center.Floor 04.Server room 7 | B1'AS02 | Present
        # value: Normal": a row of a table. A cell with a value in it is one value,
        # however many words it has; the last cell is the message, read word by word.
        start = 0
        for end, raw in enumerate(raws):
            if raw != "|":
                continue
            if end - start > 1 and any(WILDCARD in token for token in masked[start:end]):
                masked[start:end] = [WILDCARD] + [""] * (end - start - 1)
            start = end + 1
    tokens: list[str] = []
    listing = False
    last = ""  # the token appended last
    for token in masked:
        if not token:
            continue
        # "'/usr/lib/nagios/plugins/check_ping' '-H' '10.0.0.1':": a list of quoted values
        # (a command's arguments) is one value, however many it has.
        if (
            token[0] == "'"
            and token.startswith(_QUOTED_ITEM)
            and (last == _QUOTED_ITEM or (listing and last == WILDCARD))
        ):
            last = tokens[-1] = WILDCARD + token[len(_QUOTED_ITEM) :]
            listing = last == WILDCARD
            continue
        listing = False
        if last[-1:] == ">" and last.endswith(WILDCARD):
            # "<*> <*>" reads as one value, as does "Callers=<*> <*>".
            if token == WILDCARD:
                continue
            # "850.0 B" and "5.2 KB", "(12 MB)", "<1 sec" and "00:01": the unit belongs to
            # the value; not a label ("8B40-0001 B: Positioning error" names axis B).
            unit = token.rstrip(_CLOSERS)
            if (unit in UNITS or unit in TIME_MARKS) and token[-1] != ":":
                last = tokens[-1] = last + token[len(unit) :]
                continue
        tokens.append(token)
        last = token
    if "(" in text or "[" in text or "{" in text:
        return bracket_groups(tokens)
    return tuple(tokens)


# A record of fields between " ; " has at least this many of them.
_RECORD_SEPARATORS = 3
# A key=value field, whatever its value.
KEYED_FIELD = re.compile(r"[A-Za-z_][\w.\-]*=\S+")
# A table row has at least this many " | " between its cells (four columns).
_TABLE_SEPARATORS = 3
# An MQTT topic: a first part in lower case, the device (one part or more), and the kind
# of message in capitals ("tele/plug_mill/STATE").
_TOPIC = re.compile(r"([a-z]+)/[^\s/]+(?:/[^\s/]+)*/([A-Z]{2}[A-Z_]*)(0*)")
# The most tokens a bracketed phrase may span and still count as one token.
MAX_BRACKETED_TOKENS = 16
_CLOSER_OF = {"(": ")", "[": "]", "{": "}"}
# Brackets a masked value may leave open, angle brackets too ("<0.1562.0>").
_VALUE_CLOSER_OF = {**_CLOSER_OF, "<": ">"}


def bracket_groups(tokens: list[str]) -> tuple[str, ...]:
    """The tokens, a phrase in brackets of up to MAX_BRACKETED_TOKENS words joined into one
    token: "(Microsoft Word)", "[Clamshell Sleep]", "(Disassociated because station
    leaving).", "{<*> com.example.app}". A bracketed phrase is said as one thing, the value
    of a field, an object printed whole or a remark; as one token, the miner tells it
    apart or finds it variable as it does a word.

    A phrase inside a phrase is joined first and counts as one token of it, so whether
    "[failed shard, ... message [<*>]]," is one token does not depend on how many words
    the `<*>` stood for. Grouping reads masked tokens only, so a stored template split at
    its spaces groups into the tokens it was made of (`template_tokens`)."""
    grouped, cut_short = _bracket_groups_once(tokens)
    # Only a phrase too long to join may fit once the phrases inside it are joined.
    while cut_short and len(grouped) < len(tokens):
        tokens = list(grouped)
        grouped, cut_short = _bracket_groups_once(tokens)
    return tuple(grouped)


def _bracket_groups_once(tokens: list[str] | tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
    """The tokens with each phrase in brackets joined, and whether a phrase was longer
    than MAX_BRACKETED_TOKENS."""
    cut_short = False
    grouped: list[str] = []
    balances: dict[str, list[int]] = {}
    place = 0
    while place < len(tokens):
        token = tokens[place]
        closer = _CLOSER_OF.get(token[:1])
        # A token that closes what it opens ("(s)") joins nothing: the others' brackets
        # are counted only for one that leaves its bracket open.
        if closer is not None and token.count(token[0]) > token.count(closer):
            opener = token[0]
            balance = balances.get(opener)
            if balance is None:
                balance = balances[opener] = [t.count(opener) - t.count(closer) for t in tokens]
            depth = balance[place]
            end = place + 1
            stop = min(len(tokens), place + MAX_BRACKETED_TOKENS)
            while depth > 0 and end < stop:
                depth += balance[end]
                end += 1
            if end > place + 1 and depth == 0:
                grouped.append(" ".join(tokens[place:end]))
                place = end
                continue
            cut_short = cut_short or (depth > 0 and end < len(tokens))
        grouped.append(token)
        place += 1
    return tuple(grouped), cut_short


def balanced(text: str) -> bool:
    """Whether the text opens as many brackets of each kind as it closes, as a phrase that
    `bracket_groups` joins into one token does."""
    return all(text.count(opener) == text.count(closer) for opener, closer in _CLOSER_OF.items())


def template_tokens(template: str) -> tuple[str, ...]:
    """The tokens of a template as masking made them (its words and bracketed phrases)."""
    words = template.split(" ")
    if "(" in template or "[" in template or "{" in template:
        return bracket_groups(words)
    return tuple(words)


def _joined_objects(raws: list[str]) -> list[str]:
    """The raw tokens, an object printed whole across several ("WorkSource{10037 com.app}",
    "ws=Window{3f2a u0 com.app/.Main}") joined into one when it is masked whole: it is
    one value. A bracket that opens a token ("(Microsoft Word)") is `bracket_groups`'s."""
    joined: list[str] = []
    balances: dict[str, list[int]] = {}
    place = 0
    while place < len(raws):
        raw = raws[place]
        end = place + 1
        opens = _OPENS.search(raw, 1)
        if (
            opens is not None
            and raw.count(opens.group()) > raw.count(_CLOSER_OF[opens.group()])
            and raw[: opens.start()].strip(_OPENERS)
        ):
            opener = opens.group()
            balance = balances.get(opener)
            if balance is None:
                closer = _CLOSER_OF[opener]
                balance = balances[opener] = [t.count(opener) - t.count(closer) for t in raws]
            depth = balance[place]
            stop = min(len(raws), place + MAX_BRACKETED_TOKENS)
            while depth > 0 and end < stop:
                depth += balance[end]
                end += 1
            if depth == 0 and end > place + 1:
                value = _mask_token(" ".join(raws[place:end]))
                if " " not in value:
                    joined.append(value)
                    place = end
                    continue
            end = place + 1
        joined.append(raw)
        place = end
    return joined


_OPENS = re.compile(r"[({\[]")


def _spaced_values(raws: list[str]) -> list[int]:
    """Places of values written after "key= " or "key = ", as "allDrawn= false": the value
    of a key, as in "key=value" (a key with an empty value is followed by the next key)."""
    return [
        place
        for place in range(1, len(raws))
        if raws[place - 1][-1] == "=" and "=" not in raws[place] and WILDCARD not in raws[place]
    ]


# A record of upper-case fields ("SRC=10.0.0.1 DST=10.0.0.2 LEN=60 ... ID=0 DF PROTO=TCP"):
# the bare upper-case words among its fields are flags the record carries or not, values
# of the record rather than words of an event. A record has at least this many fields.
_RECORD_FIELDS = 4
_UPPER_FIELD = re.compile(r"[A-Z][A-Z0-9_]*=")
_FLAG = re.compile(r"[A-Z]{2,}")
_COLON_FIELD = re.compile(r"[a-z][a-z0-9_.]*[a-z0-9]:[^\s/:][^\s]*")


def _colon_fields(raws: list[str]) -> list[int]:
    """Places of the fields of a record that a colon joins to their values ("db_user:app_rw
    db_service:pg-prod", Teleport's audit log, Go's struct dumps): _RECORD_FIELDS of them
    or more make one, whose values are values whatever their shape."""
    fields = [place for place, raw in enumerate(raws) if _COLON_FIELD.fullmatch(raw)]
    return fields if len(fields) >= _RECORD_FIELDS else []


def _option_runs(raws: list[str]) -> list[tuple[int, int]]:
    """Where runs of two long options or more stand, as (start, end): a command's options
    ("--exec-id=54734 --log-level-console=off --stanza=main"), as many as it was given,
    are one value."""
    runs = []
    start = None
    for place, raw in enumerate([*raws, ""]):
        if raw.startswith("--") and len(raw) > 2 and raw[2].isalpha():
            if start is None:
                start = place
            continue
        if start is not None and place - start >= 2:
            runs.append((start, place))
        start = None
    return runs


def _record_flags(raws: list[str]) -> list[int]:
    """Places of the flags in a record of upper-case fields: runs of bare upper-case words
    after a field and before the next ("RES=0x00 ACK PSH URGP=0"). Each becomes `<*>`, which
    joins the value before it, so a record reads the same whichever flags it carries."""
    if sum(1 for raw in raws if "=" in raw and _UPPER_FIELD.match(raw)) < _RECORD_FIELDS:
        return []
    places: list[int] = []
    run: list[int] = []
    for place in range(1, len(raws)):
        raw = raws[place]
        if _FLAG.fullmatch(raw) and (run or _UPPER_FIELD.match(raws[place - 1])):
            run.append(place)
            continue
        if run and _UPPER_FIELD.match(raw):
            places.extend(run)
        run = []
    return places


def _spaced_field_values(raws: list[str]) -> list[tuple[int, int]]:
    """Where, in a record of key=value fields, a value goes on over words up to the next
    field, as (start, end): Falco's "command=grep -r password /home terminal=0"."""
    # A field left empty ("name= age=6") ends the value before it too.
    keyed = [
        place
        for place, raw in enumerate(raws)
        if "=" in raw and (KEYED_FIELD.fullmatch(raw) or _EMPTY_FIELD.fullmatch(raw))
    ]
    if len(keyed) < _RECORD_FIELDS:
        return []
    return [
        (start, end)
        for start, end in itertools.pairwise(keyed)
        if end - start > 1
        and not raws[start].endswith("=")
        and not _UPPER_FIELD.match(raws[start])
        # Not words in capitals only, which name the record ("conn=4 op=1 RESULT tag=97")
        # or a value's unit ("qty=12 PCE"), nor marks only (" ; "), nor a label that
        # heads the fields after it ("gcodein=0 mcu: mcu_awake=0.005").
        and not all(raw.isalpha() and raw.isupper() for raw in raws[start + 1 : end])
        and not raws[start + 1].endswith(":")
        and any(any(map(str.isalnum, raw)) for raw in raws[start + 1 : end])
        and _unquoted(raws[start:end])
    ]


def _unquoted(raws: list[str]) -> bool:
    """Whether the words hold no double quote or backquote, and single quotes in pairs
    ("command=python3 -c open('/etc/shadow').read()"): a quoted text (a logfmt message's
    'msg="Starting server"') is the quote rules' to read."""
    text = " ".join(raws)
    return '"' not in text and "`" not in text and text.count("'") % 2 == 0


_VALUE_ENDING = f"{WILDCARD}:"
# The end of a file's name and its colon: "4016.docx:", "Documents/notes.txt:".
# A part of a path after a space: words up to a folder's slash, or a file's name.
_PATH_GOES_ON = re.compile(r"[\w\-]+(?:/[^\s/]+)+|[\w\-]+\.[A-Za-z][A-Za-z0-9]{0,4}")
_FILE_NAME_END = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,4}:$")
_PAM_CALLER = re.compile(r"(pam_\w+\()[\w.@\-]+(:[a-z_]+)")
_CALLED = re.compile(r"([A-Z][A-Z_]{2,})\([a-z][a-z.\-]*")
# Keys whose value, a word, says which event a record is.
_NAMING_KEYS = frozenset(("class", "type", "event"))
_NAMING_FIELD = re.compile(r"[a-z_]+=[A-Za-z][A-Za-z_]*")
# Every text of the errors numbered in <errno.h> that this platform knows ("Permission
# denied", "No such file or directory").
SYSTEM_ERRORS = frozenset(os.strerror(number) for number in range(1, 256))
_SYSTEM_ERROR_WORDS = max(len(text.split()) for text in SYSTEM_ERRORS)
_FIELD_VALUE = re.compile(r"[A-Za-z_][\w.\-]*=([A-Z]\S*)")


def _field_error_texts(raws: list[str]) -> list[tuple[int, int]]:
    """(place, end) of each field whose value is a system error's text of several words,
    `raws[place:end]`."""
    found = []
    for place, raw in enumerate(raws):
        field = _FIELD_VALUE.fullmatch(raw) if "=" in raw else None
        if not field:
            continue
        words = [field.group(1)]
        for end in range(place + 1, min(place + _SYSTEM_ERROR_WORDS, len(raws))):
            words.append(raws[end])
            if " ".join(words) in SYSTEM_ERRORS:
                found.append((place, end + 1))
                break
    return found


_KIND_TAG = re.compile(r"\[[A-Z][A-Z0-9_\-]*\][,;:]")
_EMPTY_FIELD = re.compile(r"[A-Za-z_][\w.\-]*=")

# "Shifting SYNCED -> OPEN", "HSRP Vl10 Grp 10 state Standby -> Active", "S_IDLE =>
# S_POLICY_ENGINE": the states on either side of an arrow are the values of one change.
_ARROWS = frozenset({"->", "=>", "-->"})
# A state is a name, in brackets or not; "FAILED! => {...}" and "[web1] => (item=nginx)"
# are an outcome and its result, not states.
_STATE = re.compile(r"[(\[]?[A-Za-z][\w/.\-]*[)\]]?[,;:]?")


def _transition_states(raws: list[str]) -> list[int]:
    """The places of the states a transition names: the words on either side of an arrow."""
    return [
        place
        for arrow, token in enumerate(raws)
        if token in _ARROWS and 0 < arrow < len(raws) - 1
        for place in (arrow - 1, arrow + 1)
        if _STATE.fullmatch(raws[place])
    ]


def _masked_whole(token: str) -> str:
    """The token as one value, what wraps it kept: "false," is "<*>,"."""
    start, end = 0, len(token)
    while start < end and token[start] in _OPENERS:
        start += 1
    while end > start and token[end - 1] in _CLOSERS:
        end -= 1
    return f"{token[:start]}{WILDCARD}{token[end:]}" if start < end else token


# logfmt's keys for the message text (Go's logrus and slog, go-kit, Docker): 'level=info
# msg="shim disconnected" id=...' is an event "shim disconnected" with fields, so its
# quoted text is masked as a message is, word by word, not taken as one value. Only in a
# line of fields: where words come first ("client: Task event: task=web msg="Task
# started""), they are the message, and msg= is one of its fields (HashiCorp's hclog).
MESSAGE_KEYS = ('msg="', 'message="')
# A logfmt key is short: the "=" of a line's first field comes within this many characters.
_FIRST_KEY_MAX = 64


def _logfmt_line(text: str) -> bool:
    """Whether the line starts with a key=value field, as a logfmt line does."""
    first = text[:_FIRST_KEY_MAX].split(None, 1)
    return bool(first) and "=" in first[0]


def _opens_message(text: str, quote: int) -> bool:
    """Whether the quote at `quote` opens the text of a logfmt message key."""
    for key in MESSAGE_KEYS:
        start = quote + 1 - len(key)
        if text.startswith(key, start) and (start == 0 or text[start - 1].isspace()):
            return _logfmt_line(text)
    return False


# The names of log levels, which lead lines as a verb would lead a sentence.
LEVEL_NAMES = frozenset(
    (
        "trace",
        "debug",
        "info",
        "notice",
        "warn",
        "warning",
        "error",
        "err",
        "crit",
        "critical",
        "alert",
        "emerg",
        "emergency",
        "fatal",
        "severe",
    )
)


# "I1207 14:42:19.982638    2290 reconciler_common.go:245] ": klog's header (Kubernetes),
# digits zeroed; a structured line's message follows it in quotes.
_KLOG_HEADER = re.compile(r"[IWEF]0{4} 00:00:00\.0+ +0+ [\w.\-]+:0+\] ")
# A double quote that is not escaped: quoted phrases are paired from these, left to right.
_DOUBLE_QUOTE = re.compile(r'(?<!\\)"')
_SINGLE_QUOTE = re.compile(r"(?<!\\)'")
_BACKQUOTE = re.compile(r"(?<!\\)`")


def _mask_quoted_phrases(text: str) -> str:
    """A phrase in double quotes is a value ("Mozilla/5.0 (X11; Linux)", "Batch 12"), as a
    quoted word is, unless it opens the message before fields or nothing (structured logs
    quote their message text: klog's '"Probe failed" probeType="Readiness"', TiKV's in
    brackets after the tags that lead the line; where words follow it, they say what it
    did: '"dr. pepper<6><BOT><CT>" purchased "mp9"', a game server's player), is a line
    another program logged (`_relayed_message`) or is an HTTP request line, whose method
    and route tell events apart (unless it is a field after the event's words, `...,
    request: "GET /x HTTP/1.1"`: then it is that field's value)."""
    quotes = [match.start() for match in _DOUBLE_QUOTE.finditer(text)]
    if len(quotes) > 2 and ("[" in text or "(" in text or "{" in text):
        quotes = _outer_quotes(text, quotes)
    if len(quotes) > 3:
        quotes = _nested_quotes_left_out(text, quotes)
    # Where a message quoted in brackets would open, after the tags that lead the line.
    tags_end = _LEADING_TAGS.match(text).end() if '["' in text else -1
    return _mask_paired(
        text,
        quotes,
        lambda start, inner: (
            (start == 0 and _fields_or_nothing_at(text, start + len(inner) + 2))
            or _opens_message(text, start)
            or (start - 1 == tags_end and text[tags_end] == "[")
            or (text[start - 2 : start] == "] " and _KLOG_HEADER.fullmatch(text, 0, start))
            or (text[start - 1 : start] == " " and _relayed_message(inner))
            or (inner.partition(" ")[0] in HTTP_METHODS and not _follows_label(text, start))
        ),
    )


# The end of the line, or a key=value field, after spaces.
_FIELD_OR_END = re.compile(r" *(?:$|[A-Za-z_][\w.\-]*=)")


def _fields_or_nothing_at(text: str, place: int) -> bool:
    return _FIELD_OR_END.match(text, place) is not None


# Tags in square brackets that lead a line, each followed by a space, or none: TiKV's
# "[2024/05/01 10:00:00.000 +08:00] [INFO] [raft.rs:1550] " before its quoted message.
_LEADING_TAGS = re.compile(r"(?:\[[^\[\]\"]*\] )*")


def _relayed_message(inner: str) -> bool:
    """Whether a quoted phrase is a line another program logged, its level first in
    capitals: php-fpm passes on what a worker wrote to stderr ('said into stderr: "NOTICE:
    PHP message: PHP Warning: Undefined variable $id in /srv/a.php on line 12"'), whose
    words are the event's. Not glued to a key or a bracket ('error:"FATAL: ..."',
    '<<"FATAL: ...">>'): there the line is a field's value."""
    first = inner.partition(" ")[0]
    return first[-1:] == ":" and first[:-1].isupper() and first[:-1].lower() in LEVEL_NAMES


def _outer_quotes(text: str, quotes: list[int]) -> list[int]:
    """The quotes that open and close phrases, without those of items quoted inside a
    bracket the phrase opened: Zabbix's `item "host:perf_counter["\\Processor Time"]"` is
    one phrase, not "host:perf_counter[" and a second one. Where a phrase leaves a bracket
    open to the end, every quote pairs in order, as without brackets."""
    outer: list[int] = []
    depth = 0
    done = 0
    for quote in quotes:
        if len(outer) % 2:
            segment = text[done:quote]
            depth += sum(map(segment.count, "([{")) - sum(map(segment.count, ")]}"))
            depth = max(depth, 0)
            done = quote + 1
            if depth:
                continue
        else:
            depth, done = 0, quote + 1
        outer.append(quote)
    return outer if not depth else quotes


def _nested_quotes_left_out(text: str, quotes: list[int]) -> list[int]:
    """The quotes without those of a phrase quoted inside a quoted phrase, told by their
    place: one that opens follows a space and stands before a word, one that closes stands
    after a word and before a space, a mark or the end. vsftpd's reply `"257
    "/home/bob" is the current directory"` is one phrase. Where a quote is neither, or
    the phrases do not close, every quote pairs in order."""
    outer: list[int] = []
    depth = 0
    for quote in quotes:
        before, after = text[quote - 1 : quote], text[quote + 1 : quote + 2]
        opens = (not before or before in " ([{,=:\"'") and after not in ("", " ")
        closes = before not in ("", " ") and (not after or after in " ,;:.)]}\"'")
        if opens == closes:
            return quotes
        if opens:
            depth += 1
            if depth == 1:
                outer.append(quote)
        else:
            depth -= 1
            if depth < 0:
                return quotes
            if depth == 0:
                outer.append(quote)
    return outer if depth == 0 else quotes


def _mask_single_quoted_phrases(text: str) -> str:
    """A phrase in single quotes is a value ("for user 'NT AUTHORITY\\SYSTEM'", "task
    'NcTask 1 SVB'"), as a single-quoted word is. An apostrophe between two letters
    ("can't", "O'Brien") is no quote."""
    quotes = [
        match.start()
        for match in _SINGLE_QUOTE.finditer(text)
        if not (
            text[match.start() - 1 : match.start()].isalnum()
            and text[match.end() : match.end() + 1].isalnum()
        )
    ]
    return _mask_every_pair(text, quotes)


def _mask_backquoted_phrases(text: str) -> str:
    """A phrase in backquotes is a value, as Markdown and Go's messages quote a name
    ("Job `Mail: Email Queue Manager` done.", Odoo's cron jobs)."""
    return _mask_every_pair(text, [match.start() for match in _BACKQUOTE.finditer(text)])


def _mask_every_pair(text: str, quotes: list[int]) -> str:
    """`text` with the phrase each pair of `quotes` holds masked, nested pairs left out."""
    if len(quotes) > 3:
        quotes = _nested_quotes_left_out(text, quotes)
    return _mask_paired(text, quotes, lambda start, inner: False)


def _mask_paired(text: str, quotes: list[int], kept: Callable[[int, str], bool]) -> str:
    """`text` with each phrase (words with a space between) that a pair of `quotes` holds
    masked to `<*>`, but those `kept(start, inner)` says stay, and those glued to a word
    before or after. Quotes are paired in order in one pass, so an unclosed quote costs
    no rescan."""
    pieces: list[str] = []
    done = 0
    for start, end in zip(quotes[::2], quotes[1::2], strict=False):
        inner = text[start + 1 : end]
        if (
            " " not in inner
            or text[start - 1 : start].isalnum()
            or text[end + 1 : end + 2].isalnum()
            or kept(start, inner)
        ):
            continue
        pieces += (text[done : start + 1], WILDCARD)
        done = end
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


def _follows_label(text: str, start: int) -> bool:
    """Whether the quote at `start` opens the value of a label ("request: ", "url=") that
    follows the words of the event: a field among others, not what the message is about
    ('request: "GET /orders HTTP/1.1" took 2 ms')."""
    label_end = start - 2 if text[start - 1 : start] == " " else start - 1
    return text[label_end : label_end + 1] in (":", "=") and text.rfind(" ", 0, label_end) > 0


_PROMPT = re.compile(r"\S*[)\]>@]#|\S+@\S+:\S*[#$]")


# The verbs that open an SQL statement, and the clauses one of which it must have.
_SQL_VERBS = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "REPLACE", "MERGE"})
_SQL_CLAUSE = re.compile(" (?:FROM|INTO|SET|WHERE|VALUES) ")


def _sql_statement_place(raws: list[str]) -> int | None:
    """Where an SQL statement opens: a verb in capitals, a clause of it after it. Not the
    first word, which names the event ("UPDATE received from peer" has no clause; an SQL
    statement that opens a line is what the line is about)."""
    for place in range(1, len(raws) - 2):
        if raws[place] in _SQL_VERBS:
            rest = f" {' '.join(raws[place + 1 :])} "
            if _SQL_CLAUSE.search(rest):
                return place
            return None
    return None


def _prompt_place(raws: list[str]) -> int | None:
    """Where a shell's or a router's prompt stands before a command: "$" or "#" leading
    the line, "(config)#", "deploy@web01:~$". A command is a program's name or path, not
    a capitalized word: "# RF packets received: 12" is a line of a report."""
    if len(raws) > 1 and raws[0] in ("$", "#") and not raws[1][0].isupper():
        return 0
    for place, raw in enumerate(raws[:-1]):
        if raw[-1] in "#$" and _PROMPT.fullmatch(raw):
            return place
    return None


# "200 OK", "404 Not Found": the reason phrase that goes with a status code.
STATUS_PHRASES = frozenset(tuple(status.phrase.split()) for status in HTTPStatus)
# The code first, then what stands before it: a pattern that opens with text is searched
# for many times faster than one that opens with a look behind.
_STATUS_START = re.compile(r"000(?<![^\s(\[{<\"']000) [A-Z]")
_STATUS_PHRASE_WORDS = max(map(len, STATUS_PHRASES))


def _status_phrases(raws: list[str]) -> list[tuple[int, int]]:
    """Where a status code and its reason phrase stand, as (code's place, end): "200 OK,",
    "(404 Not Found)"."""
    found = []
    for place, raw in enumerate(raws[:-1]):
        if raw.lstrip(_OPENERS) != "000":
            continue
        for words in range(_STATUS_PHRASE_WORDS, 0, -1):
            phrase = raws[place + 1 : place + 1 + words]
            if (
                len(phrase) == words
                and (*phrase[:-1], phrase[-1].rstrip(_CLOSERS)) in STATUS_PHRASES
            ):
                found.append((place, place + 1 + words))
                break
    return found


# RFC 9110's methods and WebDAV's most common ones.
HTTP_METHODS = frozenset(
    ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE", "PROPFIND")
)
_WORDS_BESIDES_METHOD = 2
_HTTP_VERSION = re.compile(r"HTTP/0(?:\.0)?[\"',;\]]*")
_ROUTE_WORD = re.compile(r"[A-Za-z][A-Za-z_\-]*")


def _worded(token: str) -> bool:
    return WILDCARD not in token and any(character.isalpha() for character in token)


def _request_targets(raws: list[str]) -> list[int]:
    """Places of the targets of HTTP request lines ("GET /v2/servers/detail HTTP/1.1"), the
    line in quotes or not, escaped ones too (CrowdSec's logfmt message '... \\"GET
    /v1/heartbeat HTTP/1.1 200 24µs \\"crowdsec/v1.6.8\\" \\"')."""
    return [
        index
        for index in range(1, len(raws) - 1)
        if raws[index - 1].lstrip("\\\"'") in HTTP_METHODS
        and raws[index].startswith("/")
        and _HTTP_VERSION.fullmatch(raws[index + 1])
    ]


def _mask_route(token: str) -> str:
    """The target of a request line, masked by segment: a route's words tell endpoints apart
    ("/v2/<*>/servers/detail" and "/v2/<*>/servers/<*>"), ids and file names are values, and
    a query string is one value."""
    path, question, query = token.partition("?")
    segments = path.split("/")
    masked = "/".join(
        segment if not segment or _ROUTE_WORD.fullmatch(segment) else WILDCARD
        for segment in segments
    )
    return f"{masked}{question}{WILDCARD}" if query else masked


def _mask_quoted_value(match: re.Match[str]) -> str:
    lead, key, value = match.groups()
    if (
        value[1:].partition(" ")[0] in HTTP_METHODS
        or _opens_message(match.string, match.start(3))
        or _relayed_message(value[1:-1])
    ):
        return match.group()
    return f"{lead}{key}{value[0]}{WILDCARD}{value[0]}"


def _mask_quoted_word(match: re.Match[str]) -> str:
    quote = match.group(1)
    if _opens_message(match.string, match.start()):
        return match.group()
    return f"{quote}{WILDCARD}{quote}"


# Masked tokens by token: a token is masked alone, and most tokens of a stream ("shard,",
# "node[<*>],", "user=<*>" once digits are zeroed) come again and again. Only short ones are
# kept, and the memo starts again when full, so no producer can make it large.
_MASKED_TOKENS: dict[str, str] = {}
MAX_MASKED_TOKENS = 50_000
MAX_MEMO_TOKEN_LENGTH = 64


# A token of one mark repeated this often is a rule drawn across the line, not a word
# (haproxy's "----" is four flags); it keeps its first RULE_KEPT marks.
MIN_RULE_LENGTH = 8
RULE_KEPT = 3


def forget_masked_tokens() -> None:
    """Empty the memo of masked tokens, for a cold start (`bench/grouping.py` times one)."""
    _MASKED_TOKENS.clear()


def _mask_token(token: str) -> str:
    """One whitespace-separated token, masked; what wraps it (brackets, commas) is kept."""
    masked = _MASKED_TOKENS.get(token)
    if masked is None:
        masked = _masked_token(token)
        if len(token) <= MAX_MEMO_TOKEN_LENGTH:
            if len(_MASKED_TOKENS) >= MAX_MASKED_TOKENS:
                _MASKED_TOKENS.clear()
            _MASKED_TOKENS[token] = masked
    return masked


_BRACKETED_CONSTANT = re.compile(r"\[[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\][,.:;]?")


def _masked_token(token: str) -> str:
    # A restored template is masked again; what it already masks stays as it is. A token
    # a quote rule masked in part ('ns=2;s="<*>"') goes on if a digit is left in it.
    if token.isalpha() or (WILDCARD in token and "0" not in token):
        return token
    if token[:1] == "[" and _BRACKETED_CONSTANT.fullmatch(token):
        # "[CS_EXECUTE] [USER_BUSY]", "[NT_STATUS_OK]": a constant's name in brackets, a
        # state or a status a program prints by name, one of many.
        return f"[{WILDCARD}]{token[token.rindex(']') + 1 :]}"
    if len(token) >= MIN_RULE_LENGTH and token == token[0] * len(token) and not token[0].isalnum():
        # "****...", "-----": a rule drawn to fill a width, as long as the width leaves
        # ("TASK [Gathering Facts] ****" pads every task's name to one line).
        return f"{token[:RULE_KEPT]}{WILDCARD}"
    if (
        len(token) > 1
        and token[0] in _COMPARATORS
        and token[1] == "0"
        and not (token[0] == "<" and ">" in token)
    ):
        # "<1 sec", ">500ms", "~3": the comparison is part of the value; "<1796495984256>"
        # is a value in angle brackets, as "<>" is an empty one.
        token = token[1:]
    start = len(token) - len(token.lstrip(_OPENERS))
    core = token[start:].rstrip(_CLOSERS)
    end = start + len(core)
    if not core:
        # "()", '""' and "<>:" are values that happen to be empty, also as the last
        # argument of a call ('Answer("PJSIP/12", "")').
        empty = token[:2]
        if empty in _EMPTY_VALUES and not token[2:].strip(_AFTER_EMPTY_VALUE):
            return f"{empty[0]}{WILDCARD}{token[1:]}"
        return token
    masked = _mask_core(core)
    if masked is core:
        return token
    tail = token[end:]
    if tail and tail[0] in ")]}>":
        tail = _without_closers_of(core, masked, tail)
    head = token[:start]
    if head[-1:] == "[" and masked == WILDCARD and _bracketed_address(core):
        # "[2001:db8::5]:53": the brackets set an address off from its port, as
        # "10.0.0.5:53" needs none; both are one value.
        head = head[:-1]
    return f"{head}{masked}{_brackets_given_back(token, f'{head}{masked}{tail}')}{tail}"


def _bracketed_address(core: str) -> bool:
    """An IPv6 address, the bracket before it cut off as wrapping, then its own closing
    bracket and a port ("2001:db8::5]:53")."""
    return "]" in core and "[" not in core and bool(_IPV6.fullmatch(core))


def _thrown(raw: str) -> bool:
    """Whether a token is a Java exception's or error's class ("java.io.IOException:")."""
    core = raw.rstrip(":,;")
    return _EXCEPTION_CLASS.search(core) is not None and _DOTTED_NAME.fullmatch(core) is not None


def _closing_marks(token: str) -> str:
    """The marks a token ends with ("," of "db_origin:config,", ")" of "Found)"), which stay
    after the value masking makes of it."""
    return token[len(token.rstrip(_CLOSERS)) :]


def _brackets_given_back(token: str, masked: str) -> str:
    """The brackets a value masked away that other tokens open or close: "/backup/db-$(date"
    is "<*>(" before "+%F).dump)", and "[___DEFAULT___]-16]" "[<*>]]" after "[ehcache",
    so that the phrases in brackets around them still close where they did
    (`bracket_groups`). A token whose brackets close within it keeps the shape masking
    gave it ("[L3]Program:P30.Temp" is "[<*>")."""
    given = ""
    for opener, closer in _CLOSER_OF.items():
        beyond = token.count(opener) - token.count(closer)
        if not beyond:
            continue
        lost = beyond - masked.count(opener) + masked.count(closer)
        if beyond > 0 and lost > 0:
            given += opener * lost
        elif beyond < 0 and lost < 0:
            given += closer * -lost
    return given


def _event_name(core: str) -> bool:
    """Whether a word with a digit in it is an event's name in capitals, mostly words:
    "EAPOL-4WAY-HS-COMPLETED", "CTRL-EVENT-EAP-SUCCESS2" (hostapd), where a digit may
    start or end a part; not a numbered name ("SRV-WEB-DB-01": a part of digits alone) or
    a place ("R02-M1-N0")."""
    if core.count("-") + core.count("_") < _EVENT_NAME_PARTS - 1:
        return False
    parts = _NAME_PARTS.split(core)
    return (
        len(parts) >= _EVENT_NAME_PARTS
        and all(map(_EVENT_NAME_PART.fullmatch, parts))
        and sum(part.isalpha() for part in parts) >= _EVENT_NAME_PARTS
    )


def _opened_inside(core: str) -> int:
    """Where the value starts after a word and the bracket that opens it and that the core
    leaves open ("LOGIN(" in "LOGIN(uid=0"), or 0: no digit in the word before it."""
    start = 0
    for opener, closer in _CLOSER_OF.items():
        if opener in core and core.count(opener) > core.count(closer):
            place = core.find(opener)
            if place > 0 and (start == 0 or place < start - 1):
                start = place + 1
    if start and ("0" in core[: start - 1] or not core[0].isalpha()):
        return 0
    return start


def _without_closers_of(core: str, masked: str, tail: str) -> str:
    """`tail` without the brackets that close what the masked value opened: "Helper(42)"
    and "ws=WorkSource{42}," are "<*>" and "ws=<*>,", as when the value spans tokens; and
    "(tls|<0.1562.0>)", an Erlang process after its socket's kind, is "(<*>)"."""
    kept = masked.replace(WILDCARD, "")
    for opener, closer in _VALUE_CLOSER_OF.items():
        excess = core.count(opener) - core.count(closer) - kept.count(opener)
        while excess > 0 and closer in tail:
            cut = tail.index(closer)
            tail = tail[:cut] + tail[cut + 1 :]
            excess -= 1
    return tail


def _mask_core(core: str, *, inside: bool = False) -> str:
    if core.isalpha() or core == WILDCARD:
        return core
    if not core.strip("0"):
        return WILDCARD  # a number, as the rules below would find at length
    if "=" in core:
        # A field keeps its key whatever its value's shape: "path=/api/v2/query",
        # "url=http://x/y" are "path=<*>" and "url=<*>", not a path or URL with no key.
        key_value = _KEY_VALUE.fullmatch(core)
        if key_value and key_value.group(2) == "=":
            return f"{key_value.group(1)}={WILDCARD}"
    if ":0" in core and "(" in core:
        source_call = _SOURCE_CALL.fullmatch(core)
        if source_call:
            return f"{source_call.group(1)}:{WILDCARD}({source_call.group(2)}"
    if "/" in core and core[0].islower():
        topic = _TOPIC.fullmatch(core)
        if topic:
            # An MQTT topic, "tele/plug_mill/STATE" or "stat/lathe/POWER1": the kind of
            # message and what it tells, in capitals (a relay's number a value), around
            # the device that sent it.
            number = WILDCARD if topic.group(3) else ""
            return f"{topic.group(1)}/{WILDCARD}/{topic.group(2)}{number}"
    # Each shape is tried only where what it must hold is there: most tokens are none.
    if (
        ("://" in core and _URL.fullmatch(core))
        or ("@" in core and _EMAIL.fullmatch(core))
        or (("/" in core or "\\" in core) and _PATH.fullmatch(core))
        or (len(core) == _UUID_LENGTH and _UUID.fullmatch(core))
        or (len(core) == _MAC_LENGTH and _MAC.fullmatch(core))
    ):
        return WILDCARD
    if core.count(":") >= 2 and _IPV6.fullmatch(core):
        return WILDCARD
    if ":" in core and _HOST_PORT.fullmatch(core):
        source_line = _SOURCE_LINE.fullmatch(core)
        if source_line:
            # A source file and its line ("kubelet.go:2210"), not a host and its port: the
            # statement that printed the message, part of what names it.
            return f"{source_line.group(1)}:{WILDCARD}"
        return WILDCARD
    if core.count(":") == 2:
        source_function = _SOURCE_FUNCTION.fullmatch(core)
        if source_function:
            return f"{source_function.group(1)}:{WILDCARD}:{source_function.group(2)}"
    dotted = core.count(".") >= 2 and _DOTTED_NAME.fullmatch(core)
    if dotted and (dotted.group(1) in _TOP_LEVEL_DOMAINS or not core.islower()):
        # A class, or a frame of a stack: "org.example.Worker.run:42".
        return WILDCARD
    key_value = _KEY_VALUE.fullmatch(core) if "=" in core or ":" in core or ".." in core else None
    # "onExtend:0" keeps its key as "uid=0" did above, but "sshd:auth" is one word.
    if key_value and "0" in key_value.group(3):
        value = key_value.group(3)
        if key_value.group(2) == ":" and "," in value and "=" not in value:
            # A name with a namespace, and parts joined by commas: HBase's region
            # "metrics:tsdb,0000#00e,0000.00f00c.", one value as "orders,,0000.00a0." is.
            # Not options ("local-lvm:vm-000-disk-0,size=00G", a volume and its size).
            return WILDCARD
        return f"{key_value.group(1)}{key_value.group(2)}{WILDCARD}"
    if core.startswith("pam_"):
        pam_caller = _PAM_CALLER.fullmatch(core)
        if pam_caller:
            # A PAM module names the program that called it and for what ("pam_unix(sshd:
            # auth)", "pam_unix(sudo-i:session)"): the program is a value, as a user is.
            return f"{pam_caller.group(1)}{WILDCARD}{pam_caller.group(2)}"
    called = _CALLED.fullmatch(core) if "(" in core else None
    if called:
        # "DHCPACK(br-lan)", "SYSERR(root)": an upper-case name and what it was said of,
        # a value as "DHCPACK(eth0)" is.
        return f"{called.group(1)}({WILDCARD}"
    opened = 0 if inside else _opened_inside(core)
    if opened:
        # "LOGIN(uid=0)", "Helper(42)", "sshd(pam_unix)[42]": a name, then a value in
        # brackets (the token's closing brackets were cut off as wrapping). One level:
        # what the value holds in turn is masked with it.
        name, rest = core[:opened], core[opened:]
        masked = _mask_core(rest, inside=True) if rest else rest
        return core if masked is rest else f"{name}{masked}"
    if "\\" in core and _ACCOUNT.fullmatch(core):
        return WILDCARD
    host = "." in core and _HOST.fullmatch(
        core.partition("/")[0] if _ZONE_CLASS.search(core) else core
    )
    if host and host.group(1).lower() in _TOP_LEVEL_DOMAINS:
        # A host, or a zone and its class as BIND names it ("example.org/IN", as
        # "10.in-addr.arpa/IN" is, which has a digit).
        return WILDCARD
    file = "." in core and _FILE.fullmatch(core)
    if file and file.group(1).lower() in _FILE_EXTENSIONS:
        return WILDCARD
    # A word with a digit in it is an identifier, a number with a unit, a version: it is
    # printed whole ("blk_-42", "rdd_2_2", "1h30m", "0x1F", "R02-M1-N0"), so it goes whole.
    if "0" in core or (len(core) >= _HEX_RUN_LENGTH and _HEX_RUN.search(core)):
        kind = _KIND_AND_ADDRESS.fullmatch(core) if "0x" in core else None
        if kind:
            # "C-0x5551d0", "S-0x558b60": what kind of object, then its address.
            return f"{kind.group(1)}{WILDCARD}"
        if _event_name(core):
            # An event's name in capitals, mostly words: only its digits are a value
            # ("CTRL-EVENT-EAP-SUCCESS<*>", "EAPOL-<*>WAY-HS-COMPLETED").
            return _ZEROS.sub(WILDCARD, core)
        return WILDCARD
    return core
