"""Cutting a TCP byte stream into syslog frames (RFC 6587), both framings, per frame.

A frame that starts with a digit is octet-counted ("57 <13>1 ..."); any other is
newline-delimited, up to LF (a CR before it dropped). The two may follow each other on one
connection. Between frames, stray CR, LF and NUL (some senders end octet-counted frames with
LF) are skipped.

Everything a sender can do is bounded by max_frame: a line longer than it is cut into pieces
of max_frame bytes (the first parsed as syslog and noted "continued", the rest raw and noted
with their piece number); an octet count over max_frame, or digits not followed by a space
(no count at all), ends the connection: what is buffered is handed over as a raw frame and
`closed` says why. At the end of the stream, finish() hands over what is left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DIGITS = b"0123456789"
NOISE = b"\r\n\x00"


@dataclass(frozen=True, slots=True)
class Frame:
    data: bytes
    # Added to the log's context.syslog by the parser.
    notes: dict[str, Any] = field(default_factory=dict)
    # Not a syslog line on its own (a piece of a longer one, a broken stream's rest).
    raw: bool = False


class TcpFramer:
    def __init__(self, max_frame: int) -> None:
        self.max_frame = max_frame
        self.max_count_digits = len(str(max_frame))
        self.closed = ""  # why the connection must end, once it must
        self._buffer = bytearray()
        self._octets: int | None = None  # the count of the octet-counted frame being read
        self._scanned = 0  # bytes of the buffer known to hold no LF
        self._piece = 0  # pieces of the current over-long line handed over so far

    @property
    def buffered(self) -> int:
        return len(self._buffer)

    def feed(self, data: bytes) -> list[Frame]:
        if self.closed:
            return []
        self._buffer += data
        frames: list[Frame] = []
        while self._buffer and not self.closed:
            frame = self._next()
            if frame is None:
                break
            frames.append(frame)
        if self.closed and self._buffer:
            rest = bytes(self._buffer)
            self._buffer.clear()
            notes = {"framing_error": self.closed}
            frames.extend(self._cut(rest, notes, first_piece=2))
        return frames

    def finish(self, reason: str) -> list[Frame]:
        """What is left when the stream ends (reason: "eof", "idle", "shutdown")."""
        if self.closed or not self._buffer.strip(NOISE):
            self._buffer.clear()
            return []
        notes: dict[str, Any] = {"unterminated": reason}
        if self._octets is not None:
            notes["truncated"] = {"expected": self._octets, "received": len(self._buffer)}
        elif self._piece:
            return self._pieces_of(bytes(self._buffer), notes)
        data = bytes(self._buffer)
        self._buffer.clear()
        if len(data) <= self.max_frame:
            return [Frame(data, notes)]
        return self._cut(data, notes, first_piece=1)

    def _next(self) -> Frame | None:
        if self._octets is not None:
            return self._octet_counted()
        if not self._piece:
            skipped = len(self._buffer) - len(self._buffer.lstrip(NOISE))
            if skipped:
                del self._buffer[:skipped]
                if not self._buffer:
                    return None
            if self._buffer[0] in DIGITS:
                return self._octet_count()
        return self._line()

    def _octet_count(self) -> Frame | None:
        digits = 0
        while digits < len(self._buffer) and self._buffer[digits] in DIGITS:
            digits += 1
        if digits > self.max_count_digits:
            return self._broken(f"octet count of more than {self.max_count_digits} digits")
        if digits == len(self._buffer):
            return None  # the count goes on in the next read
        if self._buffer[digits] != ord(" "):
            return self._broken("digits not followed by a space: no octet count")
        count = int(self._buffer[:digits])
        if count > self.max_frame:
            return self._broken(f"octet count {count} is over SYSLOG_MAX_FRAME_BYTES")
        if count == 0:
            return self._broken("octet count 0")
        del self._buffer[: digits + 1]
        self._octets = count
        return self._octet_counted()

    def _octet_counted(self) -> Frame | None:
        if len(self._buffer) < self._octets:
            return None
        data = bytes(self._buffer[: self._octets])
        del self._buffer[: self._octets]
        self._octets = None
        return Frame(data)

    def _line(self) -> Frame | None:
        end = self._buffer.find(b"\n", self._scanned, self.max_frame + 1)
        if end >= 0:
            data = bytes(self._buffer[: end - 1 if end and self._buffer[end - 1] == 13 else end])
            del self._buffer[: end + 1]
            self._scanned = 0
            return self._piece_or_whole(data)
        if len(self._buffer) <= self.max_frame:
            self._scanned = len(self._buffer)
            return None
        data = bytes(self._buffer[: self.max_frame])
        del self._buffer[: self.max_frame]
        self._scanned = 0
        self._piece += 1
        if self._piece == 1:
            return Frame(data, {"continued": True})
        return Frame(data, {"piece": self._piece}, raw=True)

    def _piece_or_whole(self, data: bytes) -> Frame:
        if not self._piece:
            return Frame(data)
        self._piece += 1
        frame = Frame(data, {"piece": self._piece, "last_piece": True}, raw=True)
        self._piece = 0
        return frame

    def _pieces_of(self, data: bytes, notes: dict[str, Any]) -> list[Frame]:
        self._buffer.clear()
        return self._cut(data, notes, first_piece=self._piece + 1)

    def _cut(self, data: bytes, notes: dict[str, Any], *, first_piece: int) -> list[Frame]:
        """data as raw frames of at most max_frame bytes, numbered from first_piece."""
        return [
            Frame(data[start : start + self.max_frame], {**notes, "piece": number}, raw=True)
            for number, start in enumerate(range(0, len(data), self.max_frame), first_piece)
        ]

    def _broken(self, reason: str) -> Frame:
        """The connection ends: the first max_frame bytes buffered as a raw frame now, the
        rest (feed) in pieces after it."""
        self.closed = reason
        data = bytes(self._buffer[: self.max_frame])
        del self._buffer[: self.max_frame]
        return Frame(data, {"framing_error": reason}, raw=True)


def datagram_frames(data: bytes, max_frame: int) -> list[Frame]:
    """A UDP datagram is one frame (RFC 5426); one over max_frame is cut like a long line."""
    if len(data) <= max_frame:
        return [Frame(data)]
    frames = [Frame(data[:max_frame], {"continued": True})]
    for number, start in enumerate(range(max_frame, len(data), max_frame), 2):
        last = {"last_piece": True} if start + max_frame >= len(data) else {}
        frames.append(Frame(data[start : start + max_frame], {"piece": number, **last}, raw=True))
    return frames
