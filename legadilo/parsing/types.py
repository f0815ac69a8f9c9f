"""What the parsers return. Frozen and picklable: they cross the process-pool boundary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from legadilo.core.errors import DomainError


@dataclass(frozen=True)
class ParsedEntry:
    key: str  # identity within the feed: the entry id, else its URL (stripped of HTML, at most 512 chars)
    url: str  # absolute, without fragment
    title: str  # plain text (raw: escaped when rendered), at most 300 chars, never empty (falls back to the host)
    summary: str  # sanitised HTML, no img/pre; made from the content when the feed has none
    content: str  # sanitised HTML, or stripped plain text when content_type is text/plain
    content_type: str  # "text/html", "application/xhtml+xml" or "text/plain"
    authors: tuple[str, ...]
    contributors: tuple[str, ...]
    tags: tuple[str, ...]  # the feed's categories: plain text, split on commas, deduplicated, sorted
    preview_picture_url: str
    preview_picture_alt: str
    language: str  # "xx", "xx-yy" or ""
    table_of_content: tuple[dict[str, Any], ...]  # [{id, text, level, children: [{id, text, level}]}]
    published_at: datetime | None  # aware, UTC
    updated_at: datetime | None  # aware, UTC
    word_count: int  # words of the content (else the summary): reading time = word_count // words per minute
    content_hash: str  # sha256 of what a reader sees (url, title, summary, content): tells a changed entry


@dataclass(frozen=True)
class ParsedFeed:
    feed_type: str  # a legadilo.feeds.models.FeedType value
    title: str  # plain text, at most 300 chars, never empty (falls back to the feed URL's host)
    description: str  # plain text
    site_url: str  # the feed's link when it is an http(s) URL, else scheme://host of the feed URL
    language: str
    ttl_minutes: int | None  # RSS <ttl>, when present and sane
    entries: tuple[ParsedEntry, ...]  # in feed order; entries without a usable URL are skipped


@dataclass(frozen=True)
class FeedLink:
    """A feed advertised by an HTML page (`<link rel="alternate" type="application/rss+xml">`)."""

    url: str
    title: str


class ParseError(DomainError):
    """The document could not be read as expected."""


class NotAFeed(ParseError):
    """Neither RSS, Atom nor JSON Feed (an HTML page, an error page, garbage)."""
