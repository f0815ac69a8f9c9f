"""What the fetcher returns and raises. Frozen, picklable, free of aiohttp types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from legadilo.core.errors import DomainError


@dataclass(frozen=True)
class Validators:
    """Cache validators taken from a response (never from the parsed body), sent back on the next fetch."""

    etag: str = ""
    last_modified: str = ""

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)


@dataclass(frozen=True)
class Fetched:
    """A 2xx response, its body fully read (decompressed, capped)."""

    url: str  # the final URL, after redirects
    status: int
    body: bytes
    content_type: str  # media type only, lower-cased ("application/rss+xml"); "" when absent
    charset: str | None
    headers: dict[str, str]  # names lower-cased
    validators: Validators
    body_hash: str  # sha256 hex of the body
    elapsed_ms: int
    max_age_seconds: int | None = None  # from Cache-Control max-age / s-maxage, or Expires
    redirects: tuple[str, ...] = ()


@dataclass(frozen=True)
class NotModified:
    """A 304 answer to a conditional request."""

    url: str
    headers: dict[str, str]
    validators: Validators
    elapsed_ms: int
    max_age_seconds: int | None = None


class FetchError(DomainError):
    """A fetch that failed; `debug` holds the technical record stored with the feed update."""

    def __init__(
        self,
        message: str,
        *,
        url: str,
        status: int | None = None,
        retry_after_seconds: int | None = None,
        debug: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        self.retry_after_seconds = retry_after_seconds
        self.debug: dict[str, Any] = debug or {}


class FetchTimeout(FetchError):
    """Connecting or reading took longer than allowed (including a server trickling bytes)."""


class ConnectionFailed(FetchError):
    """DNS failure, refused connection, TLS error, reset…"""


class BadStatus(FetchError):
    """A non-2xx, non-304 final status."""


class RateLimited(BadStatus):
    """429, or 503 with Retry-After: `retry_after_seconds` says when to come back (capped)."""


class TooLarge(FetchError):
    """The body (after decompression) is over the limit."""


class BlockedHost(FetchError):
    """The address is loopback, private, link-local, multicast or reserved (SSRF guard)."""


class TooManyRedirects(FetchError):
    """More redirects than allowed, or a loop."""


class BotChallenge(FetchError):
    """A Cloudflare-style challenge page instead of the content."""


class InvalidUrl(FetchError):
    """Not an http(s) URL."""


@dataclass(frozen=True)
class FetchLimits:
    """The fetcher's limits (built from `legadilo.settings.FetchSettings`)."""

    connect_timeout: float = 10.0
    total_timeout: float = 30.0
    max_body_bytes: int = 15 * 1024 * 1024
    max_redirects: int = 5
    max_retry_after_seconds: int = 8 * 3600
