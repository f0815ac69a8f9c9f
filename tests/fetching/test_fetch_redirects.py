"""Redirects followed by hand, and the SSRF guard on the first hop and on every redirect."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import aiohttp
import pytest

from legadilo.fetching.fetch import fetch_url
from legadilo.fetching.types import BlockedHost, Fetched, InvalidUrl, TooManyRedirects
from tests.fetching.conftest import LIMITS, USER_AGENT, Server


def redirect_url(server: Server, location: str, status: int = 302, host: str = "127.0.0.1") -> str:
    return server.url(f"/to?{urlencode({'location': location, 'status': str(status)})}", host=host)


async def test_chain_of_three_is_followed(server: Server, http: aiohttp.ClientSession) -> None:
    fetched = await fetch_url(http, server.url("/redirect/3"), limits=LIMITS, allow_private_networks=True)
    assert isinstance(fetched, Fetched)
    assert fetched.url == server.url("/redirect/0")
    assert fetched.body == b"arrived"
    assert fetched.redirects == tuple(server.url(f"/redirect/{hops}") for hops in (3, 2, 1))


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_every_redirect_status_is_followed(server: Server, http: aiohttp.ClientSession, status: int) -> None:
    fetched = await fetch_url(
        http, redirect_url(server, "/feed#fragment", status), limits=LIMITS, allow_private_networks=True
    )
    assert isinstance(fetched, Fetched)
    assert fetched.url == server.url("/feed")


async def test_five_redirects_are_allowed(server: Server, http: aiohttp.ClientSession) -> None:
    fetched = await fetch_url(http, server.url("/redirect/5"), limits=LIMITS, allow_private_networks=True)
    assert isinstance(fetched, Fetched)
    assert len(fetched.redirects) == 5


async def test_six_redirects_are_too_many(server: Server, http: aiohttp.ClientSession) -> None:
    with pytest.raises(TooManyRedirects) as caught:
        await fetch_url(http, server.url("/redirect/6"), limits=LIMITS, allow_private_networks=True)
    assert caught.value.message == "more than 5 redirects"
    assert caught.value.debug["redirects"] == [server.url(f"/redirect/{hops}") for hops in (6, 5, 4, 3, 2)]
    assert caught.value.debug["response"]["status"] == 302
    assert "/redirect/0" not in server.state.received


async def test_loop_is_detected(server: Server, http: aiohttp.ClientSession) -> None:
    with pytest.raises(TooManyRedirects) as caught:
        await fetch_url(http, server.url("/loop/a"), limits=LIMITS, allow_private_networks=True)
    assert caught.value.message == f"the redirects loop back to {server.url('/loop/a')}"
    assert caught.value.url == server.url("/loop/b")


@pytest.mark.parametrize("location", ["ftp://example.com/feed.xml", "javascript:alert(1)", "file:///etc/passwd"])
async def test_redirect_to_another_scheme_is_invalid(
    server: Server, http: aiohttp.ClientSession, location: str
) -> None:
    with pytest.raises(InvalidUrl) as caught:
        await fetch_url(http, redirect_url(server, location), limits=LIMITS, allow_private_networks=True)
    assert caught.value.message == f"the redirect target {location} is not an http(s) URL"
    assert caught.value.url == location


async def test_redirect_to_a_private_literal_is_blocked(server: Server, permissive_http: aiohttp.ClientSession) -> None:
    """First hop through a name (let through by this session's resolver), then a redirect to 127.0.0.1."""
    start = redirect_url(server, server.url("/feed"), host="localhost")
    with pytest.raises(BlockedHost) as caught:
        await fetch_url(permissive_http, start, limits=LIMITS)
    assert caught.value.message == (
        "the address 127.0.0.1 is loopback: refused (set LEGADILO_ALLOW_PRIVATE_NETWORKS=1 to allow)"
    )
    assert caught.value.url == server.url("/feed")
    assert caught.value.debug["redirects"] == [start]
    assert "/to" in server.state.received
    assert "/feed" not in server.state.received


async def test_redirect_to_a_name_resolving_to_a_private_address_is_blocked(
    server: Server, http: aiohttp.ClientSession
) -> None:
    """First hop to an allowed literal, then a redirect to a name the guarded resolver refuses."""
    with pytest.raises(BlockedHost) as caught:
        await fetch_url(
            http,
            redirect_url(server, server.url("/echo", host="localhost")),
            limits=LIMITS,
            allow_private_networks=True,
        )
    assert caught.value.message.startswith("localhost resolves to ")
    assert "which is loopback: refused" in caught.value.message
    assert caught.value.url == server.url("/echo", host="localhost")


async def test_credentials_are_dropped_on_a_cross_origin_redirect(
    server: Server, permissive_http: aiohttp.ClientSession
) -> None:
    secret = {"Authorization": "Bearer secret", "X-Kept": "yes"}
    fetched = await fetch_url(
        permissive_http,
        redirect_url(server, server.url("/echo", host="localhost")),
        limits=LIMITS,
        allow_private_networks=True,
        extra_headers=secret,
    )
    assert isinstance(fetched, Fetched)
    assert server.state.received["/to"]["Authorization"] == "Bearer secret"
    sent = json.loads(fetched.body)
    assert "authorization" not in sent
    assert sent["x-kept"] == "yes"


async def test_credentials_are_kept_on_a_same_origin_redirect(server: Server, http: aiohttp.ClientSession) -> None:
    fetched = await fetch_url(
        http,
        redirect_url(server, "/echo"),
        limits=LIMITS,
        allow_private_networks=True,
        extra_headers={"Authorization": "Bearer secret"},
    )
    assert isinstance(fetched, Fetched)
    assert json.loads(fetched.body)["authorization"] == "Bearer secret"


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "[::1]", "0.0.0.0", "[::ffff:127.0.0.1]"])  # all local
async def test_private_literal_is_blocked_before_any_request(
    server: Server, http: aiohttp.ClientSession, host: str
) -> None:
    url = f"http://{host}:{server.port}/never-requested"
    with pytest.raises(BlockedHost) as caught:
        await fetch_url(http, url, limits=LIMITS)
    assert "refused (set LEGADILO_ALLOW_PRIVATE_NETWORKS=1 to allow)" in caught.value.message
    request = caught.value.debug["request"]
    assert (request["method"], request["url"]) == ("GET", url)
    assert request["headers"]["User-Agent"] == USER_AGENT  # what would have been sent
    assert request["headers"]["Accept-Encoding"] == "gzip, deflate, br"
    assert "response" not in caught.value.debug
    assert "/never-requested" not in server.state.received


async def test_localhost_is_refused_by_the_resolver(server: Server, http: aiohttp.ClientSession) -> None:
    url = server.url("/never-requested", host="localhost")
    with pytest.raises(BlockedHost) as caught:
        await fetch_url(http, url, limits=LIMITS, allow_private_networks=True)  # literals allowed, names not
    assert caught.value.message.startswith("localhost resolves to ")
    assert "/never-requested" not in server.state.received


async def test_hex_host_resolving_to_loopback_is_refused(server: Server, http: aiohttp.ClientSession) -> None:
    with pytest.raises(BlockedHost) as caught:
        await fetch_url(http, f"http://0x7f000001:{server.port}/never-requested", limits=LIMITS)
    assert caught.value.message.startswith("0x7f000001 resolves to 127.0.0.1, which is loopback")


async def test_localhost_is_allowed_when_private_networks_are(
    server: Server, permissive_http: aiohttp.ClientSession
) -> None:
    fetched = await fetch_url(
        permissive_http, server.url("/feed", host="localhost"), limits=LIMITS, allow_private_networks=True
    )
    assert isinstance(fetched, Fetched)
    assert fetched.status == 200


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/feed", "ftp://example.com/feed is not an http(s) URL"),
        ("feed.xml", "feed.xml is not an http(s) URL"),
        ("http://[::1/feed", "http://[::1/feed is not a valid URL"),
        ("http:///feed", "http:///feed has no host"),
        ("http://127.1/feed", "http://127.1/feed has an invalid IP address"),
        ("https://user:pw@ftp.example.com@/x", None),
    ],
)
async def test_invalid_urls(http: aiohttp.ClientSession, url: str, message: str | None) -> None:
    with pytest.raises(InvalidUrl) as caught:
        await fetch_url(http, url, limits=LIMITS)
    if message is not None:
        assert caught.value.message == message


async def test_legacy_ip_forms_are_invalid_even_when_private_networks_are_allowed(
    permissive_http: aiohttp.ClientSession,
) -> None:
    with pytest.raises(InvalidUrl):
        await fetch_url(permissive_http, "http://2130706433/feed", limits=LIMITS, allow_private_networks=True)
