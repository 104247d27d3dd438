"""The on-disk queue every UDP datagram goes through on its way to NATS.

UDP has no backpressure: a sender never waits, so what the receiver cannot publish at once
must be kept somewhere that outlives NATS being down or slow, and the receiver being killed.
Each datagram is appended here as it arrives and published from here in order; the cursor
(the first record not yet acknowledged by JetStream) moves on as acks come back.

Layout of the directory (SYSLOG_SPOOL_DIR, under GOGENT_DATA_DIR by default):
- `NNNNNNNNNNNN.seg`: append-only segments of records; a segment is deleted once every
  record in it is acknowledged and a newer one is being written.
- `cursor`: "<segment> <offset>" of the first unacknowledged record, saved about once a second
  (records after it are published again on restart: their JetStream message ids, made from
  their place here, let the stream drop the copies it already has within its duplicate
  window).
- `id`: this spool's random id, the first part of those message ids.
- `lock`: held (flock) by the one receiver using the directory.

A record is a header (magic, body length, CRC-32 of the body) and a body (the length of the
metadata, the metadata as JSON, the frame's bytes). Records are written with one write() per
batch of datagrams taken in one turn of the event loop, and fsync'd every SYNC_INTERVAL
seconds in a thread: a killed process loses nothing the kernel has; a power cut loses at most
that interval. A torn record at the end of the last segment (a crash mid-write) is cut off
on open.

The spool is bounded (SYSLOG_SPOOL_MAX_BYTES): a record that would take it over the limit is
refused and counted by the caller, the one place syslog intake loses anything.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import secrets
import struct
import zlib
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from gogent.numbers import ascii_digits

logger = logging.getLogger(__name__)

MAGIC = b"GSL1"
HEADER = struct.Struct(">4sII")  # magic, body length, CRC-32 of the body
META_LENGTH = struct.Struct(">H")
SEGMENT_SUFFIX = ".seg"
# A segment is closed and a new one started past this size (or 1/16 of a smaller limit).
MAX_SEGMENT_BYTES = 64 * 1024 * 1024
MIN_SEGMENT_BYTES = 64 * 1024
READ_CHUNK = 1024 * 1024
SYNC_INTERVAL = 0.2
CURSOR_INTERVAL = 1.0


class SpoolError(RuntimeError):
    """The spool directory cannot be used; the message says why and what to do."""


@dataclass(slots=True)
class Received:
    """A frame as it arrived: what the spool keeps and the publisher turns into logs."""

    frame: bytes
    sender: str
    transport: str
    received_at: float  # seconds since the epoch
    notes: dict[str, Any] = field(default_factory=dict)
    raw: bool = False
    # The JetStream message id its logs are published under (a suffix per part is added);
    # "" in the spool means "made from the record's place".
    msg_id: str = ""


@dataclass(slots=True)
class SpoolHandle:
    """A record handed to the publisher; acknowledge() it once JetStream has all of it."""

    segment: int
    end: int
    done: bool = False


def record_encode(received: Received) -> bytes:
    meta = orjson.dumps(
        {
            "t": received.received_at,
            "s": received.sender,
            "x": received.transport,
            "n": received.notes,
            "r": received.raw,
            "i": received.msg_id,
        }
    )
    body = META_LENGTH.pack(len(meta)) + meta + received.frame
    return HEADER.pack(MAGIC, len(body), zlib.crc32(body)) + body


def record_decode(body: bytes) -> Received:
    (meta_length,) = META_LENGTH.unpack_from(body)
    start = META_LENGTH.size
    meta = orjson.loads(body[start : start + meta_length])
    return Received(
        frame=body[start + meta_length :],
        sender=meta["s"],
        transport=meta["x"],
        received_at=meta["t"],
        notes=meta["n"],
        raw=meta["r"],
        msg_id=meta["i"],
    )


class Spool:
    def __init__(self, directory: Path, *, max_bytes: int) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.segment_bytes = max(min(MAX_SEGMENT_BYTES, max_bytes // 16), MIN_SEGMENT_BYTES)
        self.spool_id = ""
        self.disk_bytes = 0  # every segment's size, written or waiting to be
        self.corrupt_records = 0
        self._lock_fd = -1
        self._sizes: dict[int, int] = {}  # segment number -> bytes written to it
        self._write_segment = 0
        self._write_fd = -1
        self._buffer: list[bytes] = []
        self._buffered = 0
        self._dirty: set[int] = set()  # fds written since the last sync
        self._retired: list[int] = []  # fds of finished segments, closed after their sync
        self._read_segment = 0
        self._read_offset = 0
        self._read_fd = -1
        self._read_fd_segment = 0
        self._handles: deque[SpoolHandle] = deque()
        self._cursor = (0, 0)
        self._saved_cursor = (-1, -1)

    # --- opening and closing -------------------------------------------------------------

    def open(self) -> None:
        """Take the directory (one receiver at a time), cut off a torn last record, and find
        the cursor. Raises SpoolError with what to do."""
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._lock_fd = os.open(self.directory / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise SpoolError(
                f"SYSLOG_SPOOL_DIR {self.directory}: cannot use it ({error.strerror})"
            ) from None
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock_fd)
            raise SpoolError(
                f"SYSLOG_SPOOL_DIR {self.directory} is in use by another receive_syslog: "
                "give each receiver its own spool directory"
            ) from None
        self.spool_id = self._read_or_make_id()
        for path in self.directory.glob(f"*{SEGMENT_SUFFIX}"):
            if ascii_digits(path.stem):
                self._sizes[int(path.stem)] = path.stat().st_size
        self._cursor = self._read_cursor()
        segment = self._cursor[0]
        for number in [n for n in self._sizes if n < segment]:
            self._unlink(number)
        if not self._sizes:
            self._sizes[segment or 1] = 0
            if not segment:
                self._cursor = (1, 0)
        if self._cursor[0] not in self._sizes:
            # The cursor's segment is gone (deleted by hand): start at the oldest there is.
            self._cursor = (min(self._sizes), 0)
        elif self._cursor[1] > self._sizes[self._cursor[0]]:
            self._cursor = (self._cursor[0], self._sizes[self._cursor[0]])
        self._write_segment = max(self._sizes)
        self._repair(self._write_segment)
        self._write_fd = self._open_segment(self._write_segment)
        self._read_segment, self._read_offset = self._cursor
        self.disk_bytes = sum(self._sizes.values())

    def close(self) -> None:
        """Write what is buffered, sync, save the cursor, release the directory."""
        self.flush()
        self.sync(self.sync_work())
        if self._read_fd >= 0:
            os.close(self._read_fd)
            self._read_fd = -1
        if self._write_fd >= 0:
            os.close(self._write_fd)
            self._write_fd = -1
        if self._lock_fd >= 0:
            os.close(self._lock_fd)
            self._lock_fd = -1

    def _read_or_make_id(self) -> str:
        path = self.directory / "id"
        try:
            text = path.read_text().strip()
        except FileNotFoundError:
            text = ""
        if not text:
            text = secrets.token_hex(6)
            self._write_atomically(path, text + "\n")
        return text

    def _read_cursor(self) -> tuple[int, int]:
        try:
            segment, offset = (self.directory / "cursor").read_text().split()
            return int(segment), int(offset)
        except FileNotFoundError:
            return (min(self._sizes), 0) if self._sizes else (0, 0)
        except ValueError:
            logger.error(
                "%s: unreadable cursor; publishing the spool from its oldest segment "
                "(JetStream drops copies it has within its duplicate window)",
                self.directory / "cursor",
            )
            return (min(self._sizes), 0) if self._sizes else (0, 0)

    def _repair(self, segment: int) -> None:
        """Cut a torn record off the end of the segment being written (a crash mid-write)."""
        path = self._path(segment)
        if not path.exists():
            return
        good = 0
        with open(path, "rb") as segment_file:
            data = segment_file.read()
        while good + HEADER.size <= len(data):
            magic, length, crc = HEADER.unpack_from(data, good)
            end = good + HEADER.size + length
            if (
                magic != MAGIC
                or end > len(data)
                or zlib.crc32(data[good + HEADER.size : end]) != crc
            ):
                break
            good = end
        if good < len(data):
            logger.warning(
                "%s: cut off %d bytes of a record written when the receiver stopped mid-write",
                path,
                len(data) - good,
            )
            os.truncate(path, good)
            self._sizes[segment] = good

    # --- writing --------------------------------------------------------------------------

    def append(self, received: Received) -> bool:
        """Queue the record for the next flush(); False if the spool is full (not kept)."""
        record = record_encode(received)
        if self.disk_bytes + self._buffered + len(record) > self.max_bytes:
            return False
        self._buffer.append(record)
        self._buffered += len(record)
        return True

    @property
    def buffered(self) -> bool:
        return bool(self._buffer)

    def flush(self) -> int:
        """Write the queued records, one write per segment they fill; returns how many were
        lost to a write error (logged), which the caller counts as dropped."""
        records, self._buffer, self._buffered = self._buffer, [], 0
        lost = 0
        while records:
            if self._sizes[self._write_segment] >= self.segment_bytes:
                self._rotate()
            room = self.segment_bytes - self._sizes[self._write_segment]
            count = filled = 0
            while count < len(records) and (count == 0 or filled + len(records[count]) <= room):
                filled += len(records[count])
                count += 1
            lost += self._write(records[:count])
            records = records[count:]
        return lost

    def _write(self, records: list[bytes]) -> int:
        data = b"".join(records)
        before = self._sizes[self._write_segment]
        try:
            written = os.write(self._write_fd, data)
            while written < len(data):
                written += os.write(self._write_fd, data[written:])
        except OSError as error:
            logger.error(
                "syslog spool %s: could not write %d records (%s); they are lost",
                self.directory,
                len(records),
                error.strerror,
            )
            with contextlib.suppress(OSError):  # else the next open() cuts it off
                os.ftruncate(self._write_fd, before)
            return len(records)
        self._sizes[self._write_segment] = before + len(data)
        self.disk_bytes += len(data)
        self._dirty.add(self._write_fd)
        return 0

    def _rotate(self) -> None:
        self._retired.append(self._write_fd)
        self._dirty.add(self._write_fd)
        self._write_segment += 1
        self._sizes[self._write_segment] = 0
        self._write_fd = self._open_segment(self._write_segment)

    def sync_work(self) -> tuple[list[int], list[int], tuple[int, int] | None]:
        """What sync() should do, taken in the event loop's thread: fds to fsync, fds to
        close after, and the cursor to save (None when unchanged)."""
        dirty, self._dirty = list(self._dirty), set()
        retired, self._retired = self._retired, []
        cursor = self._cursor if self._cursor != self._saved_cursor else None
        if cursor is not None:
            self._saved_cursor = cursor
        return dirty, retired, cursor

    def sync(self, work: tuple[list[int], list[int], tuple[int, int] | None]) -> None:
        """fsync and save the cursor; runs in a thread so a slow disk holds no sender."""
        dirty, retired, cursor = work
        for fd in dirty:
            os.fsync(fd)
        for fd in retired:
            os.close(fd)
        if cursor is not None:
            self._write_atomically(self.directory / "cursor", f"{cursor[0]} {cursor[1]}\n")

    # --- reading and acknowledging --------------------------------------------------------

    def read(self, limit: int) -> list[tuple[SpoolHandle, Received]]:
        """Up to `limit` records after the last one read, in order."""
        found: list[tuple[SpoolHandle, Received]] = []
        while len(found) < limit:
            size = self._sizes.get(self._read_segment, 0)
            if self._read_offset >= size:
                if self._read_segment >= self._write_segment:
                    break
                self._read_segment += 1
                self._read_offset = 0
                continue
            start = self._read_offset
            fd = self._reader(self._read_segment)
            chunk = os.pread(fd, min(READ_CHUNK, size - start), start)
            position = 0
            while len(found) < limit and position + HEADER.size <= len(chunk):
                magic, length, crc = HEADER.unpack_from(chunk, position)
                end = position + HEADER.size + length
                if magic != MAGIC or start + end > size:
                    self._skip_corrupt(f"no whole record at byte {start + position}")
                    break
                if end > len(chunk):
                    if position:
                        break  # read it from its start next time round
                    chunk = os.pread(fd, HEADER.size + length, start)  # over READ_CHUNK
                    if len(chunk) < end:
                        self._skip_corrupt(f"segment shorter than written at byte {start}")
                        break
                    continue
                body = chunk[position + HEADER.size : end]
                if zlib.crc32(body) != crc:
                    self._skip_corrupt(f"bad checksum at byte {start + position}")
                    break
                received = record_decode(body)
                if not received.msg_id:
                    received.msg_id = f"{self.spool_id}-{self._read_segment}-{start + position}"
                handle = SpoolHandle(self._read_segment, start + end)
                self._handles.append(handle)
                found.append((handle, received))
                position = end
            else:
                if not position:
                    self._skip_corrupt(f"no whole record at byte {start}")
                    continue
            if self._read_offset == start:  # not skipped as corrupt
                self._read_offset = start + position
        return found

    def _reader(self, segment: int) -> int:
        if self._read_fd < 0 or self._read_fd_segment != segment:
            if self._read_fd >= 0:
                os.close(self._read_fd)
            self._read_fd = os.open(self._path(segment), os.O_RDONLY)
            self._read_fd_segment = segment
        return self._read_fd

    def _skip_corrupt(self, detail: str) -> None:
        """A damaged segment (disk error, edited by hand): its rest is skipped, and said so."""
        self.corrupt_records += 1
        logger.error(
            "syslog spool %s: %s; the rest of the segment is skipped",
            self._path(self._read_segment),
            detail,
        )
        self._read_offset = self._sizes.get(self._read_segment, 0)

    def acknowledge(self, handle: SpoolHandle) -> None:
        """JetStream has every log of this record: move the cursor past every record
        acknowledged in a row from it, deleting segments left behind."""
        handle.done = True
        moved = False
        while self._handles and self._handles[0].done:
            head = self._handles.popleft()
            self._cursor = (head.segment, head.end)
            moved = True
        if moved:
            for number in [n for n in self._sizes if n < self._cursor[0]]:
                self._unlink(number)

    @property
    def pending_bytes(self) -> int:
        """Bytes of records not yet acknowledged (written or queued)."""
        segment, offset = self._cursor
        return self.disk_bytes + self._buffered - offset if segment in self._sizes else 0

    # --- files ----------------------------------------------------------------------------

    def _path(self, segment: int) -> Path:
        return self.directory / f"{segment:012d}{SEGMENT_SUFFIX}"

    def _open_segment(self, segment: int) -> int:
        return os.open(self._path(segment), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def _unlink(self, segment: int) -> None:
        if segment == self._write_segment:
            return
        if self._read_fd >= 0 and self._read_fd_segment == segment:
            os.close(self._read_fd)
            self._read_fd = -1
        with contextlib.suppress(FileNotFoundError):
            self._path(segment).unlink()
        self.disk_bytes -= self._sizes.pop(segment, 0)

    @staticmethod
    def _write_atomically(path: Path, text: str) -> None:
        temporary = path.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, text.encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, path)
