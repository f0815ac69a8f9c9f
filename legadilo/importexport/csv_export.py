"""The custom CSV export (reference §6.4), streamed: the web downloads it, the CLI writes it to a file.

Rows come in this order: the header (`CSV_HEADER_FIELDS`), one row per category, one row per feed (both only
with `include_feeds`), then one row per article with its group and the category and feed of its main feed,
ordered by group order then id (so the articles of a group come in their order and import back in it).

Every batch is one short query (no transaction held between them) with keyset pagination (never OFFSET), so
the export runs in constant memory whatever the number of articles. Articles are read in three ranges of
`group_order`: below 0, 0 (almost every article: read along the primary key) and above 0 (articles of groups).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient

from legadilo.importexport.csv_format import CSV_HEADER_FIELDS
from legadilo.runtime import Runtime

BATCH_SIZE = 1000

# Every query below is made of these fixed fragments; values always travel as parameters.
_ARTICLE_COLUMNS = (
    "a.id, a.group_order, a.title, a.url, a.content, a.content_type, a.published_at, a.updated_at,"
    " a.authors::text AS authors, a.read_at, a.is_favorite, a.language,"
    " g.id AS group_id, g.title AS group_title, g.description AS group_description,"
    " CASE WHEN g.id IS NULL THEN '' ELSE COALESCE((SELECT jsonb_agg(t.title ORDER BY t.title, t.id)"
    " FROM articles_group_tag l JOIN tag t ON t.id = l.tag_id WHERE l.articles_group_id = g.id), '[]'::jsonb)::text"
    " END AS group_tags,"
    " c.id AS category_id, c.title AS category_title, f.id AS feed_id, f.title AS feed_title, s.url AS feed_url,"
    " f.site_url AS feed_site_url,"
    " COALESCE((SELECT jsonb_agg(t.title ORDER BY t.title, t.id) FROM article_tag l JOIN tag t ON t.id = l.tag_id"
    " WHERE l.article_id = a.id), '[]'::jsonb)::text AS tags,"
    " COALESCE((SELECT jsonb_agg(m.text ORDER BY m.created_at, m.id) FROM comment m WHERE m.article_id = a.id),"
    " '[]'::jsonb)::text AS comments"
)
_ARTICLE_FROM = (
    " FROM article a LEFT JOIN articles_group g ON g.id = a.group_id LEFT JOIN feed f ON f.id = a.main_feed_id"
    " LEFT JOIN feed_source s ON s.id = f.source_id LEFT JOIN feed_category c ON c.id = f.category_id"
)
# `$2` is `since` (NULL: everything): the source's update date, our own last change, or a comment's.
_ARTICLE_SINCE = (
    " AND ($2::timestamptz IS NULL OR a.updated_at >= $2 OR a.obj_updated_at >= $2"
    " OR EXISTS (SELECT 1 FROM comment m WHERE m.article_id = a.id AND m.updated_at >= $2))"
)


class BinaryOutput(Protocol):
    """Where `export_csv` writes: a binary file, standard output, a socket wrapper…"""

    def write(self, data: bytes, /) -> object: ...


def _db() -> BaseDBAsyncClient:
    return Tortoise.get_connection("default")


def _date(value: datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _category_row(row: dict[str, Any]) -> dict[str, str]:
    return {"category_id": str(row["id"]), "category_title": row["title"]}


def _feed_row(row: dict[str, Any]) -> dict[str, str]:
    return {
        "category_id": _text(row["category_id"]),
        "category_title": _text(row["category_title"]),
        "feed_id": str(row["id"]),
        "feed_title": row["title"],
        "feed_url": row["url"],
        "feed_site_url": row["site_url"],
    }


def _article_row(row: dict[str, Any]) -> dict[str, str]:
    return {
        "group_id": _text(row["group_id"]),
        "group_title": _text(row["group_title"]),
        "group_description": _text(row["group_description"]),
        "group_tags": row["group_tags"],
        "category_id": _text(row["category_id"]),
        "category_title": _text(row["category_title"]),
        "feed_id": _text(row["feed_id"]),
        "feed_title": _text(row["feed_title"]),
        "feed_url": _text(row["feed_url"]),
        "feed_site_url": _text(row["feed_site_url"]),
        "article_id": str(row["id"]),
        "article_title": row["title"],
        "article_url": row["url"],
        "article_content": row["content"],
        "article_content_type": row["content_type"],
        "article_date_published": _date(row["published_at"]),
        "article_date_updated": _date(row["updated_at"]),
        "article_authors": row["authors"],
        "article_tags": row["tags"],
        "article_read_at": _date(row["read_at"]),
        "article_is_favorite": "True" if row["is_favorite"] else "False",
        "article_lang": row["language"],
        "article_comments": row["comments"],
    }


def _cell(value: str) -> str:
    """One cell quoted as the csv module's default dialect does (QUOTE_MINIMAL): quoted when it holds a comma,
    a quote (doubled) or a line break. Written by hand because `str.replace` and `in` scan memory a few times
    faster than the csv writer's character loop on articles of several kB (the tests check both agree)."""
    if '"' in value:
        return '"' + value.replace('"', '""') + '"'
    if "," in value or "\n" in value or "\r" in value:
        return '"' + value + '"'
    return value


def encode_rows(rows: Iterable[dict[str, str]]) -> bytes:
    """CSV lines (`\\r\\n` ends, every column of `CSV_HEADER_FIELDS` in order, missing ones empty) as UTF-8."""
    return "".join(",".join(_cell(row.get(name, "")) for name in CSV_HEADER_FIELDS) + "\r\n" for row in rows).encode(
        "utf-8"
    )


async def _categories(user_id: int, since: datetime | None) -> AsyncIterator[list[dict[str, Any]]]:
    last = 0
    while rows := await _db().execute_query_dict(
        "SELECT id, title FROM feed_category WHERE user_id = $1 AND id > $2"
        " AND ($3::timestamptz IS NULL OR updated_at >= $3) ORDER BY id LIMIT $4",
        [user_id, last, since, BATCH_SIZE],
    ):
        yield rows
        last = rows[-1]["id"]


async def _feeds(user_id: int, since: datetime | None) -> AsyncIterator[list[dict[str, Any]]]:
    last = 0
    while rows := await _db().execute_query_dict(
        "SELECT f.id, f.title, s.url, f.site_url, c.id AS category_id, c.title AS category_title"
        " FROM feed f JOIN feed_source s ON s.id = f.source_id LEFT JOIN feed_category c ON c.id = f.category_id"
        " WHERE f.user_id = $1 AND f.id > $2 AND ($3::timestamptz IS NULL OR f.updated_at >= $3)"
        " ORDER BY f.id LIMIT $4",
        [user_id, last, since, BATCH_SIZE],
    ):
        yield rows
        last = rows[-1]["id"]


async def _group_order_range(user_id: int) -> tuple[int, int]:
    rows = await _db().execute_query_dict(
        "SELECT COALESCE(min(group_order), 0) AS low, COALESCE(max(group_order), 0) AS high FROM article"
        " WHERE user_id = $1",
        [user_id],
    )
    return rows[0]["low"], rows[0]["high"]


async def _articles_in_order_zero(user_id: int, since: datetime | None) -> AsyncIterator[list[dict[str, Any]]]:
    """Articles with group order 0, by id: the primary key walks them without sorting."""
    last = 0
    while rows := await _db().execute_query_dict(
        f"SELECT {_ARTICLE_COLUMNS}{_ARTICLE_FROM} WHERE a.user_id = $1 AND a.group_order = 0 AND a.id > $3"
        f"{_ARTICLE_SINCE} ORDER BY a.id LIMIT $4",
        [user_id, since, last, BATCH_SIZE],
    ):
        yield rows
        last = rows[-1]["id"]


async def _articles_ordered(
    user_id: int, since: datetime | None, *, positive: bool
) -> AsyncIterator[list[dict[str, Any]]]:
    """Articles with a group order above (or below) 0, by group order then id."""
    sign = ">" if positive else "<"
    last: Sequence[int] = (0, 0) if positive else (-(2**31), 0)
    while rows := await _db().execute_query_dict(
        f"SELECT {_ARTICLE_COLUMNS}{_ARTICLE_FROM} WHERE a.user_id = $1 AND a.group_order {sign} 0"
        f" AND (a.group_order, a.id) > ($3, $4){_ARTICLE_SINCE} ORDER BY a.group_order, a.id LIMIT $5",
        [user_id, since, last[0], last[1], BATCH_SIZE],
    ):
        yield rows
        last = (rows[-1]["group_order"], rows[-1]["id"])


async def _articles(user_id: int, since: datetime | None) -> AsyncIterator[list[dict[str, Any]]]:
    low, high = await _group_order_range(user_id)
    if low < 0:
        async for rows in _articles_ordered(user_id, since, positive=False):
            yield rows
    async for rows in _articles_in_order_zero(user_id, since):
        yield rows
    if high > 0:
        async for rows in _articles_ordered(user_id, since, positive=True):
            yield rows


async def _chunks(user_id: int, since: datetime | None, include_feeds: bool) -> AsyncIterator[tuple[bytes, int]]:
    """Encoded chunks with their number of rows: the header (0 rows), then one chunk per batch."""
    yield encode_rows([dict(zip(CSV_HEADER_FIELDS, CSV_HEADER_FIELDS, strict=True))]), 0
    if include_feeds:
        async for categories in _categories(user_id, since):
            yield encode_rows(map(_category_row, categories)), len(categories)
        async for feeds in _feeds(user_id, since):
            yield encode_rows(map(_feed_row, feeds)), len(feeds)
    async for articles in _articles(user_id, since):
        yield encode_rows(map(_article_row, articles)), len(articles)


async def iter_csv_export(
    rt: Runtime, user_id: int, *, since: datetime | None = None, include_feeds: bool = True
) -> AsyncIterator[bytes]:
    """The user's categories, feeds and articles as CSV, in UTF-8 chunks (the header first, then one chunk per
    batch of rows).

    `since` keeps what changed since then: categories and feeds updated at or after it, articles whose source
    update date or last change (read, tags, title…) is at or after it, or with a comment changed since.
    Deleted articles are gone from the database, so they never appear.
    """
    async for chunk, _ in _chunks(user_id, since, include_feeds):
        yield chunk


async def export_csv(
    rt: Runtime, user_id: int, out: BinaryOutput, *, since: datetime | None = None, include_feeds: bool = True
) -> int:
    """Write `iter_csv_export` to `out`; the number of rows written (the header not counted)."""
    written = 0
    async for chunk, rows in _chunks(user_id, since, include_feeds):
        out.write(chunk)
        written += rows
    return written
