"""The sidebar's unread counts, kept per process between page views until an article changes.

Counting the unread articles of every list is the costliest statement of a reading-list page (an index-only
scan of the user's unread articles with one condition per list). Between two views of the same lists, nothing
usually changed: the counts are kept here, keyed by the user and the lists' filters (editing a list changes
the key), and dropped
- at once when any article or article tag changes anywhere: triggers on `article` and `article_tag`
  (migration 5) send a NOTIFY on CHANNEL when their transaction commits, and `listen_for_changes` clears
  the whole cache when it arrives (a change of one user's articles drops every user's counts: simple, and
  correct for any number of processes);
- after TTL_SECONDS in any case, so that lists with a maximum age lose the articles that aged out.
The cache is used only while the listening connection is up (`active`): a process that does not listen (the
command line, the tests unless they start it), or whose connection dropped, always counts. An action's answer
never reads it: it counts (with the article's lists) right after the change.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Hashable

from legadilo.db import DatabaseTarget, connect

CHANNEL = "legadilo_article_changes"
TTL_SECONDS = 30.0
MAX_ENTRIES = 10_000
RECONNECT_SECONDS = 5.0

log = logging.getLogger(__name__)


class UnreadCountsCache:
    def __init__(self, *, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self.active = False
        self._entries: dict[Hashable, tuple[float, dict[int, int]]] = {}
        self._cleared_at = float("-inf")

    def get(self, key: Hashable) -> dict[int, int] | None:
        if not self.active:
            return None
        entry = self._entries.get(key)
        if entry is None or self.clock() - entry[0] > self.ttl:
            return None
        return dict(entry[1])

    def put(self, key: Hashable, unread: dict[int, int], *, since: float) -> None:
        """Keep counts computed from a statement that started at `since` (a `clock()` reading taken before
        it): a change notified meanwhile has cleared the cache after `since`, and these counts are dropped."""
        if not self.active or since < self._cleared_at:
            return
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        self._entries[key] = (since, dict(unread))

    def clear(self) -> None:
        self._entries.clear()
        self._cleared_at = self.clock()


CACHE = UnreadCountsCache()


async def listen_for_changes(target: DatabaseTarget, cache: UnreadCountsCache = CACHE) -> None:
    """Keep a connection LISTENing on CHANNEL and clear `cache` on each notification, reconnecting after a
    failure (the cache is off meanwhile). Runs until cancelled."""
    while True:
        try:
            await _listen_until_lost(target, cache)
            log.warning("the connection listening for article changes was lost: unread counts are not cached")
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure: count without the cache, try again later
            log.warning("cannot listen for article changes (%s): unread counts are not cached", exc)
        await asyncio.sleep(RECONNECT_SECONDS)


async def _listen_until_lost(target: DatabaseTarget, cache: UnreadCountsCache) -> None:
    connection = await connect(target)
    lost = asyncio.Event()
    try:
        connection.add_termination_listener(lambda _: lost.set())
        await connection.add_listener(CHANNEL, lambda *_: cache.clear())
        cache.clear()
        cache.active = True
        await lost.wait()
    finally:
        cache.active = False
        cache.clear()
        if not connection.is_closed():
            with contextlib.suppress(Exception):
                await connection.close()
