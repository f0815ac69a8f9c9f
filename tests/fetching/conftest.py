"""Fixtures of the fetcher tests: a real aiohttp server on 127.0.0.1 (ephemeral port) and HTTP sessions.

No database, no network beyond 127.0.0.1.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp import web

from legadilo.fetching.session import make_http_session
from legadilo.fetching.types import FetchLimits
from tests.fetching.server import ServerState, brotli_zeros, build_app, gzip_zeros

USER_AGENT = "Legadilo-tests/1.0 (+https://example.invalid/legadilo)"
LIMITS = FetchLimits(connect_timeout=2.0, total_timeout=10.0)


@dataclass(frozen=True)
class Server:
    port: int
    state: ServerState

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


@pytest.fixture(scope="session")
async def running_server() -> AsyncIterator[Server]:
    state = ServerState()
    app = build_app(state, gzip_bomb=gzip_zeros(1024), brotli_bomb=brotli_zeros(256))
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0, access_log=None)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    site = web.SockSite(runner, sock)
    await site.start()
    try:
        yield Server(port=sock.getsockname()[1], state=state)
    finally:
        await runner.cleanup()


@pytest.fixture
def server(running_server: Server) -> Server:
    """The server, with a blank record of what it received and sent."""
    state = running_server.state
    state.received.clear()
    state.bytes_sent.clear()
    state.completed.clear()
    return running_server


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A session with the SSRF guard on (host names resolving to private addresses are refused)."""
    async with make_http_session(
        LIMITS, allow_private_networks=False, user_agent=USER_AGENT, concurrency=10, per_host=4
    ) as session:
        yield session


@pytest.fixture
async def permissive_http() -> AsyncIterator[aiohttp.ClientSession]:
    """A session whose resolver lets private addresses through (LEGADILO_ALLOW_PRIVATE_NETWORKS=1)."""
    async with make_http_session(
        LIMITS, allow_private_networks=True, user_agent=USER_AGENT, concurrency=10, per_host=4
    ) as session:
        yield session
