"""fetch_url against a real local server: successful answers, conditional GET, encodings, headers sent."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import urlencode

import aiohttp
import pytest

from legadilo.fetching.fetch import fetch_url
from legadilo.fetching.types import Fetched, NotModified, Validators
from tests.fetching.conftest import LIMITS, USER_AGENT, Server
from tests.fetching.server import ETAG, FEED_BODY, FIXED_DATE, LAST_MODIFIED


async def fetch_ok(
    http: aiohttp.ClientSession,
    url: str,
    *,
    validators: Validators | None = None,
    extra_headers: dict[str, str] | None = None,
) -> Fetched:
    result = await fetch_url(
        http, url, limits=LIMITS, validators=validators, allow_private_networks=True, extra_headers=extra_headers
    )
    assert isinstance(result, Fetched)
    return result


def answer_url(server: Server, **params: str) -> str:
    return server.url(f"/answer?{urlencode(params)}")


async def test_200_with_body_and_metadata(server: Server, http: aiohttp.ClientSession) -> None:
    fetched = await fetch_ok(http, server.url("/feed"))

    assert fetched.url == server.url("/feed")
    assert fetched.status == 200
    assert fetched.body == FEED_BODY
    assert fetched.content_type == "application/rss+xml"
    assert fetched.charset == "utf-8"
    assert fetched.validators == Validators(etag=ETAG, last_modified=LAST_MODIFIED)
    assert fetched.body_hash == hashlib.sha256(FEED_BODY).hexdigest()
    assert fetched.max_age_seconds == 600
    assert fetched.redirects == ()
    assert 0 <= fetched.elapsed_ms < 5000
    assert fetched.headers["etag"] == ETAG
    assert fetched.headers["content-length"] == str(len(FEED_BODY))
    assert all(name == name.lower() for name in fetched.headers)
    assert "set-cookie" not in fetched.headers


async def test_same_body_same_hash(server: Server, http: aiohttp.ClientSession) -> None:
    first = await fetch_ok(http, server.url("/feed"))
    second = await fetch_ok(http, server.url("/feed"))
    other = await fetch_ok(http, answer_url(server, body="something else"))
    assert first.body_hash == second.body_hash != other.body_hash


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Cache-Control": "max-age=900"}, 900),
        ({"Cache-Control": "public, s-maxage=60, max-age=900"}, 60),
        ({"Cache-Control": "no-cache"}, 0),
        ({"Cache-Control": "no-store, max-age=900"}, 0),
        ({"Expires": "0"}, 0),
        ({"Expires": "Wed, 21 Oct 2015 09:28:00 GMT", "Date": FIXED_DATE}, 7200),
        ({"Content-Type": "text/plain"}, None),
    ],
)
async def test_max_age_variants(
    server: Server, http: aiohttp.ClientSession, headers: dict[str, str], expected: int | None
) -> None:
    fetched = await fetch_ok(http, answer_url(server, body="x", **headers))
    assert fetched.max_age_seconds == expected


async def test_no_content_type(server: Server, http: aiohttp.ClientSession) -> None:
    fetched = await fetch_ok(http, answer_url(server, status="204"))
    assert (fetched.status, fetched.body, fetched.charset) == (204, b"", None)
    assert fetched.content_type == ""
    assert "content-type" not in fetched.headers


async def test_headers_sent_by_default(server: Server, http: aiohttp.ClientSession) -> None:
    fetched = await fetch_ok(http, server.url("/echo"))
    sent = json.loads(fetched.body)
    assert sent["user-agent"] == USER_AGENT
    assert sent["accept-encoding"] == "gzip, deflate, br"
    assert "application/rss+xml" in sent["accept"]
    assert "if-none-match" not in sent  # never invented
    assert "if-modified-since" not in sent
    assert "cookie" not in sent


async def test_extra_headers_are_sent_and_may_override_the_user_agent(
    server: Server, http: aiohttp.ClientSession
) -> None:
    fetched = await fetch_ok(http, server.url("/echo"), extra_headers={"User-Agent": "Custom/2", "X-Feed": "1"})
    sent = json.loads(fetched.body)
    assert (sent["user-agent"], sent["x-feed"], sent["accept-encoding"]) == ("Custom/2", "1", "gzip, deflate, br")


async def test_conditional_get_answered_304(server: Server, http: aiohttp.ClientSession) -> None:
    sent = Validators(etag=ETAG, last_modified="Tue, 20 Oct 2015 00:00:00 GMT")
    result = await fetch_url(
        http, server.url("/conditional"), limits=LIMITS, validators=sent, allow_private_networks=True
    )

    assert isinstance(result, NotModified)
    assert result.url == server.url("/conditional")
    assert result.validators == Validators(etag=ETAG, last_modified=sent.last_modified)  # the 304 has no Last-Modified
    assert result.max_age_seconds == 300
    assert result.headers["etag"] == ETAG
    received = server.state.received["/conditional"]
    assert received["If-None-Match"] == ETAG
    assert received["If-Modified-Since"] == sent.last_modified


async def test_conditional_get_with_last_modified_only(server: Server, http: aiohttp.ClientSession) -> None:
    sent = Validators(last_modified=LAST_MODIFIED)
    result = await fetch_url(
        http, server.url("/conditional?bare=1"), limits=LIMITS, validators=sent, allow_private_networks=True
    )
    assert isinstance(result, NotModified)
    assert result.validators == sent  # nothing in the 304: the sent validators are kept
    assert result.max_age_seconds is None
    received = server.state.received["/conditional"]
    assert "If-None-Match" not in received
    assert received["If-Modified-Since"] == LAST_MODIFIED


async def test_conditional_get_with_stale_validators_gets_200(server: Server, http: aiohttp.ClientSession) -> None:
    fetched = await fetch_ok(http, server.url("/conditional"), validators=Validators(etag='"old"'))
    assert fetched.body == FEED_BODY
    assert fetched.validators.etag == ETAG
    assert server.state.received["/conditional"]["If-None-Match"] == '"old"'


async def test_empty_validators_send_nothing(server: Server, http: aiohttp.ClientSession) -> None:
    fetched = await fetch_ok(http, server.url("/echo"), validators=Validators())
    assert "if-none-match" not in json.loads(fetched.body)


@pytest.mark.parametrize("coding", ["gzip", "deflate", "deflate-raw", "br"])
async def test_compressed_bodies(server: Server, http: aiohttp.ClientSession, coding: str) -> None:
    fetched = await fetch_ok(http, server.url(f"/encoded/{coding}"))
    assert fetched.body == FEED_BODY
    assert fetched.body_hash == hashlib.sha256(FEED_BODY).hexdigest()
    assert fetched.headers["content-encoding"] == ("deflate" if coding == "deflate-raw" else coding)
    assert int(fetched.headers["content-length"]) < len(FEED_BODY)
    assert server.state.received[f"/encoded/{coding}"]["Accept-Encoding"] == "gzip, deflate, br"
