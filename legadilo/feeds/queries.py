"""Reads and writes of the feeds domain (sources, subscriptions, leases, updates). `user_id` explicit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient

from legadilo.core.errors import NotFound
from legadilo.feeds.models import Feed, FeedSource, FeedTag, FeedUpdate
from legadilo.feeds.planning import Subscriber
from legadilo.feeds.store import Subscription


def _db() -> BaseDBAsyncClient:
    return Tortoise.get_connection("default")


async def get_or_create_source(url: str, now: datetime) -> FeedSource:
    """The shared source of a feed URL (one row for every subscriber), created due at once."""
    await _db().execute_query(
        "INSERT INTO feed_source (url, etag, last_modified, body_hash, next_check_at, lease_owner, last_outcome,"
        " last_error, error_streak, created_at, updated_at) VALUES ($1, '', '', '', $2, '', 'NEVER', '', 0, $2, $2)"
        " ON CONFLICT (url) DO NOTHING",
        [url, now],
    )
    return await FeedSource.get(url=url)


async def get_feed(user_id: int, feed_id: int) -> Feed:
    """Raises:
    NotFound: no such feed for this user."""
    feed = await Feed.get_or_none(id=feed_id, user_id=user_id).select_related("source", "category")
    if feed is None:
        raise NotFound(f"no feed {feed_id} for this user")
    return feed


async def list_feeds(user_id: int) -> list[Feed]:
    return await Feed.filter(user_id=user_id).select_related("source", "category").order_by("title", "id")


async def recent_updates(source_id: int, limit: int = 20) -> list[FeedUpdate]:
    return await FeedUpdate.filter(source_id=source_id).order_by("-created_at", "-id").limit(limit)


async def set_feed_tags(feed_id: int, tag_ids: Sequence[int]) -> None:
    await FeedTag.filter(feed_id=feed_id).delete()
    await FeedTag.bulk_create([FeedTag(feed_id=feed_id, tag_id=tag_id) for tag_id in dict.fromkeys(tag_ids)])


# The claim also moves next_check_at to the lease's end: a worker killed mid-refresh leaves the source due
# again only when its lease expires, never in a tight loop. Sources told to come back later (Retry-After)
# are not claimed before then.
_CLAIM = """
UPDATE feed_source SET lease_owner = $1, leased_until = $2, next_check_at = $2
WHERE id IN (
    SELECT s.id FROM feed_source s
    WHERE {condition} AND (s.leased_until IS NULL OR s.leased_until < $3)
      AND (s.retry_after_until IS NULL OR s.retry_after_until <= $3)
      AND EXISTS (SELECT 1 FROM feed f WHERE f.source_id = s.id AND f.disabled_at IS NULL)
    ORDER BY s.next_check_at, s.id
    LIMIT $4
    FOR UPDATE SKIP LOCKED
)
RETURNING id"""


async def claim_due_sources(owner: str, now: datetime, lease_until: datetime, limit: int) -> list[int]:
    """Lease up to `limit` due sources: no other worker (here or on another machine) gets them until
    the lease ends or is released."""
    # execute_query_dict: Tortoise's execute_query drops the rows of UPDATE … RETURNING.
    rows = await _db().execute_query_dict(
        _CLAIM.format(condition="s.next_check_at <= $3"), [owner, lease_until, now, limit]
    )
    return [row["id"] for row in rows]


async def selected_sources(*, user_id: int | None, feed_id: int | None, due_only: bool, now: datetime) -> list[int]:
    """The sources of a user's enabled feeds (or of one feed), due ones only when `due_only`."""
    query = FeedSource.filter(subscriptions__disabled_at__isnull=True)
    if user_id is not None:
        query = query.filter(subscriptions__user_id=user_id)
    if feed_id is not None:
        query = query.filter(subscriptions__id=feed_id)
    if due_only:
        query = query.filter(next_check_at__lte=now)
    ids: list[int] = await query.distinct().order_by("id").values_list("id", flat=True)  # type: ignore[assignment]
    return ids


async def claim_sources(owner: str, now: datetime, lease_until: datetime, source_ids: list[int]) -> list[int]:
    """Lease these sources, skipping those another worker holds."""
    rows = await _db().execute_query_dict(
        _CLAIM.format(condition="s.id = ANY($5::bigint[])"), [owner, lease_until, now, len(source_ids), source_ids]
    )
    return [row["id"] for row in rows]


async def release_lease(source_id: int, owner: str) -> None:
    await _db().execute_query(
        "UPDATE feed_source SET lease_owner = '', leased_until = NULL WHERE id = $1 AND lease_owner = $2",
        [source_id, owner],
    )


async def subscriptions_of(source_id: int) -> tuple[list[Subscription], list[Subscriber]]:
    """The enabled subscriptions of a source, with their users' reading speed and timezone."""
    _, rows = await _db().execute_query(
        """SELECT f.id, f.user_id, f.title, f.refresh_delay, s.words_per_minute, s.timezone,
                  COALESCE(array_agg(ft.tag_id) FILTER (WHERE ft.tag_id IS NOT NULL), '{}') AS tag_ids
           FROM feed f JOIN user_settings s ON s.user_id = f.user_id
           LEFT JOIN feed_tag ft ON ft.feed_id = f.id
           WHERE f.source_id = $1 AND f.disabled_at IS NULL
           GROUP BY f.id, s.words_per_minute, s.timezone ORDER BY f.id""",
        [source_id],
    )
    subs = [
        Subscription(row["id"], row["user_id"], row["title"], row["words_per_minute"], tuple(row["tag_ids"]))
        for row in rows
    ]
    schedule = [Subscriber(row["refresh_delay"], row["timezone"]) for row in rows]
    return subs, schedule


async def enabled_feeds(source_id: int) -> list[Feed]:
    return await Feed.filter(source_id=source_id, disabled_at__isnull=True).order_by("id")


async def count_subscribers(source_id: int) -> int:
    return await Feed.filter(source_id=source_id, disabled_at__isnull=True).count()
