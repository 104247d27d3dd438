"""Replays: quarantined messages back through today's input rules (quarantine), stored
logs back through today's grouping (grouping, moves). `manage.py replay` is the command
line over these.

Neither ever makes a second row for a log. A quarantined message keeps its place in the
stream (stream epoch and sequence), and is stored through logs_ingest_batch(), which
stores each place once: replaying twice, or a replay and a redelivery of the same
message, stores one log. A stored log that moves changes its pattern, never its row.
Each batch is one transaction with its audit row: "who replayed what" commits with it.
"""

from logs.services.replay.batches import DEFAULT_BATCH_SIZE
from logs.services.replay.grouping import LOGS_REPLAYED, LogsReplay, LogsSelection, logs_replay
from logs.services.replay.quarantine import (
    NO_STREAM_POSITION,
    NOT_REPLAYABLE_LABELS,
    QUARANTINE_REPLAYED,
    TRUNCATED,
    QuarantineReplay,
    QuarantineSelection,
    quarantine_replay,
)

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "LOGS_REPLAYED",
    "NOT_REPLAYABLE_LABELS",
    "NO_STREAM_POSITION",
    "QUARANTINE_REPLAYED",
    "TRUNCATED",
    "LogsReplay",
    "LogsSelection",
    "QuarantineReplay",
    "QuarantineSelection",
    "logs_replay",
    "quarantine_replay",
]
