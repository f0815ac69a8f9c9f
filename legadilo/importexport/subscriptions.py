"""Categories and subscriptions created in bulk by the importers (OPML, CSV), without fetching anything: the
feeds' sources are made due at once, so the scheduler fetches them on its next pass.

Every function here writes through the caller's connection (inside its transaction).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from legadilo.core.errors import InvalidInput
from legadilo.core.text import slugify
from legadilo.feeds.models import FeedType, RefreshDelay
from legadilo.feeds.services import normalise_url

MAX_FEED_URL = 2048
CATEGORY_TITLE_MAX_LENGTH = 100
FEED_TITLE_MAX_LENGTH = 300


@dataclass(frozen=True)
class NewCategory:
    slug: str
    title: str
    parent_slug: str | None
    depth: int


@dataclass(frozen=True)
class NewFeed:
    url: str
    title: str
    site_url: str
    feed_type: FeedType
    category_slug: str | None


def feed_url(raw: str) -> str:
    """The URL of a feed to subscribe to (a bare `host/path` or `//host/path` is taken as https).

    Raises:
        InvalidInput: empty, not http(s), no host, too long, spaces or control characters.
    """
    if not raw:
        raise InvalidInput("no feed URL (xmlUrl is empty)")
    if raw.startswith("//"):
        raw = "https:" + raw
    if len(raw) > MAX_FEED_URL:
        raise InvalidInput(f"URL longer than {MAX_FEED_URL} characters")
    if any(char.isspace() or ord(char) < 32 for char in raw):
        raise InvalidInput("URL contains spaces or control characters")
    head = raw.split("/", 1)[0]
    if "://" in raw:
        scheme = raw.split("://", 1)[0].lower()
    elif ":" in head and not head.split(":", 1)[1][:1].isdigit():  # `mailto:…`, not `host:8080/feed`
        scheme = head.split(":", 1)[0].lower()
    else:
        scheme = "https"  # a bare `host/path`
    if scheme not in {"http", "https"}:
        raise InvalidInput(f"not an http(s) URL (scheme {scheme!r})")
    return normalise_url(raw)


def site_url(raw: str) -> str:
    """The feed's site, or "" when it is not a usable http(s) URL (the feed is imported anyway)."""
    try:
        return feed_url(raw) if raw else ""
    except InvalidInput:
        return ""


async def insert_categories(
    connection: BaseDBAsyncClient,
    user_id: int,
    categories: Mapping[str, NewCategory],
    now: datetime,
    created: set[str] | None = None,
) -> dict[str, int]:
    """Create the new categories, parents first (one INSERT per depth); existing slugs are kept as they are.
    Returns the ids of every category of the user by slug; the slugs created are added to `created`."""
    by_depth: dict[int, list[NewCategory]] = {}
    for category in categories.values():
        by_depth.setdefault(category.depth, []).append(category)
    ids: dict[str, int] = {}

    async def load() -> None:
        rows = await connection.execute_query_dict("SELECT id, slug FROM feed_category WHERE user_id = $1", [user_id])
        ids.update({row["slug"]: row["id"] for row in rows})

    await load()
    for depth in sorted(by_depth):
        level = [category for category in by_depth[depth] if category.slug not in ids]
        if not level:
            continue
        inserted = await connection.execute_query_dict(
            "INSERT INTO feed_category (user_id, parent_id, title, slug, created_at, updated_at)"
            " SELECT $1, parent_id, title, slug, $4, $4 FROM unnest($2::text[], $3::text[], $5::bigint[])"
            " AS t(title, slug, parent_id) ON CONFLICT (user_id, slug) DO NOTHING RETURNING slug",
            [
                user_id,
                [category.title for category in level],
                [category.slug for category in level],
                now,
                [ids.get(category.parent_slug) if category.parent_slug else None for category in level],
            ],
        )
        if created is not None:
            created.update(row["slug"] for row in inserted)
        await load()
    return ids


async def insert_feeds(
    connection: BaseDBAsyncClient,
    user_id: int,
    feeds: Sequence[NewFeed],
    category_ids: Mapping[str, int],
    now: datetime,
) -> set[str]:
    """Sources (shared, created due at once) then subscriptions, in bulk, sorted by URL; the URLs of the feeds
    created (the others were subscribed already)."""
    if not feeds:
        return set()
    feeds = sorted({feed.url: feed for feed in reversed(feeds)}.values(), key=lambda feed: feed.url)
    urls = [feed.url for feed in feeds]
    await connection.execute_query_dict(
        "INSERT INTO feed_source (url, etag, last_modified, body_hash, next_check_at, lease_owner, last_outcome,"
        " last_error, error_streak, created_at, updated_at)"
        " SELECT url, '', '', '', $2, '', 'NEVER', '', 0, $2, $2 FROM unnest($1::text[]) AS t(url)"
        # A source other users already follow is made due now and forgets its validators: the next refresh
        # fetches and parses it in full, which stores its current entries for the new subscribers too.
        " ON CONFLICT (url) DO UPDATE SET next_check_at = LEAST(feed_source.next_check_at, EXCLUDED.next_check_at),"
        " etag = '', last_modified = '', body_hash = ''",
        [urls, now],
    )
    rows = await connection.execute_query_dict("SELECT id, url FROM feed_source WHERE url = ANY($1::text[])", [urls])
    source_ids = {row["url"]: row["id"] for row in rows}
    created = await connection.execute_query_dict(
        "INSERT INTO feed (user_id, source_id, category_id, title, slug, site_url, description, feed_type,"
        " refresh_delay, article_retention_time, open_original_url_by_default, disabled_reason, created_at,"
        " updated_at)"
        " SELECT $1, source_id, category_id, title, slug, site_url, '', feed_type, $7, 0, FALSE, '', $8, $8"
        " FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $9::text[])"
        " AS t(source_id, category_id, title, slug, site_url, feed_type)"
        " ON CONFLICT (user_id, source_id) DO NOTHING RETURNING source_id",
        [
            user_id,
            [source_ids[feed.url] for feed in feeds],
            [category_ids.get(feed.category_slug) if feed.category_slug else None for feed in feeds],
            [feed.title for feed in feeds],
            [slugify(feed.title) for feed in feeds],
            [feed.site_url for feed in feeds],
            RefreshDelay.DAILY_AT_NOON.value,
            now,
            [feed.feed_type.value for feed in feeds],
        ],
    )
    url_of = {source_id: url for url, source_id in source_ids.items()}
    return {url_of[row["source_id"]] for row in created}


async def feed_ids_by_url(connection: BaseDBAsyncClient, user_id: int, urls: Sequence[str]) -> dict[str, int]:
    """The user's subscriptions to these feed URLs: feed id by source URL."""
    if not urls:
        return {}
    rows = await connection.execute_query_dict(
        "SELECT f.id, s.url FROM feed f JOIN feed_source s ON s.id = f.source_id"
        " WHERE f.user_id = $1 AND s.url = ANY($2::text[])",
        [user_id, list(urls)],
    )
    return {row["url"]: row["id"] for row in rows}
