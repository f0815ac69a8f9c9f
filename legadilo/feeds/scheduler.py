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
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from legadilo.feeds import planning, queries
from legadilo.feeds.hosts import HostLimits
from legadilo.feeds.refresh import Failure, RefreshOutcome, record_failure, refresh_source
from legadilo.runtime import Runtime

logger = logging.getLogger(__name__)
IDLE_SLEEP_SECONDS = 30.0


def worker_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class RefreshReport:
    outcomes: list[RefreshOutcome] = field(default_factory=list)
    skipped: int = 0  # selected sources another worker was refreshing at that moment

    @property
    def counts(self) -> Counter[str]:
        return Counter(outcome.status.value for outcome in self.outcomes)

    @property
    def new_articles(self) -> int:
        return sum(outcome.new_articles for outcome in self.outcomes)


async def refresh_claimed(
    rt: Runtime,
    source_ids: list[int],
    owner: str,
    *,
    use_cache: bool = True,
    report: RefreshReport | None = None,
    stop: asyncio.Event | None = None,
) -> RefreshReport:
    """Refresh leased sources, at most `LEGADILO_FETCH_CONCURRENCY` at a time and `LEGADILO_FETCH_PER_HOST`
    per host. This is the per-source boundary: a crash is recorded as a failure of that source (with its
    backoff) and never stops the others; every lease is released, stop requested or not."""
    report = report or RefreshReport()
    limit = asyncio.Semaphore(rt.settings.fetch.concurrency)
    hosts = HostLimits(rt.settings.fetch.per_host)

    async def one(source_id: int) -> None:
        try:
            async with limit:
                if stop is not None and stop.is_set():
                    return
                report.outcomes.append(await _refresh_guarded(rt, source_id, use_cache, hosts))
        except Exception:
            logger.exception("could not record the refresh of source %s", source_id)
        finally:
            with contextlib.suppress(Exception):  # the lease expires by itself if the database is gone
                await queries.release_lease(source_id, owner)

    async with asyncio.TaskGroup() as group:
        for source_id in source_ids:
            group.create_task(one(source_id))
    return report


async def _refresh_guarded(rt: Runtime, source_id: int, use_cache: bool, hosts: HostLimits) -> RefreshOutcome:
    started = time.monotonic()
    try:
        return await refresh_source(rt, source_id, use_cache=use_cache, hosts=hosts)
    except Exception as exc:
        logger.exception("refresh of source %s crashed", source_id)
        return await record_failure(rt, source_id, Failure(f"internal error: {type(exc).__name__}: {exc}"), started)


async def refresh_due(rt: Runtime, *, owner: str | None = None, stop: asyncio.Event | None = None) -> RefreshReport:
    """One pass: claim due sources batch after batch until none is due (or `stop` is set). Batches are
    small (the concurrency) so that leases never expire while waiting for a turn."""
    owner = owner or worker_id()
    report = RefreshReport()
    while stop is None or not stop.is_set():
        now = rt.clock.now()
        claimed = await queries.claim_due_sources(
            owner, now, now + planning.LEASE_DURATION, rt.settings.fetch.concurrency
        )
        if not claimed:
            break
        await refresh_claimed(rt, claimed, owner, report=report, stop=stop)
    return report


async def refresh_selected(
    rt: Runtime, *, user_id: int | None, feed_id: int | None, force: bool, use_cache: bool
) -> RefreshReport:
    """`feeds update`: the sources of a user's feeds (or one feed), due ones only unless `force`; those
    another worker is refreshing right now are skipped (they are being refreshed)."""
    owner = worker_id()
    report = RefreshReport()
    wanted = await queries.selected_sources(user_id=user_id, feed_id=feed_id, due_only=not force, now=rt.clock.now())
    chunk = rt.settings.fetch.concurrency
    for start in range(0, len(wanted), chunk):
        now = rt.clock.now()
        batch = wanted[start : start + chunk]
        claimed = await queries.claim_sources(owner, now, now + planning.LEASE_DURATION, batch)
        report.skipped += len(batch) - len(claimed)
        await refresh_claimed(rt, claimed, owner, use_cache=use_cache, report=report)
    return report


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
