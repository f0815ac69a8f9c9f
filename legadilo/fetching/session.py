"""The outbound HTTP session, with the SSRF guard built into its DNS resolver.

The connector asks `GuardedResolver` for the addresses of a host name and connects to exactly those, so
the addresses checked are the addresses used (no second lookup, no DNS rebinding). aiohttp does not
consult the resolver for IP literals: `fetch_url` checks those itself, on every hop.
"""

from __future__ import annotations

import socket

import aiohttp
from aiohttp.abc import ResolveResult

from legadilo.fetching.addresses import blocked_message
from legadilo.fetching.types import FetchLimits

DNS_CACHE_SECONDS = 10


class BlockedAddressError(OSError):
    """A host name resolved to an address the SSRF guard refuses.

    An OSError so that aiohttp wraps it like any resolution failure (`ClientConnectorDNSError.os_error`).
    """

    def __init__(self, message: str, *, host: str, address: str) -> None:
        super().__init__(message)
        self.message = message
        self.host = host
        self.address = address

    def __str__(self) -> str:
        return self.message


class GuardedResolver(aiohttp.ThreadedResolver):
    """Resolves with getaddrinfo, then refuses the host when ANY of its addresses is not public."""

    def __init__(self, *, allow_private_networks: bool) -> None:
        super().__init__()
        self.allow_private_networks = allow_private_networks

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await super().resolve(host, port, family)
        if not self.allow_private_networks:
            for result in results:
                message = blocked_message(result["host"], host=host)
                if message is not None:
                    raise BlockedAddressError(message, host=host, address=result["host"])
        return results


def make_http_session(
    limits: FetchLimits, *, allow_private_networks: bool, user_agent: str, concurrency: int, per_host: int
) -> aiohttp.ClientSession:
    """The one HTTP session of a process (call inside the running event loop; close it on exit).

    Bodies are left compressed (`fetch_url` decompresses while counting), cookies are never kept (feeds
    of different users must not share them), and the environment's proxy settings are ignored.
    """
    connector = aiohttp.TCPConnector(
        resolver=GuardedResolver(allow_private_networks=allow_private_networks),
        limit=concurrency,
        limit_per_host=per_host,
        ttl_dns_cache=DNS_CACHE_SECONDS,
    )
    timeout = aiohttp.ClientTimeout(
        total=limits.total_timeout, connect=limits.connect_timeout, sock_connect=limits.connect_timeout
    )
    return aiohttp.ClientSession(
        connector=connector,
        timeout=timeout,
        headers={"User-Agent": user_agent},
        auto_decompress=False,
        cookie_jar=aiohttp.DummyCookieJar(),
        trust_env=False,
    )
