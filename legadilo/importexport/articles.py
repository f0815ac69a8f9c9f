"""The one writer of imported articles (CSV, Wallabag): a whole batch in a few bulk statements.

One line: `prepare` each record (pure: sanitise, measure, normalise; run outside the transaction) →
`save_articles` in the batch's transaction: per-user advisory lock → tags → groups → insert new articles
(sorted by URL, `ON CONFLICT (user_id, url) DO NOTHING`) → merge the existing ones → tag links → comments →
feed links.

Merge rules for an article the user already has (same URL): it is never duplicated and never loses anything.
Tags and comments not already there are added; read, favourite and for-later states are kept when the file
says so (an import never marks anything unread); content, its type and table of contents are replaced only
when the imported article is newer (a later `updated_at`) or the stored content is empty; the summary and
preview picture follow the content, or fill empty ones; authors and annotations are merged; empty language,
source title, external id, main feed and group are filled; the title is never overwritten; `published_at`
keeps the earliest date and `updated_at` the latest. A URL repeated in one batch is merged the same way, in
file order.
"""

from __future__ import annotations

import asyncio
import html
import json
import os
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

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
DEFAULT_WORDS_PER_MINUTE = 200
POOL_MIN_ARTICLES = 50  # fewer articles are prepared in the importer's process (no round trip to the pool)
# pg_advisory_xact_lock(IMPORT_LOCK, hashint8(user_id)): the imports of one user write one batch at a time.
IMPORT_LOCK = 0x4C_47_49_4D  # "LGIM"


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


@dataclass
class SaveResult:
    created: dict[str, int] = field(default_factory=dict)  # "articles", "tags", "groups", "comments"
    updated: int = 0  # existing articles that changed (state, content, new tags or comments…)

    def add(self, what: str, count: int) -> None:
        if count:
            self.created[what] = self.created.get(what, 0) + count


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


class WriteQueue:
    """Batches written one at a time and in order, while the importer reads the next one: `put` waits for the
    previous write (and raises its error) before starting this one."""

    def __init__(self) -> None:
        self._task: asyncio.Future[None] | None = None

    async def put(self, write: Callable[[], Awaitable[None]]) -> None:
        await self.drain()
        self._task = asyncio.ensure_future(write())

    async def drain(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            await task

    async def settle(self) -> None:
        """Let the write in progress end, without raising its error: the importer is failing with its own."""
        task, self._task = self._task, None
        if task is not None:
            await asyncio.wait([task])
            if not task.cancelled():
                task.exception()  # retrieved, so that asyncio does not log it as lost


async def lock_user_imports(connection: BaseDBAsyncClient, user_id: int) -> None:
    """Hold the user's import lock until the end of the transaction: two imports of one user (the same file
    uploaded twice) then write one batch at a time instead of deadlocking on each other's rows."""
    await connection.execute_query_dict(
        "SELECT pg_advisory_xact_lock($1, hashint8($2::bigint))", [IMPORT_LOCK, user_id]
    )


async def save_articles(
    connection: BaseDBAsyncClient, user_id: int, batch: Sequence[ArticleRow], now: datetime
) -> SaveResult:
    """Write a batch of prepared articles for one user, inside the caller's transaction (see the module doc)."""
    result = SaveResult()
    if not batch:
        return result
    await lock_user_imports(connection, user_id)
    rows = await connection.execute_query_dict(
        "SELECT words_per_minute FROM user_settings WHERE user_id = $1", [user_id]
    )
    words_per_minute = max(rows[0]["words_per_minute"], 1) if rows else DEFAULT_WORDS_PER_MINUTE
    for round_rows in _rounds(batch):
        await _write(connection, user_id, round_rows, now, words_per_minute, result)
    return result


def _rounds(batch: Sequence[ArticleRow]) -> list[list[ArticleRow]]:
    """The batch split so that a URL appears once per round (its second occurrence goes to the second round…),
    in file order."""
    rounds: list[list[ArticleRow]] = []
    seen: dict[str, int] = {}
    for row in batch:
        index = seen.get(row.url, 0)
        seen[row.url] = index + 1
        if index == len(rounds):
            rounds.append([])
        rounds[index].append(row)
    return rounds


async def _write(
    connection: BaseDBAsyncClient,
    user_id: int,
    rows: list[ArticleRow],
    now: datetime,
    words_per_minute: int,
    result: SaveResult,
) -> None:
    """One round (each URL once)."""
    tag_ids = await _tag_ids(connection, user_id, [tag for row in rows for tag in _all_tags(row)], result)
    group_ids = await _group_ids(connection, user_id, [row.group for row in rows if row.group], tag_ids, now, result)
    groups = [group_ids[row.group.title] if row.group else None for row in rows]
    orders = await _group_orders(connection, groups)  # in file order: a group lists its articles as the file does
    by_url = sorted(range(len(rows)), key=lambda i: rows[i].url)  # every writer locks rows in the same order
    rows, groups, orders = [rows[i] for i in by_url], [groups[i] for i in by_url], [orders[i] for i in by_url]
    reading_times = [row.word_count // words_per_minute if row.word_count else row.reading_time for row in rows]
    new_ids = await _insert_articles(connection, user_id, rows, reading_times, groups, orders, now)
    result.add("articles", len(new_ids))
    ids = await _article_ids(connection, user_id, [row.url for row in rows if row.url not in new_ids], new_ids)
    existing = [i for i, row in enumerate(rows) if row.url not in new_ids and row.url in ids]
    changed = await _merge_articles(
        connection, [(ids[rows[i].url], rows[i], reading_times[i], groups[i], orders[i]) for i in existing], now
    )
    present = [row for row in rows if row.url in ids]
    tagged = await _link_tags(connection, [(ids[r.url], tag_ids[_slug(tag)]) for r in present for tag in r.tags])
    commented = await _add_comments(connection, [(ids[r.url], text) for r in present for text in r.comments], now)
    result.add("comments", len(commented))
    await _link_feeds(connection, [(r.main_feed_id, ids[r.url], r.url) for r in present if r.main_feed_id], now)
    existing_ids = {ids[rows[i].url] for i in existing}
    result.updated += len((changed | tagged | set(commented)) & existing_ids)


def _slug(title: str) -> str:
    return slugify(title, max_length=TAG_MAX_LENGTH)


def _all_tags(row: ArticleRow) -> tuple[str, ...]:
    return row.tags + (row.group.tags if row.group else ())


async def _tag_ids(
    connection: BaseDBAsyncClient, user_id: int, titles: list[str], result: SaveResult
) -> dict[str, int]:
    """The user's tags by slug, the missing ones created (title as first written)."""
    wanted = {_slug(title): title for title in reversed(titles)}
    if not wanted:
        return {}
    slugs = sorted(wanted)
    created = await connection.execute_query_dict(
        "INSERT INTO tag (user_id, slug, title) SELECT $1, s, t FROM unnest($2::text[], $3::text[]) AS x(s, t)"
        " ON CONFLICT (user_id, slug) DO NOTHING RETURNING id",
        [user_id, slugs, [wanted[slug] for slug in slugs]],
    )
    result.add("tags", len(created))
    rows = await connection.execute_query_dict(
        "SELECT id, slug FROM tag WHERE user_id = $1 AND slug = ANY($2::text[])", [user_id, slugs]
    )
    return {row["slug"]: row["id"] for row in rows}


async def _group_ids(
    connection: BaseDBAsyncClient,
    user_id: int,
    groups: list[ImportedGroup],
    tag_ids: dict[str, int],
    now: datetime,
    result: SaveResult,
) -> dict[str, int]:
    """Groups by exact title: the user's oldest group with that title, else a new one (with its description);
    the tags given for a group are added to it."""
    if not groups:
        return {}
    first = {group.title: group for group in reversed(groups)}
    titles = sorted(first)
    rows = await connection.execute_query_dict(
        "SELECT DISTINCT ON (title) id, title FROM articles_group WHERE user_id = $1 AND title = ANY($2::text[])"
        " ORDER BY title, created_at, id",
        [user_id, titles],
    )
    ids = {row["title"]: row["id"] for row in rows}
    missing = [title for title in titles if title not in ids]
    if missing:
        created = await connection.execute_query_dict(
            "INSERT INTO articles_group (user_id, title, slug, description, created_at, updated_at)"
            " SELECT $1, t, s, d, $5, $5 FROM unnest($2::text[], $3::text[], $4::text[]) AS x(t, s, d)"
            " RETURNING id, title",
            [user_id, missing, [slugify(t) for t in missing], [first[t].description for t in missing], now],
        )
        ids.update({row["title"]: row["id"] for row in created})
        result.add("groups", len(created))
    pairs = {(ids[group.title], tag_ids[_slug(tag)]) for group in groups for tag in group.tags}
    if pairs:
        await connection.execute_query_dict(
            "INSERT INTO articles_group_tag (articles_group_id, tag_id)"
            " SELECT * FROM unnest($1::bigint[], $2::bigint[]) ON CONFLICT DO NOTHING",
            [[group_id for group_id, _ in sorted(pairs)], [tag_id for _, tag_id in sorted(pairs)]],
        )
    return ids


async def _group_orders(connection: BaseDBAsyncClient, groups: list[int | None]) -> list[int]:
    """For each row in a group, the next free position at the end of the group (in row order); 0 elsewhere."""
    wanted = sorted({group_id for group_id in groups if group_id is not None})
    if not wanted:
        return [0] * len(groups)
    rows = await connection.execute_query_dict(
        "SELECT group_id, max(group_order) AS last FROM article WHERE group_id = ANY($1::bigint[]) GROUP BY group_id",
        [wanted],
    )
    last = {row["group_id"]: row["last"] for row in rows}
    orders: list[int] = []
    for group_id in groups:
        if group_id is None:
            orders.append(0)
        else:
            last[group_id] = last.get(group_id, 0) + 1
            orders.append(last[group_id])
    return orders


_INSERT_ARTICLES = """
INSERT INTO article (user_id, url, title, slug, summary, content, content_type, reading_time, authors, annotations,
    table_of_content, read_at, is_favorite, is_for_later, language, preview_picture_url, external_article_id,
    main_source_type, main_source_title, main_feed_id, group_id, group_order, published_at, updated_at,
    contributors, external_tags, preview_picture_alt, obj_created_at, obj_updated_at)
SELECT $1, t.*, '[]'::jsonb, '[]'::jsonb, '', $24, $24
FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::jsonb[],
    $10::jsonb[], $11::jsonb[], $12::timestamptz[], $13::bool[], $14::bool[], $15::text[], $16::text[], $17::text[],
    $18::text[], $19::text[], $20::bigint[], $21::bigint[], $22::int[], $23::timestamptz[], $25::timestamptz[]) AS t
ON CONFLICT (user_id, url) DO NOTHING
RETURNING id, url"""


async def _insert_articles(
    connection: BaseDBAsyncClient,
    user_id: int,
    rows: list[ArticleRow],
    reading_times: list[int],
    groups: list[int | None],
    orders: list[int],
    now: datetime,
) -> dict[str, int]:
    """Insert the rows whose URL the user does not have yet; their ids by URL."""
    inserted = await connection.execute_query_dict(
        _INSERT_ARTICLES,
        [
            user_id,
            [r.url for r in rows],
            [r.title for r in rows],
            [r.slug for r in rows],
            [r.summary for r in rows],
            [r.content for r in rows],
            [r.content_type for r in rows],
            reading_times,
            [r.authors for r in rows],
            [r.annotations for r in rows],
            [r.table_of_content for r in rows],
            [r.read_at for r in rows],
            [r.is_favorite for r in rows],
            [r.is_for_later for r in rows],
            [r.language for r in rows],
            [r.preview_picture_url for r in rows],
            [r.external_article_id for r in rows],
            [r.source_type for r in rows],
            [r.source_title for r in rows],
            [r.main_feed_id for r in rows],
            groups,
            orders,
            [r.published_at for r in rows],
            now,
            [r.updated_at for r in rows],
        ],
    )
    return {row["url"]: row["id"] for row in inserted}


async def _article_ids(
    connection: BaseDBAsyncClient, user_id: int, urls: list[str], known: dict[str, int]
) -> dict[str, int]:
    ids = dict(known)
    if urls:
        rows = await connection.execute_query_dict(
            "SELECT id, url FROM article WHERE user_id = $1 AND url = ANY($2::text[])", [user_id, urls]
        )
        ids.update({row["url"]: row["id"] for row in rows})
    return ids


# Authors and annotations: the stored and the incoming JSON arrays, in order, without repeated values.
_MERGE_ARTICLES = """
WITH t AS (
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::int[], $7::text[],
        $8::jsonb[], $9::jsonb[], $10::text[], $11::text[], $12::text[], $13::timestamptz[], $14::bool[], $15::bool[],
        $16::bigint[], $17::bigint[], $18::int[], $19::timestamptz[], $20::timestamptz[])
    AS t(tid, body, ct, toc, abstract, rt, pp, au, an, lang, ei, mst, seen, fav, later, mf, gid, go, pub, upd)
), k AS (
    SELECT t.*, e.content, e.content_type, e.table_of_content, e.summary, e.reading_time, e.preview_picture_url,
        e.authors, e.annotations, e.language, e.external_article_id, e.main_source_title, e.read_at, e.is_favorite,
        e.is_for_later, e.main_feed_id, e.group_id, e.group_order, e.published_at, e.updated_at,
        (t.upd IS NOT NULL AND (e.updated_at IS NULL OR t.upd > e.updated_at)) AS newer
    FROM t JOIN article e ON e.id = t.tid
), n AS (
    SELECT k.tid,
        CASE WHEN k.take THEN k.body ELSE k.content END AS content,
        CASE WHEN k.take THEN k.ct ELSE k.content_type END AS content_type,
        CASE WHEN k.take THEN k.toc ELSE k.table_of_content END AS table_of_content,
        CASE WHEN k.abstract <> '' AND (k.take OR k.summary = '') THEN k.abstract ELSE k.summary END AS summary,
        CASE WHEN k.take OR k.reading_time = 0 THEN k.rt ELSE k.reading_time END AS reading_time,
        CASE WHEN k.pp <> '' AND (k.newer OR k.preview_picture_url = '') THEN k.pp ELSE k.preview_picture_url END
            AS preview_picture_url,
        (SELECT COALESCE(jsonb_agg(v ORDER BY o), '[]'::jsonb) FROM (SELECT DISTINCT ON (v) v, o
            FROM jsonb_array_elements(k.authors || k.au) WITH ORDINALITY AS x(v, o) ORDER BY v, o) m) AS authors,
        (SELECT COALESCE(jsonb_agg(v ORDER BY o), '[]'::jsonb) FROM (SELECT DISTINCT ON (v) v, o
            FROM jsonb_array_elements(k.annotations || k.an) WITH ORDINALITY AS x(v, o) ORDER BY v, o) m)
            AS annotations,
        CASE WHEN k.language = '' THEN k.lang ELSE k.language END AS language,
        CASE WHEN k.external_article_id = '' THEN k.ei ELSE k.external_article_id END AS external_article_id,
        CASE WHEN k.main_source_title = '' THEN k.mst ELSE k.main_source_title END AS main_source_title,
        COALESCE(k.read_at, k.seen) AS read_at,
        k.is_favorite OR k.fav AS is_favorite,
        k.is_for_later OR k.later AS is_for_later,
        COALESCE(k.main_feed_id, k.mf) AS main_feed_id,
        COALESCE(k.group_id, k.gid) AS group_id,
        CASE WHEN k.group_id IS NULL AND k.gid IS NOT NULL THEN k.go ELSE k.group_order END AS group_order,
        LEAST(k.published_at, k.pub) AS published_at,
        GREATEST(k.updated_at, k.upd) AS updated_at
    FROM (SELECT k.*, (k.body <> '' AND (k.content = '' OR k.newer)) AS take FROM k) k
)
UPDATE article a SET content = n.content, content_type = n.content_type, table_of_content = n.table_of_content,
    summary = n.summary, reading_time = n.reading_time, preview_picture_url = n.preview_picture_url,
    authors = n.authors, annotations = n.annotations, language = n.language,
    external_article_id = n.external_article_id, main_source_title = n.main_source_title, read_at = n.read_at,
    is_favorite = n.is_favorite, is_for_later = n.is_for_later, main_feed_id = n.main_feed_id,
    group_id = n.group_id, group_order = n.group_order, published_at = n.published_at, updated_at = n.updated_at,
    obj_updated_at = $21
FROM n
WHERE a.id = n.tid AND (a.content, a.content_type, a.table_of_content, a.summary, a.reading_time,
        a.preview_picture_url, a.authors, a.annotations, a.language, a.external_article_id, a.main_source_title,
        a.read_at, a.is_favorite, a.is_for_later, a.main_feed_id, a.group_id, a.group_order, a.published_at,
        a.updated_at)
    IS DISTINCT FROM (n.content, n.content_type, n.table_of_content, n.summary, n.reading_time,
        n.preview_picture_url, n.authors, n.annotations, n.language, n.external_article_id, n.main_source_title,
        n.read_at, n.is_favorite, n.is_for_later, n.main_feed_id, n.group_id, n.group_order, n.published_at,
        n.updated_at)
RETURNING a.id"""


async def _merge_articles(
    connection: BaseDBAsyncClient, merges: list[tuple[int, ArticleRow, int, int | None, int]], now: datetime
) -> set[int]:
    """Merge rows into the user's existing articles (id, row, reading time, group, order); the ids changed."""
    if not merges:
        return set()
    rows = [row for _, row, _, _, _ in merges]
    changed = await connection.execute_query_dict(
        _MERGE_ARTICLES,
        [
            [article_id for article_id, _, _, _, _ in merges],
            [r.content for r in rows],
            [r.content_type for r in rows],
            [r.table_of_content for r in rows],
            [r.summary for r in rows],
            [reading_time for _, _, reading_time, _, _ in merges],
            [r.preview_picture_url for r in rows],
            [r.authors for r in rows],
            [r.annotations for r in rows],
            [r.language for r in rows],
            [r.external_article_id for r in rows],
            [r.source_title for r in rows],
            [r.read_at for r in rows],
            [r.is_favorite for r in rows],
            [r.is_for_later for r in rows],
            [r.main_feed_id for r in rows],
            [group for _, _, _, group, _ in merges],
            [order for _, _, _, _, order in merges],
            [r.published_at for r in rows],
            [r.updated_at for r in rows],
            now,
        ],
    )
    return {row["id"] for row in changed}


async def _link_tags(connection: BaseDBAsyncClient, pairs: list[tuple[int, int]]) -> set[int]:
    """Tag articles (article id, tag id); the ids of the articles that got a new tag."""
    pairs = sorted(set(pairs))
    if not pairs:
        return set()
    linked = await connection.execute_query_dict(
        "INSERT INTO article_tag (article_id, tag_id) SELECT * FROM unnest($1::bigint[], $2::bigint[])"
        " ON CONFLICT DO NOTHING RETURNING article_id",
        [[article_id for article_id, _ in pairs], [tag_id for _, tag_id in pairs]],
    )
    return {row["article_id"] for row in linked}


async def _add_comments(connection: BaseDBAsyncClient, comments: list[tuple[int, str]], now: datetime) -> list[int]:
    """Add the comments an article does not have yet (same text), in file order; their articles' ids."""
    comments = list(dict.fromkeys(comments))
    if not comments:
        return []
    added = await connection.execute_query_dict(
        "INSERT INTO comment (article_id, text, created_at, updated_at)"
        " SELECT a, t, $3, $3 FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS x(a, t, o)"
        " WHERE NOT EXISTS (SELECT 1 FROM comment c WHERE c.article_id = x.a AND c.text = x.t) ORDER BY o"
        " RETURNING article_id",
        [[article_id for article_id, _ in comments], [text for _, text in comments], now],
    )
    return [row["article_id"] for row in added]


async def _link_feeds(connection: BaseDBAsyncClient, links: list[tuple[int | None, int, str]], now: datetime) -> None:
    """Link articles to their main feed (feed id, article id, URL as the entry key), unless linked already."""
    links = sorted({link for link in links if link[0] is not None}, key=lambda link: (link[0] or 0, link[2]))
    if links:
        await connection.execute_query_dict(
            "INSERT INTO feed_article (feed_id, article_id, entry_key, last_seen_at, created_at)"
            " SELECT f, a, k, $4, $4 FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS t(f, a, k)"
            " ON CONFLICT (feed_id, entry_key) DO NOTHING",
            [[f for f, _, _ in links], [a for _, a, _ in links], [k for _, _, k in links], now],
        )
