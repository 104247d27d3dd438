"""The embedded Celery broker: kombu's filesystem transport, made safe for several processes.

kombu's own transport creates a file and then writes it, while another process may
already be reading it. For a message the worker reads an empty file, fails to
decode it and exits (seen in bench/analysis.py, two workers at ~10 tasks/s); for
an exchange's binding table, a publisher that reads it empty routes its message
nowhere, and two processes binding at once truncate each other's table.

Here every file is written under a name no reader looks at and renamed into
place, so it appears whole; binding tables change under an exclusive lock on a
separate lock file (never truncated); a reader claims a message by renaming it
into a folder on the same filesystem (atomic: one reader wins); and a message
that still cannot be decoded is set aside with an error logged, never a crash.

Registered under its own URL scheme, gogentfs://, when gogent.celery is imported;
CELERY_BROKER_URL=gogentfs:// is the default. kombu's filesystem:// stays kombu's.
"""

from __future__ import annotations

import logging
import os
import uuid
from json import JSONDecodeError
from queue import Empty
from time import monotonic

from kombu.transport import TRANSPORT_ALIASES, filesystem, virtual
from kombu.transport.filesystem import LOCK_EX, exchange_queue_t, lock, unlock
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

logger = logging.getLogger(__name__)

CLAIMED = "claimed"
UNREADABLE = "unreadable"


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        try:
            # Readers match "<queue>.msg" exactly: they skip the ".part" being written.
            _write_whole(final, str_to_bytes(dumps(payload)))
        except OSError as error:
            raise filesystem.ChannelError(f"cannot add {final!r} to the broker folder") from error

    def _get(self, queue):
        wanted = f"{queue}.msg"
        claimed_folder = self._subfolder(CLAIMED)
        for name in sorted(os.listdir(self.data_folder_in)):
            if name.partition(".")[2] != wanted:
                continue
            claimed = os.path.join(claimed_folder, name)
            try:
                os.rename(os.path.join(self.data_folder_in, name), claimed)
            except OSError:
                continue  # another worker took it
            try:
                with open(claimed, "rb") as file:
                    payload = file.read()
            except OSError as error:
                raise filesystem.ChannelError(f"cannot read {claimed!r}") from error
            try:
                message = loads(bytes_to_str(payload))
            except (JSONDecodeError, UnicodeDecodeError):
                os.replace(claimed, os.path.join(self._subfolder(UNREADABLE), name))
                logger.error("broker message %s is unreadable; moved to %s/", name, UNREADABLE)
                continue
            os.remove(claimed)
            return message
        raise Empty()

    def get_table(self, exchange):
        return _read_table(self._exchange_file(exchange))

    def _queue_bind(self, exchange, routing_key, pattern, queue):
        binding = exchange_queue_t(routing_key or "", pattern or "", queue or "")
        self._update_table(exchange, lambda table: table if binding in table else [binding, *table])

    def _delete(self, queue, exchange, routing_key, pattern, *args, **kwargs):
        virtual.Channel._delete(self, queue, exchange, routing_key, pattern, *args, **kwargs)
        binding = exchange_queue_t(routing_key or "", pattern or "", queue or "")
        self._update_table(exchange, lambda table: [b for b in table if b != binding])

    def _update_table(self, exchange, change) -> None:
        file = self._exchange_file(exchange)
        self.control_folder.mkdir(parents=True, exist_ok=True)
        with open(f"{file}.lock", "a") as lock_file:  # "a": opening never truncates
            lock(lock_file, LOCK_EX)
            try:
                table = _read_table(file)
                changed = change(table)
                if changed != table:
                    _write_whole(str(file), str_to_bytes(dumps(changed)))
            finally:
                unlock(lock_file)

    def _subfolder(self, name: str) -> str:
        folder = os.path.join(self.data_folder_in, name)
        os.makedirs(folder, exist_ok=True)
        return folder


def _read_table(file) -> list:
    try:
        with open(file, "rb") as table_file:
            return [exchange_queue_t(*binding) for binding in loads(table_file.read())]
    except FileNotFoundError:
        return []


def _write_whole(path: str, data: bytes) -> None:
    partial = f"{path}.{uuid.uuid4().hex}.part"
    with open(partial, "wb") as file:
        file.write(data)
    os.replace(partial, path)


class Transport(filesystem.Transport):
    Channel = Channel

    @property
    def default_connection_params(self) -> dict[str, object]:
        # Files have no host: without this kombu warns "No hostname was supplied" on every
        # connection (each `manage.py status`, each readiness probe) and means localhost.
        return {"port": None, "hostname": None}


SCHEME = "gogentfs"


def register() -> None:
    TRANSPORT_ALIASES[SCHEME] = "gogent.broker:Transport"
