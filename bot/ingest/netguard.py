"""The SSRF guard for user-added sources: only public addresses, checked when connecting.

Checking a URL's host before the request is not enough: DNS can answer differently a moment
later (rebinding), and a redirect can point anywhere. So the guard sits in httpcore's network
backend: every TCP connection, first hop or redirect, resolves the host itself, refuses the
connection if any address is not public, and connects to the very address it checked. TLS is
started afterwards by httpcore with the original host name, so SNI and certificate checks still
use the name, not the IP.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

import httpcore
import httpx

BLOCKED_MESSAGE = "not a public address"

# Cloud metadata endpoints; the IPv4 one is link-local anyway, the AWS IPv6 one is a ULA.
_METADATA = frozenset({ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")})
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

Resolver = Callable[[str, int], Awaitable[list[str]]]


class BlockedAddressError(Exception):
    """A connection to a non-public address was refused."""

    def __init__(self) -> None:
        super().__init__(BLOCKED_MESSAGE)


def is_public_address(ip: str) -> bool:
    """True for a globally routable unicast address; False for anything internal or odd."""
    try:
        addr = ipaddress.ip_address(ip.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address):
        # Addresses that carry an IPv4 address are judged by it (::ffff:127.0.0.1 is loopback).
        embedded = addr.ipv4_mapped or addr.sixtofour
        if embedded is None and addr in _NAT64:
            embedded = ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public_address(str(embedded))
        if addr.teredo is not None or addr.is_site_local:
            return False
    elif addr in _CGNAT:
        return False
    if addr in _METADATA:
        return False
    internal = (
        addr.is_loopback
        or addr.is_private
        or addr.is_link_local
        or addr.is_multicast
        or addr.is_reserved
        or addr.is_unspecified
    )
    return not internal and addr.is_global


async def system_resolve(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for host, in its order."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for *_, sockaddr in infos:
        ip = str(sockaddr[0])
        if ip not in seen:
            seen.append(ip)
    return seen


@dataclass(frozen=True)
class AddressGuard:
    """What may be connected to. Tests inject `allow` (to let a loopback first hop through) and `resolve`."""

    allow: Callable[[str], bool] = is_public_address
    resolve: Resolver = field(default=system_resolve)

    def check_host_literal(self, host: str) -> None:
        """Refuse a URL whose host is already visibly internal (an IP literal or localhost)."""
        host = host.strip("[]").rstrip(".").lower()
        if host == "localhost" or host.endswith(".localhost"):
            raise BlockedAddressError
        try:
            ipaddress.ip_address(host.split("%", 1)[0])
        except ValueError:
            return
        if not self.allow(host):
            raise BlockedAddressError


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Wraps httpcore's default backend: resolve, check every address, connect to a checked one."""

    def __init__(self, guard: AddressGuard, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._guard = guard
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await self._guard.resolve(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve host: {type(exc).__name__}") from None
        # One internal answer taints the name: a mixed answer is how rebinding attacks look.
        if not addresses or not all(self._guard.allow(ip) for ip in addresses):
            raise BlockedAddressError
        last: Exception | None = None
        for ip in addresses:
            try:
                return await self._inner.connect_tcp(ip, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddressError

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def guarded_transport(guard: AddressGuard, **kwargs: object) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose every connection goes through the guard.

    No proxy: a proxy would be the only address checked, hiding the real target.
    """
    transport = httpx.AsyncHTTPTransport(**kwargs)  # type: ignore[arg-type]
    pool = getattr(transport, "_pool", None)
    # httpx has no public hook for the network backend; fail loudly rather than run unguarded.
    if not isinstance(pool, httpcore.AsyncConnectionPool) or not hasattr(pool, "_network_backend"):
        raise RuntimeError("this httpx version does not expose the connection pool the SSRF guard needs")
    pool._network_backend = GuardedBackend(guard, pool._network_backend)
    return transport
