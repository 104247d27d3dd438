"""The LLM wire protocols against FakeLLM over real HTTP on 127.0.0.1."""

from __future__ import annotations

import email.utils
import json
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from analysis.providers import DEFAULT_BASE_URLS, KINDS, PROTOCOLS, complete
from analysis.providers.messages import LLMError, LLMReply, LLMRequest, ProviderConfig
from analysis.providers.openai import chat_url
from tests.fakes.llm import DEFAULT_REPLY, FakeLLM, Fault, RecordedRequest

SECRET = "sk-test-9f8e7d6c5b4a-SECRET"
SCHEMA = {"type": "object", "properties": {"summary": {"type": "string"}}}
# 5 + 3 words: FakeLLM counts words as tokens.
REQUEST = LLMRequest(
    system="You are a log analyst.",
    user="Explain: connection refused",
    max_tokens=321,
    temperature=0.1,
    json_schema=SCHEMA,
)
TOKENS_IN = 8
TOKENS_OUT = len(DEFAULT_REPLY.split())
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def fake() -> Iterator[FakeLLM]:
    with FakeLLM(required_key=SECRET) as server:
        yield server


def config_for(kind: str, fake: FakeLLM, **overrides: object) -> ProviderConfig:
    values: dict[str, object] = {
        "kind": kind,
        "base_url": fake.url,
        "model": "test-model",
        "secret": SECRET,
        "name": f"test {kind}",
    }
    if kind == "openai":
        values["base_url"] = fake.url + "/v1"
    elif kind == "cloudflare":
        values.update(base_url=fake.url + "/client/v4", account_id="acct-1")
    elif kind in ("azure_openai", "azure_ad"):
        values.update(base_url=fake.url + "/openai/deployments/gpt-4o", api_version="2024-10-21")
    if kind == "azure_ad":
        # A fresh client id per config keeps the process-wide token cache out of other tests.
        values.update(
            tenant_id="tenant-1", client_id=f"client-{uuid.uuid4()}", authority_url=fake.url
        )
    values.update(overrides)
    return ProviderConfig(**values)  # type: ignore[arg-type]


def chat_requests(fake: FakeLLM) -> list[RecordedRequest]:
    return [r for r in fake.requests if "oauth2" not in r.path]


def token_requests(fake: FakeLLM) -> list[RecordedRequest]:
    return [r for r in fake.requests if "oauth2" in r.path]


def assert_secret_free(error: BaseException) -> None:
    seen: BaseException | None = error
    while seen is not None:
        assert not isinstance(seen, httpx.HTTPError), "httpx exceptions carry the auth header"
        assert SECRET not in str(seen)
        assert SECRET not in repr(seen)
        seen = seen.__cause__ or seen.__context__


def fail(config: ProviderConfig, request: LLMRequest = REQUEST) -> LLMError:
    with pytest.raises(LLMError) as caught:
        complete(config, request)
    assert_secret_free(caught.value)
    return caught.value


# Request shapes


@pytest.mark.parametrize(
    ("kind", "path", "query", "auth_header", "auth_value"),
    [
        ("ollama", "/api/chat", {}, "authorization", f"Bearer {SECRET}"),
        ("openai", "/v1/chat/completions", {}, "authorization", f"Bearer {SECRET}"),
        ("deepseek", "/chat/completions", {}, "authorization", f"Bearer {SECRET}"),
        (
            "cloudflare",
            "/client/v4/accounts/acct-1/ai/v1/chat/completions",
            {},
            "authorization",
            f"Bearer {SECRET}",
        ),
        (
            "azure_openai",
            "/openai/deployments/gpt-4o/chat/completions",
            {"api-version": "2024-10-21"},
            "api-key",
            SECRET,
        ),
        (
            "azure_ad",
            "/openai/deployments/gpt-4o/chat/completions",
            {"api-version": "2024-10-21"},
            "authorization",
            "Bearer fake-entra-token-1",
        ),
        ("anthropic", "/v1/messages", {}, "x-api-key", SECRET),
        ("gemini", "/v1beta/models/test-model:generateContent", {}, "x-goog-api-key", SECRET),
    ],
)
def test_request_goes_to_the_vendor_path_with_its_auth_header(
    fake: FakeLLM, kind: str, path: str, query: dict, auth_header: str, auth_value: str
) -> None:
    reply = complete(config_for(kind, fake), REQUEST)

    sent = chat_requests(fake)[-1]
    assert (sent.method, sent.path, sent.query) == ("POST", path, query)
    assert sent.headers[auth_header] == auth_value
    assert reply.text == DEFAULT_REPLY


def test_ollama_body(fake: FakeLLM) -> None:
    complete(config_for("ollama", fake), REQUEST)

    assert fake.requests[-1].body == {
        "model": "test-model",
        "stream": False,
        "messages": [
            {"role": "system", "content": "You are a log analyst."},
            {"role": "user", "content": "Explain: connection refused"},
        ],
        "options": {"temperature": 0.1, "num_predict": 321},
        "format": SCHEMA,
    }


def test_ollama_without_a_key_sends_no_auth_header(fake: FakeLLM) -> None:
    fake.required_key = None
    complete(config_for("ollama", fake, secret=""), REQUEST)

    assert "authorization" not in fake.requests[-1].headers


@pytest.mark.parametrize(
    ("kind", "tokens_field", "json_mode"),
    [
        ("openai", "max_completion_tokens", True),
        ("deepseek", "max_tokens", True),
        ("azure_openai", "max_tokens", False),
        ("azure_ad", "max_tokens", False),
        ("cloudflare", "max_tokens", False),
    ],
)
def test_openai_style_body(fake: FakeLLM, kind: str, tokens_field: str, json_mode: bool) -> None:
    complete(config_for(kind, fake), REQUEST)

    expected = {
        "model": "test-model",
        "messages": [
            {"role": "system", "content": "You are a log analyst."},
            {"role": "user", "content": "Explain: connection refused"},
        ],
        "temperature": 0.1,
        tokens_field: 321,
    }
    if json_mode:
        expected["response_format"] = {"type": "json_object"}
    assert chat_requests(fake)[-1].body == expected


def test_openai_without_schema_sends_no_response_format(fake: FakeLLM) -> None:
    complete(config_for("openai", fake), LLMRequest(system="s", user="u"))

    assert "response_format" not in fake.requests[-1].body


def test_anthropic_body_and_version_header(fake: FakeLLM) -> None:
    complete(config_for("anthropic", fake), REQUEST)

    sent = fake.requests[-1]
    assert sent.headers["anthropic-version"] == "2023-06-01"
    assert sent.body == {
        "model": "test-model",
        "max_tokens": 321,
        "system": "You are a log analyst.",
        "messages": [{"role": "user", "content": "Explain: connection refused"}],
        "temperature": 0.1,
    }


def test_gemini_body_and_key_only_in_header(fake: FakeLLM) -> None:
    complete(config_for("gemini", fake, model="models/test-model"), REQUEST)

    sent = fake.requests[-1]
    assert sent.path == "/v1beta/models/test-model:generateContent"
    assert sent.query == {}
    assert sent.body == {
        "systemInstruction": {"parts": [{"text": "You are a log analyst."}]},
        "contents": [{"role": "user", "parts": [{"text": "Explain: connection refused"}]}],
        "generationConfig": {
            "temperature": 0.1,
            "maxOutputTokens": 321,
            "responseMimeType": "application/json",
        },
    }


def test_cloudflare_ai_gateway_url() -> None:
    config = ProviderConfig(
        kind="cloudflare",
        base_url="https://gateway.ai.cloudflare.com/v1/acct-1/my-gateway/",
        model="@cf/meta/llama-3.1-8b-instruct",
    )

    assert chat_url(config) == (
        "https://gateway.ai.cloudflare.com/v1/acct-1/my-gateway/workers-ai/v1/chat/completions"
    )


# Replies


@pytest.mark.parametrize("kind", KINDS)
def test_reply_text_and_token_counts(fake: FakeLLM, kind: str) -> None:
    reply = complete(config_for(kind, fake), REQUEST)

    assert isinstance(reply, LLMReply)
    assert reply.text == DEFAULT_REPLY
    assert (reply.tokens_in, reply.tokens_out) == (TOKENS_IN, TOKENS_OUT)
    assert reply.model in ("test-model", "gpt-4o")
    assert reply.latency_ms >= 0


@pytest.mark.parametrize("kind", KINDS)
def test_separate_reasoning_is_left_out_of_the_text(fake: FakeLLM, kind: str) -> None:
    fake.thinking = "Let me think about the pool size first."

    assert complete(config_for(kind, fake), REQUEST).text == DEFAULT_REPLY


@pytest.mark.parametrize("kind", ["ollama", "deepseek", "anthropic", "gemini"])
def test_inline_think_block_is_returned_as_sent(fake: FakeLLM, kind: str) -> None:
    text = '<think>pool exhausted?</think>\nHere it is: {"summary": "x"}'
    fake.fail_next(Fault.reply(text))

    assert complete(config_for(kind, fake), REQUEST).text == text


def test_latency_is_measured(fake: FakeLLM) -> None:
    fake.latency = 0.2
    before = time.time()

    reply = complete(config_for("openai", fake), REQUEST)

    assert reply.latency_ms >= 200
    assert before <= fake.requests[-1].time <= time.time()


def test_reply_callable_sees_the_request(fake: FakeLLM) -> None:
    fake.reply = lambda request: f"echo {request.body['model']}"

    assert complete(config_for("openai", fake), REQUEST).text == "echo test-model"


@pytest.mark.parametrize("kind", ["gemini", "openai", "azure_openai", "anthropic"])
def test_safety_block_is_a_bad_reply_not_worth_retrying(fake: FakeLLM, kind: str) -> None:
    fake.fail_next(Fault.blocked())

    error = fail(config_for(kind, fake))

    assert (error.kind, error.retryable) == ("bad_reply", False)


# Error mapping


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("fault", "error_kind", "retryable", "retry_after"),
    [
        (Fault.status(429, retry_after=2), "rate_limited", True, 2.0),
        (Fault.status(503, retry_after=1), "unavailable", True, 1.0),
        (Fault.status(503), "unavailable", True, None),
        (Fault.status(500), "server", True, None),
        (Fault.status(502), "server", True, None),
        (Fault.status(403), "auth", False, None),
        (Fault.status(400), "bad_request", False, None),
        (Fault.status(404), "bad_request", False, None),
        (Fault.malformed(), "bad_reply", True, None),
    ],
)
def test_status_mapping(
    fake: FakeLLM,
    kind: str,
    fault: Fault,
    error_kind: str,
    retryable: bool,
    retry_after: float | None,
) -> None:
    config = config_for(kind, fake)
    complete(config, REQUEST)  # azure_ad: the token is cached, so the fault hits the chat call
    fake.fail_next(fault)

    error = fail(config)

    assert (error.kind, error.retryable, error.retry_after) == (
        error_kind,
        retryable,
        retry_after,
    )
    assert config.name in error.message
    if fault.kind == "status":
        assert error.status == fault.code
        assert f"HTTP {fault.code}" in error.message


def test_error_message_carries_a_short_body_excerpt(fake: FakeLLM) -> None:
    fake.fail_next(Fault.status(400, body="model 'nope' not found " + "x" * 1000))

    error = fail(config_for("ollama", fake))

    assert "model 'nope' not found" in error.message
    assert len(error.message) < 400


def test_retry_after_as_http_date(fake: FakeLLM) -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    fake.fail_next(Fault.status(429, retry_after=when))

    error = fail(config_for("anthropic", fake))

    assert 25 <= error.retry_after <= 31


def test_retry_after_ms_wins_over_retry_after(fake: FakeLLM) -> None:
    fake.fail_next(Fault.status(429, retry_after=2, headers={"retry-after-ms": "1500"}))

    assert fail(config_for("openai", fake)).retry_after == 1.5


def test_faults_are_consumed_in_order(fake: FakeLLM) -> None:
    config = config_for("openai", fake)
    fake.fail_next(Fault.status(500), Fault.status(503))

    assert fail(config).kind == "server"
    assert fail(config).kind == "unavailable"
    assert complete(config, REQUEST).text == DEFAULT_REPLY


@pytest.mark.parametrize("kind", ["openai", "gemini"])
def test_hang_past_the_timeout_is_a_timeout(fake: FakeLLM, kind: str) -> None:
    fake.fail_next(Fault.hang(10))
    started = time.monotonic()

    error = fail(config_for(kind, fake, timeout=0.5))

    assert (error.kind, error.retryable) == ("timeout", True)
    assert time.monotonic() - started < 3


def test_closed_port_is_a_connection_error() -> None:
    closed = FakeLLM()
    closed.stop()

    error = fail(config_for("openai", closed))

    assert (error.kind, error.retryable) == ("connection", True)


@pytest.mark.parametrize("kind", KINDS)
def test_wrong_key_is_auth_and_not_retryable(fake: FakeLLM, kind: str) -> None:
    fake.required_key = "the-right-key"

    error = fail(config_for(kind, fake))

    assert (error.kind, error.retryable, error.status) == ("auth", False, 401)


def test_unknown_kind_is_a_bad_request(fake: FakeLLM) -> None:
    error = fail(config_for("watsonx", fake))

    assert (error.kind, error.retryable) == ("bad_request", False)
    assert fake.requests == []


@pytest.mark.parametrize(
    ("kind", "overrides"),
    [
        ("azure_openai", {"base_url": ""}),
        ("azure_openai", {"api_version": ""}),
        ("cloudflare", {"account_id": ""}),
        ("azure_ad", {"tenant_id": ""}),
    ],
)
def test_missing_settings_are_bad_requests(fake: FakeLLM, kind: str, overrides: dict) -> None:
    error = fail(config_for(kind, fake, **overrides))

    assert (error.kind, error.retryable) == ("bad_request", False)
    assert fake.requests == []


def test_every_kind_has_a_protocol_and_a_default_base_url_entry() -> None:
    assert set(KINDS) == set(PROTOCOLS) == set(DEFAULT_BASE_URLS)
    assert DEFAULT_BASE_URLS["azure_openai"] == DEFAULT_BASE_URLS["azure_ad"] == ""


# Secrets


def test_secret_is_not_in_config_repr() -> None:
    config = ProviderConfig(kind="openai", base_url="", model="m", secret=SECRET)

    assert SECRET not in repr(config)
    assert SECRET not in str(config.redacted())


def test_secret_echoed_in_an_error_body_is_masked(fake: FakeLLM) -> None:
    fake.fail_next(Fault.status(400, body=json.dumps({"error": f"bad key {SECRET}"})))

    error = fail(config_for("openai", fake))

    assert "bad key ***" in error.message


@pytest.mark.parametrize("kind", ["openai", "azure_ad", "gemini"])
def test_transport_errors_do_not_chain_httpx_exceptions(fake: FakeLLM, kind: str) -> None:
    config = config_for(kind, fake, timeout=0.5)
    complete(config, REQUEST)
    fake.fail_next(Fault.hang(10))

    timeout = fail(config)  # fail() walks __cause__ and __context__

    assert timeout.__cause__ is None and timeout.__context__ is None
    fake.stop()
    refused = fail(config)
    assert refused.__cause__ is None and refused.__context__ is None


# Azure Entra ID tokens


def test_azure_ad_token_request_shape(fake: FakeLLM) -> None:
    config = config_for("azure_ad", fake)

    complete(config, REQUEST)

    [sent] = token_requests(fake)
    assert sent.path == "/tenant-1/oauth2/v2.0/token"
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert sent.body == {
        "grant_type": "client_credentials",
        "client_id": config.client_id,
        "client_secret": SECRET,
        "scope": "https://cognitiveservices.azure.com/.default",
    }


def test_azure_ad_token_is_fetched_once_and_reused(fake: FakeLLM) -> None:
    config = config_for("azure_ad", fake)

    complete(config, REQUEST)
    complete(config, REQUEST)

    assert len(token_requests(fake)) == 1
    assert [r.headers["authorization"] for r in chat_requests(fake)] == [
        "Bearer fake-entra-token-1",
        "Bearer fake-entra-token-1",
    ]


def test_azure_ad_token_is_refreshed_when_it_expires(fake: FakeLLM) -> None:
    # Refreshed 60 s before expiry, so a 60 s token is already due on the next call.
    fake.token_expires_in = 60
    config = config_for("azure_ad", fake)

    complete(config, REQUEST)
    complete(config, REQUEST)

    assert len(token_requests(fake)) == 2
    assert chat_requests(fake)[-1].headers["authorization"] == "Bearer fake-entra-token-2"


def test_azure_ad_401_refreshes_the_token_once_and_retries(fake: FakeLLM) -> None:
    config = config_for("azure_ad", fake)
    complete(config, REQUEST)
    fake.fail_next(Fault.status(401))

    reply = complete(config, REQUEST)

    assert reply.text == DEFAULT_REPLY
    assert len(token_requests(fake)) == 2
    assert [r.headers["authorization"] for r in chat_requests(fake)] == [
        "Bearer fake-entra-token-1",
        "Bearer fake-entra-token-1",
        "Bearer fake-entra-token-2",
    ]


def test_azure_ad_second_401_is_raised(fake: FakeLLM) -> None:
    config = config_for("azure_ad", fake)
    complete(config, REQUEST)
    fake.fail_next(Fault.status(401), Fault.status(401))

    error = fail(config)

    assert (error.kind, error.retryable) == ("auth", False)
    assert len(token_requests(fake)) == 2


@pytest.mark.parametrize("status", [400, 401])
def test_azure_ad_token_refusal_is_auth(fake: FakeLLM, status: int) -> None:
    fake.fail_next(Fault.status(status))

    error = fail(config_for("azure_ad", fake))

    assert (error.kind, error.retryable, error.status) == ("auth", False, status)
    assert "token" in error.message
    assert chat_requests(fake) == []


# The fake as a process


def test_fake_runs_as_a_process_until_sigterm() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.llm", "--port", "0", "--latency", "0.05"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")

        reply = complete(
            ProviderConfig(kind="anthropic", base_url=url, model="m", secret="k"), REQUEST
        )

        assert reply.text == DEFAULT_REPLY
        assert reply.latency_ms >= 50
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
        process.wait()
