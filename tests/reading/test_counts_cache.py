"""The sidebar's unread counts kept between page views (reading/counts_cache.py): used only while listening,
dropped when an article or a tag changes in any connection (NOTIFY from migration 5), and after their TTL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from tortoise import Tortoise

from legadilo.db import DatabaseTarget, connect
from legadilo.reading import counts_cache
from legadilo.reading.counts_cache import CACHE, UnreadCountsCache, listen_for_changes
from legadilo.reading.models import Article, ArticleTag, Tag
from legadilo.reading.services import show_reading_list
from legadilo.runtime import Runtime
from legadilo.signup.services import register_user
from tests.reading.test_reading_page_queries import counting_statements

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
COUNTING = "count(*) FILTER"


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_nothing_is_kept_while_not_listening_and_entries_expire() -> None:
    clock = FakeClock()
    cache = UnreadCountsCache(ttl=30, clock=clock)
    cache.put("key", {1: 3}, since=clock())
    assert cache.get("key") is None  # not listening: never used
    cache.active = True
    cache.put("key", {1: 3}, since=clock())
    assert cache.get("key") == {1: 3}
    clock.now += 31
    assert cache.get("key") is None


def test_counts_computed_across_a_change_are_not_kept() -> None:
    clock = FakeClock()
    cache = UnreadCountsCache(clock=clock)
    cache.active = True
    since = clock()
    clock.now += 1
    cache.clear()  # a change notified while the counts were being computed
    cache.put("key", {1: 3}, since=since)
    assert cache.get("key") is None
    cache.put("key", {1: 2}, since=clock())
    assert cache.get("key") == {1: 2}


@pytest.fixture
async def listening(migrated_database: DatabaseTarget, db: Runtime) -> AsyncIterator[None]:
    task = asyncio.create_task(listen_for_changes(migrated_database))
    for _ in range(100):
        if CACHE.active:
            break
        await asyncio.sleep(0.05)
    assert CACHE.active
    yield
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not CACHE.active


async def _until_cleared(key_user: int) -> None:
    for _ in range(100):
        if not any(isinstance(key, tuple) and key[0] == key_user for key in CACHE._entries):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the change was not notified")


async def _page_counts(user_id: int) -> tuple[int, dict[int, int]]:
    with counting_statements() as statements:
        page = await show_reading_list(user_id, "all-articles", now=NOW)
    return sum(COUNTING in statement for statement in statements), page.unread_counts


async def test_the_counts_are_kept_until_an_article_or_a_tag_changes_anywhere(
    listening: None, migrated_database: DatabaseTarget
) -> None:
    user = await register_user("alice@example.org", "a long enough password")
    article = await Article.create(user_id=user.id, url="https://example.org/1", title="one")
    counted, first = await _page_counts(user.id)
    assert counted == 1
    counted, again = await _page_counts(user.id)
    assert counted == 0 and again == first  # nothing changed: from the cache

    # a change from another connection (another process, say): notified at its commit
    other = await connect(migrated_database)
    try:
        await other.execute("UPDATE article SET read_at = now() WHERE id = $1", article.id)
    finally:
        await other.close()
    await _until_cleared(user.id)
    counted, after = await _page_counts(user.id)
    assert counted == 1 and sum(after.values()) < sum(first.values())

    # a tag added (the article's row is not even rewritten when nothing else changes)
    tag = await Tag.create(user_id=user.id, title="t", slug="t")
    await _page_counts(user.id)
    await ArticleTag.create(article=article, tag=tag)
    await _until_cleared(user.id)
    assert (await _page_counts(user.id))[0] == 1


async def test_a_lost_connection_turns_the_cache_off_until_it_is_back(
    listening: None, migrated_database: DatabaseTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = await register_user("alice@example.org", "a long enough password")
    await _page_counts(user.id)
    monkeypatch.setattr(counts_cache, "RECONNECT_SECONDS", 0.1)
    await Tortoise.get_connection("default").execute_query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid() AND datname = current_database()"
    )
    for _ in range(100):
        if not CACHE.active:
            break
        await asyncio.sleep(0.02)
    assert not CACHE.active and CACHE._entries == {}
    assert (await _page_counts(user.id))[0] == 1  # counted while off
    for _ in range(200):
        if CACHE.active:
            break
        await asyncio.sleep(0.05)
    assert CACHE.active  # listening again
