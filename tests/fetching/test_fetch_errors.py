"""Error answers and network failures: each maps to its FetchError, with a message and a debug record."""

from __future__ import annotations

import socket
from urllib.parse import urlencode

import aiohttp
import pytest

from legadilo.fetching.fetch import fetch_url
from legadilo.fetching.types import (
    BadStatus,
    BotChallenge,
    ConnectionFailed,
    FetchError,
    RateLimited,
    Validators,
)
from tests.fetching.conftest import LIMITS, USER_AGENT, Server
from tests.fetching.server import FIXED_DATE


def answer_url(server: Server, status: int, **params: str) -> str:
    return server.url(f"/answer?{urlencode({'status': str(status), **params})}")


async def fetch_error(
    http: aiohttp.ClientSession,
    url: str,
    *,
    validators: Validators | None = None,
    extra_headers: dict[str, str] | None = None,
) -> FetchError:
    with pytest.raises(FetchError) as caught:
        await fetch_url(
            http, url, limits=LIMITS, validators=validators, allow_private_networks=True, extra_headers=extra_headers
        )
    return caught.value


async def test_404_is_a_bad_status_with_debug(server: Server, http: aiohttp.ClientSession) -> None:
    url = answer_url(server, 404, body="nothing here")
    error = await fetch_error(http, url)

    assert type(error) is BadStatus
    assert error.status == 404
    assert error.message == "the server answered 404 Not Found"
    assert str(error) == error.message
    assert error.url == url
    request = error.debug["request"]
    assert (request["method"], request["url"]) == ("GET", url)
    assert request["headers"]["User-Agent"] == USER_AGENT
    assert request["headers"]["Accept-Encoding"] == "gzip, deflate, br"
    response = error.debug["response"]
    assert (response["status"], response["reason"]) == (404, "Not Found")
    assert response["headers"]["content-length"] == "12"


async def test_credentials_never_reach_the_debug_record(server: Server, http: aiohttp.ClientSession) -> None:
    url = answer_url(server, 500, cookie="1")
    error = await fetch_error(http, url, extra_headers={"Authorization": "Basic czNjcmV0", "Cookie": "id=s3cret"})

    assert type(error) is BadStatus
    assert error.message == "the server answered 500 Internal Server Error"
    received = server.state.received["/answer"]
    assert (received["Authorization"], received["Cookie"]) == ("Basic czNjcmV0", "id=s3cret")  # sent, not logged
    assert "s3cret" not in repr(error.debug)
    assert "czNjcmV0" not in repr(error.debug)


async def test_user_and_password_are_removed_from_the_debug_url(server: Server, http: aiohttp.ClientSession) -> None:
    url = f"http://reader:hunter2@127.0.0.1:{server.port}/answer?status=401"
    error = await fetch_error(http, url)
    assert error.status == 401
    assert "hunter2" not in repr(error.debug)
    assert error.debug["request"]["url"] == server.url("/answer?status=401")


async def test_304_to_an_unconditional_request_is_a_bad_status(server: Server, http: aiohttp.ClientSession) -> None:
    error = await fetch_error(http, answer_url(server, 304))
    assert type(error) is BadStatus
    assert error.message == "the server answered 304 Not Modified to a request that was not conditional"


async def test_redirect_without_location_is_a_bad_status(server: Server, http: aiohttp.ClientSession) -> None:
    error = await fetch_error(http, answer_url(server, 302))
    assert type(error) is BadStatus
    assert (error.status, error.message) == (302, "the server answered 302 Found without a Location")


async def test_429_with_retry_after_seconds(server: Server, http: aiohttp.ClientSession) -> None:
    error = await fetch_error(http, answer_url(server, 429, **{"Retry-After": "120"}))
    assert type(error) is RateLimited
    assert isinstance(error, BadStatus)
    assert (error.status, error.retry_after_seconds) == (429, 120)
    assert error.message == "the server answered 429 Too Many Requests: retry in 120 s"


async def test_429_without_retry_after_waits_an_hour(server: Server, http: aiohttp.ClientSession) -> None:
    error = await fetch_error(http, answer_url(server, 429))
    assert type(error) is RateLimited
    assert error.retry_after_seconds == 3600


async def test_503_with_an_http_date(server: Server, http: aiohttp.ClientSession) -> None:
    params = {"Date": FIXED_DATE, "Retry-After": "Wed, 21 Oct 2015 07:38:00 GMT"}
    error = await fetch_error(http, answer_url(server, 503, **params))
    assert type(error) is RateLimited
    assert (error.status, error.retry_after_seconds) == (503, 600)


async def test_503_without_retry_after_is_a_plain_bad_status(server: Server, http: aiohttp.ClientSession) -> None:
    error = await fetch_error(http, answer_url(server, 503))
    assert type(error) is BadStatus
    assert (error.status, error.retry_after_seconds) == (503, None)
    assert error.message == "the server answered 503 Service Unavailable"


@pytest.mark.parametrize("status", [429, 503])
async def test_retry_after_is_capped_to_8_hours(server: Server, http: aiohttp.ClientSession, status: int) -> None:
    error = await fetch_error(http, answer_url(server, status, **{"Retry-After": "999999"}))
    assert type(error) is RateLimited
    assert error.retry_after_seconds == 8 * 3600


async def test_cloudflare_challenge_header(server: Server, http: aiohttp.ClientSession) -> None:
    error = await fetch_error(http, answer_url(server, 403, **{"cf-mitigated": "challenge", "Server": "cloudflare"}))
    assert type(error) is BotChallenge
    assert error.status == 403
    assert error.message == "the server answered 403 Forbidden with a bot challenge instead of the content"


async def test_cloudflare_challenge_page(server: Server, http: aiohttp.ClientSession) -> None:
    page = "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking</body></html>"
    params = {"Server": "cloudflare", "Content-Type": "text/html; charset=UTF-8", "Retry-After": "5", "body": page}
    error = await fetch_error(http, answer_url(server, 503, **params))
    assert type(error) is BotChallenge  # not RateLimited: waiting does not help
    assert error.status == 503


async def test_cloudflare_plain_403_is_a_bad_status(server: Server, http: aiohttp.ClientSession) -> None:
    params = {"Server": "cloudflare", "Content-Type": "text/html", "body": "<h1>Forbidden</h1>"}
    error = await fetch_error(http, answer_url(server, 403, **params))
    assert type(error) is BadStatus
    assert error.status == 403


async def test_closed_port_is_a_connection_failure(http: aiohttp.ClientSession) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    error = await fetch_error(http, f"http://127.0.0.1:{port}/feed", extra_headers={"Authorization": "Bearer s3cret"})
    assert type(error) is ConnectionFailed
    assert error.message == f"could not connect to 127.0.0.1:{port} (connection refused)"
    assert error.status is None
    assert error.debug["request"]["url"] == f"http://127.0.0.1:{port}/feed"
    assert "response" not in error.debug
    assert "s3cret" not in repr(error.debug)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"Content-Encoding": "gzip", "body": "not gzip at all"}, "the compressed body is corrupt"),
        ({"Content-Encoding": "zstd", "body": "whatever"}, "the server used an unsupported content encoding (zstd)"),
    ],
)
async def test_undecodable_body_is_a_connection_failure(
    server: Server, http: aiohttp.ClientSession, params: dict[str, str], message: str
) -> None:
    error = await fetch_error(http, answer_url(server, 200, **params))
    assert type(error) is ConnectionFailed
    assert error.message.startswith(message)
    assert error.debug["response"]["status"] == 200


async def test_validators_are_sent_on_error_answers_too(server: Server, http: aiohttp.ClientSession) -> None:
    await fetch_error(http, answer_url(server, 404), validators=Validators(etag='"e"'))
    assert server.state.received["/answer"]["If-None-Match"] == '"e"'
