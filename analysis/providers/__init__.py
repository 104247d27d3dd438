"""LLM wire protocols: `complete(config, request)` sends one prompt to one provider.

Each kind maps to a small function that builds the request and parses the reply
over `http.post_json`, which owns httpx, timeouts and the mapping to LLMError.
"""

from __future__ import annotations

import dataclasses
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
        if request.tools and error.status in (400, 404, 422) and "tool" in error.message.lower():
            # "model does not support tools" (Ollama), "tools is not supported" (others).
            raise LLMError(
                error.message, retryable=False, kind="tools_unsupported", status=error.status
            ) from None
        raise
