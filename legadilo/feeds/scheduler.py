"""Who refreshes what, when: leased batches of due sources, run with bounded concurrency.

Used by `legadilo worker` (a loop), `legadilo cron` (one pass) and `legadilo feeds update` (a user's or
one feed's sources). Leases (`FOR UPDATE SKIP LOCKED`) make every caller safe to run at the same time,
on one machine or several: a source is fetched by one of them only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from legadilo.feeds import planning, queries
from legadilo.feeds.models import UpdateStatus
from legadilo.feeds.refresh import RefreshOutcome, refresh_source
from legadilo.runtime import Runtime

logger = logging.getLogger(__name__)
IDLE_SLEEP_SECONDS = 30.0


def worker_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class RefreshReport:
    outcomes: list[RefreshOutcome] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        return Counter(outcome.status.value for outcome in self.outcomes)

    @property
    def new_articles(self) -> int:
        return sum(outcome.new_articles for outcome in self.outcomes)


async def refresh_claimed(
    rt: Runtime, source_ids: list[int], owner: str, *, use_cache: bool = True, report: RefreshReport | None = None
) -> RefreshReport:
    """Refresh leased sources, at most `LEGADILO_FETCH_CONCURRENCY` at a time; one source's crash is
    recorded and never stops the others (this is the per-source boundary)."""
    report = report or RefreshReport()
    limit = asyncio.Semaphore(rt.settings.fetch.concurrency)

    async def one(source_id: int) -> None:
        async with limit:
            try:
                report.outcomes.append(await refresh_source(rt, source_id, use_cache=use_cache))
            except Exception:
                logger.exception("refresh of source %s crashed", source_id)
                report.outcomes.append(RefreshOutcome(source_id, "", UpdateStatus.FAILURE, error="internal error"))
            finally:
                await queries.release_lease(source_id, owner)

    async with asyncio.TaskGroup() as group:
        for source_id in source_ids:
            group.create_task(one(source_id))
    return report


async def refresh_due(rt: Runtime, *, owner: str | None = None, stop: asyncio.Event | None = None) -> RefreshReport:
    """One pass: claim due sources batch after batch until none is due (or `stop` is set)."""
    owner = owner or worker_id()
    report = RefreshReport()
    batch = max(rt.settings.fetch.concurrency * 4, 20)
    while stop is None or not stop.is_set():
        now = rt.clock.now()
        claimed = await queries.claim_due_sources(owner, now, now + planning.LEASE_DURATION, batch)
        if not claimed:
            break
        await refresh_claimed(rt, claimed, owner, report=report)
    return report


async def refresh_selected(
    rt: Runtime, *, user_id: int | None, feed_id: int | None, force: bool, use_cache: bool
) -> RefreshReport:
    """`feeds update`: the sources of a user's feeds (or one feed), due ones only unless `force`."""
    owner = worker_id()
    now = rt.clock.now()
    claimed = await queries.claim_sources(
        owner, now, now + planning.LEASE_DURATION, user_id=user_id, feed_id=feed_id, due_only=not force
    )
    return await refresh_claimed(rt, claimed, owner, use_cache=use_cache)


async def run_worker(
    rt: Runtime, stop: asyncio.Event, *, periodic: Callable[[], Awaitable[None]] | None = None, period: float = 3600
) -> None:
    """Refresh due sources until `stop` is set; run `periodic` (cleanup) every `period` seconds."""
    owner = worker_id()
    loop = asyncio.get_running_loop()
    next_periodic = loop.time()
    while not stop.is_set():
        report = await refresh_due(rt, owner=owner, stop=stop)
        if report.outcomes:
            logger.info("refreshed %d sources: %s", len(report.outcomes), dict(report.counts))
        if periodic is not None and loop.time() >= next_periodic:
            await periodic()
            next_periodic = loop.time() + period
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=IDLE_SLEEP_SECONDS)
