"""Hostile bodies and slow servers: bombs, huge bodies, lying Content-Length, trickling bytes."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import tracemalloc
from collections.abc import Awaitable

import aiohttp
import pytest

from legadilo.fetching.fetch import fetch_url
from legadilo.fetching.types import Fetched, FetchError, FetchTimeout, NotModified, TooLarge
from tests.fetching.conftest import LIMITS, Server
from tests.fetching.server import HUGE_BODY_BYTES, MIB

MEMORY_BOUND = 64 * MIB


async def peak_memory(operation: Awaitable[Fetched | NotModified]) -> tuple[FetchError, int, float]:
    """Run `operation`, expecting it to fail; return its error, the peak traced memory and the duration."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    started = time.monotonic()
    try:
        await operation
    except FetchError as exc:
        error = exc
    else:
        raise AssertionError("the fetch should have failed")
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return error, peak, time.monotonic() - started


@pytest.mark.parametrize("coding", ["gzip", "br"])
async def test_compression_bomb_is_refused_early_and_small(
    server: Server, http: aiohttp.ClientSession, coding: str
) -> None:
    """1 GiB (gzip) or 256 MiB (brotli) of zeros, sent compressed: refused at 15 MiB, never inflated."""
    path = f"/bomb/{coding}"
    operation = fetch_url(http, server.url(path), limits=LIMITS, allow_private_networks=True)
    error, peak, duration = await peak_memory(operation)

    assert isinstance(error, TooLarge), error
    assert error.message == "the body is larger than 15 MiB"
    assert error.url == server.url(path)
    assert error.debug["response"]["headers"]["content-encoding"] == coding
    assert peak < MEMORY_BOUND, f"peak {peak / MIB:.1f} MiB"
    assert duration < 5


async def test_huge_plain_body_is_refused_without_reading_it_all(server: Server, http: aiohttp.ClientSession) -> None:
    operation = fetch_url(http, server.url("/huge"), limits=LIMITS, allow_private_networks=True)
    error, peak, _ = await peak_memory(operation)

    assert isinstance(error, TooLarge), error
    assert error.message == "the body is larger than 15 MiB"
    assert peak < MEMORY_BOUND, f"peak {peak / MIB:.1f} MiB"
    for _ in range(50):  # the server notices the closed connection
        if server.state.bytes_sent["/huge"] < HUGE_BODY_BYTES and "/huge" not in server.state.completed:
            break
        await asyncio.sleep(0.05)
    assert "/huge" not in server.state.completed
    assert server.state.bytes_sent["/huge"] < 40 * MIB


async def test_content_length_over_the_limit_is_refused_up_front(server: Server, http: aiohttp.ClientSession) -> None:
    started = time.monotonic()
    with pytest.raises(TooLarge) as caught:
        await fetch_url(http, server.url("/lying-length"), limits=LIMITS, allow_private_networks=True)
    assert time.monotonic() - started < 2  # the server stalls after 10 bytes: the body was never awaited
    assert caught.value.message == "the body is larger than 15 MiB (Content-Length says so)"
    assert caught.value.debug["response"]["headers"]["content-length"] == str(100 * MIB)


async def test_smaller_limit_is_honoured(server: Server, http: aiohttp.ClientSession) -> None:
    limits = dataclasses.replace(LIMITS, max_body_bytes=1000)
    with pytest.raises(TooLarge, match="larger than 1000 bytes"):
        await fetch_url(http, server.url("/feed"), limits=limits, allow_private_networks=True)
    with pytest.raises(TooLarge, match="larger than 1 KiB"):
        await fetch_url(
            http,
            server.url("/encoded/gzip"),
            limits=dataclasses.replace(LIMITS, max_body_bytes=1024),
            allow_private_networks=True,
        )


async def test_trickling_server_hits_the_total_timeout(server: Server, http: aiohttp.ClientSession) -> None:
    limits = dataclasses.replace(LIMITS, total_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(FetchTimeout) as caught:
        await fetch_url(http, server.url("/trickle"), limits=limits, allow_private_networks=True)
    duration = time.monotonic() - started
    assert 0.9 < duration < 2.5
    assert caught.value.message == "no complete answer within 1 s"
    assert caught.value.debug["response"]["status"] == 200
