"""Saving a web page by URL (reference §3; DESIGN §6 `articles add`). Used by the CLI, the web and the API.

check the URL → fetch and extract (`page_fetch`: guarded, meta refresh followed, the instance's own pages
refused) → store in one transaction: a new article, or the user's existing one made unread with its tags
merged (and its content refreshed when the fetch succeeded); a failed fetch still saves the URL and says why.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from legadilo.accounts.models import UserSettings
from legadilo.core.text import slugify
from legadilo.parsing import normalize
from legadilo.parsing.articles import ExtractedArticle, url_title
from legadilo.reading.models import Article, ArticleFetchError, ContentType, SourceType
from legadilo.reading.page_fetch import MAX_URL_LENGTH, Failure, Page, checked_url, fetch_page, own_origins_of
from legadilo.reading.queries import get_or_create_tags
from legadilo.runtime import Runtime


@dataclass(frozen=True)
class SavedArticle:
    article_id: int
    created: bool  # False: the user had this URL already (it is unread again, its tags merged)
    title: str
    url: str
    fetch_error: str | None  # why the content could not be fetched (the URL is saved all the same)


async def save_article_by_url(
    rt: Runtime, user_id: int, url: str, *, tags: Sequence[str] = (), own_origins: Collection[str] = ()
) -> SavedArticle:
    """Save the page at `url` for the user (see the module docstring). Never raises for a failed fetch.

    Raises:
        InvalidInput: not an http(s) URL, too long, with credentials, or a page of this instance.
    """
    own = own_origins_of(rt.settings, own_origins)
    wanted = checked_url(url, own)
    outcome = await fetch_page(rt, wanted, own)
    return await _store(rt, user_id, wanted, outcome, tags)


async def _store(
    rt: Runtime, user_id: int, wanted: str, outcome: Page | Failure, tag_titles: Sequence[str]
) -> SavedArticle:
    """One transaction: find the user's article by any URL the page is known by, else create it; then tags,
    and the fetch error when there is one."""
    now = rt.clock.now()
    words_per_minute = await reading_speed(user_id)
    tag_ids = [tag.id for tag in await get_or_create_tags(user_id, tag_titles)]
    page = outcome if isinstance(outcome, Page) else None
    urls = [page.article.url, page.fetched_url, wanted] if page else [wanted]
    urls = [url for url in dict.fromkeys(urls) if len(url) <= MAX_URL_LENGTH]
    async with in_transaction() as conn:
        article, created = await _locked_article(conn, user_id, urls), False
        if article is None:
            article = await _insert(conn, user_id, urls[0], page, words_per_minute, now)
            created = article is not None
        if article is None:  # inserted by a concurrent save of the same URL, committed in the meantime
            article = await _locked_article(conn, user_id, urls)
            assert article is not None
        if not created:
            _refresh(article, page, words_per_minute, now)
            await article.save(using_db=conn)
        await conn.execute_query(
            "INSERT INTO article_tag (article_id, tag_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING",
            [article.id, tag_ids],
        )
        if isinstance(outcome, Failure):
            await record_failure(conn, article.id, outcome)
    error = outcome.message if isinstance(outcome, Failure) else None
    return SavedArticle(article.id, created, article.title, article.url, error)


async def reading_speed(user_id: int) -> int:
    """The user's words per minute (200 without settings), never 0: reading time is words // speed."""
    settings = await UserSettings.get_or_none(user_id=user_id)
    return max(settings.words_per_minute if settings else 200, 1)


async def record_failure(conn: BaseDBAsyncClient, article_id: int, failure: Failure) -> None:
    """Why the article's page could not be fetched, kept with the article (its content is left as it is)."""
    await ArticleFetchError.create(
        article_id=article_id, message=failure.message, technical_debug_data=failure.debug, using_db=conn
    )


async def _locked_article(conn: BaseDBAsyncClient, user_id: int, urls: list[str]) -> Article | None:
    """The user's article with the first of `urls` it is saved under, locked until the transaction ends."""
    found = await Article.filter(user_id=user_id, url__in=urls).select_for_update().using_db(conn)
    by_url = {article.url: article for article in found}
    return next((by_url[url] for url in urls if url in by_url), None)


_INSERT = """
INSERT INTO article (user_id, url, title, slug, summary, content, content_type, reading_time, authors, contributors,
    preview_picture_url, preview_picture_alt, external_tags, external_article_id, annotations, language,
    table_of_content, is_favorite, is_for_later, main_source_type, main_source_title, group_order, published_at,
    updated_at, obj_created_at, obj_updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, '[]'::jsonb, $10, $11, $12::jsonb, '', '[]'::jsonb, $13,
    $14::jsonb, false, false, 'MANUAL', $15, 0, $16, $17, $18, $18)
ON CONFLICT (user_id, url) DO NOTHING
RETURNING id"""


async def _insert(
    conn: BaseDBAsyncClient, user_id: int, url: str, page: Page | None, words_per_minute: int, now: datetime
) -> Article | None:
    """A new MANUAL article: the extracted page, or only its URL when the fetch failed; None on a conflict."""
    extracted = page.article if page else None
    title = extracted.title if extracted else url_title(url)
    values = [
        user_id, url, title, slugify(title),
        extracted.summary if extracted else "",
        extracted.content if extracted else "",
        extracted.content_type if extracted else ContentType.PLAIN.value,
        extracted.word_count // words_per_minute if extracted else 0,
        json.dumps(list(extracted.authors) if extracted else []),
        _picture(extracted.preview_picture_url) if extracted else "",
        extracted.preview_picture_alt if extracted else "",
        json.dumps(list(extracted.external_tags) if extracted else []),
        extracted.language if extracted else "",
        json.dumps(list(extracted.table_of_content) if extracted else []),
        extracted.source_title if extracted else normalize.host(url),
        extracted.published_at if extracted else None,
        extracted.updated_at if extracted else None,
        now,
    ]  # fmt: skip
    rows = await conn.execute_query_dict(_INSERT, values)  # execute_query would drop the RETURNING row
    return await Article.filter(id=rows[0]["id"]).using_db(conn).get() if rows else None


def _refresh(article: Article, page: Page | None, words_per_minute: int, now: datetime) -> None:
    """An existing article saved again: unread, MANUAL (so retention never deletes it); its content replaced
    when the page was read."""
    article.read_at = None
    article.main_source_type = SourceType.MANUAL
    article.obj_updated_at = now
    if page is not None:
        apply_page(article, page.article, words_per_minute)


def apply_page(article: Article, extracted: ExtractedArticle, words_per_minute: int) -> None:
    """Update an existing article from its page read again (saved again, or re-fetched): the reference's
    "force update". Content, table of contents, reading time, summary and preview are replaced by the new
    ones that are not empty; authors and external tags merged; the earliest publication and the latest update
    date kept. The title (the user may have edited it) changes only when it was the URL placeholder of a fetch
    that had failed."""
    if not article.content and article.title == url_title(article.url):
        article.title, article.slug = extracted.title, slugify(extracted.title)
    if extracted.content:
        article.content, article.content_type = extracted.content, ContentType(extracted.content_type)
        article.table_of_content = list(extracted.table_of_content)
        article.reading_time = extracted.word_count // words_per_minute
    article.summary = extracted.summary or article.summary
    article.preview_picture_url = _picture(extracted.preview_picture_url) or article.preview_picture_url
    article.preview_picture_alt = extracted.preview_picture_alt or article.preview_picture_alt
    article.authors = list(dict.fromkeys([*article.authors, *extracted.authors]))
    article.external_tags = list(dict.fromkeys([*article.external_tags, *extracted.external_tags]))
    article.language = extracted.language or article.language
    article.main_source_title = article.main_source_title or extracted.source_title
    dates = [date for date in (article.published_at, extracted.published_at) if date is not None]
    article.published_at = min(dates) if dates else None
    updates = [date for date in (article.updated_at, extracted.updated_at) if date is not None]
    article.updated_at = max(updates) if updates else None


def _picture(url: str) -> str:
    return url if len(url) <= MAX_URL_LENGTH else ""
