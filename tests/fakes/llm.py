"""A fake LLM HTTP server speaking every protocol in analysis.providers, on 127.0.0.1.

In a test:

    with FakeLLM() as fake:
        fake.fail_next(Fault.status(429, retry_after=2))
        complete(ProviderConfig(kind="openai", base_url=fake.url + "/v1", ...), request)
        assert fake.requests[-1].path == "/v1/chat/completions"

As a process (for a Celery worker or a benchmark), printing its URL on line 1:

    python -m tests.fakes.llm --port 0 --latency 0.2

Replies use each vendor's real shape. Token counts are word counts: tokens in =
words in the system and user text, tokens out = words in the reply.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import re
import signal
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

DEFAULT_REPLY = json.dumps(
    {
        "summary": "Database connections are being refused by the primary.",
        "probable_cause": "The connection pool is exhausted after a deploy raised worker count.",
        "impact": "Checkout requests fail with HTTP 500 for a subset of users.",
        "recommended_actions": ["Lower the worker count", "Raise max_connections on the primary"],
        "severity": "high",
        "ticket_recommended": True,
        "ticket_priority": "high",
        "confidence": 0.8,
    }
)

AZURE_PATH = re.compile(r"/openai/deployments/(?P<model>[^/]+)/chat/completions$")
GEMINI_PATH = re.compile(r"/models/(?P<model>[^/:]+):generateContent$")
TOKEN_PATH = re.compile(r"/[^/]+/oauth2/v2\.0/token$")


@dataclass(frozen=True)
class RecordedRequest:
    time: float
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass(frozen=True)
class Fault:
    """What the next request gets instead of a normal reply."""

    kind: str
    code: int = 200
    retry_after: float | str | None = None
    headers: dict[str, str] | None = None
    body: str | None = None
    seconds: float = 0.0
    text: str = ""

    @classmethod
    def status(
        cls,
        code: int,
        retry_after: float | str | None = None,
        *,
        headers: dict[str, str] | None = None,
        body: str | None = None,
    ) -> Fault:
        """An error reply; retry_after is seconds or an HTTP date, body replaces the
        vendor-shaped error body."""
        return cls("status", code=code, retry_after=retry_after, headers=headers, body=body)

    @classmethod
    def hang(cls, seconds: float) -> Fault:
        return cls("hang", seconds=seconds)

    @classmethod
    def malformed(cls) -> Fault:
        return cls("malformed")

    @classmethod
    def reply(cls, text: str) -> Fault:
        return cls("reply", text=text)

    @classmethod
    def blocked(cls) -> Fault:
        """The vendor's "refused by the safety filter" reply, with no text."""
        return cls("blocked")


class FakeLLM:
    def __init__(
        self,
        *,
        reply: str | Callable[[RecordedRequest], str] = DEFAULT_REPLY,
        latency: float = 0.0,
        required_key: str | None = None,
        thinking: str | None = None,
        token_expires_in: int = 3600,
        port: int = 0,
        script: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
        tools_supported: bool = True,
    ) -> None:
        # A tool-calling model: script(view) gets the request as every protocol's
        # common view (tests.fakes.llm.neutral_view) and returns {"tool_calls": [{"name",
        # "arguments"}]} or {"text": ...}, rendered in the vendor's real shape.
        self.script = script
        # False: a request offering tools is refused the way Ollama refuses it for a model
        # without tool support (HTTP 400 "... does not support tools").
        self.tools_supported = tools_supported
        self.reply = reply
        self.latency = latency
        self.required_key = required_key
        # When set, replies also carry reasoning the way each vendor sends it separately.
        self.thinking = thinking
        self.token_expires_in = token_expires_in
        self._requests: list[RecordedRequest] = []
        self._faults: deque[Fault] = deque()
        self._issued_tokens: set[str] = set()
        self._token_numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def fail_next(self, *faults: Fault) -> None:
        with self._lock:
            self._faults.extend(faults)

    def stop(self) -> None:
        if self._stopping.is_set():
            return
        # Wakes handlers sleeping in `latency` or a hang so they do not outlive the server.
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeLLM:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _handle(self, handler: _Handler) -> None:
        arrived = time.time()
        split = urlsplit(handler.path)
        raw = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in handler.headers.items()}
        request = RecordedRequest(
            time=arrived,
            method=handler.command,
            path=split.path,
            query=dict(parse_qsl(split.query)),
            headers=headers,
            body=_parse_body(raw, headers.get("content-type", "")),
        )
        with self._lock:
            self._requests.append(request)
            fault = self._faults.popleft() if self._faults else None
        if self.latency:
            self._stopping.wait(self.latency)
        if fault and fault.kind == "hang":
            self._stopping.wait(fault.seconds)
            handler.close_connection = True
            return
        status, payload, extra_headers = self._answer(request, fault)
        if isinstance(payload, bytes):
            content, content_type = payload, "text/html"
        else:
            content, content_type = json.dumps(payload).encode(), "application/json"
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(content)))
            for name, value in extra_headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(content)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timed out) before the reply was ready

    def _answer(
        self, request: RecordedRequest, fault: Fault | None
    ) -> tuple[int, Any, dict[str, str]]:
        protocol, model = _route(request)
        if protocol is None or request.method != "POST":
            return 404, {"error": {"code": "404", "message": "Resource not found"}}, {}
        if protocol == "azure" and "api-version" not in request.query:
            return 404, {"error": {"code": "404", "message": "Resource not found"}}, {}
        if fault and fault.kind == "status":
            headers = dict(fault.headers or {})
            if fault.retry_after is not None:
                headers["Retry-After"] = str(fault.retry_after)
            body = fault.body.encode() if fault.body is not None else _error(protocol, fault.code)
            return fault.code, body, headers
        if fault and fault.kind == "malformed":
            return 200, b"<html><body>502 Bad Gateway</body></html>", {}
        if self.required_key and not self._authorized(protocol, request):
            return 401, _error(protocol, 401), {}
        if protocol == "token":
            return 200, self._issue_token(), {}
        view = neutral_view(protocol, request.body) if isinstance(request.body, dict) else {}
        if view.get("tools") and not self.tools_supported:
            return 400, _error(protocol, 400, f"{model or 'model'} does not support tools"), {}
        if not model and isinstance(request.body, dict):
            model = request.body.get("model", "")
        words_in = len(" ".join(_prompt_strings(request.body)).split())
        scripted = self.script(view) if self.script and not fault else None
        if scripted and scripted.get("tool_calls"):
            calls = scripted["tool_calls"]
            words_out = len(json.dumps(calls).split())
            return 200, TOOL_REPLIES[protocol](model, calls, words_in, words_out), {}
        if fault and fault.kind == "reply":
            text = fault.text
        elif scripted is not None:
            text = scripted["text"]
        else:
            text = self.reply(request) if callable(self.reply) else self.reply
        blocked = bool(fault and fault.kind == "blocked")
        reply = REPLIES[protocol](
            model=model,
            text="" if blocked else text,
            thinking=self.thinking,
            blocked=blocked,
            tokens_in=words_in,
            tokens_out=0 if blocked else len(text.split()),
        )
        return 200, reply, {}

    def _authorized(self, protocol: str, request: RecordedRequest) -> bool:
        headers = request.headers
        bearer = headers.get("authorization", "").removeprefix("Bearer ")
        if protocol == "token":
            body = request.body if isinstance(request.body, dict) else {}
            return body.get("client_secret") == self.required_key
        if protocol == "anthropic":
            return headers.get("x-api-key") == self.required_key
        if protocol == "gemini":
            return headers.get("x-goog-api-key") == self.required_key
        if protocol == "azure":
            with self._lock:
                return headers.get("api-key") == self.required_key or bearer in self._issued_tokens
        return bearer == self.required_key

    def _issue_token(self) -> dict[str, Any]:
        with self._lock:
            access_token = f"fake-entra-token-{next(self._token_numbers)}"
            self._issued_tokens.add(access_token)
        return {
            "token_type": "Bearer",
            "expires_in": self.token_expires_in,
            "ext_expires_in": self.token_expires_in,
            "access_token": access_token,
        }


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.server.fake._handle(self)  # type: ignore[attr-defined]

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _route(request: RecordedRequest) -> tuple[str | None, str]:
    path = request.path
    if match := AZURE_PATH.search(path):
        return "azure", match["model"]
    if match := GEMINI_PATH.search(path):
        return "gemini", match["model"]
    if TOKEN_PATH.search(path):
        return "token", ""
    for suffix, protocol in (
        ("/api/chat", "ollama"),
        ("/chat/completions", "openai"),  # also DeepSeek, Cloudflare and AI Gateway
        ("/v1/messages", "anthropic"),
    ):
        if path.endswith(suffix):
            return protocol, ""
    return None, ""


def _parse_body(raw: bytes, content_type: str) -> Any:
    text = raw.decode("utf-8", "replace")
    if "application/x-www-form-urlencoded" in content_type:
        return dict(parse_qsl(text))
    try:
        return json.loads(text) if text else {}
    except ValueError:
        return text


def _prompt_strings(value: Any, key: str = "") -> list[str]:
    if isinstance(value, str):
        return [value] if key in ("content", "text", "system") else []
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _prompt_strings(v, k)]
    if isinstance(value, list):
        return [s for item in value for s in _prompt_strings(item, key)]
    return []


def _error(protocol: str, status: int, message: str = "") -> dict[str, Any]:
    message = message or {
        401: "Incorrect API key provided.",
        429: "Rate limit reached for requests.",
        503: "The service is temporarily overloaded.",
    }.get(status, f"Fake error {status}.")
    if protocol == "ollama":
        return {"error": message}
    if protocol == "anthropic":
        kinds = {401: "authentication_error", 429: "rate_limit_error", 503: "overloaded_error"}
        return {
            "type": "error",
            "error": {"type": kinds.get(status, "api_error"), "message": message},
        }
    if protocol == "gemini":
        statuses = {401: "UNAUTHENTICATED", 429: "RESOURCE_EXHAUSTED", 503: "UNAVAILABLE"}
        return {
            "error": {
                "code": status,
                "message": message,
                "status": statuses.get(status, "INTERNAL"),
            }
        }
    if protocol == "token":
        return {"error": "invalid_client", "error_description": f"AADSTS7000215: {message}"}
    return {"error": {"message": message, "type": "invalid_request_error", "code": str(status)}}


def _ollama(*, model, text, thinking, blocked, tokens_in, tokens_out) -> dict[str, Any]:
    message = {"role": "assistant", "content": text}
    if thinking:
        message["thinking"] = thinking
    return {
        "model": model,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "message": message,
        "done": True,
        "done_reason": "stop",
        "prompt_eval_count": tokens_in,
        "eval_count": tokens_out,
    }


def _openai(*, model, text, thinking, blocked, tokens_in, tokens_out) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": None if blocked else text}
    if thinking:
        message["reasoning_content"] = thinking
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "content_filter" if blocked else "stop",
            }
        ],
        "usage": {
            "prompt_tokens": tokens_in,
            "completion_tokens": tokens_out,
            "total_tokens": tokens_in + tokens_out,
        },
    }


def _anthropic(*, model, text, thinking, blocked, tokens_in, tokens_out) -> dict[str, Any]:
    content = [] if blocked else [{"type": "text", "text": text}]
    if thinking:
        content.insert(0, {"type": "thinking", "thinking": thinking, "signature": "fake"})
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": "refusal" if blocked else "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": tokens_in, "output_tokens": tokens_out},
    }


def _gemini(*, model, text, thinking, blocked, tokens_in, tokens_out) -> dict[str, Any]:
    parts = [] if blocked else [{"text": text}]
    if thinking:
        parts.insert(0, {"text": thinking, "thought": True})
    candidate: dict[str, Any] = {"finishReason": "SAFETY" if blocked else "STOP", "index": 0}
    if parts:
        candidate["content"] = {"role": "model", "parts": parts}
    return {
        "candidates": [candidate],
        "usageMetadata": {
            "promptTokenCount": tokens_in,
            "candidatesTokenCount": tokens_out,
            "totalTokenCount": tokens_in + tokens_out,
        },
        "modelVersion": model,
    }


REPLIES: dict[str, Callable[..., dict[str, Any]]] = {
    "ollama": _ollama,
    "openai": _openai,
    "azure": _openai,
    "anthropic": _anthropic,
    "gemini": _gemini,
}


def neutral_view(protocol: str, body: dict[str, Any]) -> dict[str, Any]:
    """What a model is shown, the same for every protocol: system, user, the turns after
    them ({"role", "content", "tool_calls": [{"name", "arguments"}], "is_error"}), the
    tool names offered and whether it may call them ("auto") or must answer ("none")."""
    if protocol == "anthropic":
        return _anthropic_view(body)
    if protocol == "gemini":
        return _gemini_view(body)
    messages = body.get("messages") or []
    tools = [t.get("function", {}).get("name") for t in body.get("tools") or []]
    turns = []
    for message in messages[2:]:
        calls = []
        for call in message.get("tool_calls") or []:
            arguments = call.get("function", {}).get("arguments")
            if isinstance(arguments, str):
                with contextlib.suppress(ValueError):
                    arguments = json.loads(arguments)
            calls.append({"name": call.get("function", {}).get("name"), "arguments": arguments})
        turns.append(_turn(message.get("role"), message.get("content") or "", calls))
    if protocol == "ollama":
        choice = "auto" if tools else "none"
    else:
        choice = body.get("tool_choice", "auto") if tools else "none"
    return {
        "system": messages[0].get("content", "") if messages else "",
        "user": messages[1].get("content", "") if len(messages) > 1 else "",
        "turns": turns,
        "tools": tools,
        "tool_choice": choice,
    }


def _turn(
    role: Any, content: Any, calls: list | None = None, *, is_error: bool = False
) -> dict[str, Any]:
    return {"role": role, "content": content, "tool_calls": calls or [], "is_error": is_error}


def _anthropic_view(body: dict[str, Any]) -> dict[str, Any]:
    messages = body.get("messages") or []
    turns = []
    for message in messages[1:]:
        blocks = message.get("content")
        blocks = blocks if isinstance(blocks, list) else [{"type": "text", "text": blocks}]
        if message.get("role") == "assistant":
            text = "".join(b.get("text", "") for b in blocks if b.get("type") == "text")
            calls = [
                {"name": b.get("name"), "arguments": b.get("input")}
                for b in blocks
                if b.get("type") == "tool_use"
            ]
            turns.append(_turn("assistant", text, calls))
            continue
        for block in blocks:
            if block.get("type") == "tool_result":
                is_error = bool(block.get("is_error"))
                turns.append(_turn("tool", block.get("content", ""), is_error=is_error))
            else:
                turns.append(_turn("user", block.get("text", "")))
    tools = [t.get("name") for t in body.get("tools") or []]
    return {
        "system": body.get("system", ""),
        "user": messages[0].get("content", "") if messages else "",
        "turns": turns,
        "tools": tools,
        "tool_choice": (body.get("tool_choice") or {}).get("type", "auto") if tools else "none",
    }


def _gemini_view(body: dict[str, Any]) -> dict[str, Any]:
    contents = body.get("contents") or []
    turns = []
    for content in contents[1:]:
        parts = content.get("parts") or []
        if content.get("role") == "model":
            text = "".join(p.get("text", "") for p in parts if "text" in p)
            calls = [
                {"name": p["functionCall"].get("name"), "arguments": p["functionCall"].get("args")}
                for p in parts
                if "functionCall" in p
            ]
            turns.append(_turn("assistant", text, calls))
            continue
        for part in parts:
            if "functionResponse" in part:
                response = part["functionResponse"].get("response") or {}
                content = response.get("content", response.get("error", ""))
                turns.append(_turn("tool", content, is_error="error" in response))
            else:
                turns.append(_turn("user", part.get("text", "")))
    declarations = [d for t in body.get("tools") or [] for d in t.get("functionDeclarations", [])]
    mode = (body.get("toolConfig") or {}).get("functionCallingConfig", {}).get("mode", "AUTO")
    return {
        "system": body.get("systemInstruction", {}).get("parts", [{}])[0].get("text", ""),
        "user": contents[0].get("parts", [{}])[0].get("text", "") if contents else "",
        "turns": turns,
        "tools": [d.get("name") for d in declarations],
        "tool_choice": mode.lower() if declarations else "none",
    }


def _openai_tools(model: str, calls: list, tokens_in: int, tokens_out: int) -> dict[str, Any]:
    reply = _openai(model=model, text="", thinking=None, blocked=False, tokens_in=tokens_in,
                    tokens_out=tokens_out)  # fmt: skip
    reply["choices"][0]["finish_reason"] = "tool_calls"
    reply["choices"][0]["message"] = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": f"call_{n}", "type": "function", "function": {
                "name": call["name"],
                "arguments": call["arguments"] if isinstance(call["arguments"], str)
                else json.dumps(call["arguments"]),
            }}
            for n, call in enumerate(calls)
        ],
    }  # fmt: skip
    return reply


def _ollama_tools(model: str, calls: list, tokens_in: int, tokens_out: int) -> dict[str, Any]:
    reply = _ollama(model=model, text="", thinking=None, blocked=False, tokens_in=tokens_in,
                    tokens_out=tokens_out)  # fmt: skip
    reply["message"]["tool_calls"] = [
        {"function": {"name": call["name"], "arguments": call["arguments"]}} for call in calls
    ]
    return reply


def _anthropic_tools(model: str, calls: list, tokens_in: int, tokens_out: int) -> dict[str, Any]:
    reply = _anthropic(model=model, text="", thinking=None, blocked=False, tokens_in=tokens_in,
                       tokens_out=tokens_out)  # fmt: skip
    reply["content"] = [
        {"type": "tool_use", "id": f"toolu_{n}", "name": call["name"], "input": call["arguments"]}
        for n, call in enumerate(calls)
    ]
    reply["stop_reason"] = "tool_use"
    return reply


def _gemini_tools(model: str, calls: list, tokens_in: int, tokens_out: int) -> dict[str, Any]:
    reply = _gemini(model=model, text="", thinking=None, blocked=False, tokens_in=tokens_in,
                    tokens_out=tokens_out)  # fmt: skip
    reply["candidates"][0]["content"] = {
        "role": "model",
        "parts": [
            {"functionCall": {"name": call["name"], "args": call["arguments"]}} for call in calls
        ],
    }
    return reply


TOOL_REPLIES: dict[str, Callable[..., dict[str, Any]]] = {
    "ollama": _ollama_tools,
    "openai": _openai_tools,
    "azure": _openai_tools,
    "anthropic": _anthropic_tools,
    "gemini": _gemini_tools,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--required-key", default=None)
    args = parser.parse_args()
    done = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: done.set())
    fake = FakeLLM(port=args.port, latency=args.latency, required_key=args.required_key)
    print(fake.url, flush=True)
    while not done.wait(0.5):
        pass
    fake.stop()


if __name__ == "__main__":
    main()
