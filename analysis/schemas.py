"""Shapes of the analysis app's API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from analysis.models import Analysis, InvestigationStep
from analysis.selectors import investigation_trace

AnalysisStatus = Literal["queued", "running", "done", "failed", "cancelled"]
AnalysisTrigger = Literal[
    "new_pattern", "regression", "escalation", "operator", "reply", "offline_redo"
]


class AnalysisOut(Schema):
    id: int
    pattern_id: int
    status: AnalysisStatus
    trigger: AnalysisTrigger
    requested_by: str | None = Field(description="The user who asked, if a user did.")
    source: str = Field(description='Provider and model, or "offline analyzer".')
    provider: str
    model: str
    is_offline: bool
    rung: int | None = Field(
        description="Rung of the fallback ladder that answered: 1 the default provider, then "
        "the fallbacks in order, the offline analyzer last."
    )
    rung_reason: str = Field(description="Why work came down to that rung (budgets, errors).")
    attempts: int
    error: str
    result: dict[str, Any] | None = Field(
        description="summary, probable_cause, impact, recommended_actions, severity, "
        "ticket_recommended, ticket_priority, confidence (analysis/result.py)."
    )
    text: str = Field(description="The result as plain text.")
    tokens_in: int | None
    tokens_out: int | None
    latency_ms: int | None
    cost_estimate: float | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @staticmethod
    def resolve_requested_by(analysis: Analysis) -> str | None:
        user = analysis.requested_by
        return user.get_username() if user is not None else None

    @staticmethod
    def resolve_source(analysis: Analysis) -> str:
        return analysis.source_label

    @staticmethod
    def resolve_provider(analysis: Analysis) -> str:
        return analysis.provider_name

    @staticmethod
    def resolve_cost_estimate(analysis: Analysis) -> float | None:
        return float(analysis.cost_estimate) if analysis.cost_estimate is not None else None

    @staticmethod
    def resolve_result(analysis: Analysis) -> dict[str, Any] | None:
        return analysis.result if isinstance(analysis.result, dict) else None


class InvestigationStepOut(Schema):
    attempt: int = Field(description="Which investigation of the analysis (a retry starts one).")
    number: int
    kind: Literal["model", "tool"]
    tool: str
    arguments: Any = Field(description="The tool's arguments as the model sent them (bounded).")
    summary: str
    is_error: bool
    tokens_in: int | None
    tokens_out: int | None
    latency_ms: int
    created_at: datetime


class AnalysisDetailOut(AnalysisOut):
    steps: list[InvestigationStepOut] = Field(
        description="The latest investigation's trace: each model call and tool call."
    )
    raw_reply: str = Field(description="The model's reply as received.")
    thinking: str = Field(description="A reasoning model's <think> text, kept apart.")
    prompt_version: str

    @staticmethod
    def resolve_steps(analysis: Analysis) -> list[InvestigationStep]:
        return investigation_trace(analysis)


class AnalysisPage(Schema):
    items: list[AnalysisOut]
    next_cursor: str | None
