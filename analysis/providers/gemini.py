"""Google's Gemini API (generativelanguage.googleapis.com), generateContent.

# Reference: https://ai.google.dev/api/generate-content#method:-models.generatecontent
"""

from __future__ import annotations

from typing import Any

import httpx

from analysis.providers.http import bad_reply, post_json
from analysis.providers.messages import LLMReply, LLMRequest, ProviderConfig

BLOCKED = {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "LANGUAGE"}


def complete(
    config: ProviderConfig, request: LLMRequest, *, client: httpx.Client | None = None
) -> LLMReply:
    generation: dict[str, Any] = {
        "temperature": request.temperature,
        "maxOutputTokens": request.max_tokens,
    }
    if request.json_schema is not None:
        generation["responseMimeType"] = "application/json"
    body = {
        "systemInstruction": {"parts": [{"text": request.system}]},
        "contents": [{"role": "user", "parts": [{"text": request.user}]}],
        "generationConfig": generation,
    }
    model = config.model.removeprefix("models/")
    url = f"{config.base_url.rstrip('/')}/v1beta/models/{model}:generateContent"
    # The key goes in a header: a ?key= query string ends up in access logs and tracebacks.
    headers = {"x-goog-api-key": config.secret}
    reply, latency_ms = post_json(config, url, json=body, headers=headers, client=client)

    candidates = reply.get("candidates")
    if not candidates:
        blocked = (reply.get("promptFeedback") or {}).get("blockReason")
        if blocked:
            raise bad_reply(config, f"prompt blocked ({blocked})", retryable=False)
        raise bad_reply(config, "reply has no candidates")
    candidate = candidates[0]
    parts = (candidate.get("content") or {}).get("parts") or []
    # Thinking models return their reasoning as parts marked "thought": true.
    text = "".join(
        part["text"]
        for part in parts
        if isinstance(part, dict) and isinstance(part.get("text"), str) and not part.get("thought")
    )
    finish = candidate.get("finishReason", "")
    if not text and finish in BLOCKED:
        # Retrying the same prompt gets it blocked again.
        raise bad_reply(config, f"no text in reply (finishReason {finish})", retryable=False)
    usage = reply.get("usageMetadata") or {}
    return LLMReply(
        text=text,
        model=reply.get("modelVersion") or config.model,
        tokens_in=usage.get("promptTokenCount"),
        tokens_out=usage.get("candidatesTokenCount"),
        latency_ms=latency_ms,
    )
