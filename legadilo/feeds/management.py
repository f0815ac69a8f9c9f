"""Managing subscriptions and categories: edit a feed, disable or enable it, ask for a refresh now, and the
category tree (create, rename, move without cycles, delete). Used by the web and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from legadilo.core.errors import AlreadyExists, InvalidInput, NotFound
from legadilo.core.text import slugify
from legadilo.feeds import queries
from legadilo.feeds.models import Feed, FeedCategory, FeedSource, FeedTag, RefreshDelay
from legadilo.reading.models import Tag
from legadilo.reading.queries import get_or_create_tags

MANUAL_DISABLE_REASON = "Manually disabled"
MAX_RETENTION_DAYS = 36_500
MAX_DISABLE_REASON = 500
MIN_REFRESH_INTERVAL = timedelta(minutes=1)  # "refresh now" never hammers a site


@dataclass(frozen=True)
class FeedChanges:
    category_id: int | None
    tags: tuple[str, ...]
    refresh_delay: RefreshDelay
    article_retention_time: int
    open_original_url_by_default: bool


async def feed_tags(feed_id: int) -> list[Tag]:
    return await Tag.filter(feed_tags__feed_id=feed_id).order_by("title", "id")


async def update_feed(user_id: int, feed_id: int, changes: FeedChanges) -> Feed:
    """Change a subscription's settings. New tags apply to new articles only (existing ones keep theirs).

    Raises:
        NotFound: no such feed, or no such category, for this user.
        InvalidInput: a retention outside 0..36500 days.
    """
    feed = await queries.get_feed(user_id, feed_id)
    if not 0 <= changes.article_retention_time <= MAX_RETENTION_DAYS:
        raise InvalidInput(f"the retention must be between 0 (keep forever) and {MAX_RETENTION_DAYS} days")
    category = await get_category(user_id, changes.category_id) if changes.category_id is not None else None
    async with in_transaction():
        await Feed.filter(id=feed.id).update(
            category_id=category.id if category else None,
            refresh_delay=changes.refresh_delay,
            article_retention_time=changes.article_retention_time,
            open_original_url_by_default=changes.open_original_url_by_default,
        )
        tags = await get_or_create_tags(user_id, changes.tags)
        await queries.set_feed_tags(feed.id, [tag.id for tag in tags])
    return await queries.get_feed(user_id, feed_id)


async def disable_feed(user_id: int, feed_id: int, reason: str, now: datetime) -> Feed:
    """Raises:
    NotFound: no such feed for this user."""
    feed = await queries.get_feed(user_id, feed_id)
    cleaned = " ".join(reason.split())[:MAX_DISABLE_REASON] or MANUAL_DISABLE_REASON
    await Feed.filter(id=feed.id).update(disabled_at=now, disabled_reason=cleaned)
    return await queries.get_feed(user_id, feed_id)


async def enable_feed(user_id: int, feed_id: int, now: datetime) -> Feed:
    """Enable the feed again; its source becomes due at once so the articles missed meanwhile come soon.

    Raises:
        NotFound: no such feed for this user.
    """
    feed = await queries.get_feed(user_id, feed_id)
    await Feed.filter(id=feed.id).update(disabled_at=None, disabled_reason="")
    await FeedSource.filter(id=feed.source.id, next_check_at__gt=now).update(next_check_at=now)
    return await queries.get_feed(user_id, feed_id)


async def refresh_now(user_id: int, feed_id: int, now: datetime) -> datetime:
    """Make the feed's source due now (a worker picks it up within seconds). A source checked less than a
    minute ago, or whose server asked to be left alone (Retry-After), is not fetched again before then: the
    answer is when the check will happen.

    Raises:
        NotFound: no such feed for this user.
        InvalidInput: the feed is disabled.
    """
    feed = await queries.get_feed(user_id, feed_id)
    if feed.disabled_at is not None:
        raise InvalidInput(f"the feed {feed.title!r} is disabled: enable it before refreshing it")
    source = feed.source
    when = now
    if source.last_checked_at is not None:
        when = max(when, source.last_checked_at + MIN_REFRESH_INTERVAL)
    if source.retry_after_until is not None:
        when = max(when, source.retry_after_until)
    await FeedSource.filter(id=source.id, next_check_at__gt=when).update(next_check_at=when)
    return when


# Categories


@dataclass(frozen=True)
class CategoryNode:
    category: FeedCategory
    depth: int
    path: str  # "Parent / Child"


async def get_category(user_id: int, category_id: int) -> FeedCategory:
    """Raises:
    NotFound: no such category for this user."""
    category = await FeedCategory.get_or_none(id=category_id, user_id=user_id)
    if category is None:
        raise NotFound(f"no category {category_id} for this user")
    return category


async def category_tree(user_id: int) -> list[CategoryNode]:
    """Every category of the user, depth first, children sorted by title (one query)."""
    categories = await FeedCategory.filter(user_id=user_id).order_by("title", "id")
    children: dict[int | None, list[FeedCategory]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)  # type: ignore[attr-defined]
    nodes: list[CategoryNode] = []

    def walk(parent: int | None, depth: int, prefix: str) -> None:
        for category in children.get(parent, []):
            path = f"{prefix}{category.title}"
            nodes.append(CategoryNode(category, depth, path))
            walk(category.id, depth + 1, f"{path} / ")

    walk(None, 0, "")
    return nodes


def _title(raw: str) -> tuple[str, str]:
    cleaned = " ".join(raw.split())[:100]
    if not cleaned:
        raise InvalidInput("a category needs a title")
    return cleaned, slugify(cleaned, max_length=100)


async def _check_parent(user_id: int, category_id: int | None, parent_id: int | None) -> FeedCategory | None:
    """Raises:
    NotFound: no such parent for this user; InvalidInput: the move would make a cycle."""
    if parent_id is None:
        return None
    parent = await get_category(user_id, parent_id)
    if category_id is None:
        return parent
    parents = dict(await FeedCategory.filter(user_id=user_id).values_list("id", "parent_id"))
    current: int | None = parent.id
    while current is not None:
        if current == category_id:
            raise InvalidInput("a category cannot be moved under itself or one of its sub-categories")
        current = parents.get(current)
    return parent


async def create_category(user_id: int, title: str, parent_id: int | None = None) -> FeedCategory:
    """Raises:
    InvalidInput: an empty title; AlreadyExists: a category of the same name; NotFound: no such parent."""
    cleaned, slug = _title(title)
    parent = await _check_parent(user_id, None, parent_id)
    try:
        return await FeedCategory.create(user_id=user_id, title=cleaned, slug=slug, parent=parent)
    except IntegrityError:
        raise AlreadyExists(f"a category named {cleaned!r} already exists") from None


async def update_category(user_id: int, category_id: int, title: str, parent_id: int | None) -> FeedCategory:
    """Rename and/or move a category.

    Raises:
        NotFound: no such category or parent; InvalidInput: an empty title, or a cycle;
        AlreadyExists: another category has this name.
    """
    category = await get_category(user_id, category_id)
    cleaned, slug = _title(title)
    parent = await _check_parent(user_id, category.id, parent_id)
    try:
        parent_id = parent.id if parent else None
        await FeedCategory.filter(id=category.id).update(title=cleaned, slug=slug, parent_id=parent_id)
    except IntegrityError:
        raise AlreadyExists(f"a category named {cleaned!r} already exists") from None
    return await get_category(user_id, category_id)


async def delete_category(user_id: int, category_id: int) -> None:
    """Delete a category: its feeds stay, uncategorised; its sub-categories move up to its parent.

    Raises:
        NotFound: no such category for this user.
    """
    category = await get_category(user_id, category_id)
    async with in_transaction():
        await FeedCategory.filter(user_id=user_id, parent_id=category.id).update(
            parent_id=category.parent_id  # type: ignore[attr-defined]
        )
        await Feed.filter(user_id=user_id, category_id=category.id).update(category_id=None)
        await category.delete()


async def feed_tag_titles(feed_ids: list[int]) -> dict[int, list[str]]:
    """The default tags of these feeds, by feed (one query)."""
    rows = await FeedTag.filter(feed_id__in=feed_ids).order_by("tag__title").values_list("feed_id", "tag__title")
    tags: dict[int, list[str]] = {}
    for feed_id, title in rows:
        tags.setdefault(feed_id, []).append(title)
    return tags


async def feed_counts_by_category(user_id: int) -> dict[int, int]:
    """How many feeds each category holds directly (one query)."""
    rows = await Feed.filter(user_id=user_id, category_id__isnull=False).values_list("category_id", flat=True)
    counts: dict[int, int] = {}
    for category_id in rows:
        counts[int(category_id)] = counts.get(int(category_id), 0) + 1  # type: ignore[call-overload]
    return counts
