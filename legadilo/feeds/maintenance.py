"""Periodic jobs and operator figures: retention cleanup (reference §2.10) and the stats behind
`legadilo stats` and `/metrics`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise import Tortoise
from tortoise.transactions import in_transaction

KEEP_FEED_UPDATES_FOR = timedelta(days=60)
KEEP_FETCH_ERRORS_FOR = timedelta(days=60)


@dataclass(frozen=True)
class CleanupReport:
    articles: int
    feed_updates: int
    fetch_errors: int
    orphan_sources: int = 0


_DELETE_EXPIRED_ARTICLES = """
DELETE FROM article a USING (
    SELECT fa.article_id, min(f.article_retention_time) AS min_days, max(f.article_retention_time) AS max_days
    FROM feed_article fa JOIN feed f ON f.id = fa.feed_id
    WHERE fa.article_id IS NOT NULL GROUP BY fa.article_id
) r
WHERE a.id = r.article_id AND a.read_at IS NOT NULL AND a.main_source_type = 'FEED'
  AND r.min_days > 0 AND a.read_at + make_interval(days => r.max_days) < $1"""

_DELETE_OLD_UPDATES = """
DELETE FROM feed_update u WHERE u.created_at < $1
  AND u.id <> (SELECT max(l.id) FROM feed_update l WHERE l.source_id = u.source_id)"""


async def cleanup(now: datetime) -> CleanupReport:
    """Delete read feed articles past their feeds' retention (a feed keeping 0 days keeps them forever;
    manual articles are never purged; deleted entries stay remembered as tombstones), feed updates older
    than 60 days except each source's latest, article fetch errors older than 60 days, and sources left
    without any subscriber for a day (a subscribe that failed half-way)."""
    async with in_transaction() as conn:
        articles, _ = await conn.execute_query(_DELETE_EXPIRED_ARTICLES, [now])
        updates, _ = await conn.execute_query(_DELETE_OLD_UPDATES, [now - KEEP_FEED_UPDATES_FOR])
        errors, _ = await conn.execute_query(
            "DELETE FROM article_fetch_error WHERE created_at < $1", [now - KEEP_FETCH_ERRORS_FOR]
        )
        orphans, _ = await conn.execute_query(
            "DELETE FROM feed_source s WHERE s.created_at < $1"
            " AND NOT EXISTS (SELECT 1 FROM feed f WHERE f.source_id = s.id)",
            [now - timedelta(days=1)],
        )
    return CleanupReport(int(articles), int(updates), int(errors), int(orphans))


_GLOBAL_STATS = """
SELECT (SELECT count(*) FROM "user") AS users,
       (SELECT count(*) FROM feed) AS feeds,
       (SELECT count(*) FROM feed WHERE disabled_at IS NOT NULL) AS disabled_feeds,
       (SELECT count(*) FROM feed_source) AS feed_sources,
       (SELECT count(*) FROM article) AS articles,
       (SELECT count(*) FROM article WHERE read_at IS NULL) AS unread_articles"""

_USER_STATS = """
SELECT 1 AS users,
       (SELECT count(*) FROM feed WHERE user_id = $1) AS feeds,
       (SELECT count(*) FROM feed WHERE user_id = $1 AND disabled_at IS NOT NULL) AS disabled_feeds,
       (SELECT count(DISTINCT source_id) FROM feed WHERE user_id = $1) AS feed_sources,
       (SELECT count(*) FROM article WHERE user_id = $1) AS articles,
       (SELECT count(*) FROM article WHERE user_id = $1 AND read_at IS NULL) AS unread_articles"""

_QUEUE = """
SELECT count(*) AS due, EXTRACT(EPOCH FROM ($1 - min(s.next_check_at))) AS lag FROM feed_source s
WHERE s.next_check_at <= $1 AND EXISTS (SELECT 1 FROM feed f WHERE f.source_id = s.id AND f.disabled_at IS NULL)
  {user_filter}"""


async def stats(now: datetime, user_id: int | None = None) -> dict[str, Any]:
    """Counts for operators; with `user_id`, restricted to that user's data."""
    conn = Tortoise.get_connection("default")
    params: list[Any] = [] if user_id is None else [user_id]
    _, rows = await conn.execute_query(_GLOBAL_STATS if user_id is None else _USER_STATS, params)
    figures: dict[str, Any] = {key: int(value) for key, value in dict(rows[0]).items()}
    user_filter = (
        "" if user_id is None else "AND EXISTS (SELECT 1 FROM feed f3 WHERE f3.source_id = s.id AND f3.user_id = $2)"
    )
    _, queue = await conn.execute_query(_QUEUE.format(user_filter=user_filter), [now, *params])
    figures["due_sources"] = int(queue[0]["due"])
    figures["queue_lag_seconds"] = round(float(queue[0]["lag"] or 0.0), 1)
    source_filter = "" if user_id is None else "WHERE id IN (SELECT source_id FROM feed WHERE user_id = $1)"
    _, outcomes = await conn.execute_query(
        f"SELECT last_outcome, count(*) AS n FROM feed_source {source_filter} GROUP BY last_outcome",  # noqa: S608
        params,
    )
    figures["feed_outcomes"] = {row["last_outcome"]: int(row["n"]) for row in outcomes}
    recent_filter = "" if user_id is None else "AND source_id IN (SELECT source_id FROM feed WHERE user_id = $2)"
    _, recent = await conn.execute_query(
        f"SELECT status, count(*) AS n FROM feed_update WHERE created_at > $1 {recent_filter} GROUP BY status",  # noqa: S608
        [now - timedelta(hours=1), *params],
    )
    figures["refreshes_last_hour"] = {row["status"]: int(row["n"]) for row in recent}
    return figures
