"""Editing subscriptions (settings, disable/enable, refresh now) and the category tree."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from legadilo.accounts.models import User
from legadilo.core.errors import AlreadyExists, InvalidInput, NotFound
from legadilo.feeds import management, queries
from legadilo.feeds.models import Feed, FeedCategory, FeedSource, FeedType, RefreshDelay
from legadilo.runtime import Runtime

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


async def make_feed(user: User, url: str = "https://example.org/feed.xml", **fields: Any) -> Feed:
    source = await queries.get_or_create_source(url, NOW + timedelta(hours=6))
    return await Feed.create(user_id=user.id, source=source, title=f"Feed {url}", feed_type=FeedType.RSS20, **fields)


def changes(**overrides: object) -> management.FeedChanges:
    values: dict[str, object] = {
        "category_id": None,
        "tags": (),
        "refresh_delay": RefreshDelay.HOURLY,
        "article_retention_time": 30,
        "open_original_url_by_default": True,
    }
    values.update(overrides)
    return management.FeedChanges(**values)  # type: ignore[arg-type]


async def test_update_feed_saves_every_setting_and_replaces_the_tags(db: Runtime, alice: User) -> None:
    feed = await make_feed(alice)
    category = await management.create_category(alice.id, "Tech")
    await management.update_feed(alice.id, feed.id, changes(tags=("Python", "web")))

    saved = await management.update_feed(alice.id, feed.id, changes(category_id=category.id, tags=("web", "Rust")))

    assert saved.category_id == category.id  # type: ignore[attr-defined]
    assert saved.refresh_delay is RefreshDelay.HOURLY
    assert saved.article_retention_time == 30
    assert saved.open_original_url_by_default is True
    assert [tag.title for tag in await management.feed_tags(feed.id)] == ["Rust", "web"]


@pytest.mark.parametrize("days", [-1, 36_501])
async def test_update_feed_refuses_a_retention_out_of_range_and_changes_nothing(
    db: Runtime, alice: User, days: int
) -> None:
    feed = await make_feed(alice)
    with pytest.raises(InvalidInput, match="retention"):
        await management.update_feed(alice.id, feed.id, changes(article_retention_time=days, tags=("x",)))
    again = await Feed.get(id=feed.id)
    assert (again.article_retention_time, again.refresh_delay) == (0, RefreshDelay.DAILY_AT_NOON)
    assert await management.feed_tags(feed.id) == []


async def test_another_users_feed_or_category_is_not_found(db: Runtime, alice: User, bob: User) -> None:
    feed = await make_feed(alice)
    bobs_category = await management.create_category(bob.id, "Bob's")
    with pytest.raises(NotFound):
        await management.update_feed(bob.id, feed.id, changes())
    with pytest.raises(NotFound):
        await management.update_feed(alice.id, feed.id, changes(category_id=bobs_category.id))
    for call in (
        management.disable_feed(bob.id, feed.id, "", NOW),
        management.enable_feed(bob.id, feed.id, NOW),
        management.refresh_now(bob.id, feed.id, NOW),
    ):
        with pytest.raises(NotFound):
            await call
    assert (await Feed.get(id=feed.id)).category_id is None  # type: ignore[attr-defined]


async def test_disable_keeps_the_reason_and_enable_makes_the_source_due_now(db: Runtime, alice: User) -> None:
    feed = await make_feed(alice)
    disabled = await management.disable_feed(alice.id, feed.id, "  too   noisy ", NOW)
    assert (disabled.disabled_at, disabled.disabled_reason) == (NOW, "too noisy")
    default = await management.disable_feed(alice.id, feed.id, "   ", NOW)
    assert default.disabled_reason == management.MANUAL_DISABLE_REASON

    enabled = await management.enable_feed(alice.id, feed.id, NOW)

    assert (enabled.disabled_at, enabled.disabled_reason) == (None, "")
    assert (await FeedSource.get(id=enabled.source.id)).next_check_at == NOW


async def test_refresh_now_makes_the_source_due_but_respects_retry_after(db: Runtime, alice: User) -> None:
    feed = await make_feed(alice)
    assert await management.refresh_now(alice.id, feed.id, NOW) == NOW
    assert (await FeedSource.get(id=feed.source_id)).next_check_at == NOW  # type: ignore[attr-defined]

    later = NOW + timedelta(minutes=30)
    await FeedSource.filter(id=feed.source_id).update(retry_after_until=later, next_check_at=NOW + timedelta(hours=2))  # type: ignore[attr-defined]
    assert await management.refresh_now(alice.id, feed.id, NOW) == later
    assert (await FeedSource.get(id=feed.source_id)).next_check_at == later  # type: ignore[attr-defined]


async def test_refresh_now_waits_a_minute_after_the_last_check(db: Runtime, alice: User) -> None:
    feed = await make_feed(alice)
    checked = NOW - timedelta(seconds=20)
    await FeedSource.filter(id=feed.source_id).update(last_checked_at=checked)  # type: ignore[attr-defined]

    assert await management.refresh_now(alice.id, feed.id, NOW) == checked + timedelta(minutes=1)
    assert await management.refresh_now(alice.id, feed.id, NOW + timedelta(minutes=2)) == NOW + timedelta(minutes=2)


async def test_refresh_now_refuses_a_disabled_feed(db: Runtime, alice: User) -> None:
    feed = await make_feed(alice)
    await management.disable_feed(alice.id, feed.id, "", NOW)
    with pytest.raises(InvalidInput, match="disabled"):
        await management.refresh_now(alice.id, feed.id, NOW)
    assert (await FeedSource.get(id=feed.source_id)).next_check_at > NOW  # type: ignore[attr-defined]


async def test_the_category_tree_is_depth_first_with_paths(db: Runtime, alice: User, bob: User) -> None:
    news = await management.create_category(alice.id, "News")
    tech = await management.create_category(alice.id, "Tech")
    await management.create_category(alice.id, "Python", tech.id)
    await management.create_category(alice.id, "Local", news.id)
    await management.create_category(bob.id, "Bob only")

    tree = await management.category_tree(alice.id)

    assert [(node.path, node.depth) for node in tree] == [
        ("News", 0),
        ("News / Local", 1),
        ("Tech", 0),
        ("Tech / Python", 1),
    ]


@pytest.mark.parametrize("title", ["", "   ", "\t\n"])
async def test_a_category_needs_a_real_title(db: Runtime, alice: User, title: str) -> None:
    with pytest.raises(InvalidInput):
        await management.create_category(alice.id, title)
    assert await FeedCategory.all().count() == 0


async def test_duplicate_names_are_refused_on_create_and_rename(db: Runtime, alice: User, bob: User) -> None:
    await management.create_category(alice.id, "Tech")
    other = await management.create_category(alice.id, "News")
    await management.create_category(bob.id, "Tech")  # another user may use the name
    with pytest.raises(AlreadyExists):
        await management.create_category(alice.id, "tech")
    with pytest.raises(AlreadyExists):
        await management.update_category(alice.id, other.id, "TECH", None)
    assert (await FeedCategory.get(id=other.id)).title == "News"


async def test_moving_a_category_under_itself_or_a_descendant_is_refused(db: Runtime, alice: User) -> None:
    top = await management.create_category(alice.id, "Top")
    middle = await management.create_category(alice.id, "Middle", top.id)
    bottom = await management.create_category(alice.id, "Bottom", middle.id)
    for parent in (top, middle, bottom):
        with pytest.raises(InvalidInput, match="under itself"):
            await management.update_category(alice.id, top.id, "Top", parent.id)
    assert (await FeedCategory.get(id=top.id)).parent_id is None  # type: ignore[attr-defined]

    moved = await management.update_category(alice.id, bottom.id, "Bottom renamed", None)
    assert (moved.title, moved.slug, moved.parent_id) == ("Bottom renamed", "bottom-renamed", None)  # type: ignore[attr-defined]


async def test_a_parent_of_another_user_is_not_found(db: Runtime, alice: User, bob: User) -> None:
    bobs = await management.create_category(bob.id, "Bob's")
    mine = await management.create_category(alice.id, "Mine")
    with pytest.raises(NotFound):
        await management.create_category(alice.id, "Child", bobs.id)
    with pytest.raises(NotFound):
        await management.update_category(alice.id, mine.id, "Mine", bobs.id)
    with pytest.raises(NotFound):
        await management.delete_category(alice.id, bobs.id)


async def test_deleting_a_category_keeps_its_feeds_and_moves_its_children_up(db: Runtime, alice: User) -> None:
    top = await management.create_category(alice.id, "Top")
    middle = await management.create_category(alice.id, "Middle", top.id)
    child = await management.create_category(alice.id, "Child", middle.id)
    feed = await make_feed(alice, category=middle)

    await management.delete_category(alice.id, middle.id)

    assert not await FeedCategory.filter(id=middle.id).exists()
    assert (await FeedCategory.get(id=child.id)).parent_id == top.id  # type: ignore[attr-defined]
    assert (await Feed.get(id=feed.id)).category_id is None  # type: ignore[attr-defined]
    assert await management.feed_counts_by_category(alice.id) == {}
