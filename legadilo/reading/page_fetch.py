"""Fetching a page to save (reference §3), shared by saving a page and re-fetching an article:

    check the URL (http(s), no credentials, not a page of this instance) → fetch (guarded) ⟲ meta refresh
    (bounded, every hop guarded) → extract in the parse pool → a `Page`, or a `Failure` that says why.

The instance's own pages are refused: an origin (host and port) is "own" when it is one of `own_origins`
(the web layer passes the origin the request came to: the public URL), or the address the server binds to
(`LEGADILO_HOST`:`LEGADILO_PORT`, its loopback names when it binds to loopback or to every interface).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Collection
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from legadilo.core.errors import InvalidInput
from legadilo.fetching.fetch import fetch_url
from legadilo.fetching.types import Fetched, FetchError
from legadilo.parsing import normalize
from legadilo.parsing.articles import ExtractedArticle, Refresh, read_page
from legadilo.parsing.types import ParseError
from legadilo.runtime import Runtime, fetch_limits
from legadilo.settings import Settings

MAX_URL_LENGTH = 1024  # article.url
MAX_REFRESH_HOPS = 5
EXTRACT_TIMEOUT_SECONDS = 60
ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "127.0.0.1", "::1"})
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})  # noqa: S104 - names of "every interface", compared, not bound
Origin = tuple[str, int]


@dataclass(frozen=True)
class Failure:
    message: str
    debug: dict[str, Any]


@dataclass(frozen=True)
class Page:
    article: ExtractedArticle
    fetched_url: str  # after HTTP and meta refresh redirects


def checked_url(raw: str, own: Collection[Origin] = ()) -> str:
    """The URL to fetch: http(s) (https added when no scheme is typed), no fragment, at most 1024 characters.

    Raises:
        InvalidInput: anything else, a user name or password in the URL, or an origin of this instance.
    """
    typed = raw.strip()
    shown = typed if len(typed) <= 100 else typed[:100] + "…"
    url = typed if "://" in typed else "https://" + typed
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port ("javascript:alert(1)" taken as a host)
    except ValueError:
        raise InvalidInput(f"{shown!r} is not an http(s) URL") from None
    if parts.scheme.lower() not in {"http", "https"} or not normalize.is_http_url(url):
        raise InvalidInput(f"{shown!r} is not an http(s) URL")
    if parts.username is not None or parts.password is not None:
        raise InvalidInput("URLs with a user name or password cannot be saved")
    host = parts.netloc.rpartition("@")[2]
    normalised = normalize.http_url(parts._replace(scheme=parts.scheme.lower(), netloc=host.lower()).geturl())
    if len(normalised) > MAX_URL_LENGTH:
        raise InvalidInput(f"the URL is longer than {MAX_URL_LENGTH} characters")
    if origin_of(normalised) in own:
        raise InvalidInput("this URL is a page of this Legadilo instance: it cannot be saved as an article")
    return normalised


def origin_of(url: str) -> Origin | None:
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        return None
    return ((parts.hostname or "").lower().strip("[]"), port)


def own_origins_of(settings: Settings, extra: Collection[str] = ()) -> frozenset[Origin]:
    """The origins of this instance: `extra` (URLs, such as the origin a web request came to), and the
    address the server binds to (with the loopback names when it binds to loopback or every interface)."""
    origins = {origin for origin in map(origin_of, extra) if origin is not None and origin[0]}
    host = settings.host.strip().strip("[]").lower()
    names = LOOPBACK_NAMES if host in WILDCARD_HOSTS or host in LOOPBACK_NAMES or host.startswith("127.") else set()
    origins.update((name, settings.port) for name in {*names, host} - {""})
    return frozenset(origins)


async def fetch_page(rt: Runtime, url: str, own: Collection[Origin] = ()) -> Page | Failure:
    """Fetch `url` and extract its article, following meta refresh redirects (each hop fetched through the
    guarded fetcher, so each is checked against the SSRF rules); every failure becomes a `Failure`."""
    visited = [url]
    for _ in range(MAX_REFRESH_HOPS + 1):
        try:
            fetched = await fetch_url(
                rt.http,
                visited[-1],
                limits=fetch_limits(rt.settings),
                allow_private_networks=rt.settings.allow_private_networks,
                extra_headers={"Accept": ACCEPT},
            )
        except FetchError as error:
            if error.url != visited[-1] and origin_of(error.url) in own:  # failed after redirecting to us
                return Failure("the URL redirects to this Legadilo instance", {"url": error.url})
            return Failure(error.message, {"error": type(error).__name__, **error.debug})
        assert isinstance(fetched, Fetched)  # no validators sent: never NotModified
        if origin_of(fetched.url) in own:
            return Failure("the URL redirects to this Legadilo instance", {"url": fetched.url})
        try:
            page = await _read_in_pool(rt, fetched)
        except ParseError as error:
            return Failure(error.message, {"error": type(error).__name__, "url": fetched.url})
        if isinstance(page, ExtractedArticle):
            return Page(page, fetched.url)
        failure = _refusal(page, visited, own)
        if failure is not None:
            return failure
        visited.append(page.url)
    return Failure(f"more than {MAX_REFRESH_HOPS} meta refresh redirects", {"refreshes": visited})


def _refusal(refresh: Refresh, visited: list[str], own: Collection[Origin]) -> Failure | None:
    if refresh.url in visited:
        return Failure(f"the meta refresh redirects loop back to {refresh.url}", {"refreshes": visited})
    if origin_of(refresh.url) in own:
        return Failure("the page's meta refresh leads to this Legadilo instance", {"refreshes": visited})
    return None


async def _read_in_pool(rt: Runtime, fetched: Fetched) -> ExtractedArticle | Refresh:
    """Extract in the parse pool (CPU-bound, and a page that hangs or crashes the extractor costs a worker,
    never the event loop); the pool is rebuilt after such a page.

    Raises:
        ParseError (UnsupportedContent for PDF, images…).
    """
    loop = asyncio.get_running_loop()
    pool = rt.parse_pool
    task = functools.partial(
        read_page, fetched.body, url=fetched.url, content_type=fetched.content_type, charset=fetched.charset,
        headers=fetched.headers,
    )  # fmt: skip
    try:
        return await asyncio.wait_for(loop.run_in_executor(pool, task), timeout=EXTRACT_TIMEOUT_SECONDS)
    except (BrokenProcessPool, TimeoutError) as exc:
        rt.reset_parse_pool(pool)
        reason = "took too long" if isinstance(exc, TimeoutError) else "crashed"
        raise ParseError(f"reading the page {reason}") from None
