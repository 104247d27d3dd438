"""The client's address behind trusted reverse proxies, and only behind them."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from gogent.proxies import client_address


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "client"),
    [
        # Without trusted proxies the header is never read.
        ([], "203.0.113.9", "10.9.9.9", "203.0.113.9"),
        # From a trusted proxy: the hop it appended.
        (["127.0.0.1"], "127.0.0.1", "198.51.100.7", "198.51.100.7"),
        # A client's own X-Forwarded-For (left of the proxy's entry) is not believed.
        (["127.0.0.1"], "127.0.0.1", "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        # Two proxies of ours in a row, one given as a network.
        (
            ["127.0.0.1", "10.0.0.0/8"],
            "127.0.0.1",
            "1.2.3.4, 198.51.100.7, 10.0.0.2",
            "198.51.100.7",
        ),
        # A request that is not from a trusted proxy: its header is ignored.
        (["127.0.0.1"], "203.0.113.9", "127.0.0.1", "203.0.113.9"),
        # Garbled or absent: the proxy's own address, never a guess.
        (["127.0.0.1"], "127.0.0.1", "1.2.3.4, not-an-address", "127.0.0.1"),
        (["127.0.0.1"], "127.0.0.1", None, "127.0.0.1"),
        (["::1"], "::1", "2001:db8::5", "2001:db8::5"),
    ],
)
def test_client_address_believes_only_trusted_proxies(settings, trusted, remote, forwarded, client):
    settings.TRUSTED_PROXIES = trusted
    assert client_address(request_from(remote, forwarded)) == client


def test_lockouts_behind_a_trusted_proxy_are_per_client(client, settings, django_user_model):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.AXES_FAILURE_LIMIT = 2
    django_user_model.objects.create_user("ada", password="right-password")
    attacker = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.66"}
    for _ in range(3):
        client.post("/accounts/login/", {"username": "ada", "password": "wrong"}, **attacker)
    locked = client.post(
        "/accounts/login/", {"username": "ada", "password": "right-password"}, **attacker
    )
    assert locked.status_code == 429
    # The same username from another client behind the same proxy still signs in.
    response = client.post(
        "/accounts/login/",
        {"username": "ada", "password": "right-password"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 302


def test_metrics_localhost_access_sees_through_a_trusted_proxy(client, settings):
    settings.METRICS_ACCESS = ["localhost"]
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    outside = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert outside.status_code == 403
    on_the_host = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert on_the_host.status_code == 200
