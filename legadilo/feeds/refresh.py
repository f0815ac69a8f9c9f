"""The refresh pipeline, one straight line per source:

    claim (lease) → fetch → [unchanged body? stop] → parse (process pool) → store (one transaction) → schedule

`refresh_source` runs the line for one leased source; `refresh_claimed` runs many with bounded
concurrency. Every attempt writes a `FeedUpdate` row and sets the source's next check.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from legadilo.accounts.models import Notification
from legadilo.feeds import planning, queries
from legadilo.feeds.models import Feed, FeedSource, FeedUpdate, FetchOutcome, UpdateStatus
from legadilo.feeds.store import StoreResult, store_entries
from legadilo.fetching.fetch import fetch_url
from legadilo.fetching.types import Fetched, FetchError, NotModified, Validators
from legadilo.parsing.feeds import parse_feed
from legadilo.parsing.types import ParsedFeed, ParseError
from legadilo.runtime import USER_AGENT, Runtime, fetch_limits

logger = logging.getLogger(__name__)
DISABLED_REASON = "The server failed too many times to fetch the feed."


@dataclass(frozen=True)
class RefreshOutcome:
    source_id: int
    url: str
    status: UpdateStatus
    new_articles: int = 0
    updated_articles: int = 0
    error: str = ""


async def fetch_feed(
    rt: Runtime, url: str, *, validators: Validators | None, subscribers: int
) -> Fetched | NotModified:
    """Fetch with the project's User-Agent, naming the subscriber count as feed services do."""
    agent = f"{USER_AGENT}; {subscribers} subscriber{'s' if subscribers != 1 else ''}"
    return await fetch_url(
        rt.http,
        url,
        limits=fetch_limits(rt.settings),
        validators=validators,
        allow_private_networks=rt.settings.allow_private_networks,
        extra_headers={"User-Agent": agent},
    )


async def parse_in_pool(rt: Runtime, fetched: Fetched) -> ParsedFeed:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(
        rt.parse_pool, parse_feed, fetched.body, fetched.url, fetched.content_type, fetched.charset
    )


async def refresh_source(rt: Runtime, source_id: int, *, use_cache: bool = True) -> RefreshOutcome:
    """Refresh one leased source: fetch → parse → store → schedule (see the module docstring)."""
    source = await FeedSource.get(id=source_id)
    subs, schedule, feeds = await queries.subscriptions_of(source_id)
    started = time.monotonic()
    validators = Validators(source.etag, source.last_modified) if use_cache else None
    try:
        fetched = await fetch_feed(rt, source.url, validators=validators, subscribers=len(subs))
        if isinstance(fetched, NotModified) or (use_cache and fetched.body_hash == source.body_hash):
            return await _record_unchanged(rt, source, fetched, schedule, started)
        parsed = await parse_in_pool(rt, fetched)
    except (FetchError, ParseError) as error:
        return await _record_failure(rt, source, error, schedule, feeds, started)
    async with in_transaction() as conn:
        result = await store_entries(conn, source.id, parsed.entries, subs, rt.clock.now())
        return await record_success(rt, source, fetched, parsed, result, schedule, started)


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


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
        next_check_at=planning.next_check_at(schedule, check, now, random.random()),  # noqa: S311 - jitter
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
        "lease_owner": "",
        "leased_until": None,
    }


async def _record_unchanged(
    rt: Runtime,
    source: FeedSource,
    fetched: Fetched | NotModified,
    schedule: list[planning.Subscriber],
    started: float,
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
    await FeedSource.filter(id=source.id).update(
        etag=validators.etag[:1024],
        last_modified=validators.last_modified[:128],
        **_healthy_state(now, FetchOutcome.NOT_MODIFIED),
        next_check_at=planning.next_check_at(schedule, check, now, random.random()),  # noqa: S311 - jitter
    )
    return RefreshOutcome(source.id, source.url, UpdateStatus.NOT_MODIFIED)


async def _record_failure(
    rt: Runtime,
    source: FeedSource,
    error: FetchError | ParseError,
    schedule: list[planning.Subscriber],
    feeds: list[Feed],
    started: float,
) -> RefreshOutcome:
    now = rt.clock.now()
    streak = source.error_streak + 1
    first_error_at = source.first_error_at or now
    retry_after = error.retry_after_seconds if isinstance(error, FetchError) else None
    message = f"{type(error).__name__}: {error.message}"
    await FeedUpdate.create(
        source_id=source.id,
        status=UpdateStatus.FAILURE,
        http_status=error.status if isinstance(error, FetchError) else None,
        error_message=message,
        technical_debug_data=error.debug if isinstance(error, FetchError) else None,
        duration_ms=_elapsed_ms(started),
    )
    check = planning.CheckResult(True, streak, retry_after_seconds=retry_after)
    await FeedSource.filter(id=source.id).update(
        last_checked_at=now,
        last_outcome=FetchOutcome.FAILURE,
        last_error=message,
        error_streak=streak,
        first_error_at=first_error_at,
        retry_after_until=(now + timedelta(seconds=retry_after)) if retry_after else None,
        lease_owner="",
        leased_until=None,
        next_check_at=planning.next_check_at(schedule, check, now, random.random()),  # noqa: S311 - jitter
    )
    await _disable_exhausted(feeds, first_error_at, streak, now)
    return RefreshOutcome(source.id, source.url, UpdateStatus.FAILURE, error=message)


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
            " Re-subscribe to enable it again.",
        )
