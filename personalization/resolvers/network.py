from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import NamedTuple

from django.http import HttpRequest

from ..conf import Network, app_settings
from ..visitor import Builder, Source

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Connection(NamedTuple):
    client: IPAddress | None
    via_trusted_proxy: bool


# Every request parses its proxy's address and checks it against TRUSTED_PROXIES: both are
# remembered per process (bounded), for the few addresses proxies and clients come from.
@lru_cache(maxsize=4096)
def _parse(value: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # A dual-stack server reports IPv4 clients as ::ffff:a.b.c.d; compare them as IPv4.
    return getattr(address, "ipv4_mapped", None) or address


def _trusted(address: IPAddress) -> bool:
    return _trusted_by(address, app_settings.trusted_networks())


@lru_cache(maxsize=4096)
def _trusted_by(address: IPAddress, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def connection_from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the connection itself (REMOTE_ADDR) comes from one of TRUSTED_PROXIES."""
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    return remote is not None and _trusted(remote)


def connection_for_request(request: HttpRequest) -> Connection:
    """The client's address: REMOTE_ADDR, or through trusted proxies the right-most
    X-Forwarded-For hop that is not itself a trusted proxy. Anyone else's headers are ignored."""
    # Kept in the request's own attributes: it lives exactly as long as the request.
    cached = vars(request).get("_connection")
    if cached is not None:
        return cached
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    connection = Connection(remote, False)
    if remote is not None and _trusted(remote):
        connection = Connection(remote, True)
        # The right end is what our proxies appended; a client can only pad the left.
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "")[-2000:].split(",")
        for hop in reversed(hops):
            address = _parse(hop)
            if address is None:
                break  # a malformed hop: trust nothing to its left
            connection = Connection(address, True)
            if not _trusted(address):
                break
    vars(request)["_connection"] = connection
    return connection


class ClientAddressResolver:
    def resolve(self, builder: Builder) -> None:
        if builder.request is None:
            return
        client = connection_for_request(builder.request).client
        builder.add("client_ip", str(client) if client else None, Source.REQUEST)


def client_address(request: HttpRequest) -> str:
    """The client's address as text, for throttling keyed on the person rather than on our
    proxy (django-axes' AXES_CLIENT_IP_CALLABLE, django-ratelimit keys)."""
    client = connection_for_request(request).client
    return str(client) if client is not None else "unknown"
