"""Ollama's native chat API.

# Reference: https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion
"""

from __future__ import annotations

from typing import Any

import httpx

from analysis.providers.http import bad_reply, post_json
from analysis.providers.messages import LLMReply, LLMRequest, ProviderConfig


def complete(
    config: ProviderConfig, request: LLMRequest, *, client: httpx.Client | None = None
) -> LLMReply:
    body: dict[str, Any] = {
        "model": config.model,
        "stream": False,
        "messages": [
            {"role": "system", "content": request.system},
            {"role": "user", "content": request.user},
        ],
        "options": {"temperature": request.temperature, "num_predict": request.max_tokens},
    }
    if request.json_schema is not None:
        body["format"] = request.json_schema
    # A bare Ollama has no auth; the key is for one behind a reverse proxy.
    headers = {"Authorization": f"Bearer {config.secret}"} if config.secret else {}
    reply, latency_ms = post_json(
        config, f"{config.base_url.rstrip('/')}/api/chat", json=body, headers=headers, client=client
    )
    message = reply.get("message")
    if not isinstance(message, dict) or not isinstance(message.get("content"), str):
        raise bad_reply(config, "reply has no message.content")
    return LLMReply(
        text=message["content"],
        model=reply.get("model") or config.model,
        tokens_in=reply.get("prompt_eval_count"),
        tokens_out=reply.get("eval_count"),
        latency_ms=latency_ms,
    )
