"""What a tool is: a name, a description, validated arguments and a bounded answer.

A tool is read-only and runs inside Gogent on the model's request, so everything the
model sends is untrusted: arguments are validated by the tool's pydantic model (unknown
keys refused, every number and string bounded) before `run` sees them, and a tool that
cannot answer within its bounds raises ToolRefused, whose message goes back to the model.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from pydantic import BaseModel, ConfigDict, ValidationError

TOOL_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
# The most of one tool's answer, serialized, that goes back to the model; a tool bounds
# its own output well below this, this is the backstop.
RESULT_MAX_CHARS = 6000


class ToolArguments(BaseModel):
    """Base of every tool's arguments: unknown keys are an error, not ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ToolRefused(Exception):
    """The tool cannot answer this call within its bounds; the message tells the model why.

    It never carries a secret or a stack trace: it is shown to the model and stored in
    the investigation's trace."""


@dataclass(frozen=True, slots=True)
class ToolContext:
    """What a tool may know about the investigation calling it."""

    pattern_id: int
    now: datetime
    analysis_id: int | None = None


@dataclass(frozen=True, slots=True)
class ToolResult:
    data: Any  # JSON-serializable, bounded by the tool
    summary: str  # one line for the trace (what was found, not the data itself)


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    description: str
    arguments: type[ToolArguments]
    run: Callable[[ToolContext, Any], ToolResult]
    # Whether this tool is offered at all now (ticket search: an integration is set up).
    available: Callable[[], bool] = lambda: True

    def __post_init__(self) -> None:
        if not TOOL_NAME.match(self.name):
            raise ValueError(f"tool name {self.name!r} must match {TOOL_NAME.pattern}")

    def parameters(self) -> dict[str, Any]:
        """The arguments as a JSON Schema object, the shape every tool-calling API takes."""
        schema = self.arguments.model_json_schema()
        schema.pop("title", None)
        schema.setdefault("properties", {})
        schema["additionalProperties"] = False
        return schema

    def call(self, context: ToolContext, raw_arguments: Any) -> ToolResult:
        """Validate the model's arguments and run the tool; ToolRefused on bad arguments."""
        if not isinstance(raw_arguments, dict):
            raise ToolRefused("arguments must be a JSON object")
        try:
            arguments = self.arguments.model_validate(raw_arguments)
        except ValidationError as error:
            raise ToolRefused(_validation_message(error)) from None
        return self.run(context, arguments)


def _validation_message(error: ValidationError) -> str:
    problems = []
    for item in error.errors(include_url=False, include_input=False)[:5]:
        where = ".".join(str(part) for part in item["loc"]) or "arguments"
        problems.append(f"{where}: {item['msg']}")
    return "invalid arguments: " + "; ".join(problems)


def tools_configured() -> list[Tool]:
    """The tools settings.ANALYSIS_TOOLS lists, in order."""
    tools = [import_string(path) for path in settings.ANALYSIS_TOOLS]
    for tool in tools:
        if not isinstance(tool, Tool):
            raise TypeError(f"ANALYSIS_TOOLS: {tool!r} is not an analysis.tools.base.Tool")
    return tools


def tools_available() -> list[Tool]:
    return [tool for tool in tools_configured() if tool.available()]
