"""Imported articles as a file gives them, and their preparation: sanitise, measure, normalise (pure, run
outside the transaction, in the parse pool for a large batch). `article_writer.save_articles` writes the rows.
"""

from __future__ import annotations

import asyncio
import html
import json
import os
from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from legadilo.core.errors import InvalidInput
from legadilo.core.text import slugify
from legadilo.parsing import normalize
from legadilo.parsing.html import count_words, plain_text, sanitize_html, summary_from_content
from legadilo.parsing.strings import clean
from legadilo.parsing.toc import table_of_content_and_word_count
from legadilo.reading.models import ContentType, SourceType
from legadilo.runtime import Runtime

MAX_URL = 1024
TITLE_MAX_LENGTH = 300
TAG_MAX_LENGTH = 50
EXTERNAL_ID_MAX_LENGTH = 512
HTML_TYPES = frozenset({ContentType.HTML.value, ContentType.XHTML.value})
POOL_MIN_ARTICLES = 50  # fewer articles are prepared in the importer's process (no round trip to the pool)


@dataclass(frozen=True)
class ImportedGroup:
    """A series the article belongs to, found by its exact title (created with the description and tags)."""

    title: str
    description: str = ""  # HTML, sanitised when prepared
    tags: tuple[str, ...] = ()  # user tag titles


@dataclass(frozen=True)
class ImportedArticle:
    """An article as a file gives it: untrusted strings, nothing sanitised yet (see `prepare`)."""

    url: str  # an absolute http(s) URL (checked by the importer, checked again by `prepare`)
    title: str = ""
    content: str = ""
    content_type: str = ContentType.HTML.value
    summary: str = ""  # HTML; made from the content when empty
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # the user's tags, by title
    comments: tuple[str, ...] = ()  # Markdown texts
    published_at: datetime | None = None
    updated_at: datetime | None = None
    read_at: datetime | None = None
    is_favorite: bool = False
    is_for_later: bool = False
    language: str = ""
    preview_picture_url: str = ""
    annotations: tuple[Any, ...] = ()  # JSON values (Wallabag highlights)
    external_article_id: str = ""
    source_title: str = ""
    source_type: SourceType = SourceType.MANUAL
    main_feed_id: int | None = None
    group: ImportedGroup | None = None
    reading_time: int = 0  # minutes, used only when there is no content to measure


@dataclass(frozen=True)
class ArticleRow:
    """A prepared article: what `save_articles` writes. Text fields are plain text, HTML fields sanitised."""

    url: str
    title: str
    slug: str
    summary: str
    content: str
    content_type: str
    word_count: int
    reading_time: int  # fallback minutes when word_count is 0
    table_of_content: str  # JSON
    authors: str  # JSON
    annotations: str  # JSON
    tags: tuple[str, ...]  # normalised tag titles, one per slug
    comments: tuple[str, ...]
    published_at: datetime | None
    updated_at: datetime | None
    read_at: datetime | None
    is_favorite: bool
    is_for_later: bool
    language: str
    preview_picture_url: str
    external_article_id: str
    source_title: str
    source_type: str
    main_feed_id: int | None
    group: ImportedGroup | None  # prepared: plain title, sanitised description, normalised tags

    @property
    def weight(self) -> int:
        """About the characters this row holds (importers bound a batch's memory with it)."""
        return len(self.content) + len(self.summary) + len(self.annotations) + sum(map(len, self.comments)) + 512


def tag_titles(titles: Sequence[str]) -> tuple[str, ...]:
    """Tag titles as stored: whitespace collapsed, at most 50 characters, empty ones dropped, one per slug."""
    wanted: dict[str, str] = {}
    for title in titles:
        cleaned = " ".join(clean(title).split())[:TAG_MAX_LENGTH].strip()
        if cleaned:
            wanted.setdefault(slugify(cleaned, max_length=TAG_MAX_LENGTH), cleaned)
    return tuple(wanted.values())


def _clean_json(value: Any) -> Any:
    """A JSON value without control characters or lone surrogates in its strings (PostgreSQL refuses \\u0000)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list | tuple):
        return [_clean_json(item) for item in value]
    if isinstance(value, dict):
        return {clean(str(key)): _clean_json(item) for key, item in value.items()}
    return value


def _content(article: ImportedArticle, base_url: str) -> tuple[str, str, str, int]:
    """Content, content type, table of contents (JSON) and word count."""
    content = clean(article.content)
    if article.content_type not in HTML_TYPES:
        content = content.strip()
        return content, ContentType.PLAIN.value, "[]", count_words(content)
    content, toc, words = table_of_content_and_word_count(sanitize_html(content, base_url=base_url))
    return content, article.content_type, json.dumps(list(toc)), words


def _group(group: ImportedGroup | None) -> ImportedGroup | None:
    if group is None:
        return None
    title = " ".join(clean(group.title).split())[:TITLE_MAX_LENGTH].strip()
    if not title:
        return None
    description = sanitize_html(clean(group.description), base_url="")
    return ImportedGroup(title=title, description=description, tags=tag_titles(group.tags))


def prepare(article: ImportedArticle) -> ArticleRow:
    """The row to write for `article`: HTML sanitised (text/plain kept raw), table of contents and word count,
    summary made from the content when missing, plain-text title (the host when empty), normalised language,
    tags and picture. Pure: no I/O.

    Raises:
        InvalidInput: the URL is not an absolute http(s) URL of at most 1024 characters.
    """
    url = normalize.http_url(clean(article.url))
    if not url or len(url) > MAX_URL:
        raise InvalidInput(f"not an absolute http(s) URL of at most {MAX_URL} characters")
    content, content_type, toc, words = _content(article, url)
    summary = sanitize_html(clean(article.summary), base_url=url, for_summary=True) if article.summary else ""
    if not summary and content:
        summary = summary_from_content(content if content_type in HTML_TYPES else html.escape(content))
    if not words and summary:
        words = count_words(plain_text(summary))
    title = normalize.text_field(clean(article.title), TITLE_MAX_LENGTH) or normalize.host(url)
    picture = normalize.http_url(clean(article.preview_picture_url), url)
    return ArticleRow(
        url=url,
        title=title,
        slug=slugify(title),
        summary=summary,
        content=content,
        content_type=content_type,
        word_count=words,
        reading_time=max(article.reading_time, 0),
        table_of_content=toc,
        authors=json.dumps(list(normalize.texts(clean(author) for author in article.authors))),
        annotations=json.dumps(_clean_json(list(article.annotations))),
        tags=tag_titles(article.tags),
        comments=tuple(dict.fromkeys(text for text in (clean(c).strip() for c in article.comments) if text)),
        published_at=article.published_at,
        updated_at=article.updated_at,
        read_at=article.read_at,
        is_favorite=article.is_favorite,
        is_for_later=article.is_for_later,
        language=normalize.language(article.language),
        preview_picture_url=picture if len(picture) <= MAX_URL else "",
        external_article_id=clean(article.external_article_id).strip()[:EXTERNAL_ID_MAX_LENGTH],
        source_title=normalize.text_field(clean(article.source_title), TITLE_MAX_LENGTH) or normalize.host(url),
        source_type=article.source_type.value,
        main_feed_id=article.main_feed_id,
        group=_group(article.group),
    )


def prepare_many(articles: Sequence[ImportedArticle]) -> list[ArticleRow | str]:
    """`prepare` each article; for one refused, the reason instead of its row."""
    rows: list[ArticleRow | str] = []
    for article in articles:
        try:
            rows.append(prepare(article))
        except InvalidInput as error:
            rows.append(error.message)
    return rows


async def prepare_batch(rt: Runtime, articles: Sequence[ImportedArticle]) -> list[ArticleRow | str]:
    """`prepare_many` in the parse pool, split between its workers (the importer reads on meanwhile); here for a
    few articles."""
    if len(articles) < POOL_MIN_ARTICLES:
        return prepare_many(articles)
    pool = rt.parse_pool
    size = -(-len(articles) // (os.cpu_count() or 1))
    chunks = [list(articles[start : start + size]) for start in range(0, len(articles), size)]
    loop = asyncio.get_running_loop()
    try:
        prepared = await asyncio.gather(*(loop.run_in_executor(pool, prepare_many, chunk) for chunk in chunks))
    except BrokenProcessPool:  # a worker died (killed by the OOM killer…): a fresh pool next time, here now
        rt.reset_parse_pool(pool)
        return prepare_many(articles)
    return [row for rows in prepared for row in rows]
