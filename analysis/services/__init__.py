"""Writes for the analysis app, one topic per module.

request: asking for analyses (by hand, after ingest, retry, cancel); offline_redo:
replacing offline analyses once a provider answers; run and finish: running one under a
lease until it completes or fails; publish: results on NATS; sweep: housekeeping;
providers: testing a provider's connection.
"""

from analysis.services.offline_redo import analyses_redo_offline
from analysis.services.providers import ConnectionCheck, provider_test
from analysis.services.publish import (
    analysis_message,
    analysis_publish,
    replies_send,
    replies_send_current,
)
from analysis.services.request import (
    analyses_after_ingest,
    analysis_cancel,
    analysis_request,
    analysis_retry,
)
from analysis.services.run import analysis_run
from analysis.services.sweep import SweepReport, analyses_sweep

__all__ = [
    "ConnectionCheck",
    "SweepReport",
    "analyses_after_ingest",
    "analyses_redo_offline",
    "analyses_sweep",
    "analysis_cancel",
    "analysis_message",
    "analysis_publish",
    "analysis_request",
    "analysis_retry",
    "analysis_run",
    "provider_test",
    "replies_send",
    "replies_send_current",
]
