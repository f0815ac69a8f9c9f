"""The imported articles themselves, in bulk: insert the new ones, find the existing ones, merge into them
(the merge rules are in article_writer's doc)."""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from legadilo.importexport.article_preparation import ArticleRow

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


async def insert_articles(
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


async def article_ids_by_url(
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


async def merge_articles(
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
