"""The refresh pipeline, one straight line per source:

    claim (lease) → fetch → [unchanged body? stop] → parse (process pool) → store (one transaction) → schedule

`refresh_source` runs the line for one source the caller holds (a lease, or a subscribe); the scheduler
owns the leases. Every attempt writes a `FeedUpdate` row and sets the source's next check, failures and
crashes included, so that a source is never retried in a loop.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from legadilo.accounts.models import Notification
from legadilo.feeds import planning, queries
from legadilo.feeds.hosts import HostLimits
from legadilo.feeds.models import Feed, FeedSource, FeedUpdate, FetchOutcome, UpdateStatus
from legadilo.feeds.store import StoreResult, store_entries
from legadilo.fetching.fetch import fetch_url
from legadilo.fetching.types import Fetched, FetchError, NotModified, RateLimited, Validators
from legadilo.parsing.feeds import parse_feed
from legadilo.parsing.types import ParsedFeed, ParseError
from legadilo.runtime import USER_AGENT, Runtime, fetch_limits

logger = logging.getLogger(__name__)
DISABLED_REASON = "The server failed too many times to fetch the feed."
PARSE_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class RefreshOutcome:
    source_id: int
    url: str
    status: UpdateStatus
    new_articles: int = 0
    updated_articles: int = 0
    error: str = ""


@dataclass(frozen=True)
class Failure:
    """What a failed attempt records (from a fetch or parse error, or a crash)."""

    message: str
    http_status: int | None = None
    debug: dict[str, Any] | None = None
    retry_after_seconds: int | None = None
    counts_towards_disabling: bool = True

    @classmethod
    def of(cls, error: FetchError | ParseError) -> Failure:
        if isinstance(error, FetchError):
            return cls(
                f"{type(error).__name__}: {error.message}",
                error.status,
                error.debug,
                error.retry_after_seconds,
                # Being rate limited says nothing about the feed's health: it never disables a feed.
                counts_towards_disabling=not isinstance(error, RateLimited),
            )
        return cls(f"{type(error).__name__}: {error.message}")


async def fetch_feed(
    rt: Runtime, url: str, *, validators: Validators | None, subscribers: int, hosts: HostLimits | None = None
) -> Fetched | NotModified:
    """Fetch with the project's User-Agent naming the subscriber count, within the per-host limit."""
    agent = f"{USER_AGENT.removesuffix(')')}; {subscribers} subscriber{'s' if subscribers != 1 else ''})"
    limits = hosts or HostLimits(rt.settings.fetch.per_host)
    async with limits.slot(url):
        return await fetch_url(
            rt.http,
            url,
            limits=fetch_limits(rt.settings),
            validators=validators,
            allow_private_networks=rt.settings.allow_private_networks,
            extra_headers={"User-Agent": agent},
        )


async def parse_in_pool(rt: Runtime, fetched: Fetched) -> ParsedFeed:
    """Parse in the process pool; a parser that hangs or kills its worker becomes a ParseError and the
    pool is rebuilt, so one hostile feed never breaks parsing for the others."""
    loop = asyncio.get_running_loop()
    pool = rt.parse_pool
    try:
        return await asyncio.wait_for(
            loop.run_in_executor(pool, parse_feed, fetched.body, fetched.url, fetched.content_type, fetched.charset),
            timeout=PARSE_TIMEOUT_SECONDS,
        )
    except (BrokenProcessPool, TimeoutError) as exc:
        rt.reset_parse_pool(pool)
        reason = "took too long" if isinstance(exc, TimeoutError) else "crashed"
        raise ParseError(f"the parser {reason} on this document") from None


async def refresh_source(
    rt: Runtime, source_id: int, *, use_cache: bool = True, hosts: HostLimits | None = None
) -> RefreshOutcome:
    """Refresh one source: fetch → parse → store → schedule (see the module docstring)."""
    source = await FeedSource.get(id=source_id)
    started = time.monotonic()
    validators = Validators(source.etag, source.last_modified) if use_cache else None
    subscribers = await queries.count_subscribers(source_id)
    try:
        fetched = await fetch_feed(rt, source.url, validators=validators, subscribers=subscribers, hosts=hosts)
        if isinstance(fetched, NotModified) or (use_cache and fetched.body_hash == source.body_hash):
            return await _record_unchanged(rt, source, fetched, started)
        parsed = await parse_in_pool(rt, fetched)
    except (FetchError, ParseError) as error:
        return await record_failure(rt, source.id, Failure.of(error), started)
    async with in_transaction() as conn:
        result, schedule = await store_parsed(rt, conn, source.id, parsed)
        return await record_success(rt, source, fetched, parsed, result, schedule, started)


async def store_parsed(
    rt: Runtime, conn: BaseDBAsyncClient, source_id: int, parsed: ParsedFeed
) -> tuple[StoreResult, list[planning.Subscriber]]:
    """Inside the caller's transaction: lock the source row (a subscribe and a refresh of the same source
    store one after the other), read its current subscribers, store; their schedules, for the next check."""
    await conn.execute_query("SELECT 1 FROM feed_source WHERE id = $1 FOR UPDATE", [source_id])
    subs, schedule = await queries.subscriptions_of(source_id)
    return await store_entries(conn, source_id, parsed.entries, subs, rt.clock.now()), schedule


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


async def _next_check(
    source_id: int, check: planning.CheckResult, now: datetime, schedule: list[planning.Subscriber] | None = None
) -> datetime:
    if schedule is None:
        _, schedule = await queries.subscriptions_of(source_id)
    return planning.next_check_at(schedule, check, now, random.random())  # noqa: S311 - jitter, not security


async def record_success(
    rt: Runtime,
    source: FeedSource,
    fetched: Fetched,
    parsed: ParsedFeed,
    result: StoreResult,
    schedule: list[planning.Subscriber],
    started: float,
) -> RefreshOutcome:
    now = rt.clock.now()
    check = planning.CheckResult(False, 0, ttl_minutes=parsed.ttl_minutes, max_age_seconds=fetched.max_age_seconds)
    await FeedUpdate.create(
        source_id=source.id,
        status=UpdateStatus.SUCCESS,
        http_status=fetched.status,
        etag=fetched.validators.etag[:1024],
        last_modified=fetched.validators.last_modified[:128],
        new_entries=result.new_articles,
        updated_entries=result.updated_articles,
        ignored_entry_keys=list(result.ignored_keys),
        duration_ms=_elapsed_ms(started),
    )
    await FeedSource.filter(id=source.id).update(
        etag=fetched.validators.etag[:1024],
        last_modified=fetched.validators.last_modified[:128],
        body_hash=fetched.body_hash,
        **_healthy_state(now, FetchOutcome.SUCCESS),
        next_check_at=await _next_check(source.id, check, now, schedule),
    )
    return RefreshOutcome(source.id, source.url, UpdateStatus.SUCCESS, result.new_articles, result.updated_articles)


def _healthy_state(now: datetime, outcome: FetchOutcome) -> dict[str, object]:
    return {
        "last_checked_at": now,
        "last_outcome": outcome,
        "last_error": "",
        "error_streak": 0,
        "first_error_at": None,
        "retry_after_until": None,
    }


async def _record_unchanged(
    rt: Runtime, source: FeedSource, fetched: Fetched | NotModified, started: float
) -> RefreshOutcome:
    now = rt.clock.now()
    check = planning.CheckResult(False, 0, max_age_seconds=fetched.max_age_seconds)
    validators = fetched.validators or Validators(source.etag, source.last_modified)
    await FeedUpdate.create(
        source_id=source.id,
        status=UpdateStatus.NOT_MODIFIED,
        http_status=fetched.status if isinstance(fetched, Fetched) else 304,
        etag=validators.etag[:1024],
        last_modified=validators.last_modified[:128],
        duration_ms=_elapsed_ms(started),
    )
    # The entries of the last parse are still in the feed: they count as seen (republication is about
    # entries that were gone for a year, not about a feed that did not change for a year).
    await Tortoise.get_connection("default").execute_query(
        """UPDATE feed_entry SET last_seen_at = $2 WHERE source_id = $1
           AND last_seen_at = (SELECT max(last_seen_at) FROM feed_entry WHERE source_id = $1)""",
        [source.id, now],
    )
    await FeedSource.filter(id=source.id).update(
        etag=validators.etag[:1024],
        last_modified=validators.last_modified[:128],
        **_healthy_state(now, FetchOutcome.NOT_MODIFIED),
        next_check_at=await _next_check(source.id, check, now),
    )
    return RefreshOutcome(source.id, source.url, UpdateStatus.NOT_MODIFIED)


async def record_failure(rt: Runtime, source_id: int, failure: Failure, started: float) -> RefreshOutcome:
    """Record a failed attempt (fetch, parse, or a crash): backoff, and disable exhausted subscriptions."""
    now = rt.clock.now()
    source = await FeedSource.get_or_none(id=source_id)
    if source is None:  # unsubscribed by everybody (and cleaned up) meanwhile: nothing to record
        return RefreshOutcome(source_id, "", UpdateStatus.FAILURE, error=failure.message)
    counted = failure.counts_towards_disabling
    streak = source.error_streak + 1 if counted else source.error_streak
    first_error_at = (source.first_error_at or now) if counted else source.first_error_at
    retry_after = failure.retry_after_seconds
    await FeedUpdate.create(
        source_id=source.id,
        status=UpdateStatus.FAILURE,
        http_status=failure.http_status,
        error_message=failure.message,
        technical_debug_data=failure.debug,
        duration_ms=_elapsed_ms(started),
    )
    check = planning.CheckResult(True, max(streak, 1), retry_after_seconds=retry_after)
    await FeedSource.filter(id=source.id).update(
        last_checked_at=now,
        last_outcome=FetchOutcome.FAILURE,
        last_error=failure.message,
        error_streak=streak,
        first_error_at=first_error_at,
        retry_after_until=(now + timedelta(seconds=retry_after)) if retry_after else None,
        next_check_at=await _next_check(source.id, check, now),
    )
    if counted and first_error_at is not None:
        feeds = await queries.enabled_feeds(source.id)
        await _disable_exhausted(feeds, first_error_at, streak, now)
    return RefreshOutcome(source.id, source.url, UpdateStatus.FAILURE, error=failure.message)


async def _disable_exhausted(feeds: list[Feed], first_error_at: datetime, streak: int, now: datetime) -> None:
    """Disable the subscriptions whose window of failures is over, and tell their users."""
    for feed in feeds:
        if not planning.must_disable(feed.refresh_delay, first_error_at, streak, now):
            continue
        await Feed.filter(id=feed.id).update(disabled_at=now, disabled_reason=DISABLED_REASON)
        await Notification.create(
            user_id=feed.user_id,  # type: ignore[attr-defined]
            title=f"Feed '{feed.title[:80]}' was disabled",
            content=f"{DISABLED_REASON} It failed without a single success since {first_error_at:%Y-%m-%d}."
            f" Subscribe to it again to enable it (feed {feed.id}).",
        )
