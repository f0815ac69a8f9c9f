"""One CSV record (its cells by column) to what it holds: a category, a feed, an article, each validated.

A row is a category row (only category columns), a feed row (feed columns, no article), or an article row
(article columns; its category and feed are created when missing, its feed becomes the article's main feed).
A bad URL, date, boolean, content type or list cell rejects the row with the column at fault (`InvalidCell`).
Empty cells, `None` and `null` are "no value".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from legadilo.core.errors import InvalidInput
from legadilo.core.text import slugify
from legadilo.feeds.models import FeedType
from legadilo.importexport.article_preparation import ImportedArticle, ImportedGroup
from legadilo.importexport.subscriptions import (
    CATEGORY_TITLE_MAX_LENGTH,
    FEED_TITLE_MAX_LENGTH,
    NewCategory,
    NewFeed,
    feed_url,
    site_url,
)
from legadilo.parsing import normalize
from legadilo.reading.models import ContentType, SourceType

_TRUE = frozenset({"true", "1", "t", "yes", "y"})
_FALSE = frozenset({"false", "0", "f", "no", "n"})
_EMPTY = frozenset({"", "none", "null"})
_CONTENT_TYPES = frozenset(content_type.value for content_type in ContentType)


class InvalidCell(Exception):
    """A cell that cannot be read: the record is rejected with `reason` (and the URL at fault, if any)."""

    def __init__(self, reason: str, url: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.url = url


def _date(cells: dict[str, str], name: str) -> datetime | None:
    value = cells[name].strip()
    if value.lower() in _EMPTY:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidCell(f"{name}: not an ISO 8601 date ({value[:40]!r})") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _bool(cells: dict[str, str], name: str) -> bool:
    value = cells[name].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE or value in _EMPTY:
        return False
    raise InvalidCell(f"{name}: not a boolean (True or False, got {cells[name][:20]!r})")


def _strings(cells: dict[str, str], name: str) -> tuple[str, ...]:
    value = cells[name].strip()
    if value.lower() in _EMPTY:
        return ()
    try:
        items = json.loads(value)
    except ValueError:
        raise InvalidCell(f"{name}: not a JSON list of strings") from None
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise InvalidCell(f"{name}: not a JSON list of strings")
    return tuple(items)


def _content_type(cells: dict[str, str]) -> str:
    value = cells["article_content_type"].strip().lower()
    if not value:
        return ContentType.HTML.value
    if value not in _CONTENT_TYPES:
        raise InvalidCell(f"article_content_type: not one of {', '.join(sorted(_CONTENT_TYPES))}")
    return value


@dataclass(frozen=True)
class CsvRecord:
    """What one row holds: a category, a feed, an article, or some of them."""

    category: NewCategory | None
    feed: NewFeed | None
    article: ImportedArticle | None


def _category(cells: dict[str, str]) -> NewCategory | None:
    title = normalize.text_field(cells["category_title"], CATEGORY_TITLE_MAX_LENGTH)
    if not title:
        return None
    return NewCategory(slugify(title, max_length=CATEGORY_TITLE_MAX_LENGTH), title, None, 0)


def _feed(cells: dict[str, str], category: NewCategory | None) -> NewFeed | None:
    raw = cells["feed_url"].strip()
    if not raw:
        return None
    try:
        url = feed_url(raw)
    except InvalidInput as error:
        raise InvalidCell(f"feed_url: {error.message}", raw) from None
    title = normalize.text_field(cells["feed_title"], FEED_TITLE_MAX_LENGTH) or url[:FEED_TITLE_MAX_LENGTH]
    site = site_url(cells["feed_site_url"].strip())
    return NewFeed(url, title, site, FeedType.RSS, category.slug if category else None)


def _article(cells: dict[str, str], feed: NewFeed | None) -> ImportedArticle | None:
    raw = cells["article_url"].strip()
    if not raw:
        if any(cells[name].strip() for name in ("article_id", "article_title", "article_content")):
            raise InvalidCell("article_url: missing")
        return None
    url = normalize.http_url(raw)
    if not url:
        raise InvalidCell("article_url: not an http(s) URL", raw)
    group_title = cells["group_title"].strip()
    article_id = cells["article_id"].strip()
    return ImportedArticle(
        url=url,
        title=cells["article_title"],
        content=cells["article_content"],
        content_type=_content_type(cells),
        authors=_strings(cells, "article_authors"),
        tags=_strings(cells, "article_tags"),
        comments=_strings(cells, "article_comments"),
        published_at=_date(cells, "article_date_published"),
        updated_at=_date(cells, "article_date_updated"),
        read_at=_date(cells, "article_read_at"),
        is_favorite=_bool(cells, "article_is_favorite"),
        language=cells["article_lang"],
        external_article_id=f"custom_csv:{article_id}" if article_id else "",
        source_title=feed.title if feed else "",
        source_type=SourceType.FEED if feed else SourceType.MANUAL,
        group=ImportedGroup(group_title, cells["group_description"], _strings(cells, "group_tags"))
        if group_title
        else None,
    )


def read_record(cells: dict[str, str]) -> CsvRecord:
    """Raises:
    InvalidCell: a cell that cannot be read."""
    category = _category(cells)
    feed = _feed(cells, category)
    return CsvRecord(category, feed, _article(cells, feed))
