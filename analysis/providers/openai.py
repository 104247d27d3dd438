"""OpenAI-style chat completions: OpenAI, DeepSeek, Azure OpenAI (key or Entra ID), Cloudflare.

# Reference: https://platform.openai.com/docs/api-reference/chat/create
# Reference: https://api-docs.deepseek.com/api/create-chat-completion
# Reference: https://learn.microsoft.com/azure/ai-services/openai/reference#chat-completions
# Reference: https://developers.cloudflare.com/workers-ai/configuration/open-ai-compatibility/
# Reference: https://developers.cloudflare.com/ai-gateway/providers/workersai/
"""

from __future__ import annotations

from typing import Any

import httpx

from analysis.providers import azure_ad
from analysis.providers.http import bad_reply, openai_tool, post_json, tool_calls, who
from analysis.providers.messages import (
    LLMError,
    LLMReply,
    LLMRequest,
    ProviderConfig,
    ToolCall,
    Turn,
)

AZURE = ("azure_openai", "azure_ad")
# JSON mode only where every model behind the endpoint accepts it; elsewhere the
# prompt asks for JSON and the caller validates the reply.
JSON_MODE = ("openai", "deepseek")
CLOUDFLARE_GATEWAY_HOST = "gateway.ai.cloudflare.com"


def chat_url(config: ProviderConfig) -> str:
    """The chat completions URL; for Azure, base_url is the deployment URL."""
    base = config.base_url.rstrip("/")
    if config.kind == "cloudflare":
        # An AI Gateway base is https://gateway.ai.cloudflare.com/v1/{account_id}/{gateway_id}.
        if CLOUDFLARE_GATEWAY_HOST in base:
            return f"{base}/workers-ai/v1/chat/completions"
        return f"{base}/accounts/{config.account_id}/ai/v1/chat/completions"
    return f"{base}/chat/completions"


def complete(
    config: ProviderConfig, request: LLMRequest, *, client: httpx.Client | None = None
) -> LLMReply:
    _check(config)
    body: dict[str, Any] = {
        "model": config.model,
        "messages": [
            {"role": "system", "content": request.system},
            {"role": "user", "content": request.user},
            *(_message(turn) for turn in request.turns),
        ],
        "temperature": request.temperature,
    }
    # OpenAI deprecated max_tokens (its reasoning models reject it); the others still use it.
    body["max_completion_tokens" if config.kind == "openai" else "max_tokens"] = request.max_tokens
    if request.tools:
        # Sent with "none" too: the history's tool calls must name tools the request has.
        body["tools"] = [openai_tool(spec) for spec in request.tools]
        body["tool_choice"] = "auto" if request.may_call_tools else "none"
    if request.json_schema is not None and config.kind in JSON_MODE and not request.may_call_tools:
        body["response_format"] = {"type": "json_object"}
    url = chat_url(config)
    params = {"api-version": config.api_version} if config.kind in AZURE else None

    if config.kind == "azure_ad":
        return azure_ad.with_token(
            config,
            lambda token: _send(
                config, url, body, {"Authorization": f"Bearer {token}"}, params, client
            ),
            client=client,
        )
    if config.kind == "azure_openai":
        headers = {"api-key": config.secret}
    else:
        headers = {"Authorization": f"Bearer {config.secret}"}
    return _send(config, url, body, headers, params, client)


def _send(
    config: ProviderConfig,
    url: str,
    body: dict[str, Any],
    headers: dict[str, str],
    params: dict[str, str] | None,
    client: httpx.Client | None,
) -> LLMReply:
    reply, latency_ms = post_json(
        config, url, json=body, headers=headers, params=params, client=client
    )
    choices = reply.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise bad_reply(config, "reply has no choices")
    # DeepSeek's reasoner puts its chain of thought in message.reasoning_content; not ours.
    message = choices[0].get("message") or {}
    calls = tool_calls(config, message.get("tool_calls"), _call)
    content = message.get("content")
    if not isinstance(content, str) and not (content is None and calls):
        if choices[0].get("finish_reason") == "content_filter":
            raise bad_reply(config, "reply withheld by the content filter", retryable=False)
        raise bad_reply(config, "reply has no message content")
    usage = reply.get("usage") or {}
    return LLMReply(
        text=content or "",
        model=reply.get("model") or config.model,
        tokens_in=usage.get("prompt_tokens"),
        tokens_out=usage.get("completion_tokens"),
        latency_ms=latency_ms,
        tool_calls=calls,
    )


def _call(item: dict[str, Any], index: int) -> ToolCall:
    function = item.get("function") or {}
    return ToolCall.parsed(
        id=item.get("id") or f"call_{index}",
        name=function.get("name"),
        arguments=function.get("arguments"),
    )


def _message(turn: Turn) -> dict[str, Any]:
    if turn.role == "assistant":
        message: dict[str, Any] = {"role": "assistant", "content": turn.text or None}
        if turn.tool_calls:
            message["tool_calls"] = [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.name, "arguments": call.raw_arguments or "{}"},
                }
                for call in turn.tool_calls
            ]
        return message
    if turn.role == "tool":
        return {"role": "tool", "tool_call_id": turn.call_id, "content": turn.text}
    return {"role": "user", "content": turn.text}


def _check(config: ProviderConfig) -> None:
    missing = ""
    if config.kind in AZURE and not config.api_version:
        missing = "api_version"
    elif (
        config.kind == "cloudflare"
        and not config.account_id
        and CLOUDFLARE_GATEWAY_HOST not in config.base_url
    ):
        missing = "account_id"
    if missing:
        raise LLMError(f"{who(config)}: {missing} is required", retryable=False, kind="bad_request")
