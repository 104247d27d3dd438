"""Writes for the logs app. The ingest path is logs_ingest_batch().

One topic a module: ingest (a batch in one transaction, splitting, quarantine), batch
(the messages and results), rows (raw inserts), receipts, hooks (LOGS_INGEST_HOOKS),
epochs (lives of the stream), status (pattern status changes), purge (retention of logs
and quarantine), replay (quarantine through validation, stored logs through grouping again:
logs.services.replay, imported from there).
"""

from logs.services.batch import IncomingMessage, IngestResult
from logs.services.epochs import stream_epoch_record
from logs.services.hooks import IngestHook, ingest_hooks
from logs.services.ingest import (
    DATABASE_UNAVAILABLE,
    ingest_event_count,
    logs_ingest,
    logs_ingest_batch,
    logs_quarantine,
)
from logs.services.purge import PurgeReport, logs_purge, logs_purge_expired
from logs.services.status import (
    pattern_set_status,
    pattern_snooze,
    patterns_set_status,
    patterns_wake,
)

__all__ = [
    "DATABASE_UNAVAILABLE",
    "IncomingMessage",
    "IngestHook",
    "IngestResult",
    "PurgeReport",
    "ingest_event_count",
    "ingest_hooks",
    "logs_ingest",
    "logs_ingest_batch",
    "logs_purge",
    "logs_purge_expired",
    "logs_quarantine",
    "pattern_set_status",
    "pattern_snooze",
    "patterns_set_status",
    "patterns_wake",
    "stream_epoch_record",
]
