"""Google's Gemini API (generativelanguage.googleapis.com), generateContent.

# Reference: https://ai.google.dev/api/generate-content#method:-models.generatecontent
"""

from __future__ import annotations

from typing import Any

import httpx

from analysis.providers.http import bad_reply, post_json, tool_calls
from analysis.providers.messages import LLMReply, LLMRequest, ProviderConfig, ToolCall

BLOCKED = {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "LANGUAGE"}


def complete(
    config: ProviderConfig, request: LLMRequest, *, client: httpx.Client | None = None
) -> LLMReply:
    generation: dict[str, Any] = {
        "temperature": request.temperature,
        "maxOutputTokens": request.max_tokens,
    }
    # Function calling and a JSON response type do not go together.
    if request.json_schema is not None and not request.may_call_tools:
        generation["responseMimeType"] = "application/json"
    body: dict[str, Any] = {
        "systemInstruction": {"parts": [{"text": request.system}]},
        "contents": _contents(request),
        "generationConfig": generation,
    }
    if request.tools:
        body["tools"] = [
            {
                "functionDeclarations": [
                    {
                        "name": spec.name,
                        "description": spec.description,
                        "parameters": gemini_schema(spec.parameters),
                    }
                    for spec in request.tools
                ]
            }
        ]
        mode = "AUTO" if request.may_call_tools else "NONE"
        body["toolConfig"] = {"functionCallingConfig": {"mode": mode}}
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
    calls = tool_calls(
        config, [p["functionCall"] for p in parts if isinstance(p, dict) and "functionCall" in p],
        _call,
    )  # fmt: skip
    # Thinking models return their reasoning as parts marked "thought": true.
    text = "".join(
        part["text"]
        for part in parts
        if isinstance(part, dict) and isinstance(part.get("text"), str) and not part.get("thought")
    )
    finish = candidate.get("finishReason", "")
    if not text and not calls and finish in BLOCKED:
        # Retrying the same prompt gets it blocked again.
        raise bad_reply(config, f"no text in reply (finishReason {finish})", retryable=False)
    usage = reply.get("usageMetadata") or {}
    return LLMReply(
        text=text,
        model=reply.get("modelVersion") or config.model,
        tokens_in=usage.get("promptTokenCount"),
        tokens_out=usage.get("candidatesTokenCount"),
        latency_ms=latency_ms,
        tool_calls=calls,
    )


# JSON Schema keywords Gemini's function declarations (an OpenAPI subset) refuse.
_UNSUPPORTED = frozenset({"title", "additionalProperties", "default", "$schema", "$defs"})


def gemini_schema(node: Any) -> Any:
    """The tool's JSON Schema without what Gemini's parameter schemas refuse."""
    if isinstance(node, list):
        return [gemini_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        key: (
            {name: gemini_schema(sub) for name, sub in value.items()}
            if key == "properties"
            else gemini_schema(value)
        )
        for key, value in node.items()
        if key not in _UNSUPPORTED
    }


def _call(call: dict[str, Any], index: int) -> ToolCall:
    # Gemini gives no call id; the index is stable within the reply.
    return ToolCall.parsed(
        id=call.get("id") or f"call_{index}", name=call.get("name"), arguments=call.get("args")
    )


def _contents(request: LLMRequest) -> list[dict[str, Any]]:
    """The user prompt, then the turns: the model's as role "model", function responses
    and notes from Gogent together in one user turn."""
    contents: list[dict[str, Any]] = [{"role": "user", "parts": [{"text": request.user}]}]
    for turn in request.turns:
        if turn.role == "assistant":
            parts: list[dict[str, Any]] = [{"text": turn.text}] if turn.text else []
            parts += [
                {"functionCall": {"name": call.name, "args": call.arguments or {}}}
                for call in turn.tool_calls
            ]
            contents.append({"role": "model", "parts": parts})
            continue
        if turn.role == "tool":
            key = "error" if turn.is_error else "content"
            part = {"functionResponse": {"name": turn.name, "response": {key: turn.text}}}
        else:
            part = {"text": turn.text}
        if contents[-1]["role"] == "user" and len(contents) > 1:
            contents[-1]["parts"].append(part)
        else:
            contents.append({"role": "user", "parts": [part]})
    return contents
