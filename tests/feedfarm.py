"""A local feed farm: an aiohttp server serving generated RSS feeds with ETag support, whose feeds can
gain entries between rounds. Used by the feed-engine tests and by the refresh benchmark."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

from aiohttp import web

PARAGRAPH = (
    '<p>Lorem ipsum dolor sit amet, <a href="/relative/link">consectetur</a> adipiscing elit. Integer '
    "<strong>posuere</strong> erat a ante venenatis dapibus posuere velit aliquet. <em>Donec</em> ullamcorper "
    "nulla non metus auctor fringilla. Vestibulum id ligula porta felis euismod semper.</p>"
)


def entry_html(feed: int, number: int) -> str:
    """Realistic article HTML: headings, paragraphs, a list, an image, a link, a code block (about 3 kB)."""
    return (
        f"<h2>Part one of story {number}</h2>{PARAGRAPH}{PARAGRAPH}"
        f'<p><img src="/images/{feed}/{number}.jpg" alt="Illustration {number}" width="600"></p>'
        f"<h3>Details</h3><ul><li>First point</li><li>Second point with <code>code</code></li></ul>"
        f"{PARAGRAPH}<h2>Part two</h2><pre>def f(x):\n    return x * {number}</pre>{PARAGRAPH}"
        f'<blockquote>Quoted text from feed {feed}.</blockquote><p><a href="https://example.org/{number}">More</a></p>'
    )


def rss(feed: int, entries: int, base_url: str, *, start: int = 0, ttl: int | None = None) -> bytes:
    """An RSS 2.0 feed whose entries are numbered start .. start+entries-1 (newest first)."""
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    items = []
    for number in range(start + entries - 1, start - 1, -1):
        published = format_datetime(moment + timedelta(hours=number))
        items.append(
            f"<item><title>Story {number} of feed {feed} &amp; friends</title>"
            f"<link>{base_url}/articles/{feed}/{number}</link>"
            f'<guid isPermaLink="false">feed-{feed}-entry-{number}</guid>'
            f"<pubDate>{published}</pubDate><author>writer{feed}@example.org (Writer {feed})</author>"
            f"<category>news</category><category>topic-{number % 7}</category>"
            f"<description>A short teaser for story {number}.</description>"
            f"<content:encoded>{escape(entry_html(feed, number))}</content:encoded></item>"
        )
    ttl_tag = f"<ttl>{ttl}</ttl>" if ttl else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>Feed number {feed}</title>"
        f"<link>{base_url}/site/{feed}</link><description>Generated feed {feed}</description>{ttl_tag}"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


@dataclass
class FeedFarm:
    """Feeds at /feeds/<n>.xml with `entries` items each; `grow(n)` adds an entry to feed n."""

    entries_per_feed: int = 20
    base_url: str = ""
    starts: dict[int, int] = field(default_factory=dict)  # feed -> number of extra entries gained
    custom: dict[str, tuple[int, bytes, dict[str, str]]] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    conditional_hits: Counter[str] = field(default_factory=Counter)
    _cache: dict[tuple[int, int], bytes] = field(default_factory=dict)

    def url(self, feed: int) -> str:
        return f"{self.base_url}/feeds/{feed}.xml"

    def grow(self, feed: int, by: int = 1) -> None:
        self.starts[feed] = self.starts.get(feed, 0) + by

    def body(self, feed: int) -> bytes:
        extra = self.starts.get(feed, 0)
        key = (feed, extra)
        if key not in self._cache:
            self._cache[key] = rss(feed, self.entries_per_feed, self.base_url, start=extra)
        return self._cache[key]

    def set(self, path: str, body: bytes, *, status: int = 200, content_type: str = "application/rss+xml") -> None:
        """Serve any body at `path` (tests of odd servers)."""
        self.custom[path] = (status, body, {"Content-Type": content_type})

    async def handle_feed(self, request: web.Request) -> web.Response:
        feed = int(request.match_info["feed"])
        self.hits[request.path] += 1
        body = self.body(feed)
        etag = '"' + hashlib.sha1(body, usedforsecurity=False).hexdigest() + '"'
        if request.headers.get("If-None-Match") == etag:
            self.conditional_hits[request.path] += 1
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, headers={"ETag": etag, "Content-Type": "application/rss+xml; charset=utf-8"})

    async def handle_custom(self, request: web.Request) -> web.Response:
        self.hits[request.path] += 1
        if request.path not in self.custom:
            return web.Response(status=404, text="not found")
        status, body, headers = self.custom[request.path]
        return web.Response(status=status, body=body, headers=headers)

    def app(self) -> web.Application:
        application = web.Application()
        application.router.add_get("/feeds/{feed:\\d+}.xml", self.handle_feed)
        application.router.add_get("/{tail:.*}", self.handle_custom)
        return application


async def start_farm(farm: FeedFarm) -> web.AppRunner:
    runner = web.AppRunner(farm.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    farm.base_url = f"http://127.0.0.1:{port}"
    return runner


@asynccontextmanager
async def running_farm(entries_per_feed: int) -> AsyncIterator[FeedFarm]:
    """A farm listening on 127.0.0.1 for the duration of the block."""
    farm = FeedFarm(entries_per_feed=entries_per_feed)
    runner = await start_farm(farm)
    try:
        yield farm
    finally:
        await runner.cleanup()
