"""Masking: a log message becomes a tuple of tokens where variable parts read `<*>`.

Every rule looks at the shape of text, never at words from a particular log source, so
it carries over to logs it has not seen. No digit survives masking, which makes the
result the same for two messages that differ only in their digits; the miner relies on
that to cache by `digits_zeroed(message)`.
"""

from __future__ import annotations

import re

WILDCARD = "<*>"

_ZERO_DIGITS = str.maketrans("123456789", "000000000")

_HEX_RUN = re.compile(r"(?<![A-Za-z])[0-9A-Fa-f]{8,}(?![A-Za-z])")
# What wraps a value: "(pid=42)", "[10.0.0.1]", "port 80," and sentence ends.
_COMPARATORS = "<>~≈≤≥"
_OPENERS = "([{<\"'"
_CLOSERS = ")]}>\"',;:.!?"

_EMPTY_VALUES = frozenset(("()", "[]", "{}", "<>", '""', "''"))
_UNITS = frozenset(
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
        "bytes",
        "ns",
        "us",
        "µs",
        "ms",
        "s",
        "sec",
        "secs",
        "seconds",
        "m",
        "min",
        "mins",
        "minutes",
        "h",
        "hr",
        "hrs",
        "hours",
        "d",
        "days",
        "%",
    ]
)

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://\S*")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_PATH = re.compile(r"(?:[A-Za-z]:\\|\\\\|~?/|\.{1,2}/)\S*|[^\s/]*/[^\s/]+/\S*")
_UUID = re.compile(r"[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}")
_MAC = re.compile(r"[0-9A-Fa-f]{2}(?:[:\-][0-9A-Fa-f]{2}){5}")
_IPV6 = re.compile(r"\[?[0-9A-Fa-f]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f.]*(?:%\w+)?\]?(?::0+)?")
_KEY_VALUE = re.compile(r"([A-Za-z_][A-Za-z_.\-\[\]]*?)([=:]|\.{2,})(.+)")
# A host name is told from a Java class or a file name by its last label.
_HOST = re.compile(r"(?:[A-Za-z0-9\-]+\.)+([A-Za-z]{2,})(?::0+)?")
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
    r"(?:[ \-/,]+0{4})?(?:[ T]+0{1,2}:00(?::00)?(?:[.,]0+)?)?(?: +0{4}\b)?"
)
# The key starts where its run of key characters starts: tried from inside the run too,
# every start would rescan the rest of it, quadratic in a long word before a quote. A key
# takes the whole run anyway (`[=:]` ends it), so a match found at the run's first word
# character is the same match; the run's leading "." and "-" are kept as they were.
_KEY_QUOTED = re.compile(r"""(?<![\w.\-])([.\-]*)(\w[\w.\-]*[=:] ?)("[^"]*"|'[^']*')""")
_QUOTED_WORD = re.compile(r"""(?<![\w'"])(["'`])[^\s"'`]+\1(?![\w'"])""")


def digits_zeroed(message: str) -> str:
    """The message with every digit turned into 0: masking cannot tell the two apart."""
    return message.translate(_ZERO_DIGITS)


def mask(message: str) -> tuple[str, ...]:
    """Tokens of the message with variables as `<*>`; adjacent variables become one."""
    return mask_zeroed(digits_zeroed(message))


def mask_zeroed(text: str) -> tuple[str, ...]:
    """`mask()` of a message whose digits `digits_zeroed()` already turned into 0."""
    if '"' in text or "'" in text or "`" in text:
        text = _KEY_QUOTED.sub(_mask_quoted_value, text)
        text = _QUOTED_WORD.sub(_mask_quoted_word, text)
    if "0" in text:
        text = _TIMESTAMP.sub(WILDCARD, text)
    tokens: list[str] = []
    for raw in text.split():
        token = _mask_token(raw)
        if tokens and tokens[-1] == WILDCARD:
            if token == WILDCARD:
                continue
            # "850.0 B" and "5.2 KB", "<1 sec" and "00:01": the unit belongs to the value.
            unit = token.rstrip(_CLOSERS)
            if unit in _UNITS:
                tokens[-1] = WILDCARD + token[len(unit) :]
                continue
        tokens.append(token)
    return tuple(tokens)


def _mask_quoted_value(match: re.Match[str]) -> str:
    lead, key, value = match.groups()
    return f"{lead}{key}{value[0]}{WILDCARD}{value[0]}"


def _mask_quoted_word(match: re.Match[str]) -> str:
    quote = match.group(1)
    return f"{quote}{WILDCARD}{quote}"


def _mask_token(token: str) -> str:
    """One whitespace-separated token, masked; what wraps it (brackets, commas) is kept."""
    # A restored template is masked again; what it already masks stays as it is.
    if token.isalpha() or WILDCARD in token:
        return token
    if len(token) > 1 and token[0] in _COMPARATORS and token[1] == "0":
        # "<1 sec", ">500ms", "~3": the comparison is part of the value.
        token = token[1:]
    start, end = 0, len(token)
    while start < end and token[start] in _OPENERS:
        start += 1
    while end > start and token[end - 1] in _CLOSERS:
        end -= 1
    core = token[start:end]
    if not core:
        # "()" and '""' are values that happen to be empty.
        return f"{token[0]}{WILDCARD}{token[-1]}" if token in _EMPTY_VALUES else token
    masked = _mask_core(core)
    if masked is core:
        return token
    return f"{token[:start]}{masked}{token[end:]}"


def _mask_core(core: str) -> str:
    if core.isalpha() or core == WILDCARD:
        return core
    if (
        _URL.fullmatch(core)
        or _EMAIL.fullmatch(core)
        or _PATH.fullmatch(core)
        or _UUID.fullmatch(core)
        or _MAC.fullmatch(core)
    ):
        return WILDCARD
    if core.count(":") >= 2 and _IPV6.fullmatch(core):
        return WILDCARD
    key_value = _KEY_VALUE.fullmatch(core)
    # "uid=0" keeps its key; "onExtend:0" too, but "sshd:auth" is one word.
    if key_value and (key_value.group(2) == "=" or "0" in key_value.group(3)):
        return f"{key_value.group(1)}{key_value.group(2)}{WILDCARD}"
    host = _HOST.fullmatch(core)
    if host and host.group(1).lower() in _TOP_LEVEL_DOMAINS:
        return WILDCARD
    file = _FILE.fullmatch(core)
    if file and file.group(1).lower() in _FILE_EXTENSIONS:
        return WILDCARD
    # A word with a digit in it is an identifier, a number with a unit, a version: it is
    # printed whole ("blk_-42", "rdd_2_2", "1h30m", "0x1F", "R02-M1-N0"), so it goes whole.
    if "0" in core or _HEX_RUN.search(core):
        return WILDCARD
    return core
