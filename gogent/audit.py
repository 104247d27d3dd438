"""Every state change has an actor: who did it is recorded here, in one shape.

An actor is a signed-in user, an API key (its name and public prefix, never "system"),
a ticket rule, or Gogent itself (the worker, the ticket sync, apply_config). Apps record
with audit_record(); the admin's audit log reads AuditEvent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models

from gogent.models import ApiKey, AuditEvent


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts; `label` is what the audit log shows and keeps when users and keys go."""

    label: str
    user: Any = None
    api_key: ApiKey | None = None
    # integrations.TicketRule, for actions a rule takes (typed loosely: gogent imports no app).
    rule: Any = None

    @classmethod
    def of_user(cls, user: Any) -> Actor:
        """A user, or whoever authenticated an API call (`request.auth`: a user or a key)."""
        if isinstance(user, ApiKey):
            return cls.of_api_key(user)
        if user is None or not getattr(user, "is_authenticated", False):
            return SYSTEM
        return cls(label=user.get_username()[:200], user=user)

    @classmethod
    def of_api_key(cls, key: ApiKey) -> Actor:
        return cls(label=f"key {key.name} ({key.display_prefix})"[:200], api_key=key)

    @classmethod
    def of_request(cls, request: Any) -> Actor:
        """The API caller (`request.auth`) when there is one, else the session's user."""
        principal = getattr(request, "auth", None)
        if principal is None:
            principal = getattr(request, "user", None)
        return cls.of_user(principal)

    @classmethod
    def of_rule(cls, rule: Any) -> Actor:
        return cls(label=f"rule: {rule.name}"[:200], rule=rule)

    @property
    def stored_user(self) -> Any:
        """The user to keep in a `created_by`/`requested_by` foreign key: None for keys."""
        return self.user if getattr(self.user, "pk", None) else None


SYSTEM = Actor(label="system")
WORKER = Actor(label="worker")
SYNC = Actor(label="ticket sync")


def audit_record(
    action: str,
    actor: Actor,
    *,
    obj: models.Model | None = None,
    pattern_id: int | None = None,
    ticket_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record one action. `obj` fills object_type/id/repr unless they are given."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    return AuditEvent.objects.create(
        action=action,
        actor=actor.stored_user,
        api_key=actor.api_key if getattr(actor.api_key, "pk", None) else None,
        actor_label=actor.label[:200],
        pattern_id=pattern_id,
        ticket_id=ticket_id,
        object_type=object_type[:100],
        object_id=object_id[:100],
        object_repr=object_repr[:200],
        reason=reason,
        details=details or {},
    )


# apply_config's sections (settings.CONFIG_SECTIONS) and what they configure.
CONFIG_OBJECT_TYPES = {
    "providers": "analysis.provider",
    "integrations": "integrations.integration",
    "rules": "integrations.ticketrule",
}


def audit_config_applied(*, reports: dict[str, Any], source: str) -> None:
    """CONFIG_APPLIED_HOOKS: one event per provider, integration or rule a config file
    added, changed or disabled (names of changed keys, never values)."""
    actor = Actor(label=f"apply_config {source}"[:200])
    for section, report in reports.items():
        object_type = CONFIG_OBJECT_TYPES.get(section, section)
        for names, action in (
            (report.created, AuditEvent.Action.CONFIG_ADDED),
            (report.updated, AuditEvent.Action.CONFIG_CHANGED),
            (report.disabled, AuditEvent.Action.CONFIG_DISABLED),
        ):
            for name in names:
                audit_record(
                    action, actor, object_type=object_type, object_repr=name,
                    details={"keys": report.changes.get(name, [])},
                )  # fmt: skip
