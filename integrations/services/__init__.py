"""Writes for the integrations app: tickets by hand and by rule, delivered once, synced back.

Never twice:
- the database holds at most one draft, pending or open ticket per pattern and
  integration (a partial unique index); a request that loses a race gets the winner;
- remote work (create, comment, reopen) is a Ticket's `action`, done by whoever holds
  its lease, so duplicated or retried tasks do it once;
- creating first searches the remote side for the ticket's correlation id, so a retry
  after a lost reply (the remote did create it) adopts that ticket instead of adding one;
- rules only decide between "nothing", "draft", "ticket" and "comment" for one pattern
  and integration, with a cooldown: nothing a log or the model says can add tickets.

One topic per module: request (operators' and rules' requests, queueing the remote
work), rules, deliver (the remote work under a lease), sync (status read back), sweep,
merge (pattern merges), integration (its client library, health, test and save), and
ticket_writes (what every ticket write shares). The names below are the app's interface:
views, the API, tasks, the admin, config and settings' hooks import them from here.
"""

from integrations.services.deliver import ticket_deliver
from integrations.services.integration import SYSTEMS, integration_save, integration_test
from integrations.services.merge import tickets_fold_for_merge
from integrations.services.request import ticket_approve, ticket_discard, ticket_open, ticket_retry
from integrations.services.rules import rules_after_analysis, rules_after_ingest, rules_evaluate
from integrations.services.sweep import SweepReport, tickets_sweep
from integrations.services.sync import SyncReport, tickets_sync

__all__ = [
    "SYSTEMS",
    "SweepReport",
    "SyncReport",
    "integration_save",
    "integration_test",
    "rules_after_analysis",
    "rules_after_ingest",
    "rules_evaluate",
    "ticket_approve",
    "ticket_deliver",
    "ticket_discard",
    "ticket_open",
    "ticket_retry",
    "tickets_fold_for_merge",
    "tickets_sweep",
    "tickets_sync",
]
