"""The refresh pipeline, one straight line per source:

    claim (lease) → fetch → [unchanged body? stop] → parse (process pool) → store (one transaction) → schedule

`refresh_source` runs the line for one source the caller holds (a lease, or a subscribe); the scheduler
owns the leases. Every attempt writes a `FeedUpdate` row and sets the source's next check, failures and
crashes included, so that a source is never retried in a loop.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from legadilo.accounts.models import Notification
from legadilo.feeds import planning, queries
from legadilo.feeds.hosts import HostLimits
from legadilo.feeds.models import Feed, FeedSource, FeedUpdate, FetchOutcome, RefreshDelay, UpdateStatus
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


class SourceRef(Protocol):
    """What recording an attempt needs of its source (a `FeedSource`, or the `SourceState` a refresh read)."""

    @property
    def id(self) -> int: ...

    @property
    def url(self) -> str: ...


@dataclass(frozen=True)
class SourceState:
    """What a refresh reads of its source before fetching, in one query: validators, the last body's hash,
    and its enabled subscriptions (their number for the User-Agent, their schedules for the next check)."""

    id: int
    url: str
    etag: str
    last_modified: str
    body_hash: str
    subscribers: int
    schedule: tuple[planning.Subscriber, ...]


_SOURCE_STATES = """
SELECT s.id, s.url, s.etag, s.last_modified, s.body_hash, count(f.id) AS subscribers,
       COALESCE(array_agg(f.refresh_delay::text ORDER BY f.id) FILTER (WHERE us.user_id IS NOT NULL), '{}') AS delays,
       COALESCE(array_agg(us.timezone::text ORDER BY f.id) FILTER (WHERE us.user_id IS NOT NULL), '{}') AS zones
FROM feed_source s
LEFT JOIN feed f ON f.source_id = s.id AND f.disabled_at IS NULL
LEFT JOIN user_settings us ON us.user_id = f.user_id
WHERE s.id = ANY($1::bigint[])
GROUP BY s.id"""


async def read_source_states(source_ids: list[int]) -> dict[int, SourceState]:
    """The states of these sources (one query for a whole claim); missing ones were deleted meanwhile."""
    rows = await Tortoise.get_connection("default").execute_query_dict(_SOURCE_STATES, [source_ids])
    return {
        row["id"]: SourceState(
            row["id"],
            row["url"],
            row["etag"],
            row["last_modified"],
            row["body_hash"],
            row["subscribers"],
            tuple(
                planning.Subscriber(RefreshDelay(delay), zone)
                for delay, zone in zip(row["delays"], row["zones"], strict=True)
            ),
        )
        for row in rows
    }


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
    rt: Runtime,
    source_id: int,
    *,
    use_cache: bool = True,
    hosts: HostLimits | None = None,
    owner: str = "",
    state: SourceState | None = None,
) -> RefreshOutcome:
    """Refresh one source: fetch → parse → store → schedule (see the module docstring). Recording the
    attempt also ends `owner`'s lease on the source (in the same statement). `state`: the source as the
    caller just read it (see `read_source_states`), else it is read here."""
    started = time.monotonic()
    source = state or (await read_source_states([source_id])).get(source_id)
    if source is None:  # unsubscribed by everybody (and cleaned up) since it was claimed
        return RefreshOutcome(source_id, "", UpdateStatus.FAILURE, error="the source no longer exists")
    validators = Validators(source.etag, source.last_modified) if use_cache else None
    try:
        fetched = await fetch_feed(rt, source.url, validators=validators, subscribers=source.subscribers, hosts=hosts)
        if isinstance(fetched, NotModified) or (use_cache and fetched.body_hash == source.body_hash):
            return await _record_unchanged(rt, source, fetched, started, owner)
        parsed = await parse_in_pool(rt, fetched)
    except (FetchError, ParseError) as error:
        return await record_failure(rt, source.id, Failure.of(error), started, owner=owner)
    async with in_transaction() as conn:
        result, schedule = await store_parsed(rt, conn, source.id, parsed)
        return await record_success(rt, source, fetched, parsed, result, schedule, started, owner=owner)


# The lock; and generic plans for the statements of this transaction (SET LOCAL): their plans hardly depend on
# their arguments, and planning them again at every refresh cost PostgreSQL more than some of them take to run.
_LOCK_SOURCE = """
SELECT set_config('plan_cache_mode', 'force_generic_plan', true) FROM feed_source WHERE id = $1 FOR UPDATE"""


async def store_parsed(
    rt: Runtime, conn: BaseDBAsyncClient, source_id: int, parsed: ParsedFeed
) -> tuple[StoreResult, list[planning.Subscriber]]:
    """Inside the caller's transaction: lock the source row (a subscribe and a refresh of the same source
    store one after the other), read its current subscribers, store; their schedules, for the next check."""
    await conn.execute_query(_LOCK_SOURCE, [source_id])
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


# Recording an attempt: its FeedUpdate row, the source's new state and next check, and the end of the lease
# of `owner` (a NULL owner, for a subscribe, leaves leases alone), in one statement.
_RECORD_SUCCESS = """
WITH attempt AS (
    INSERT INTO feed_update (source_id, status, http_status, error_message, technical_debug_data, etag, last_modified,
        new_entries, updated_entries, ignored_entry_keys, duration_ms, created_at)
    VALUES ($1, 'SUCCESS', $2, '', NULL, $3, $4, $5, $6, $7::jsonb, $8, $9)
)
UPDATE feed_source SET etag = $3, last_modified = $4, body_hash = $10, last_checked_at = $11, last_outcome = 'SUCCESS',
    last_error = '', error_streak = 0, first_error_at = NULL, retry_after_until = NULL, next_check_at = $12,
    lease_owner = CASE WHEN lease_owner = $13 THEN '' ELSE lease_owner END,
    leased_until = CASE WHEN lease_owner = $13 THEN NULL ELSE leased_until END
WHERE id = $1"""
# The entries of the last parse are still in the feed: they count as seen (republication is about entries
# that were gone for a year, not about a feed that did not change for a year).
_RECORD_UNCHANGED = """
WITH attempt AS (
    INSERT INTO feed_update (source_id, status, http_status, error_message, technical_debug_data, etag, last_modified,
        new_entries, updated_entries, ignored_entry_keys, duration_ms, created_at)
    VALUES ($1, 'NOT_MODIFIED', $2, '', NULL, $3, $4, 0, 0, '[]'::jsonb, $5, $6)
), seen AS (
    UPDATE feed_entry SET last_seen_at = $7 WHERE source_id = $1
       AND last_seen_at = (SELECT max(last_seen_at) FROM feed_entry WHERE source_id = $1)
)
UPDATE feed_source SET etag = $3, last_modified = $4, last_checked_at = $7, last_outcome = 'NOT_MODIFIED',
    last_error = '', error_streak = 0, first_error_at = NULL, retry_after_until = NULL, next_check_at = $8,
    lease_owner = CASE WHEN lease_owner = $9 THEN '' ELSE lease_owner END,
    leased_until = CASE WHEN lease_owner = $9 THEN NULL ELSE leased_until END
WHERE id = $1"""


async def record_success(
    rt: Runtime,
    source: SourceRef,
    fetched: Fetched,
    parsed: ParsedFeed,
    result: StoreResult,
    schedule: list[planning.Subscriber],
    started: float,
    *,
    owner: str = "",
) -> RefreshOutcome:
    """Inside the storing transaction: the attempt, the source's state and next check (and the lease's end)."""
    now = rt.clock.now()
    check = planning.CheckResult(False, 0, ttl_minutes=parsed.ttl_minutes, max_age_seconds=fetched.max_age_seconds)
    etag, last_modified = fetched.validators.etag[:1024], fetched.validators.last_modified[:128]
    await Tortoise.get_connection("default").execute_query(
        _RECORD_SUCCESS,
        [
            source.id,
            fetched.status,
            etag,
            last_modified,
            result.new_articles,
            result.updated_articles,
            json.dumps(list(result.ignored_keys)),
            _elapsed_ms(started),
            datetime.now(UTC),  # what the model's auto_now_add would set
            fetched.body_hash,
            now,
            await _next_check(source.id, check, now, schedule),
            owner or None,
        ],
    )
    return RefreshOutcome(source.id, source.url, UpdateStatus.SUCCESS, result.new_articles, result.updated_articles)


async def _record_unchanged(
    rt: Runtime, source: SourceState, fetched: Fetched | NotModified, started: float, owner: str
) -> RefreshOutcome:
    now = rt.clock.now()
    check = planning.CheckResult(False, 0, max_age_seconds=fetched.max_age_seconds)
    validators = fetched.validators or Validators(source.etag, source.last_modified)
    await Tortoise.get_connection("default").execute_query(
        _RECORD_UNCHANGED,
        [
            source.id,
            fetched.status if isinstance(fetched, Fetched) else 304,
            validators.etag[:1024],
            validators.last_modified[:128],
            _elapsed_ms(started),
            datetime.now(UTC),
            now,
            await _next_check(source.id, check, now, list(source.schedule)),
            owner or None,
        ],
    )
    return RefreshOutcome(source.id, source.url, UpdateStatus.NOT_MODIFIED)


async def record_failure(
    rt: Runtime, source_id: int, failure: Failure, started: float, *, owner: str = ""
) -> RefreshOutcome:
    """Record a failed attempt (fetch, parse, or a crash): backoff, and disable exhausted subscriptions; end
    `owner`'s lease on the source."""
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
    if owner:
        await FeedSource.filter(id=source.id, lease_owner=owner).update(lease_owner="", leased_until=None)
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
            f" Enable it again from its page, or subscribe to it again (feed {feed.id}).",
            info_link=f"/feeds/{feed.id}/",  # the feeds.edit_feed page
            info_link_text="Edit feed",
        )
