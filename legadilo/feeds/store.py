"""The only writer of fetched entries: one transaction per source, bulk statements, fan-out to every
subscriber. Identity rules (reference §2.6-2.7, DESIGN §4):

- within a subscription an entry is known by its key (`feed_article.entry_key`); a key whose article is
  NULL is a tombstone: the user deleted it, it never comes back;
- per user an article is unique by URL: an entry whose URL the user already has is linked to that article;
- an entry seen again after 365 days, whose article was read more than 365 days ago, becomes unread;
- a known entry whose URL changed moves its article to the new URL (unless the user has that URL already);
- a changed entry (new content hash) updates its articles when it is newer, never their titles;
- feed tags go to new articles only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from legadilo.core.text import slugify
from legadilo.parsing.types import ParsedEntry

REPUBLICATION_DELAY = timedelta(days=365)
MAX_EXTERNAL_ID = 512
MAX_URL = 1024  # article.url and feed_entry.url; longer entries are skipped, never break the source


@dataclass(frozen=True)
class Subscription:
    """One enabled subscription of the source being stored, with what fan-out needs of its user."""

    feed_id: int
    user_id: int
    title: str
    words_per_minute: int
    tag_ids: tuple[int, ...]


@dataclass(frozen=True)
class StoreResult:
    new_articles: int
    updated_articles: int
    ignored_keys: tuple[str, ...]  # entries skipped because their article was deleted (tombstones)


async def store_entries(
    conn: BaseDBAsyncClient, source_id: int, entries: Sequence[ParsedEntry], subs: Sequence[Subscription], now: datetime
) -> StoreResult:
    """Write a parsed source: entries, new articles for every subscriber, updates, links.

    Three statements in the common case (entries, what the subscribers know of them, the new articles with
    their links and tags); the rarer cases (tombstoned URLs, articles a user already had, changed, moved or
    republished entries) add theirs."""
    entries = [entry for entry in entries if len(entry.url) <= MAX_URL]
    if not entries:
        return StoreResult(0, 0, ())
    by_key = {entry.key: entry for entry in entries}
    keys = list(by_key)
    changed, republished = await _upsert_source_entries(conn, source_id, entries, now)
    feed_ids = [sub.feed_id for sub in subs]
    known, deleted_urls = await _known_links(conn, source_id, feed_ids, keys, [entry.url for entry in entries])
    ignored = tuple(sorted({key for (_, key), article in known.items() if article is None}))
    missing = [(sub, by_key[key]) for sub in subs for key in keys if (sub.feed_id, key) not in known]
    missing = await _tombstone_deleted_urls(conn, missing, deleted_urls, now)
    created = await _insert_articles(conn, entries, subs, missing, now)
    updated = await _update_changed(conn, feed_ids, [by_key[key] for key in changed], now)
    await _follow_url_changes(conn, known, by_key)
    await _republish(conn, feed_ids, republished, now)
    return StoreResult(new_articles=created, updated_articles=updated, ignored_keys=ignored)


# The entries as they were (one snapshot for the whole statement: the upsert's effects are not visible to
# `previous`), and the upsert of every entry of the source (one row per entry for every subscriber).
_UPSERT_SOURCE_ENTRIES = """
WITH previous AS (
    SELECT entry_key, content_hash, last_seen_at FROM feed_entry WHERE source_id = $1 AND entry_key = ANY($2::text[])
), upserted AS (
    INSERT INTO feed_entry (source_id, entry_key, url, content_hash, source_updated_at, first_seen_at, last_seen_at)
    SELECT $1, k, u, h, d, $6, $6 FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS t(k, u, h, d)
    ON CONFLICT (source_id, entry_key) DO UPDATE SET url = EXCLUDED.url, content_hash = EXCLUDED.content_hash,
        source_updated_at = EXCLUDED.source_updated_at, last_seen_at = EXCLUDED.last_seen_at
)
SELECT entry_key, content_hash, last_seen_at FROM previous"""


async def _upsert_source_entries(
    conn: BaseDBAsyncClient, source_id: int, entries: Sequence[ParsedEntry], now: datetime
) -> tuple[list[str], list[str]]:
    """Record the entries of the source; return the keys known with another content hash, and the keys
    seen again after more than a year of absence."""
    rows = await conn.execute_query_dict(
        _UPSERT_SOURCE_ENTRIES,
        [
            source_id,
            [e.key for e in entries],
            [e.url for e in entries],
            [e.content_hash for e in entries],
            [e.updated_at for e in entries],
            now,
        ],
    )
    previous = {row["entry_key"]: row["content_hash"] for row in rows}
    changed = [e.key for e in entries if e.key in previous and previous[e.key] != e.content_hash]
    republished = [row["entry_key"] for row in rows if row["last_seen_at"] < now - REPUBLICATION_DELAY]
    return changed, republished


# What the subscriptions know of these keys (their article, or NULL for a tombstone), and the URLs of the
# subscriptions' tombstones among the entries' URLs (entries recorded above: a tombstone's entry may have
# moved to one of these URLs).
_KNOWN_LINKS = """
SELECT fa.feed_id, fa.entry_key, fa.article_id, a.url, false AS deleted FROM feed_article fa
LEFT JOIN article a ON a.id = fa.article_id
WHERE fa.feed_id = ANY($1::bigint[]) AND fa.entry_key = ANY($2::text[])
UNION ALL
SELECT fa.feed_id, NULL, NULL, fe.url, true FROM feed_article fa
JOIN feed_entry fe ON fe.source_id = $3 AND fe.entry_key = fa.entry_key
WHERE fa.feed_id = ANY($1::bigint[]) AND fa.article_id IS NULL AND fe.url = ANY($4::text[])"""


async def _known_links(
    conn: BaseDBAsyncClient, source_id: int, feed_ids: list[int], keys: list[str], urls: list[str]
) -> tuple[dict[tuple[int, str], tuple[int, str] | None], set[tuple[int, str]]]:
    """(feed, key) -> (article id, article url), or None for a tombstone; and the (feed, url) pairs of
    the subscriptions' tombstones."""
    if not feed_ids:
        return {}, set()
    rows = await conn.execute_query_dict(_KNOWN_LINKS, [feed_ids, keys, source_id, list(dict.fromkeys(urls))])
    known = {
        (row["feed_id"], row["entry_key"]): (row["article_id"], row["url"]) if row["article_id"] else None
        for row in rows
        if not row["deleted"]
    }
    return known, {(row["feed_id"], row["url"]) for row in rows if row["deleted"]}


async def _tombstone_deleted_urls(
    conn: BaseDBAsyncClient,
    missing: list[tuple[Subscription, ParsedEntry]],
    deleted_urls: set[tuple[int, str]],
    now: datetime,
) -> list[tuple[Subscription, ParsedEntry]]:
    """A new key whose URL is the URL of an entry the user deleted (the feed changed its ids) is a tombstone
    too: record it as such and do not bring the article back. Returns the pairs still to insert."""
    tombstones = [(sub, entry) for sub, entry in missing if (sub.feed_id, entry.url) in deleted_urls]
    if not tombstones:
        return missing
    await conn.execute_query(
        """INSERT INTO feed_article (feed_id, article_id, entry_key, last_seen_at, created_at)
           SELECT f, NULL, k, $3, $3 FROM unnest($1::bigint[], $2::text[]) AS t(f, k) ON CONFLICT DO NOTHING""",
        [[sub.feed_id for sub, _ in tombstones], [entry.key for _, entry in tombstones], now],
    )
    return [pair for pair in missing if (pair[0].feed_id, pair[1].url) not in deleted_urls]


def _preview_url(entry: ParsedEntry) -> str:
    return entry.preview_picture_url if len(entry.preview_picture_url) <= MAX_URL else ""


def _entry_columns(entries: Sequence[ParsedEntry]) -> list[list[Any]]:
    """What articles take from their entry, once per entry however many subscribers get it (see _INSERT_ARTICLES)."""
    return [
        [e.key for e in entries],
        [e.url for e in entries],
        [e.title for e in entries],
        [slugify(e.title) for e in entries],
        [e.summary for e in entries],
        [e.content for e in entries],
        [e.content_type for e in entries],
        [e.word_count for e in entries],
        [json.dumps(list(e.authors)) for e in entries],
        [json.dumps(list(e.contributors)) for e in entries],
        [_preview_url(e) for e in entries],
        [e.preview_picture_alt for e in entries],
        [json.dumps(list(e.tags)) for e in entries],
        [e.key[:MAX_EXTERNAL_ID] for e in entries],
        [e.language for e in entries],
        [json.dumps(list(e.table_of_content)) for e in entries],
        [e.published_at for e in entries],
        [e.updated_at for e in entries],
    ]


# Fan-out in SQL: the entries are sent once, the subscriptions once, and the (subscription, entry) pairs to
# create as keys; new articles (one per user and URL: the first entry in feed order wins), their links and
# the subscriptions' tags on them are written by the one statement. Pairs whose user already had the URL are
# not linked here (see _link_existing). New articles carry their tag ids already (`article.tag_ids`, which the
# article_tag trigger would otherwise set with a second write of each row).
_INSERT_ARTICLES = """
WITH e AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
        $8::int[], $9::jsonb[], $10::jsonb[], $11::text[], $12::text[], $13::jsonb[], $14::text[], $15::text[],
        $16::jsonb[], $17::timestamptz[], $18::timestamptz[])
        WITH ORDINALITY
        AS e(k, url, title, slug, summary, content, ct, wc, au, co, pp, pa, et, ei, lang, toc, pub, upd, n)
), pairs AS (
    SELECT s.f, s.u, s.mst, s.wpm, e.* FROM unnest($19::bigint[], $20::text[]) AS p(f, k)
    JOIN unnest($21::bigint[], $22::bigint[], $23::text[], $24::int[]) AS s(f, u, mst, wpm) ON s.f = p.f
    JOIN e ON e.k = p.k
), inserted AS (
    INSERT INTO article (user_id, url, title, slug, summary, content, content_type, reading_time, authors,
        contributors, preview_picture_url, preview_picture_alt, external_tags, external_article_id, language,
        table_of_content, main_source_title, main_feed_id, published_at, updated_at, annotations, is_favorite,
        is_for_later, main_source_type, group_order, obj_created_at, obj_updated_at, tag_ids)
    SELECT DISTINCT ON (u, url) u, url, title, slug, summary, content, ct, wc / GREATEST(wpm, 1), au, co, pp, pa, et,
        ei, lang, toc, mst, f, pub, upd, '[]'::jsonb, false, false, 'FEED', 0, $25, $25,
        ARRAY(SELECT DISTINCT t.tag FROM unnest($26::bigint[], $27::bigint[]) AS t(f, tag) WHERE t.f = pairs.f
              ORDER BY t.tag)
    FROM pairs ORDER BY u, url, n
    ON CONFLICT (user_id, url) DO NOTHING
    RETURNING id, user_id, url
), linked AS (
    INSERT INTO feed_article (feed_id, article_id, entry_key, last_seen_at, created_at)
    SELECT pairs.f, inserted.id, pairs.k, $25, $25
    FROM pairs JOIN inserted ON inserted.user_id = pairs.u AND inserted.url = pairs.url
    ON CONFLICT DO NOTHING
), tagged AS (
    INSERT INTO article_tag (article_id, tag_id)
    SELECT DISTINCT inserted.id, t.tag
    FROM pairs JOIN inserted ON inserted.user_id = pairs.u AND inserted.url = pairs.url
    JOIN unnest($26::bigint[], $27::bigint[]) AS t(f, tag) ON t.f = pairs.f
    ON CONFLICT DO NOTHING
)
SELECT id, user_id, url FROM inserted"""


async def _insert_articles(
    conn: BaseDBAsyncClient,
    entries: Sequence[ParsedEntry],
    subs: Sequence[Subscription],
    missing: list[tuple[Subscription, ParsedEntry]],
    now: datetime,
) -> int:
    """New articles for the (subscription, entry) pairs not linked yet; link every pair; tag new articles."""
    if not missing:
        return 0
    wanted = {entry.key for _, entry in missing}
    tags = [(sub.feed_id, tag_id) for sub in subs for tag_id in sub.tag_ids]
    # execute_query_dict: Tortoise's execute_query drops the rows of INSERT … RETURNING.
    inserted = await conn.execute_query_dict(
        _INSERT_ARTICLES,
        [
            *_entry_columns([entry for entry in entries if entry.key in wanted]),
            [sub.feed_id for sub, _ in missing],
            [entry.key for _, entry in missing],
            [sub.feed_id for sub in subs],
            [sub.user_id for sub in subs],
            [sub.title[:300] for sub in subs],
            [sub.words_per_minute for sub in subs],
            now,
            [feed_id for feed_id, _ in tags],
            [tag_id for _, tag_id in tags],
        ],
    )
    new_ids = {(row["user_id"], row["url"]): row["id"] for row in inserted}
    await _link_existing(conn, [(sub, entry) for sub, entry in missing if (sub.user_id, entry.url) not in new_ids], now)
    return len(new_ids)


async def _link_existing(conn: BaseDBAsyncClient, pairs: list[tuple[Subscription, ParsedEntry]], now: datetime) -> None:
    """Link the pairs whose user already had an article with the entry's URL to that article."""
    if not pairs:
        return
    ids = await _article_ids(conn, [(sub.user_id, entry.url) for sub, entry in pairs], {})
    await conn.execute_query(
        """INSERT INTO feed_article (feed_id, article_id, entry_key, last_seen_at, created_at)
           SELECT f, a, k, $4, $4 FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS t(f, a, k)
           ON CONFLICT DO NOTHING""",
        [
            [sub.feed_id for sub, _ in pairs],
            [ids[(sub.user_id, entry.url)] for sub, entry in pairs],
            [entry.key for _, entry in pairs],
            now,
        ],
    )


async def _article_ids(
    conn: BaseDBAsyncClient, pairs: list[tuple[int, str]], known: dict[tuple[int, str], int]
) -> dict[tuple[int, str], int]:
    """Ids of the users' articles with these URLs: just inserted, or there already."""
    wanted = [pair for pair in dict.fromkeys(pairs) if pair not in known]
    ids = dict(known)
    if wanted:
        _, rows = await conn.execute_query(
            """SELECT a.id, a.user_id, a.url FROM article a
               JOIN unnest($1::bigint[], $2::text[]) AS t(u, url) ON a.user_id = t.u AND a.url = t.url""",
            [[u for u, _ in wanted], [url for _, url in wanted]],
        )
        ids.update({(row["user_id"], row["url"]): row["id"] for row in rows})
    return ids


async def _update_changed(
    conn: BaseDBAsyncClient, feed_ids: list[int], entries: list[ParsedEntry], now: datetime
) -> int:
    """Refresh the articles of changed entries when the entry is newer; titles are never overwritten."""
    if not entries or not feed_ids:
        return 0
    count, _ = await conn.execute_query(
        """UPDATE article a SET
               summary = CASE WHEN t.summary <> '' THEN t.summary ELSE a.summary END,
               content = CASE WHEN t.content <> '' THEN t.content ELSE a.content END,
               content_type = CASE WHEN t.content <> '' THEN t.ct ELSE a.content_type END,
               table_of_content = CASE WHEN t.content <> '' THEN t.toc ELSE a.table_of_content END,
               preview_picture_url = CASE WHEN t.pp <> '' THEN t.pp ELSE a.preview_picture_url END,
               preview_picture_alt = CASE WHEN t.pp <> '' AND (t.pa <> '' OR t.pp <> a.preview_picture_url)
                                          THEN t.pa ELSE a.preview_picture_alt END,
               reading_time = CASE WHEN a.reading_time = 0 THEN t.wc / GREATEST(s.words_per_minute, 1)
                                   ELSE a.reading_time END,
               authors = (SELECT COALESCE(jsonb_agg(v ORDER BY o), '[]'::jsonb) FROM (
                   SELECT DISTINCT ON (v) v, o
                   FROM jsonb_array_elements(a.authors || t.au) WITH ORDINALITY AS e(v, o)
                   ORDER BY v, o) merged),
               external_tags = (SELECT COALESCE(jsonb_agg(v ORDER BY o), '[]'::jsonb) FROM (
                   SELECT DISTINCT ON (v) v, o
                   FROM jsonb_array_elements(a.external_tags || t.et) WITH ORDINALITY AS e(v, o)
                   ORDER BY v, o) merged),
               updated_at = GREATEST(a.updated_at, t.upd),
               published_at = LEAST(a.published_at, t.pub),
               obj_updated_at = $9
           FROM feed_article fa, user_settings s,
                unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::timestamptz[],
                       $10::timestamptz[], $11::text[], $12::int[], $13::jsonb[], $14::jsonb[])
                    AS t(k, summary, content, ct, toc, pp, upd, pub, pa, wc, au, et)
           WHERE fa.feed_id = ANY($1::bigint[]) AND fa.entry_key = t.k AND fa.article_id = a.id
             AND s.user_id = a.user_id
             AND (t.upd IS NULL OR a.updated_at IS NULL OR t.upd > a.updated_at)""",
        [
            feed_ids,
            [e.key for e in entries],
            [e.summary for e in entries],
            [e.content for e in entries],
            [e.content_type for e in entries],
            [json.dumps(list(e.table_of_content)) for e in entries],
            [_preview_url(e) for e in entries],
            [e.updated_at for e in entries],
            now,
            [e.published_at for e in entries],
            [e.preview_picture_alt for e in entries],
            [e.word_count for e in entries],
            [json.dumps(list(e.authors)) for e in entries],
            [json.dumps(list(e.tags)) for e in entries],
        ],
    )
    return int(count)


async def _follow_url_changes(
    conn: BaseDBAsyncClient, known: dict[tuple[int, str], tuple[int, str] | None], by_key: dict[str, ParsedEntry]
) -> None:
    moves = {
        article[0]: by_key[key].url
        for (_, key), article in known.items()
        if article is not None and article[1] != by_key[key].url
    }
    if moves:
        await conn.execute_query(
            """UPDATE article a SET url = t.url FROM unnest($1::bigint[], $2::text[]) AS t(id, url)
               WHERE a.id = t.id
                 AND NOT EXISTS (SELECT 1 FROM article o WHERE o.user_id = a.user_id AND o.url = t.url)""",
            [list(moves), list(moves.values())],
        )


async def _republish(conn: BaseDBAsyncClient, feed_ids: list[int], keys: list[str], now: datetime) -> None:
    """Entries back after a year: their articles read more than a year ago are unread again."""
    if not feed_ids or not keys:
        return
    await conn.execute_query(
        """UPDATE article a SET read_at = NULL FROM feed_article fa
           WHERE fa.article_id = a.id AND fa.feed_id = ANY($1::bigint[]) AND fa.entry_key = ANY($2::text[])
             AND a.read_at < $3""",
        [feed_ids, keys, now - REPUBLICATION_DELAY],
    )
