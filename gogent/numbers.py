"""Whole numbers read from untrusted text (forms, query strings, payloads, settings)."""

from __future__ import annotations


def ascii_digits(text: str) -> bool:
    """Whether text is a whole number int() reads: ASCII digits only.

    str.isdigit() is not enough: it is also true of "²" and other digit characters that
    int() refuses with a ValueError, and of digits of other scripts that int() accepts."""
    return text.isascii() and text.isdigit()
