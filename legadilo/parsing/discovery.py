"""Finding a feed from what a user typed: YouTube pages to their feeds, HTML pages to the feeds they advertise."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import lxml.etree  # type: ignore[import-untyped]
import lxml.html  # type: ignore[import-untyped]

from legadilo.parsing import normalize, strings
from legadilo.parsing.types import FeedLink

# Advertised feed types, in order of preference.
FEED_LINK_TYPES = (
    ("application/atom+xml",),
    ("application/rss+xml",),
    ("application/feed+json", "application/json"),
)
YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "youtu.be", "youtube.googleapis.com", "m.youtube.com"})
YOUTUBE_FEED = "https://www.youtube.com/feeds/videos.xml"
_XML_DECLARATION = re.compile(r"\A\ufeff?\s*<\?xml[^>]*\?>")  # lxml refuses it in a str (XHTML pages)
_PARSER = lxml.html.HTMLParser(recover=True, no_network=True, remove_comments=True, remove_pis=True)


def find_feed_links(html: bytes, base_url: str) -> tuple[FeedLink, ...]:
    """The feeds a page advertises with `<link rel="alternate" type=…>`: Atom first, then RSS, then JSON Feed.

    URLs are absolute (against `<base href>` when the page has one), `//host/…` becomes https, links without
    an http(s) URL are skipped, each URL comes once (first title wins), and the title falls back to the URL.
    WordPress's REST API (`application/json` under /wp-json/) is not a feed and is skipped.
    """
    document = _parse(html)
    if document is None:
        return ()
    base = document.find(".//base[@href]")
    if base is not None:
        base_url = normalize.http_url(base.get("href"), base_url) or base_url
    links = [link for link in document.iter("link") if "alternate" in (link.get("rel") or "").lower().split()]
    found: dict[str, FeedLink] = {}
    for types in FEED_LINK_TYPES:
        for link in links:
            if _media_type(link.get("type")) not in types:
                continue
            url = _feed_url(link.get("href") or "", base_url)
            if url and url not in found and not _is_wordpress_api(url, types):
                title = normalize.text_field(link.get("title") or "", normalize.TITLE_MAX_LENGTH)
                found[url] = FeedLink(url=url, title=title or url)
    return tuple(found.values())


def rewrite_youtube_url(url: str) -> str:
    """The feed of a YouTube channel (`/channel/<id>`) or playlist (`?list=<id>`); other URLs are untouched.

    Feed URLs (`/feeds/videos.xml?channel_id=…`) stay as they are; `/@handle` pages are not supported (their
    channel id is only in the page).
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    if (parts.hostname or "").lower() not in YOUTUBE_HOSTS:
        return url
    query = parse_qs(parts.query)
    if parts.path.rstrip("/") == "/feeds/videos.xml":
        return url
    if playlist := next((value for value in query.get("list", ()) if value.strip()), ""):
        return f"{YOUTUBE_FEED}?playlist_id={quote(playlist.strip(), safe='')}"
    segments = [segment for segment in parts.path.split("/") if segment]
    if len(segments) >= 2 and segments[0] == "channel":
        return f"{YOUTUBE_FEED}?channel_id={quote(segments[1], safe='')}"
    return url


def _parse(html: bytes) -> Any:
    """The document's root element (lxml.html.HtmlElement), None when there is nothing to parse."""
    if not html.strip():
        return None
    try:  # UTF-8 when it decodes as such (libxml2 would read a page without <meta charset> as Latin-1)
        markup: str | bytes = _XML_DECLARATION.sub("", strings.clean(html.decode("utf-8")), count=1)
    except UnicodeDecodeError:
        markup = html  # libxml2 finds the <meta charset>
    try:
        return lxml.html.document_fromstring(markup, parser=_PARSER)
    except (lxml.etree.ParserError, ValueError):
        return None


def _media_type(value: str | None) -> str:
    return (value or "").split(";", maxsplit=1)[0].strip().lower()


def _feed_url(href: str, base_url: str) -> str:
    href = href.strip()
    if href.startswith("//"):
        href = "https:" + href
    return normalize.http_url(href, base_url)


def _is_wordpress_api(url: str, types: tuple[str, ...]) -> bool:
    return "application/json" in types and "/wp-json/" in urlsplit(url).path
