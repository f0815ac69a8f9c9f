"""The refresh pass: claims topped up as refreshes end (a slow source never holds the others back), never more
than the concurrency at once, every lease released, cancellation included."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta

import pytest
from aiohttp import web

from legadilo.accounts.models import User
from legadilo.feeds import scheduler, services
from legadilo.feeds.models import Feed, FeedSource, UpdateStatus
from legadilo.runtime import Runtime
from tests.feedfarm import FeedFarm

QUICK_FEEDS = range(1, 6)


@dataclass
class GatedFarm:
    """The feed farm behind a gate: /slow.xml waits for `gate`, the other feeds answer at once."""

    farm: FeedFarm
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    served: asyncio.Condition = field(default_factory=asyncio.Condition)  # notified at every request
    active: int = 0
    peak: int = 0

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            if request.path == "/slow.xml":
                self.farm.hits[request.path] += 1
                await self._notify()
                await self.gate.wait()
                return web.Response(body=self.farm.body(99), content_type="application/rss+xml")
            return await self.farm.handle_feed(request)
        finally:
            self.active -= 1
            await self._notify()

    async def _notify(self) -> None:
        async with self.served:
            self.served.notify_all()

    async def wait_for(self, condition: Callable[[], bool], seconds: float = 15.0) -> None:
        async with asyncio.timeout(seconds), self.served:
            await self.served.wait_for(condition)


@pytest.fixture
async def gated() -> AsyncIterator[GatedFarm]:
    gated = GatedFarm(FeedFarm(entries_per_feed=2))
    app = web.Application()
    app.router.add_get("/feeds/{feed:\\d+}.xml", gated.handle)
    app.router.add_get("/slow.xml", gated.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    gated.farm.base_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield gated
    finally:
        gated.gate.set()
        await runner.cleanup()


async def _subscribe_all(rt: Runtime, user: User, gated: GatedFarm) -> None:
    """The slow source and the quick ones (each with a new entry), all due, the slow one first in the queue."""
    gated.gate.set()
    for url in [f"{gated.farm.base_url}/slow.xml", *(gated.farm.url(n) for n in QUICK_FEEDS)]:
        result = await services.subscribe_to_feed(rt, user.id, url, services.SubscribeOptions())
        assert isinstance(result, services.Subscribed)
    gated.gate.clear()
    gated.farm.hits.clear()
    for number in QUICK_FEEDS:
        gated.farm.grow(number)
    now = rt.clock.now()
    await FeedSource.all().update(next_check_at=now - timedelta(seconds=1))
    slow = await Feed.get(source__url=f"{gated.farm.base_url}/slow.xml")
    await FeedSource.filter(id=slow.source_id).update(next_check_at=now - timedelta(seconds=2))  # type: ignore[attr-defined]


def _with_concurrency(rt: Runtime, concurrency: int) -> Runtime:
    fetch = replace(rt.settings.fetch, concurrency=concurrency, per_host=concurrency)
    return replace(rt, settings=replace(rt.settings, fetch=fetch))


async def test_a_slow_source_does_not_hold_back_the_others_nor_the_concurrency_limit(
    db: Runtime, alice: User, gated: GatedFarm
) -> None:
    await _subscribe_all(db, alice, gated)
    rt = _with_concurrency(db, 2)

    refresh = asyncio.create_task(scheduler.refresh_due(rt))
    # Every quick feed is fetched while the slow one still holds its slot (a batch would wait for it).
    await gated.wait_for(lambda: all(gated.farm.hits[f"/feeds/{n}.xml"] == 1 for n in QUICK_FEEDS))
    assert not refresh.done()
    assert gated.farm.hits["/slow.xml"] == 1
    gated.gate.set()
    report = await asyncio.wait_for(refresh, timeout=30)

    outcomes = {outcome.url.rsplit("/", 1)[1]: (outcome.status, outcome.new_articles) for outcome in report.outcomes}
    assert outcomes == {
        "slow.xml": (UpdateStatus.NOT_MODIFIED, 0),  # the same body again
        **{f"{n}.xml": (UpdateStatus.SUCCESS, 1) for n in QUICK_FEEDS},
    }
    assert gated.peak <= 2
    assert await FeedSource.filter(leased_until__isnull=False).count() == 0
    assert await FeedSource.filter(next_check_at__lte=rt.clock.now()).count() == 0


async def test_a_cancelled_pass_cancels_its_refreshes_and_releases_every_lease(
    db: Runtime, alice: User, gated: GatedFarm
) -> None:
    await _subscribe_all(db, alice, gated)
    rt = _with_concurrency(db, 4)

    refresh = asyncio.create_task(scheduler.refresh_due(rt))
    await gated.wait_for(lambda: gated.farm.hits["/slow.xml"] == 1)
    refresh.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(refresh, timeout=10)  # never waits for the gate

    assert await FeedSource.filter(leased_until__isnull=False).count() == 0
    assert await FeedSource.filter(lease_owner="").count() == len(QUICK_FEEDS) + 1
