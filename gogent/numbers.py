"""Whole numbers read from untrusted text (forms, query strings, payloads, settings)."""

from __future__ import annotations


def ascii_digits(text: str) -> bool:
    """Whether text is a whole number int() reads: ASCII digits only.

    str.isdigit() is not enough: it is also true of "²" and other digit characters that
    int() refuses with a ValueError, and of digits of other scripts that int() accepts."""
    return text.isascii() and text.isdigit()


# Row ids are signed 64-bit integers in both databases; a longer number overflows them.
ROW_ID_MAX = 2**63 - 1


def row_id(text: str | None) -> int | None:
    """A row id from a form or a query string, or None: a larger number would overflow the
    database (a 500), and anything else names no row."""
    if not text or not ascii_digits(text) or len(text) > len(str(ROW_ID_MAX)):
        return None
    number = int(text)
    return number if 0 < number <= ROW_ID_MAX else None
