"""Shapes of the integrations app's API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from integrations.models import Ticket

TicketStatus = Literal["draft", "pending", "open", "closed", "failed", "discarded", "duplicate"]


class TicketOut(Schema):
    id: int
    pattern_id: int
    analysis_id: int | None
    integration: str = Field(description="The integration's name.")
    system: Literal["jira", "servicenow"]
    status: TicketStatus
    external_key: str = Field(description="Jira issue key or ServiceNow number, once opened.")
    url: str
    remote_status: str
    reason: str = Field(description="Who or which rule opened it, and why.")
    draft_reason: str
    error: str
    comments: int
    reopened: int
    created_at: datetime
    opened_at: datetime | None
    closed_at: datetime | None

    @staticmethod
    def resolve_integration(ticket: Ticket) -> str:
        return ticket.integration.name

    @staticmethod
    def resolve_system(ticket: Ticket) -> str:
        return ticket.integration.kind


class TicketPage(Schema):
    items: list[TicketOut]
    next_cursor: str | None


class TicketOpenIn(Schema):
    integration: int = Field(ge=1, le=2**63 - 1, description="The integration's id.")
