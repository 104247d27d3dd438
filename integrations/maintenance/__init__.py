"""Maintenance windows: planned work that must not flood analyses, tickets and messages.

While an occurrence of a window is on, the patterns in its scope (host and service globs,
matched like ticket rules' against the hosts and services a pattern has seen) keep their
logs stored, counted and grouped, but what would act on them is held:

- analyses that ingest would queue (new pattern, escalation, regression);
- ticket rules (no ticket, draft or comment by rule; an operator can still open one);
- notifications.

Each is recorded as a MaintenanceHold of the occurrence. When the occurrence ends,
`maintenance_release` (beat, every MAINTENANCE_RELEASE_INTERVAL seconds) writes its
summary, queues the analyses held and runs the rules again for the patterns held, and
tells MAINTENANCE_ENDED_HOOKS (notifications) so that one message sums it up.
"""

from integrations.maintenance.holds import maintenance_covering, maintenance_hold
from integrations.maintenance.schedule import (
    Occurrence,
    maintenance_active,
    occurrence_at,
    occurrence_next,
    recurrence_problem,
)

__all__ = [
    "Occurrence",
    "maintenance_active",
    "maintenance_covering",
    "maintenance_hold",
    "occurrence_at",
    "occurrence_next",
    "recurrence_problem",
]
