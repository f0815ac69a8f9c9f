"""One fetch in progress: the hop it is on, what it sent and received, and how to report a failure."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from multidict import CIMultiDict
from yarl import URL

from legadilo.fetching.headers import SECRET_HEADERS, lower_headers
from legadilo.fetching.types import FetchError, FetchLimits, TooManyRedirects, Validators

ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.9, application/json;q=0.8, text/html;q=0.8, */*;q=0.5"
)
ACCEPT_ENCODING = "gzip, deflate, br"


def request_headers(validators: Validators | None, extra: Mapping[str, str] | None) -> CIMultiDict[str]:
    """The headers of every hop: Accept, the caller's extras, our encodings, and the validators given."""
    headers: CIMultiDict[str] = CIMultiDict({"Accept": ACCEPT})
    for name, value in (extra or {}).items():
        headers[name] = value
    headers["Accept-Encoding"] = ACCEPT_ENCODING  # only what we can decode
    if validators is not None and validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators is not None and validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def safe_url(url: str) -> str:
    """The URL without its user name and password."""
    try:
        parsed = URL(url)
    except ValueError:
        return url
    return str(parsed.with_user(None)) if parsed.user or parsed.password else url


def safe_headers(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers fit for a log: no Cookie, Set-Cookie, Authorization or Proxy-Authorization."""
    return {name: value for name, value in items if name.lower() not in SECRET_HEADERS}


def _origin(url: str) -> tuple[str, str | None, int | None]:
    parsed = URL(url)
    return parsed.scheme, parsed.raw_host, parsed.port


@dataclass
class Trip:
    """The state of one `fetch_url` call, hop after hop."""

    url: str  # the URL of the current hop
    headers: CIMultiDict[str]
    limits: FetchLimits
    allow_private_networks: bool
    validators: Validators | None
    session_headers: Mapping[str, str] = field(default_factory=dict)
    redirects: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    sent_headers: Mapping[str, str] | None = None  # what the current hop really sent, once answered
    response: dict[str, Any] | None = None

    def elapsed_ms(self) -> int:
        return int((time.monotonic() - self.started) * 1000)

    def client_timeout(self) -> aiohttp.ClientTimeout:
        limits = self.limits
        return aiohttp.ClientTimeout(
            total=limits.total_timeout, connect=limits.connect_timeout, sock_connect=limits.connect_timeout
        )

    def record(self, response: aiohttp.ClientResponse) -> None:
        """Keep the answer of the current hop for error reports."""
        self.sent_headers = dict(response.request_info.headers)
        self.response = {
            "status": response.status,
            "reason": response.reason or "",
            "headers": lower_headers(response.headers.items()),
        }

    def follow(self, target: str) -> None:
        """Move on to the redirect `target`, refusing loops and chains longer than allowed."""
        if target == self.url or target in self.redirects:
            raise self.error(TooManyRedirects, f"the redirects loop back to {safe_url(target)}")
        if len(self.redirects) >= self.limits.max_redirects:
            raise self.error(TooManyRedirects, f"more than {self.limits.max_redirects} redirects")
        if _origin(target) != _origin(self.url):
            for name in ("Authorization", "Cookie"):  # credentials stay with the origin they were given for
                self.headers.popall(name, None)
        self.redirects.append(self.url)
        self.url = target
        self.sent_headers = None
        self.response = None

    def debug(self) -> dict[str, Any]:
        """The technical record of the current hop: request (never its credentials) and response."""
        sent = self.sent_headers
        if sent is None:  # not answered yet: what aiohttp was asked to send
            sent = CIMultiDict(self.session_headers)
            sent.update(self.headers)
        debug: dict[str, Any] = {
            "request": {"method": "GET", "url": safe_url(self.url), "headers": safe_headers(sent.items())}
        }
        if self.response is not None:
            debug["response"] = self.response
        if self.redirects:
            debug["redirects"] = [safe_url(url) for url in self.redirects]
        return debug

    def error(self, kind: type[FetchError], message: str, **details: Any) -> FetchError:
        """A `kind` error about the current hop, carrying the debug record."""
        return kind(message, url=self.url, debug=self.debug(), **details)
