"""JSON lines: each line of a stream is one message, passed on as it is."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO


def json_lines(stream: BinaryIO) -> Iterator[bytes]:
    """Each non-blank line as it is, without its line ending; invalid JSON included."""
    for line in stream:
        payload = line.rstrip(b"\r\n")
        if payload.strip():
            yield payload
