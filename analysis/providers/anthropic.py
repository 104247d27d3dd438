"""Anthropic's Messages API.

# Reference: https://docs.anthropic.com/en/api/messages
"""

from __future__ import annotations

from typing import Any

import httpx

from analysis.providers.http import bad_reply, post_json, tool_calls
from analysis.providers.messages import LLMReply, LLMRequest, ProviderConfig, ToolCall

API_VERSION = "2023-06-01"


def complete(
    config: ProviderConfig, request: LLMRequest, *, client: httpx.Client | None = None
) -> LLMReply:
    # No JSON mode here: the prompt asks for JSON and the caller validates the reply.
    body: dict[str, Any] = {
        "model": config.model,
        "max_tokens": request.max_tokens,
        "system": request.system,
        "messages": _messages(request),
        "temperature": request.temperature,
    }
    if request.tools:
        body["tools"] = [
            {"name": spec.name, "description": spec.description, "input_schema": spec.parameters}
            for spec in request.tools
        ]
        body["tool_choice"] = {"type": "auto" if request.may_call_tools else "none"}
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
    uses = [b for b in blocks if isinstance(b, dict) and b.get("type") == "tool_use"]
    calls = tool_calls(config, uses, _call)
    if not texts and reply.get("stop_reason") == "refusal":
        raise bad_reply(config, "model refused to answer (stop_reason refusal)", retryable=False)
    usage = reply.get("usage") or {}
    return LLMReply(
        text="".join(texts),
        model=reply.get("model") or config.model,
        tokens_in=usage.get("input_tokens"),
        tokens_out=usage.get("output_tokens"),
        latency_ms=latency_ms,
        tool_calls=calls,
    )


def _call(block: dict[str, Any], index: int) -> ToolCall:
    return ToolCall.parsed(
        id=block.get("id") or f"toolu_{index}", name=block.get("name"), arguments=block.get("input")
    )


def _messages(request: LLMRequest) -> list[dict[str, Any]]:
    """The user prompt, then the turns; roles alternate, so tool results and a following
    note from Gogent go in one user message, as tool_result blocks and a text block."""
    messages: list[dict[str, Any]] = [{"role": "user", "content": request.user}]
    for turn in request.turns:
        if turn.role == "assistant":
            blocks: list[dict[str, Any]] = (
                [{"type": "text", "text": turn.text}] if turn.text else []
            )
            blocks += [
                {
                    "type": "tool_use",
                    "id": call.id,
                    "name": call.name,
                    "input": call.arguments or {},
                }
                for call in turn.tool_calls
            ]
            messages.append({"role": "assistant", "content": blocks})
            continue
        if turn.role == "tool":
            block = {
                "type": "tool_result",
                "tool_use_id": turn.call_id,
                "content": turn.text,
                "is_error": turn.is_error,
            }
        else:
            block = {"type": "text", "text": turn.text}
        last = messages[-1]
        if last["role"] == "user" and isinstance(last["content"], list):
            last["content"].append(block)
        else:
            messages.append({"role": "user", "content": [block]})
    return messages
