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
from legadilo.feeds.refresh import (
    Failure,
    RefreshOutcome,
    SourceState,
    read_source_states,
    record_failure,
    refresh_source,
)
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
    per host. Every lease is released, stop requested or not (see `_refresh_and_release`)."""
    report = report or RefreshReport()
    limit = asyncio.Semaphore(rt.settings.fetch.concurrency)
    hosts = HostLimits(rt.settings.fetch.per_host)
    states = await read_source_states(source_ids) if source_ids else {}

    async def one(source_id: int) -> None:
        async with limit:
            skip = stop is not None and stop.is_set()
            state = states.get(source_id)
            await _refresh_and_release(rt, source_id, owner, use_cache, hosts, report, skip=skip, state=state)

    async with asyncio.TaskGroup() as group:
        for source_id in source_ids:
            group.create_task(one(source_id))
    return report


async def _refresh_and_release(
    rt: Runtime,
    source_id: int,
    owner: str,
    use_cache: bool,
    hosts: HostLimits,
    report: RefreshReport,
    *,
    skip: bool = False,
    state: SourceState | None = None,
) -> None:
    """The per-source boundary: a crash is recorded as a failure of that source (with its backoff) and never
    stops the others. Recording the outcome ends the lease; when nothing could be recorded (the database is
    gone, the pass was cancelled, `skip`), the lease is released here."""
    recorded = False
    try:
        if not skip:
            report.outcomes.append(await _refresh_guarded(rt, source_id, owner, use_cache, hosts, state))
            recorded = True
    except Exception:
        logger.exception("could not record the refresh of source %s", source_id)
    finally:
        if not recorded:
            with contextlib.suppress(Exception):  # the lease expires by itself if the database is gone
                await queries.release_lease(source_id, owner)


async def _refresh_guarded(
    rt: Runtime, source_id: int, owner: str, use_cache: bool, hosts: HostLimits, state: SourceState | None
) -> RefreshOutcome:
    started = time.monotonic()
    try:
        return await refresh_source(rt, source_id, use_cache=use_cache, hosts=hosts, owner=owner, state=state)
    except Exception as exc:
        logger.exception("refresh of source %s crashed", source_id)
        failure = Failure(f"internal error: {type(exc).__name__}: {exc}")
        return await record_failure(rt, source_id, failure, started, owner=owner)


async def refresh_due(rt: Runtime, *, owner: str | None = None, stop: asyncio.Event | None = None) -> RefreshReport:
    """One pass: claim due sources until none is due (or `stop` is set), at most `LEGADILO_FETCH_CONCURRENCY`
    refreshing at a time.

    Claims are topped up as refreshes end (when half the slots are free), rather than batch after batch: a
    batch waits for its slowest source, leaving the parse pool idle while the last ones are stored and the
    database idle while the next batch is fetched and parsed. Claimed sources start at once, so leases never
    expire while waiting for a turn. When nothing more is due, the running refreshes end and one last claim
    looks again (a source may have become due meanwhile)."""
    owner = owner or worker_id()
    report = RefreshReport()
    limit = rt.settings.fetch.concurrency
    hosts = HostLimits(rt.settings.fetch.per_host)
    running: set[asyncio.Task[None]] = set()
    try:
        while stop is None or not stop.is_set():
            room = limit - len(running)
            if room < max(limit // 2, 1):
                _, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                continue
            now = rt.clock.now()
            claimed = await queries.claim_due_sources(owner, now, now + planning.LEASE_DURATION, room)
            states = await read_source_states(claimed) if claimed else {}
            running.update(
                asyncio.create_task(
                    _refresh_and_release(rt, source_id, owner, True, hosts, report, state=states.get(source_id))
                )
                for source_id in claimed
            )
            if not claimed:
                if not running:
                    break
                _, running = await asyncio.wait(running)
    except asyncio.CancelledError:  # like a task group: cancelled with the pass (each still releases its lease)
        for task in running:
            task.cancel()
        raise
    finally:
        if running:  # a failed claim lets the running refreshes end and record their outcome
            await asyncio.wait(running)
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
