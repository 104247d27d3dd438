"""LLM wire protocols: `complete(config, request)` sends one prompt to one provider.

Each kind maps to a small function that builds the request and parses the reply
over `http.post_json`, which owns httpx, timeouts and the mapping to LLMError.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

import httpx

from analysis.providers import anthropic, gemini, ollama, openai
from analysis.providers.http import who
from analysis.providers.messages import LLMError, LLMReply, LLMRequest, ProviderConfig

__all__ = [
    "DEFAULT_BASE_URLS",
    "KINDS",
    "PROTOCOLS",
    "LLMError",
    "LLMReply",
    "LLMRequest",
    "ProviderConfig",
    "complete",
    "supports_tools",
]

Protocol = Callable[..., LLMReply]

PROTOCOLS: dict[str, Protocol] = {
    "ollama": ollama.complete,
    "openai": openai.complete,
    "azure_openai": openai.complete,
    "azure_ad": openai.complete,
    "cloudflare": openai.complete,
    "gemini": gemini.complete,
    "anthropic": anthropic.complete,
    "deepseek": openai.complete,
}

KINDS: tuple[str, ...] = tuple(PROTOCOLS)

# Kinds whose API takes tools (Cloudflare's OpenAI-compatible endpoint does for few models).
TOOL_KINDS = frozenset(
    {"ollama", "openai", "azure_openai", "azure_ad", "gemini", "anthropic", "deepseek"}
)


# How servers say a model takes no tools: Ollama "… does not support tools", vLLM and
# others "tools is not supported", "function calling is not supported"; not any error that
# merely mentions a tool (a malformed tool message is our bug, not the model's limit).
TOOLS_REFUSED = re.compile(
    r"(does not|doesn't|do not) support (tools|tool use|tool calling|function calling)"
    r"|(tools?|tool use|tool calling|function calling) (is|are) not supported",
    re.IGNORECASE,
)


def supports_tools(kind: str) -> bool:
    return kind in TOOL_KINDS


DEFAULT_BASE_URLS: dict[str, str] = {
    "ollama": "http://localhost:11434",
    "openai": "https://api.openai.com/v1",
    "azure_openai": "",
    "azure_ad": "",
    "cloudflare": "https://api.cloudflare.com/client/v4",
    "gemini": "https://generativelanguage.googleapis.com",
    "anthropic": "https://api.anthropic.com",
    "deepseek": "https://api.deepseek.com",
}


def complete(
    config: ProviderConfig, request: LLMRequest, *, client: httpx.Client | None = None
) -> LLMReply:
    """Send request to the provider config describes; raises LLMError on any failure."""
    protocol = PROTOCOLS.get(config.kind)
    if protocol is None:
        raise LLMError(
            f"unknown provider kind {config.kind!r}", retryable=False, kind="bad_request"
        )
    if not config.base_url:
        if not DEFAULT_BASE_URLS[config.kind]:
            raise LLMError(
                f"{who(config)}: base_url is required", retryable=False, kind="bad_request"
            )
        config = dataclasses.replace(config, base_url=DEFAULT_BASE_URLS[config.kind])
    try:
        return protocol(config, request, client=client)
    except LLMError as error:
        if (
            request.tools
            and error.status in (400, 404, 422)
            and TOOLS_REFUSED.search(error.message)
        ):
            raise LLMError(
                error.message, retryable=False, kind="tools_unsupported", status=error.status
            ) from None
        raise
