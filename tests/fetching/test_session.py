"""The HTTP session: its settings, and the guarded resolver on its own."""

from __future__ import annotations

import aiohttp
import pytest

from legadilo.fetching.session import BlockedAddressError, GuardedResolver, make_http_session
from legadilo.fetching.types import FetchLimits


async def test_session_settings() -> None:
    limits = FetchLimits(connect_timeout=3.0, total_timeout=12.0)
    async with make_http_session(
        limits, allow_private_networks=False, user_agent="UA/1", concurrency=7, per_host=3
    ) as session:
        assert session.headers["User-Agent"] == "UA/1"
        assert session.auto_decompress is False
        assert isinstance(session.cookie_jar, aiohttp.DummyCookieJar)
        assert session.trust_env is False
        assert (session.timeout.total, session.timeout.connect, session.timeout.sock_connect) == (12.0, 3.0, 3.0)
        connector = session.connector
        assert isinstance(connector, aiohttp.TCPConnector)
        assert (connector.limit, connector.limit_per_host) == (7, 3)


async def test_guarded_resolver_refuses_a_name_resolving_to_loopback() -> None:
    resolver = GuardedResolver(allow_private_networks=False)
    with pytest.raises(BlockedAddressError) as caught:
        await resolver.resolve("localhost", 80)
    assert caught.value.host == "localhost"
    assert caught.value.address in ("127.0.0.1", "::1")
    assert str(caught.value).startswith(f"localhost resolves to {caught.value.address}, which is loopback")
    assert isinstance(caught.value, OSError)  # so that aiohttp reports it as a resolution failure
    await resolver.close()


async def test_guarded_resolver_lets_private_names_through_when_allowed() -> None:
    resolver = GuardedResolver(allow_private_networks=True)
    results = await resolver.resolve("localhost", 80)
    assert {result["host"] for result in results} <= {"127.0.0.1", "::1"}
    assert results
    await resolver.close()
