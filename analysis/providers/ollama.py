"""Ollama's native chat API.

# Reference: https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion
"""

from __future__ import annotations

from typing import Any

import httpx

from analysis.providers.http import bad_reply, openai_tool, post_json, tool_calls
from analysis.providers.messages import LLMReply, LLMRequest, ProviderConfig, ToolCall, Turn


def complete(
    config: ProviderConfig, request: LLMRequest, *, client: httpx.Client | None = None
) -> LLMReply:
    body: dict[str, Any] = {
        "model": config.model,
        "stream": False,
        "messages": [
            {"role": "system", "content": request.system},
            {"role": "user", "content": request.user},
            *(_message(turn) for turn in request.turns),
        ],
        "options": {"temperature": request.temperature, "num_predict": request.max_tokens},
    }
    if request.may_call_tools:
        # Ollama has no tool_choice: tools are offered, or not; a format would forbid calls.
        body["tools"] = [openai_tool(spec) for spec in request.tools]
    elif request.json_schema is not None:
        body["format"] = request.json_schema
    # A bare Ollama has no auth; the key is for one behind a reverse proxy.
    headers = {"Authorization": f"Bearer {config.secret}"} if config.secret else {}
    reply, latency_ms = post_json(
        config, f"{config.base_url.rstrip('/')}/api/chat", json=body, headers=headers, client=client
    )
    message = reply.get("message")
    if not isinstance(message, dict):
        raise bad_reply(config, "reply has no message")
    calls = tool_calls(config, message.get("tool_calls"), ollama_call)
    content = message.get("content")
    if not isinstance(content, str) and not (content is None and calls):
        raise bad_reply(config, "reply has no message.content")
    return LLMReply(
        text=content or "",
        model=reply.get("model") or config.model,
        tokens_in=reply.get("prompt_eval_count"),
        tokens_out=reply.get("eval_count"),
        latency_ms=latency_ms,
        tool_calls=calls,
    )


def ollama_call(item: dict[str, Any], index: int) -> ToolCall:
    function = item.get("function") or {}
    # Ollama gives no call id; the index is stable within the reply.
    return ToolCall.parsed(
        id=item.get("id") or f"call_{index}",
        name=function.get("name"),
        arguments=function.get("arguments"),
    )


def _message(turn: Turn) -> dict[str, Any]:
    if turn.role == "assistant":
        message: dict[str, Any] = {"role": "assistant", "content": turn.text}
        if turn.tool_calls:
            message["tool_calls"] = [
                {"function": {"name": call.name, "arguments": call.arguments or {}}}
                for call in turn.tool_calls
            ]
        return message
    if turn.role == "tool":
        return {"role": "tool", "content": turn.text, "tool_name": turn.name}
    return {"role": "user", "content": turn.text}
