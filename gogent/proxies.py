"""The address a request came from, seen through the reverse proxies we trust.

X-Forwarded-For is written by whoever sends the request, so it is read only when the
request arrives from an address in TRUSTED_PROXIES, and then from the right: each proxy
appends the address it saw, so the first hop from the right that is not one of ours is
the client. Anything a client wrote further left is never believed.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_address(request: HttpRequest) -> str:
    """The client's address (login throttling, /metrics' localhost access)."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = trusted_networks(tuple(settings.TRUSTED_PROXIES))
    if not _within(remote, trusted):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed(hops):
        if _address(hop) is None:
            return remote  # garbled: keep the proxy's own address rather than guess
        if not _within(hop, trusted):
            return hop
    return remote


@lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """TRUSTED_PROXIES as networks; settings.py has already refused entries that are not."""
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _within(value: str, networks: tuple[Network, ...]) -> bool:
    address = _address(value)
    return address is not None and any(address in network for network in networks)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None
