"""Microsoft Entra ID access tokens for Azure OpenAI (client credentials grant).

# Reference: https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

import httpx

from analysis.providers.http import bad_reply, post_json, who
from analysis.providers.messages import LLMError, ProviderConfig

SCOPE = "https://cognitiveservices.azure.com/.default"
REFRESH_MARGIN = 60.0

T = TypeVar("T")

# (authority, tenant, client_id) -> (access token, monotonic time to refresh at)
_tokens: dict[tuple[str, str, str], tuple[str, float]] = {}
# One lock for all keys: fetches are rare, and holding it across the fetch stops a
# burst of concurrent calls from each fetching its own token.
_lock = threading.Lock()


def token(config: ProviderConfig, *, client: httpx.Client | None = None) -> str:
    """A cached access token for config's app registration, fetched when missing or stale."""
    if not (config.tenant_id and config.client_id):
        raise LLMError(
            f"{who(config)}: tenant_id and client_id are required",
            retryable=False,
            kind="bad_request",
        )
    key = _key(config)
    with _lock:
        cached = _tokens.get(key)
        if cached and time.monotonic() < cached[1]:
            return cached[0]
        access_token, expires_in = _fetch(config, client)
        _tokens[key] = (access_token, time.monotonic() + expires_in - REFRESH_MARGIN)
        return access_token


def forget(config: ProviderConfig) -> None:
    with _lock:
        _tokens.pop(_key(config), None)


def with_token(
    config: ProviderConfig, call: Callable[[str], T], *, client: httpx.Client | None = None
) -> T:
    """Run call(token); if the token is refused (revoked, rotated), refresh it and retry once."""
    access_token = token(config, client=client)
    try:
        return call(access_token)
    except LLMError as error:
        if error.status != 401:
            raise
    forget(config)
    return call(token(config, client=client))


def _key(config: ProviderConfig) -> tuple[str, str, str]:
    return (config.authority_url.rstrip("/"), config.tenant_id, config.client_id)


def _fetch(config: ProviderConfig, client: httpx.Client | None) -> tuple[str, float]:
    url = f"{config.authority_url.rstrip('/')}/{config.tenant_id}/oauth2/v2.0/token"
    form = {
        "grant_type": "client_credentials",
        "client_id": config.client_id,
        "client_secret": config.secret,
        "scope": SCOPE,
    }
    try:
        reply, _ = post_json(config, url, form=form, headers={}, client=client)
    except LLMError as error:
        # Entra answers a wrong secret, client or tenant with 400 or 401 (invalid_client...).
        if error.status not in (400, 401):
            raise
        raise LLMError(
            f"token request refused: {error.message}",
            retryable=False,
            kind="auth",
            status=error.status,
        ) from None
    access_token = reply.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        raise bad_reply(config, "token reply has no access_token")
    try:
        expires_in = float(reply.get("expires_in", 3600))
    except (TypeError, ValueError):
        expires_in = 3600.0
    return access_token, expires_in
