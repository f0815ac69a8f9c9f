"""Feed use cases: subscribe (with discovery), list, show, remove. Used by the CLI, the web and the API."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from legadilo.core.errors import InvalidInput, NotFound
from legadilo.core.text import slugify
from legadilo.feeds import queries
from legadilo.feeds.models import Feed, FeedCategory, FeedSource, FeedUpdate, RefreshDelay
from legadilo.feeds.refresh import fetch_feed, parse_in_pool, record_success, store_parsed
from legadilo.fetching.types import Fetched, NotModified
from legadilo.parsing.discovery import find_feed_links, rewrite_youtube_url
from legadilo.parsing.types import FeedLink, NotAFeed, ParsedFeed
from legadilo.reading.queries import get_or_create_tags
from legadilo.runtime import Runtime


class NoFeedFound(NotFound):
    """The page advertises no feed."""


@dataclass(frozen=True)
class SubscribeOptions:
    category: str | None = None  # a category title: reused by slug, created when missing
    tags: tuple[str, ...] = ()
    refresh_delay: RefreshDelay = RefreshDelay.DAILY_AT_NOON
    article_retention_time: int = 0
    open_original_url_by_default: bool = False


@dataclass(frozen=True)
class Subscribed:
    feed: Feed
    created: bool  # False: already subscribed (a no-op) or re-enabled
    reenabled: bool
    new_articles: int


@dataclass(frozen=True)
class FeedChoices:
    """The page advertises several feeds: the caller asks the user which one (never guessed)."""

    links: tuple[FeedLink, ...]


def normalise_url(raw: str) -> str:
    """Raises:
    InvalidInput: not an http(s) URL."""
    url = raw.strip()
    if "://" not in url:
        url = "https://" + url
    try:
        parts = urlsplit(url)  # raises on a malformed IPv6 host ("http://[::1")
        parts.port  # noqa: B018 - "javascript:alert(1)" taken as a host has an invalid port
    except ValueError:
        raise InvalidInput(f"{raw.strip()!r} is not an http(s) URL") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname or len(url) > 2048:
        raise InvalidInput(f"{raw.strip()!r} is not an http(s) URL")
    return url


async def _discover(rt: Runtime, url: str) -> tuple[Fetched, ParsedFeed] | FeedChoices:
    """Fetch `url`; when it is an HTML page, follow the single feed it advertises.

    Raises:
        FetchError, ParseError, NoFeedFound.
    """
    fetched = await fetch_feed(rt, url, validators=None, subscribers=1)
    assert not isinstance(fetched, NotModified)  # no validators sent, no 304 possible
    try:
        return fetched, await parse_in_pool(rt, fetched)
    except NotAFeed:
        links = find_feed_links(fetched.body, fetched.url)
    if not links:
        raise NoFeedFound(f"no feed found at {url}: it is neither a feed nor a page advertising one")
    if len(links) > 1:
        return FeedChoices(links)
    feed_fetched = await fetch_feed(rt, links[0].url, validators=None, subscribers=1)
    assert not isinstance(feed_fetched, NotModified)
    return feed_fetched, await parse_in_pool(rt, feed_fetched)


async def subscribe_to_feed(
    rt: Runtime, user_id: int, url: str, options: SubscribeOptions = SubscribeOptions()
) -> Subscribed | FeedChoices:
    """Subscribe a user to a feed URL, or to the one feed a page advertises.

    This will:
    - rewrite YouTube channel/playlist URLs to their feeds, fetch, parse (discovering from HTML);
    - share one source per final feed URL between every subscriber;
    - create the subscription (category, tags), or re-enable a disabled one, or do nothing;
    - store the entries at once for every subscriber of the source, and schedule the next check.

    Raises:
        InvalidInput, NoFeedFound, FetchError (and subclasses), ParseError.
    """
    started = time.monotonic()
    discovered = await _discover(rt, rewrite_youtube_url(normalise_url(url)))
    if isinstance(discovered, FeedChoices):
        return discovered
    fetched, parsed = discovered
    source = await queries.get_or_create_source(fetched.url, rt.clock.now())
    existing = await Feed.get_or_none(user_id=user_id, source_id=source.id)
    if existing is not None and existing.disabled_at is None:
        return Subscribed(existing, created=False, reenabled=False, new_articles=0)
    try:
        async with in_transaction() as conn:
            feed = existing or await _create_feed(user_id, source, parsed, options)
            if existing is not None:
                await Feed.filter(id=existing.id).update(disabled_at=None, disabled_reason="")
            result, schedule = await store_parsed(rt, conn, source.id, parsed)
            await record_success(rt, source, fetched, parsed, result, schedule, started)
    except IntegrityError:  # the same user subscribing twice at once: the other request won
        winner = await Feed.get(user_id=user_id, source_id=source.id)
        return Subscribed(winner, created=False, reenabled=False, new_articles=0)
    await feed.refresh_from_db()
    return Subscribed(feed, created=existing is None, reenabled=existing is not None, new_articles=result.new_articles)


async def _create_feed(user_id: int, source: FeedSource, parsed: ParsedFeed, options: SubscribeOptions) -> Feed:
    category = await get_or_create_category(user_id, options.category) if options.category else None
    feed = await Feed.create(
        user_id=user_id,
        source=source,
        category=category,
        title=parsed.title[:300],
        slug=slugify(parsed.title),
        site_url=parsed.site_url[:2048],
        description=parsed.description,
        feed_type=parsed.feed_type,
        refresh_delay=options.refresh_delay,
        article_retention_time=options.article_retention_time,
        open_original_url_by_default=options.open_original_url_by_default,
    )
    tags = await get_or_create_tags(user_id, options.tags)
    await queries.set_feed_tags(feed.id, [tag.id for tag in tags])
    return feed


async def get_or_create_category(user_id: int, title: str, parent: FeedCategory | None = None) -> FeedCategory:
    """Raises:
    InvalidInput: an empty title."""
    cleaned = " ".join(title.split())[:100]
    if not cleaned:
        raise InvalidInput("a category needs a title")
    category, _ = await FeedCategory.get_or_create(
        user_id=user_id, slug=slugify(cleaned, max_length=100), defaults={"title": cleaned, "parent": parent}
    )
    return category


@dataclass(frozen=True)
class FeedDetails:
    feed: Feed
    source: FeedSource
    updates: list[FeedUpdate]


async def list_feeds(user_id: int) -> list[Feed]:
    return await queries.list_feeds(user_id)


async def show_feed(user_id: int, feed_id: int, *, updates: int = 20) -> FeedDetails:
    """Raises:
    NotFound: no such feed for this user."""
    feed = await queries.get_feed(user_id, feed_id)
    source = feed.source
    return FeedDetails(feed, source, await queries.recent_updates(source.id, updates))


async def remove_feed(user_id: int, feed_id: int) -> None:
    """Unsubscribe: the feed, its links and tags go; its articles stay (main feed cleared); a source nobody
    subscribes to any more is deleted with its entries and updates.

    Raises:
        NotFound: no such feed for this user.
    """
    feed = await queries.get_feed(user_id, feed_id)
    async with in_transaction():
        await feed.delete()
        if not await Feed.filter(source_id=feed.source.id).exists():
            await FeedSource.filter(id=feed.source.id).delete()
