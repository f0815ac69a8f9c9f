"""`fetch_url`: one guarded, conditional, size- and time-capped GET, redirects followed by hand."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping

import aiohttp
from yarl import URL

from legadilo.fetching.addresses import blocked_message, looks_like_ip, parse_ip
from legadilo.fetching.outcome import conclude
from legadilo.fetching.session import BlockedAddressError
from legadilo.fetching.trip import Trip, request_headers, safe_url
from legadilo.fetching.types import (
    BlockedHost,
    ConnectionFailed,
    Fetched,
    FetchError,
    FetchLimits,
    FetchTimeout,
    InvalidUrl,
    NotModified,
    Validators,
)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


async def fetch_url(
    session: aiohttp.ClientSession,
    url: str,
    *,
    limits: FetchLimits,
    validators: Validators | None = None,
    allow_private_networks: bool = False,
    extra_headers: Mapping[str, str] | None = None,
) -> Fetched | NotModified:
    """GET `url`: check the hop -> request it (no automatic redirects) -> on a redirect, check and follow
    the next hop -> conclude on the final answer (304, 2xx with its body read, or an error).

    `validators` become If-None-Match / If-Modified-Since. `allow_private_networks` governs IP literals
    (checked here on every hop); host names are checked by the session's resolver (`make_http_session`).
    The whole call, redirects and body included, must finish within `limits.total_timeout`.

    Raises:
        FetchError: one of its subclasses (InvalidUrl, BlockedHost, TooManyRedirects, FetchTimeout,
            ConnectionFailed, TooLarge, BotChallenge, RateLimited, BadStatus), with a one-line message
            and a `debug` record of the request and response.
    """
    trip = Trip(
        url=url,
        headers=request_headers(validators, extra_headers),
        limits=limits,
        allow_private_networks=allow_private_networks,
        validators=validators,
        session_headers=dict(session.headers),
    )
    try:
        async with asyncio.timeout(limits.total_timeout):
            return await _follow(session, trip)
    except FetchError:
        raise
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        raise _failure(exc, trip) from exc


async def _follow(session: aiohttp.ClientSession, trip: Trip) -> Fetched | NotModified:
    while True:
        target = _checked_url(trip)
        async with session.get(
            target, headers=trip.headers, allow_redirects=False, timeout=trip.client_timeout()
        ) as response:
            trip.record(response)
            location = _redirect_target(response, trip)
            if location is None:
                return await conclude(response, trip)
        trip.follow(location)


def _checked_url(trip: Trip) -> URL:
    """The current hop as a URL, if it is http(s) and, unless allowed, not a private IP literal."""
    what = f"the redirect target {safe_url(trip.url)}" if trip.redirects else safe_url(trip.url)
    try:
        url = URL(trip.url)
    except (ValueError, TypeError):
        raise trip.error(InvalidUrl, f"{what} is not a valid URL") from None
    if url.scheme not in ("http", "https"):
        raise trip.error(InvalidUrl, f"{what} is not an http(s) URL")
    host = url.raw_host
    if not host:
        raise trip.error(InvalidUrl, f"{what} has no host")
    if not trip.allow_private_networks and looks_like_ip(host):
        address = parse_ip(host)
        if address is None:
            raise trip.error(InvalidUrl, f"{what} has an invalid IP address")
        message = blocked_message(address)
        if message is not None:
            raise trip.error(BlockedHost, message)
    return url


def _redirect_target(response: aiohttp.ClientResponse, trip: Trip) -> str | None:
    """The absolute URL a redirect points to (fragment dropped), or None when this is the final answer."""
    location = response.headers.get("Location")
    if response.status not in REDIRECT_STATUSES or not location:
        return None
    try:
        return str(response.url.join(URL(location)).with_fragment(None))
    except (ValueError, TypeError):
        raise trip.error(InvalidUrl, f"the redirect target {location!r} is not a valid URL") from None


def _failure(exc: BaseException, trip: Trip) -> FetchError:
    """The FetchError for an exception raised by aiohttp, the resolver or the overall deadline."""
    limits = trip.limits
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return trip.error(FetchTimeout, f"could not connect within {limits.connect_timeout:g} s")
    if isinstance(exc, TimeoutError):
        return trip.error(FetchTimeout, f"no complete answer within {limits.total_timeout:g} s")
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        if isinstance(exc.os_error, BlockedAddressError):
            return trip.error(BlockedHost, exc.os_error.message)
        return trip.error(ConnectionFailed, f"could not resolve {exc.host} ({_os_reason(exc.os_error)})")
    if isinstance(exc, aiohttp.InvalidURL):
        return trip.error(InvalidUrl, f"{safe_url(trip.url)} is not a valid URL")
    if isinstance(exc, aiohttp.ClientSSLError):
        return trip.error(ConnectionFailed, f"TLS failed with {exc.host}: {_one_line(exc.os_error)}")
    if isinstance(exc, aiohttp.ClientConnectorError):
        return trip.error(ConnectionFailed, f"could not connect to {exc.host}:{exc.port} ({_os_reason(exc.os_error)})")
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return trip.error(ConnectionFailed, "the server closed the connection before answering in full")
    if isinstance(exc, aiohttp.ClientPayloadError):
        return trip.error(ConnectionFailed, f"the body was cut short or malformed ({_one_line(exc)})")
    if isinstance(exc, aiohttp.ClientResponseError):
        return trip.error(ConnectionFailed, f"the server sent an invalid HTTP answer ({_one_line(exc.message)})")
    return trip.error(ConnectionFailed, f"the connection failed ({type(exc).__name__}: {_one_line(exc)})")


def _os_reason(error: OSError) -> str:
    if error.errno is not None and error.errno > 0:
        return os.strerror(error.errno).lower()
    return _one_line(error.strerror or error) or type(error).__name__


def _one_line(value: object) -> str:
    return " ".join(str(value).split())
