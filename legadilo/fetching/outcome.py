"""Turning the final (non-redirect) response into `Fetched`, `NotModified` or the right `FetchError`."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from http import HTTPStatus

import aiohttp

from legadilo.fetching.decoding import BadEncoding, BodyTooLarge, read_body
from legadilo.fetching.headers import (
    is_bot_challenge,
    lower_headers,
    media_type_and_charset,
    parse_http_date,
    parse_max_age,
    parse_retry_after,
    validators_from,
)
from legadilo.fetching.trip import Trip
from legadilo.fetching.types import (
    BadStatus,
    BotChallenge,
    ConnectionFailed,
    Fetched,
    FetchError,
    NotModified,
    RateLimited,
    TooLarge,
    Validators,
)

CHUNK_BYTES = 64 * 1024
SNIFF_BYTES = 64 * 1024  # how much of a 403/503 body is read to recognise a challenge page
DEFAULT_RETRY_AFTER_SECONDS = 3600  # a 429 without (a readable) Retry-After


async def conclude(response: aiohttp.ClientResponse, trip: Trip) -> Fetched | NotModified:
    """304 -> NotModified, 2xx -> Fetched with its body read; anything else raises its FetchError."""
    headers = lower_headers(response.headers.items())
    if response.status == 304 and trip.validators:
        return _not_modified(headers, trip)
    if 200 <= response.status < 300:
        return await _fetched(response, headers, trip)
    raise await _status_error(response, headers, trip)


def _not_modified(headers: dict[str, str], trip: Trip) -> NotModified:
    answered, sent = validators_from(headers), trip.validators or Validators()
    validators = Validators(etag=answered.etag or sent.etag, last_modified=answered.last_modified or sent.last_modified)
    return NotModified(
        url=trip.url,
        headers=headers,
        validators=validators,
        elapsed_ms=trip.elapsed_ms(),
        max_age_seconds=parse_max_age(headers),
    )


async def _fetched(response: aiohttp.ClientResponse, headers: dict[str, str], trip: Trip) -> Fetched:
    limit = trip.limits.max_body_bytes
    if response.content_length is not None and response.content_length > limit:
        raise trip.error(TooLarge, f"the body is larger than {format_size(limit)} (Content-Length says so)")
    try:
        body = await read_body(
            response.content.iter_chunked(CHUNK_BYTES), headers.get("content-encoding"), max_bytes=limit
        )
    except BodyTooLarge:
        raise trip.error(TooLarge, f"the body is larger than {format_size(limit)}") from None
    except BadEncoding as exc:
        raise trip.error(ConnectionFailed, str(exc)) from None
    media_type, charset = media_type_and_charset(headers.get("content-type"))
    return Fetched(
        url=trip.url,
        status=response.status,
        body=body,
        content_type=media_type,
        charset=charset,
        headers=headers,
        validators=validators_from(headers),
        body_hash=hashlib.sha256(body).hexdigest(),
        elapsed_ms=trip.elapsed_ms(),
        max_age_seconds=parse_max_age(headers),
        redirects=tuple(trip.redirects),
    )


async def _status_error(response: aiohttp.ClientResponse, headers: dict[str, str], trip: Trip) -> FetchError:
    status = response.status
    answered = f"the server answered {status} {response.reason or _phrase(status)}".rstrip()
    if status in (403, 503) and is_bot_challenge(status, headers, await _body_start(response, headers)):
        return trip.error(BotChallenge, f"{answered} with a bot challenge instead of the content", status=status)
    retry_after = _retry_after(status, headers, trip)
    if retry_after is not None:
        message = f"{answered}: retry in {retry_after} s"
        return trip.error(RateLimited, message, status=status, retry_after_seconds=retry_after)
    if status == 304:
        answered += " to a request that was not conditional"
    elif 300 <= status < 400 and "location" not in headers:
        answered += " without a Location"
    return trip.error(BadStatus, answered, status=status)


async def _body_start(response: aiohttp.ClientResponse, headers: dict[str, str]) -> bytes:
    """The first bytes of an error body, or b"" when it cannot be read (it only helps to classify)."""
    try:
        return await read_body(
            response.content.iter_chunked(CHUNK_BYTES),
            headers.get("content-encoding"),
            max_bytes=SNIFF_BYTES,
            truncate=True,
        )
    except (BadEncoding, aiohttp.ClientError):
        return b""


def _retry_after(status: int, headers: dict[str, str], trip: Trip) -> int | None:
    """Seconds to wait for a 429 (defaulting to an hour) or a 503 that says so; capped; else None."""
    if status not in (429, 503):
        return None
    now = parse_http_date(headers.get("date")) or datetime.now(UTC)
    seconds = parse_retry_after(headers.get("retry-after"), now=now)
    if seconds is None and status == 429:
        seconds = DEFAULT_RETRY_AFTER_SECONDS
    return None if seconds is None else min(seconds, trip.limits.max_retry_after_seconds)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def format_size(size: int) -> str:
    """15728640 -> "15 MiB"; sizes that are not whole MiB or KiB are given in bytes."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"
