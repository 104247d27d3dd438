"""What every wire protocol takes and gives back; no Django, no I/O."""

from __future__ import annotations

import dataclasses
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


@dataclass(frozen=True, slots=True)
class LLMRequest:
    system: str
    user: str
    max_tokens: int = 1024
    temperature: float = 0.2
    # Ask for a JSON object where the protocol supports it (Ollama format, OpenAI
    # response_format, Gemini responseMimeType); the reply is validated either way.
    json_schema: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class LLMReply:
    text: str
    model: str = ""
    tokens_in: int | None = None
    tokens_out: int | None = None
    latency_ms: int = 0


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
        # bad_request, bad_reply, error.
        self.kind = kind
        self.status = status
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.message
