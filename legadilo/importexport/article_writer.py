"""The one writer of imported articles (CSV, Wallabag): a whole batch in a few bulk statements.

One line: `prepare` each record (article_preparation: pure; run outside the transaction) →
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

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from legadilo.importexport.article_preparation import ArticleRow
from legadilo.importexport.article_relations import (
    add_comments,
    group_ids_by_title,
    group_orders,
    link_feeds,
    link_tags,
    tag_ids_by_slug,
    tag_slug,
)
from legadilo.importexport.article_upserts import article_ids_by_url, insert_articles, merge_articles

DEFAULT_WORDS_PER_MINUTE = 200
# pg_advisory_xact_lock(IMPORT_LOCK, hashint8(user_id)): the imports of one user write one batch at a time.
IMPORT_LOCK = 0x4C_47_49_4D  # "LGIM"


@dataclass
class SaveResult:
    created: dict[str, int] = field(default_factory=dict)  # "articles", "tags", "groups", "comments"
    updated: int = 0  # existing articles that changed (state, content, new tags or comments…)

    def add(self, what: str, count: int) -> None:
        if count:
            self.created[what] = self.created.get(what, 0) + count


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
    tag_ids, tags_created = await tag_ids_by_slug(connection, user_id, [tag for row in rows for tag in _all_tags(row)])
    result.add("tags", tags_created)
    group_ids, groups_created = await group_ids_by_title(
        connection, user_id, [row.group for row in rows if row.group], tag_ids, now
    )
    result.add("groups", groups_created)
    groups = [group_ids[row.group.title] if row.group else None for row in rows]
    orders = await group_orders(connection, groups)  # in file order: a group lists its articles as the file does
    by_url = sorted(range(len(rows)), key=lambda i: rows[i].url)  # every writer locks rows in the same order
    rows, groups, orders = [rows[i] for i in by_url], [groups[i] for i in by_url], [orders[i] for i in by_url]
    reading_times = [row.word_count // words_per_minute if row.word_count else row.reading_time for row in rows]
    new_ids = await insert_articles(connection, user_id, rows, reading_times, groups, orders, now)
    result.add("articles", len(new_ids))
    ids = await article_ids_by_url(connection, user_id, [row.url for row in rows if row.url not in new_ids], new_ids)
    existing = [i for i, row in enumerate(rows) if row.url not in new_ids and row.url in ids]
    changed = await merge_articles(
        connection, [(ids[rows[i].url], rows[i], reading_times[i], groups[i], orders[i]) for i in existing], now
    )
    present = [row for row in rows if row.url in ids]
    tagged = await link_tags(connection, [(ids[r.url], tag_ids[tag_slug(tag)]) for r in present for tag in r.tags])
    commented = await add_comments(connection, [(ids[r.url], text) for r in present for text in r.comments], now)
    result.add("comments", len(commented))
    await link_feeds(connection, [(r.main_feed_id, ids[r.url], r.url) for r in present if r.main_feed_id], now)
    existing_ids = {ids[rows[i].url] for i in existing}
    result.updated += len((changed | tagged | set(commented)) & existing_ids)


def _all_tags(row: ArticleRow) -> tuple[str, ...]:
    return row.tags + (row.group.tags if row.group else ())
