"""Article actions on the real database: each action's effect, the card and counters it answers, the lists the
article still belongs to, read on scroll, delete with a tombstone a feed refresh respects, edits, and other
users' articles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from legadilo.accounts.models import User
from legadilo.core.errors import InvalidInput, NotFound
from legadilo.feeds import scheduler, services
from legadilo.feeds.models import FeedArticle, FeedSource
from legadilo.reading.actions import (
    ArticleAction,
    ArticleChanges,
    apply_article_action,
    delete_article,
    mark_articles_as_read,
    update_article,
)
from legadilo.reading.models import Article, ArticleTag, Comment, ReadingList, Tag
from legadilo.runtime import Runtime
from tests.feedfarm import running_farm

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
EARLIER = NOW - timedelta(days=2)


async def _lists(user: User) -> dict[str, int]:
    return {rl.slug: rl.id for rl in await ReadingList.filter(user_id=user.id)}


async def _article(user: User, name: str, **fields: Any) -> Article:
    return await Article.create(user_id=user.id, url=f"https://example.org/{name}", title=name, **fields)


@pytest.mark.parametrize(
    ("before", "action", "after"),
    [
        ({}, ArticleAction.MARK_AS_READ, {"read_at": NOW}),
        ({"read_at": EARLIER}, ArticleAction.MARK_AS_READ, {"read_at": EARLIER}),
        ({"read_at": EARLIER}, ArticleAction.MARK_AS_UNREAD, {"read_at": None}),
        ({}, ArticleAction.MARK_AS_FAVORITE, {"is_favorite": True}),
        ({"is_favorite": True}, ArticleAction.UNMARK_AS_FAVORITE, {"is_favorite": False}),
        ({}, ArticleAction.MARK_AS_FOR_LATER, {"is_for_later": True}),
        ({"is_for_later": True}, ArticleAction.UNMARK_AS_FOR_LATER, {"is_for_later": False}),
        ({}, ArticleAction.MARK_AS_OPENED, {"opened_at": NOW, "read_at": NOW}),
        ({"read_at": EARLIER}, ArticleAction.MARK_AS_OPENED, {"opened_at": NOW, "read_at": EARLIER}),
        ({"opened_at": EARLIER, "read_at": EARLIER}, ArticleAction.MARK_AS_OPENED, {"opened_at": EARLIER}),
    ],
)
async def test_each_action_changes_the_article_and_answers_its_card(
    alice: User, before: dict[str, object], action: ArticleAction, after: dict[str, object]
) -> None:
    article = await _article(alice, "a", **before)
    untouched = await _article(alice, "b", **before)

    result = await apply_article_action(alice.id, article.id, action, now=NOW)

    stored = await Article.get(id=article.id)
    for name, value in after.items():
        assert getattr(stored, name) == value, name
        assert result.article is not None and getattr(result.article, name) == value, name
    assert await Article.get(id=untouched.id).values("read_at", "opened_at", "is_favorite", "is_for_later") == {
        "read_at": before.get("read_at"),
        "opened_at": before.get("opened_at"),
        "is_favorite": before.get("is_favorite", False),
        "is_for_later": before.get("is_for_later", False),
    }


async def test_an_action_answers_the_new_counters_and_the_lists_still_holding_the_article(alice: User) -> None:
    lists = await _lists(alice)
    article = await _article(alice, "a", published_at=NOW - timedelta(hours=1))
    await _article(alice, "b", published_at=NOW - timedelta(hours=1))

    later = await apply_article_action(alice.id, article.id, ArticleAction.MARK_AS_FOR_LATER, now=NOW)
    read = await apply_article_action(alice.id, article.id, ArticleAction.MARK_AS_READ, now=NOW)

    assert later.counters.unread[lists["unread"]] == 1  # "Unread" excludes what is kept for later
    assert later.counters.unread[lists["for-later"]] == 1
    assert later.counters.unread[lists["all-articles"]] == 2
    assert later.counters.containing == {lists["all-articles"], lists["recent"], lists["for-later"]}
    assert read.counters.unread[lists["all-articles"]] == 1
    assert read.counters.unread[lists["for-later"]] == 0
    assert read.counters.containing == {lists["all-articles"], lists["recent"]}  # out of "For later" (unread only)


async def test_the_card_answered_carries_tags_and_the_feed_less_source(alice: User) -> None:
    article = await _article(alice, "a", main_source_title="Saved by hand", content="<p>text</p>")
    tag = await Tag.create(user_id=alice.id, title="Python", slug="python")
    await ArticleTag.create(article=article, tag=tag)

    result = await apply_article_action(alice.id, article.id, ArticleAction.MARK_AS_FAVORITE, now=NOW)

    assert result.article is not None
    assert [t.slug for t in result.article.tags] == ["python"]
    assert result.article.main_source_title == "Saved by hand"
    assert not result.article.opens_original


async def test_actions_on_other_users_articles_are_not_found_and_change_nothing(alice: User, bob: User) -> None:
    bobs = await _article(bob, "bobs")
    for action in ArticleAction:
        with pytest.raises(NotFound):
            await apply_article_action(alice.id, bobs.id, action, now=NOW)
    with pytest.raises(NotFound):
        await delete_article(alice.id, bobs.id, now=NOW)
    with pytest.raises(NotFound):
        await update_article(alice.id, bobs.id, ArticleChanges(title="mine", tags=["x"]), now=NOW)
    stored = await Article.get(id=bobs.id)
    assert (stored.title, stored.read_at, stored.opened_at, stored.is_favorite) == ("bobs", None, None, False)
    assert await Tag.filter(user_id=alice.id).count() == 0


async def test_an_unknown_action_is_invalid_input(alice: User) -> None:
    article = await _article(alice, "a")
    with pytest.raises(InvalidInput, match="unknown article action"):
        await apply_article_action(alice.id, article.id, "DROP_TABLE", now=NOW)  # type: ignore[arg-type]


async def test_read_on_scroll_marks_only_the_readers_own_unread_articles(alice: User, bob: User) -> None:
    lists = await _lists(alice)
    mine = [await _article(alice, f"a{n}") for n in range(4)]
    await Article.filter(id=mine[0].id).update(read_at=EARLIER)
    bobs = await _article(bob, "bobs")

    counters = await mark_articles_as_read(alice.id, [mine[0].id, mine[1].id, mine[2].id, mine[1].id, bobs.id], now=NOW)

    assert [a.read_at for a in await Article.filter(user_id=alice.id).order_by("id")] == [EARLIER, NOW, NOW, None]
    assert (await Article.get(id=bobs.id)).read_at is None
    assert counters.unread[lists["all-articles"]] == 1
    for bad in ([], list(range(1, 1002))):
        with pytest.raises(InvalidInput, match="1 to 1000"):
            await mark_articles_as_read(alice.id, bad, now=NOW)


async def test_deleting_an_article_takes_its_tags_and_comments_and_answers_the_counters(alice: User) -> None:
    lists = await _lists(alice)
    article = await _article(alice, "a")
    await _article(alice, "b")
    tag = await Tag.create(user_id=alice.id, title="Python", slug="python")
    await ArticleTag.create(article=article, tag=tag)
    await Comment.create(article=article, text="note")

    counters = await delete_article(alice.id, article.id, now=NOW)

    assert not await Article.exists(id=article.id)
    assert not await ArticleTag.exists(article_id=article.id)
    assert not await Comment.exists(article_id=article.id)
    assert await Tag.exists(id=tag.id)
    assert counters.unread[lists["all-articles"]] == 1
    with pytest.raises(NotFound):
        await delete_article(alice.id, article.id, now=NOW)


async def test_a_deleted_feed_article_leaves_a_tombstone_and_the_next_refresh_never_adds_it_again(
    db: Runtime, alice: User
) -> None:
    async with running_farm(entries_per_feed=5) as farm:
        subscribed = await services.subscribe_to_feed(db, alice.id, farm.url(1), services.SubscribeOptions())
        assert isinstance(subscribed, services.Subscribed)
        victim = await Article.get(user_id=alice.id, title="Story 2 of feed 1 & friends")

        await delete_article(alice.id, victim.id, now=NOW)
        farm.grow(1)  # a new body, still holding entry 2
        await FeedSource.all().update(next_check_at=db.clock.now() - timedelta(seconds=1))
        await scheduler.refresh_due(db)

    titles = {a.title for a in await Article.filter(user_id=alice.id)}
    assert "Story 5 of feed 1 & friends" in titles  # the refresh did run
    assert "Story 2 of feed 1 & friends" not in titles
    tombstone = await FeedArticle.get(entry_key="feed-1-entry-2")
    assert tombstone.article_id is None  # type: ignore[attr-defined]


async def test_update_article_edits_title_slug_tags_and_reading_time(alice: User) -> None:
    article = await _article(alice, "old title", reading_time=4)
    old = await Tag.create(user_id=alice.id, title="Old", slug="old")
    kept = await Tag.create(user_id=alice.id, title="Python", slug="python")
    await ArticleTag.bulk_create([ArticleTag(article=article, tag=old), ArticleTag(article=article, tag=kept)])

    result = await update_article(
        alice.id,
        article.id,
        ArticleChanges(title="  A  new\ttitle ", tags=["python", "Brand New"], reading_time=12),
        now=NOW,
    )

    stored = await Article.get(id=article.id)
    assert (stored.title, stored.slug, stored.reading_time) == ("A new title", "a-new-title", 12)
    assert result.article is not None
    assert [t.slug for t in result.article.tags] == ["brand-new", "python"]
    assert await Tag.exists(id=old.id)  # only unlinked
    only_time = await update_article(alice.id, article.id, ArticleChanges(reading_time=0), now=NOW)
    assert only_time.article is not None
    assert (only_time.article.title, only_time.article.reading_time) == ("A new title", 0)
    assert len(only_time.article.tags) == 2
    cleared = await update_article(alice.id, article.id, ArticleChanges(tags=[]), now=NOW)
    assert cleared.article is not None and cleared.article.tags == ()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (ArticleChanges(title=" \n "), "cannot be empty"),
        (ArticleChanges(title="x" * 301), "longer than 300"),
        (ArticleChanges(reading_time=-1), "reading time"),
        (ArticleChanges(reading_time=10**9), "reading time"),
        (ArticleChanges(reading_time=True), "reading time"),
        (ArticleChanges(title="fine", tags=[f"t{n}" for n in range(101)]), "at most 100 tags"),
    ],
)
async def test_bad_edits_are_refused_and_change_nothing(alice: User, changes: ArticleChanges, message: str) -> None:
    article = await _article(alice, "title", reading_time=4)
    with pytest.raises(InvalidInput, match=message):
        await update_article(alice.id, article.id, changes, now=NOW)
    stored = await Article.get(id=article.id)
    assert (stored.title, stored.reading_time) == ("title", 4)
    assert await Tag.filter(user_id=alice.id).count() == 0


@pytest.mark.parametrize("article_id", [0, -1, 2**63, 10**30])
async def test_ids_that_cannot_exist_are_not_found(alice: User, article_id: int) -> None:
    with pytest.raises(NotFound):
        await apply_article_action(alice.id, article_id, ArticleAction.MARK_AS_READ, now=NOW)
    with pytest.raises(NotFound):
        await delete_article(alice.id, article_id, now=NOW)
    with pytest.raises(NotFound):
        await update_article(alice.id, article_id, ArticleChanges(title="t"), now=NOW)
    with pytest.raises(InvalidInput, match="not a valid id"):
        await mark_articles_as_read(alice.id, [1, article_id], now=NOW)
