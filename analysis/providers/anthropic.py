"""Anthropic's Messages API.

# Reference: https://docs.anthropic.com/en/api/messages
"""

from __future__ import annotations

import httpx

from analysis.providers.http import bad_reply, post_json
from analysis.providers.messages import LLMReply, LLMRequest, ProviderConfig

API_VERSION = "2023-06-01"


def complete(
    config: ProviderConfig, request: LLMRequest, *, client: httpx.Client | None = None
) -> LLMReply:
    # No JSON mode here: the prompt asks for JSON and the caller validates the reply.
    body = {
        "model": config.model,
        "max_tokens": request.max_tokens,
        "system": request.system,
        "messages": [{"role": "user", "content": request.user}],
        "temperature": request.temperature,
    }
    headers = {"x-api-key": config.secret, "anthropic-version": API_VERSION}
    reply, latency_ms = post_json(
        config,
        f"{config.base_url.rstrip('/')}/v1/messages",
        json=body,
        headers=headers,
        client=client,
    )
    blocks = reply.get("content")
    if not isinstance(blocks, list):
        raise bad_reply(config, "reply has no content list")
    # Extended thinking arrives as separate "thinking" blocks; only "text" is the answer.
    texts = [b["text"] for b in blocks if isinstance(b, dict) and b.get("type") == "text"]
    if not texts and reply.get("stop_reason") == "refusal":
        raise bad_reply(config, "model refused to answer (stop_reason refusal)", retryable=False)
    usage = reply.get("usage") or {}
    return LLMReply(
        text="".join(texts),
        model=reply.get("model") or config.model,
        tokens_in=usage.get("input_tokens"),
        tokens_out=usage.get("output_tokens"),
        latency_ms=latency_ms,
    )
