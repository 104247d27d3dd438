"""What every wire protocol takes and gives back; no Django, no I/O."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    """A provider as the wire protocols see it, secrets already resolved.

    `secret` is the API key (openai, azure_openai, cloudflare, gemini, anthropic,
    deepseek; optional for ollama) or the client secret (azure_ad). It is kept out
    of repr() so it never reaches a log line or a traceback's locals.
    """

    kind: str
    base_url: str
    model: str
    secret: str = field(default="", repr=False)
    timeout: float = 30.0
    # azure_openai / azure_ad: base_url is the deployment URL
    # (https://<resource>.openai.azure.com/openai/deployments/<deployment>).
    api_version: str = ""
    # azure_ad: Entra ID client credentials; authority is overridable for sovereign clouds.
    tenant_id: str = ""
    client_id: str = ""
    authority_url: str = "https://login.microsoftonline.com"
    # cloudflare: Workers AI account; base_url may point at an AI Gateway instead.
    account_id: str = ""
    name: str = ""

    def redacted(self) -> dict[str, Any]:
        values = dataclasses.asdict(self)
        values["secret"] = "***" if self.secret else ""
        return values


# A reply's tool calls beyond this many are dropped; arguments kept as text up to this size.
MAX_TOOL_CALLS = 16
MAX_RAW_ARGUMENTS = 4000


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A tool offered to the model: its name, what it does, its arguments' JSON Schema."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A tool call the model made. `arguments` is None when what it sent is not a JSON
    object (kept, bounded, in `raw_arguments`, so it can be told so)."""

    id: str
    name: str
    arguments: dict[str, Any] | None
    raw_arguments: str = ""

    @classmethod
    def parsed(cls, *, id: str, name: Any, arguments: Any) -> ToolCall:
        """From a vendor's reply: arguments as a JSON text (OpenAI) or an object (others)."""
        raw = arguments if isinstance(arguments, str) else json.dumps(arguments, default=str)
        value: Any = arguments
        if isinstance(arguments, str):
            try:
                value = json.loads(arguments) if arguments.strip() else {}
            except ValueError:
                value = None
        return cls(
            id=str(id)[:100],
            name=str(name)[:100] if isinstance(name, str) else "",
            arguments=value if isinstance(value, dict) else None,
            raw_arguments=raw[:MAX_RAW_ARGUMENTS],
        )


@dataclass(frozen=True, slots=True)
class Turn:
    """A turn of a conversation after the first prompt: the model's (text and tool calls),
    a tool's result for one call, or a note from Gogent (role "user")."""

    role: str  # "assistant", "tool" or "user"
    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    call_id: str = ""  # a tool result: the call it answers
    name: str = ""  # a tool result: the tool's name
    is_error: bool = False

    @classmethod
    def assistant(cls, text: str, calls: tuple[ToolCall, ...]) -> Turn:
        return cls(role="assistant", text=text, tool_calls=calls)

    @classmethod
    def tool_result(cls, *, call_id: str, name: str, content: str, is_error: bool) -> Turn:
        return cls(role="tool", text=content, call_id=call_id, name=name, is_error=is_error)

    @classmethod
    def user(cls, text: str) -> Turn:
        return cls(role="user", text=text)

    def size(self) -> int:
        return len(self.text) + sum(len(c.name) + len(c.raw_arguments) for c in self.tool_calls)

    def dump(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def load(cls, stored: dict[str, Any]) -> Turn:
        calls = tuple(ToolCall(**call) for call in stored.get("tool_calls", ()))
        return cls(**{**stored, "tool_calls": calls})


@dataclass(frozen=True, slots=True)
class LLMRequest:
    system: str
    user: str
    max_tokens: int = 1024
    temperature: float = 0.2
    # Ask for a JSON object where the protocol supports it (Ollama format, OpenAI
    # response_format, Gemini responseMimeType); the reply is validated either way.
    json_schema: dict[str, Any] | None = None
    # An investigation: the tools offered, the turns after the first prompt, and whether
    # the model may call tools now ("auto") or must answer ("none").
    tools: tuple[ToolSpec, ...] = ()
    turns: tuple[Turn, ...] = ()
    tool_choice: str = "auto"

    @property
    def may_call_tools(self) -> bool:
        return bool(self.tools) and self.tool_choice != "none"


@dataclass(frozen=True, slots=True)
class LLMReply:
    text: str
    model: str = ""
    tokens_in: int | None = None
    tokens_out: int | None = None
    latency_ms: int = 0
    tool_calls: tuple[ToolCall, ...] = ()


class LLMError(Exception):
    """A failed call, with what the caller needs to decide what to do next.

    The message never contains a secret: it is built from status codes, error
    bodies (truncated) and exception class names, never from headers.
    """

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        kind: str = "error",
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        # One of: connection, timeout, rate_limited, unavailable, server, auth,
        # bad_request, bad_reply, tools_unsupported (the model or API refuses tools:
        # ask without them), error.
        self.kind = kind
        self.status = status
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.message
