"""From what a feed says about an entry (`RawEntry`, filled by each format's adapter) to a `ParsedEntry`.

One line: URL (skip when unusable) → key → title → content (sanitised, with a table of contents) →
summary (sanitised, else made from the content) → people, tags, picture, language, dates → counts, hash.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from legadilo.parsing import normalize
from legadilo.parsing.html import count_words, plain_text, sanitize_html, summary_from_content
from legadilo.parsing.toc import table_of_content_and_word_count
from legadilo.parsing.types import ParsedEntry

_json_string = json.encoder.encode_basestring  # json.dumps(value, ensure_ascii=False) of a str
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPE = "text/plain"


@dataclass(frozen=True)
class RawEntry:
    """An entry as the feed gives it: untrusted strings, nothing normalised yet."""

    id: str = ""
    link: str = ""
    title: str = ""
    summary: str = ""  # HTML, or plain text when `summary_is_text`; "" when the feed gives none
    summary_is_text: bool = False
    content: str = ""
    content_type: str = TEXT_TYPE  # one of HTML_TYPES or TEXT_TYPE
    base_url: str = ""  # what relative URLs in summary and content are relative to (xml:base); else the link
    authors: Sequence[str] = ()
    contributors: Sequence[str] = ()
    tags: Sequence[str] = ()
    pictures: Sequence[tuple[str, str]] = ()  # (url, alt) candidates for the preview picture, best first
    language: str = ""
    published_at: datetime | None = None
    updated_at: datetime | None = None


def build_entries(raw_entries: Iterable[RawEntry], feed_url: str) -> tuple[ParsedEntry, ...]:
    """Entries in feed order, those without a usable URL skipped, and only the first of each key kept."""
    entries: dict[str, ParsedEntry] = {}
    for raw in raw_entries:
        entry = build_entry(raw, feed_url)
        if entry is not None and entry.key not in entries:
            entries[entry.key] = entry
    return tuple(entries.values())


def build_entry(raw: RawEntry, feed_url: str) -> ParsedEntry | None:
    """The normalised entry, or None when it has no http(s) link to point to."""
    url = normalize.http_url(raw.link, feed_url)
    if not url:
        return None
    base_url = normalize.http_url(raw.base_url, feed_url) or url
    title = normalize.text_field(raw.title, normalize.TITLE_MAX_LENGTH) or normalize.host(url)
    content, content_type, toc, content_words = _content(raw, base_url)
    picture_url, picture_alt = _picture(raw.pictures, base_url)
    summary = _summary(raw, content, content_type, base_url)
    word_count = content_words or count_words(plain_text(summary))
    return ParsedEntry(
        key=normalize.text_field(raw.id, normalize.KEY_MAX_LENGTH) or url[: normalize.KEY_MAX_LENGTH],
        url=url,
        title=title,
        summary=summary,
        content=content,
        content_type=content_type,
        authors=normalize.texts(raw.authors),
        contributors=normalize.texts(raw.contributors),
        tags=normalize.tags(raw.tags),
        preview_picture_url=picture_url,
        preview_picture_alt=picture_alt,
        language=normalize.language(raw.language),
        table_of_content=toc,
        published_at=normalize.sane_datetime(raw.published_at),
        updated_at=normalize.sane_datetime(raw.updated_at),
        word_count=word_count,
        content_hash=content_hash(url, title, summary, content),
    )


def content_hash(url: str, title: str, summary: str, content: str) -> str:
    """sha256 of what a reader sees: changes exactly when the entry visibly changes."""
    # json.dumps([url, title, summary, content], ensure_ascii=False), without building an encoder each time.
    payload = "[" + ", ".join(map(_json_string, (url, title, summary, content))) + "]"
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def _content(raw: RawEntry, base_url: str) -> tuple[str, str, tuple[dict[str, Any], ...], int]:
    """Content, its type, its table of contents and its word count."""
    if raw.content_type not in HTML_TYPES:
        content = raw.content.strip()
        return content, TEXT_TYPE, (), count_words(content)
    # table_of_content only adds slug ids to the sanitised tree and serialises it: the result stays safe.
    content, toc, words = table_of_content_and_word_count(sanitize_html(raw.content, base_url=base_url))
    return content, raw.content_type, toc, words


def _summary(raw: RawEntry, content: str, content_type: str, base_url: str) -> str:
    summary = html.escape(raw.summary.strip()) if raw.summary_is_text else raw.summary
    summary = sanitize_html(summary, base_url=base_url, for_summary=True)
    if summary or not content:
        return summary
    return summary_from_content(content if content_type in HTML_TYPES else html.escape(content))


def _picture(candidates: Iterable[tuple[str, str]], base_url: str) -> tuple[str, str]:
    """The first candidate with an http(s) URL, and its alternative text."""
    for url, alt in candidates:
        picture_url = normalize.http_url(url, base_url)
        if picture_url:
            return picture_url, normalize.text_field(alt, normalize.TITLE_MAX_LENGTH)
    return "", ""
