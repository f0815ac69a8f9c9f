"""Pure header helpers: Retry-After, freshness, media type, validators, challenge detection."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from legadilo.fetching.headers import (
    is_bot_challenge,
    lower_headers,
    media_type_and_charset,
    parse_cache_control,
    parse_http_date,
    parse_max_age,
    parse_retry_after,
    validators_from,
)
from legadilo.fetching.types import Validators

NOW = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)
NOW_HTTP = "Wed, 21 Oct 2015 07:28:00 GMT"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("120", 120),
        (" 0 ", 0),
        ("999999", 999999),
        ("Wed, 21 Oct 2015 07:33:00 GMT", 300),
        ("Wednesday, 21-Oct-15 07:29:00 GMT", 60),  # RFC 850
        ("Wed Oct 21 07:30:00 2015", 120),  # asctime
        ("Wed, 21 Oct 2015 07:00:00 GMT", 0),  # in the past
        ("-5", None),
        ("1.5", None),
        ("soon", None),
    ],
)
def test_parse_retry_after(value: str | None, expected: int | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"cache-control": "max-age=600"}, 600),
        ({"cache-control": "public, MAX-AGE=600"}, 600),
        ({"cache-control": 'max-age="60"'}, 60),
        ({"cache-control": "max-age=600, s-maxage=120"}, 120),
        ({"cache-control": "no-cache"}, 0),
        ({"cache-control": "max-age=600, no-store"}, 0),
        ({"cache-control": "max-age=abc"}, None),
        ({"cache-control": "private"}, None),
        ({"expires": "0"}, 0),
        ({"expires": "garbage"}, 0),
        ({"expires": "Wed, 21 Oct 2015 08:28:00 GMT", "date": NOW_HTTP}, 3600),
        ({"expires": "Wed, 21 Oct 2015 08:28:00 GMT"}, 3600),  # measured from `now`
        ({"expires": "Wed, 21 Oct 2015 06:28:00 GMT", "date": NOW_HTTP}, 0),
        ({"expires": "Wed, 21 Oct 2015 08:28:00 GMT", "cache-control": "max-age=5"}, 5),
    ],
)
def test_parse_max_age(headers: dict[str, str], expected: int | None) -> None:
    assert parse_max_age(headers, now=NOW) == expected


def test_parse_cache_control() -> None:
    assert parse_cache_control('Public, Max-Age=60, no-transform, community="UCI"') == {
        "public": "",
        "max-age": "60",
        "no-transform": "",
        "community": "UCI",
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ("", None)),
        ("", ("", None)),
        ("application/rss+xml", ("application/rss+xml", None)),
        ('application/RSS+xml; charset="UTF-8"', ("application/rss+xml", "utf-8")),
        ("text/html;charset=ISO-8859-1;q=1", ("text/html", "iso-8859-1")),
        ("text/xml; format=flowed; CHARSET='windows-1252'", ("text/xml", "windows-1252")),
        ("text/plain; charset=", ("text/plain", None)),
    ],
)
def test_media_type_and_charset(value: str | None, expected: tuple[str, str | None]) -> None:
    assert media_type_and_charset(value) == expected


def test_parse_http_date() -> None:
    assert parse_http_date(NOW_HTTP) == NOW
    assert parse_http_date("nope") is None
    assert parse_http_date(None) is None


def test_lower_headers_joins_repeats_and_drops_cookies() -> None:
    headers = lower_headers([("Vary", "Accept"), ("VARY", "Cookie"), ("Set-Cookie", "a=b"), ("ETag", '"x"')])
    assert headers == {"vary": "Accept, Cookie", "etag": '"x"'}


def test_validators_from() -> None:
    assert validators_from({"etag": ' W/"1" ', "last-modified": NOW_HTTP}) == Validators('W/"1"', NOW_HTTP)
    assert not validators_from({})


@pytest.mark.parametrize(
    ("status", "headers", "body", "expected"),
    [
        (403, {"cf-mitigated": "challenge"}, b"", True),
        (503, {"cf-mitigated": "Challenge"}, b"", True),
        (403, {"server": "cloudflare", "content-type": "text/html"}, b"<title>Just a moment...</title>", True),
        (503, {"server": "cloudflare"}, b'<script src="/cdn-cgi/challenge-platform/h/b"></script>', True),
        (403, {"server": "cloudflare", "content-type": "text/html; charset=UTF-8"}, b"window._cf_chl_opt", True),
        (403, {"server": "cloudflare", "content-type": "text/html; charset=UTF-8"}, b"<form id=cf-chl-f>", True),
        (403, {"server": "cloudflare", "content-type": "text/html"}, b"<h1>Access denied</h1>", False),
        (403, {"server": "nginx", "content-type": "text/html"}, b"Just a moment", False),
        (403, {"server": "cloudflare", "content-type": "application/json"}, b"Just a moment", False),
        (200, {"cf-mitigated": "challenge"}, b"", False),
        (404, {"server": "cloudflare"}, b"Just a moment", False),
    ],
)
def test_is_bot_challenge(status: int, headers: dict[str, str], body: bytes, expected: bool) -> None:
    assert is_bot_challenge(status, headers, body) is expected
