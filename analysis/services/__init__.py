"""Writes for the analysis app, one topic per module.

request: asking for analyses (by hand, after ingest, retry, cancel); offline_redo:
replacing offline analyses once a provider answers; run and finish: running one under a
lease until it completes or fails; publish: results and answers on NATS, through an
outbox; sweep: housekeeping;
providers: testing a provider's connection.
"""

from analysis.services.offline_redo import analyses_redo_offline
from analysis.services.providers import ConnectionCheck, provider_test
from analysis.services.publish import (
    PublishRun,
    analysis_message,
    outbox_size,
    publisher_state,
    replies_answer_current,
    results_publish,
)
from analysis.services.request import (
    analyses_after_ingest,
    analyses_fold_for_merge,
    analysis_cancel,
    analysis_request,
    analysis_retry,
)
from analysis.services.run import analysis_run
from analysis.services.sweep import SweepReport, analyses_sweep

__all__ = [
    "ConnectionCheck",
    "PublishRun",
    "SweepReport",
    "analyses_after_ingest",
    "analyses_fold_for_merge",
    "analyses_redo_offline",
    "analyses_sweep",
    "analysis_cancel",
    "analysis_message",
    "analysis_request",
    "analysis_retry",
    "analysis_run",
    "outbox_size",
    "provider_test",
    "publisher_state",
    "replies_answer_current",
    "results_publish",
]
