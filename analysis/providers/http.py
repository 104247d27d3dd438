"""The one place that talks HTTP to an LLM provider and maps failures to LLMError.

Contract: no LLMError raised here carries a secret. Messages are built from the
provider's name, the status code and a short excerpt of the error body (with the
secret masked in case a provider echoes it); never from headers or httpx's own
exceptions, whose request holds the auth header. Transport failures are raised
outside the `except` block so that neither `__cause__` nor `__context__` points at
an httpx exception.
"""

from __future__ import annotations

import email.utils
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from analysis.providers.messages import MAX_TOOL_CALLS, LLMError, ProviderConfig, ToolCall, ToolSpec

CONNECT_TIMEOUT = 10.0
EXCERPT_CHARS = 300

_shared: tuple[int, httpx.Client] | None = None
_shared_lock = threading.Lock()


def post_json(
    config: ProviderConfig,
    url: str,
    *,
    json: dict[str, Any] | None = None,
    form: dict[str, str] | None = None,
    headers: dict[str, str],
    params: dict[str, str] | None = None,
    client: httpx.Client | None = None,
) -> tuple[dict[str, Any], int]:
    """POST a JSON body (or, for OAuth token endpoints, a form) and return (reply, latency_ms)."""
    timeout = httpx.Timeout(config.timeout, connect=min(CONNECT_TIMEOUT, config.timeout))
    client = client or _shared_client()
    failure: LLMError | None = None
    started = time.monotonic()
    try:
        response = client.post(
            url, json=json, data=form, headers=headers, params=params, timeout=timeout
        )
    except httpx.TimeoutException as exc:
        failure = LLMError(
            f"{who(config)}: no reply within {config.timeout:g}s ({type(exc).__name__})",
            retryable=True,
            kind="timeout",
        )
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        failure = LLMError(
            f"{who(config)}: invalid base URL ({type(exc).__name__})",
            retryable=False,
            kind="bad_request",
        )
    except httpx.TransportError as exc:
        failure = LLMError(
            f"{who(config)}: connection failed ({type(exc).__name__})",
            retryable=True,
            kind="connection",
        )
    if failure is not None:
        raise failure
    latency_ms = round((time.monotonic() - started) * 1000)

    if response.status_code >= 400:
        raise _status_error(config, response)
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise LLMError(
            f"{who(config)}: HTTP {response.status_code} reply is not a JSON object: "
            f"{excerpt(config, response.text)}",
            retryable=True,
            kind="bad_reply",
            status=response.status_code,
        )
    return body, latency_ms


def _shared_client() -> httpx.Client:
    # One pooled client per process: building one costs ~30 ms (TLS context) and a pooled
    # connection skips the TLS handshake. Keyed by pid because Celery's prefork pool forks.
    global _shared
    with _shared_lock:
        if _shared is None or _shared[0] != os.getpid():
            _shared = (os.getpid(), httpx.Client())
        return _shared[1]


def who(config: ProviderConfig) -> str:
    return f"{config.name} ({config.kind})" if config.name else config.kind


def excerpt(config: ProviderConfig, text: str) -> str:
    text = " ".join(text.split())
    if config.secret:
        text = text.replace(config.secret, "***")
    return text[:EXCERPT_CHARS]


def bad_reply(config: ProviderConfig, detail: str, *, retryable: bool = True) -> LLMError:
    """A 2xx reply whose shape or content we cannot use."""
    return LLMError(f"{who(config)}: {detail}", retryable=retryable, kind="bad_reply")


def _status_error(config: ProviderConfig, response: httpx.Response) -> LLMError:
    status = response.status_code
    if status == 429:
        kind, retryable = "rate_limited", True
    elif status == 503:
        kind, retryable = "unavailable", True
    elif status >= 500:
        kind, retryable = "server", True
    elif status in (401, 403):
        kind, retryable = "auth", False
    else:
        kind, retryable = "bad_request", False
    return LLMError(
        f"{who(config)}: HTTP {status}: {excerpt(config, response.text)}",
        retryable=retryable,
        kind=kind,
        status=status,
        retry_after=_retry_after(response.headers) if status in (429, 503) else None,
    )


def _retry_after(headers: httpx.Headers) -> float | None:
    # OpenAI and Azure send the finer-grained retry-after-ms next to Retry-After.
    milliseconds = headers.get("retry-after-ms")
    if milliseconds:
        try:
            return max(0.0, float(milliseconds) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def openai_tool(spec: ToolSpec) -> dict[str, Any]:
    """A tool in the OpenAI function shape (OpenAI-compatible APIs and Ollama)."""
    return {
        "type": "function",
        "function": {
            "name": spec.name,
            "description": spec.description,
            "parameters": spec.parameters,
        },
    }


def tool_calls(
    config: ProviderConfig, items: Any, parse: Callable[[dict[str, Any], int], ToolCall]
) -> tuple[ToolCall, ...]:
    """A reply's tool calls, at most MAX_TOOL_CALLS (the rest dropped: a model asking for
    more in one turn is answered for these and may ask again)."""
    if items is None:
        return ()
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise bad_reply(config, "reply's tool calls are not a list of objects")
    return tuple(parse(item, index) for index, item in enumerate(items[:MAX_TOOL_CALLS]))
