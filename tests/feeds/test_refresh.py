"""The feed engine end to end: a real local feed server, the real fetcher, parser and database."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from legadilo.accounts.models import Notification, User, UserSettings
from legadilo.core.clock import FrozenClock
from legadilo.feeds import queries, scheduler, services
from legadilo.feeds.models import (
    Feed,
    FeedArticle,
    FeedEntry,
    FeedSource,
    FeedUpdate,
    FetchOutcome,
    RefreshDelay,
    UpdateStatus,
)
from legadilo.feeds.refresh import fetch_feed, parse_in_pool, refresh_source, store_parsed
from legadilo.reading.models import Article, ArticleTag, Tag
from legadilo.runtime import Runtime
from tests.feedfarm import FeedFarm


async def _subscribe(rt: Runtime, user: User, url: str, **options: object) -> Feed:
    result = await services.subscribe_to_feed(rt, user.id, url, services.SubscribeOptions(**options))  # type: ignore[arg-type]
    assert isinstance(result, services.Subscribed)
    return result.feed


async def _make_all_due(rt: Runtime) -> None:
    await FeedSource.all().update(next_check_at=rt.clock.now() - timedelta(seconds=1))


async def _refresh_due(rt: Runtime) -> scheduler.RefreshReport:
    await _make_all_due(rt)
    return await scheduler.refresh_due(rt)


async def test_subscribe_stores_the_entries_and_schedules_the_next_check(
    db: Runtime, farm: FeedFarm, alice: User
) -> None:
    await UserSettings.filter(user_id=alice.id).update(words_per_minute=40)
    feed = await _subscribe(db, alice, farm.url(1), category="Tech news", tags=("python", "Daily"))

    assert feed.title == "Feed number 1"
    assert feed.feed_type == "rss20"
    assert feed.site_url == f"{farm.base_url}/site/1"
    articles = await Article.filter(user_id=alice.id).order_by("-published_at")
    assert [a.title for a in articles] == [f"Story {n} of feed 1 & friends" for n in range(4, -1, -1)]
    first = articles[0]
    assert first.url == f"{farm.base_url}/articles/1/4"
    assert first.main_feed_id == feed.id  # type: ignore[attr-defined]
    assert first.main_source_title == "Feed number 1"
    assert first.external_tags == ["news", "topic-4"]
    assert f'src="{farm.base_url}/images/1/4.jpg"' in first.content
    assert "<script" not in first.content
    assert 3 <= first.reading_time <= 8  # about 200 words at this reader's 40 words per minute
    assert first.table_of_content
    tags = await Tag.filter(user_id=alice.id).order_by("slug")
    assert [t.slug for t in tags] == ["daily", "python"]
    assert await ArticleTag.filter(article_id=first.id).count() == 2
    source = await FeedSource.get(id=feed.source_id)  # type: ignore[attr-defined]
    assert source.last_outcome == FetchOutcome.SUCCESS
    assert source.etag.startswith('"')
    assert source.next_check_at > db.clock.now()
    update = await FeedUpdate.get(source_id=source.id)
    assert (update.status, update.new_entries, update.http_status) == (UpdateStatus.SUCCESS, 5, 200)
    assert (await Feed.get(id=feed.id).prefetch_related("category")).category.title == "Tech news"  # type: ignore[union-attr]


async def test_subscribing_twice_is_a_no_op_and_a_second_user_shares_the_source(
    db: Runtime, farm: FeedFarm, alice: User, bob: User
) -> None:
    feed = await _subscribe(db, alice, farm.url(1))
    again = await services.subscribe_to_feed(db, alice.id, farm.url(1))
    bobs = await _subscribe(db, bob, farm.url(1))

    assert isinstance(again, services.Subscribed)
    assert (again.created, again.reenabled, again.feed.id) == (False, False, feed.id)
    assert await FeedSource.all().count() == 1
    assert bobs.source_id == feed.source_id  # type: ignore[attr-defined]
    assert await Article.filter(user_id=alice.id).count() == await Article.filter(user_id=bob.id).count() == 5


async def test_an_unchanged_feed_is_not_modified_thanks_to_the_etag(db: Runtime, farm: FeedFarm, alice: User) -> None:
    await _subscribe(db, alice, farm.url(1))

    report = await _refresh_due(db)

    assert dict(report.counts) == {"NOT_MODIFIED": 1}
    assert farm.conditional_hits["/feeds/1.xml"] == 1
    assert await Article.all().count() == 5


async def test_a_server_without_validators_sending_the_same_body_is_not_parsed_again(
    db: Runtime, farm: FeedFarm, alice: User
) -> None:
    farm.set("/plain.xml", farm.body(1))  # no ETag, no Last-Modified
    await _subscribe(db, alice, f"{farm.base_url}/plain.xml")

    report = await _refresh_due(db)

    assert [o.status for o in report.outcomes] == [UpdateStatus.NOT_MODIFIED]
    last = await FeedUpdate.filter(status=UpdateStatus.NOT_MODIFIED).first()
    assert last is not None and last.http_status == 200


async def test_no_cache_drops_the_validators_and_parses_again_without_duplicating(
    db: Runtime, farm: FeedFarm, alice: User
) -> None:
    feed = await _subscribe(db, alice, farm.url(1))

    report = await scheduler.refresh_selected(db, user_id=alice.id, feed_id=feed.id, force=True, use_cache=False)
    forced = await scheduler.refresh_selected(db, user_id=alice.id, feed_id=feed.id, force=True, use_cache=True)

    assert [(o.status, o.new_articles) for o in report.outcomes] == [(UpdateStatus.SUCCESS, 0)]
    assert [o.status for o in forced.outcomes] == [UpdateStatus.NOT_MODIFIED]  # --force still sends the ETag
    assert farm.conditional_hits["/feeds/1.xml"] == 1
    assert await Article.filter(user_id=alice.id).count() == 5


async def test_new_entries_arrive_once_with_feed_tags_on_new_articles_only(
    db: Runtime, farm: FeedFarm, alice: User
) -> None:
    await _subscribe(db, alice, farm.url(1))
    feed = await Feed.get(user_id=alice.id)
    tag = await Tag.create(user_id=alice.id, title="Later tag", slug="later-tag")
    await queries.set_feed_tags(feed.id, [tag.id])
    farm.grow(1, by=2)

    report = await _refresh_due(db)
    again = await _refresh_due(db)

    assert report.new_articles == 2
    assert again.new_articles == 0
    assert await Article.filter(user_id=alice.id).count() == 7
    tagged = await ArticleTag.filter(tag_id=tag.id).prefetch_related("article")
    assert sorted(t.article.title for t in tagged) == ["Story 5 of feed 1 & friends", "Story 6 of feed 1 & friends"]


async def test_a_deleted_article_never_comes_back(db: Runtime, farm: FeedFarm, alice: User) -> None:
    await _subscribe(db, alice, farm.url(1))
    victim = await Article.get(user_id=alice.id, title="Story 2 of feed 1 & friends")
    await victim.delete()
    farm.grow(1)  # a new body: parsed and stored again

    await _refresh_due(db)

    titles = {a.title for a in await Article.filter(user_id=alice.id)}
    assert "Story 2 of feed 1 & friends" not in titles
    assert "Story 5 of feed 1 & friends" in titles
    tombstone = await FeedArticle.get(entry_key="feed-1-entry-2")
    assert tombstone.article_id is None  # type: ignore[attr-defined]
    update = await FeedUpdate.filter(status=UpdateStatus.SUCCESS).order_by("-id").first()
    assert update is not None and "feed-1-entry-2" in update.ignored_entry_keys


async def test_an_entry_seen_again_after_a_year_is_unread_again(db: Runtime, farm: FeedFarm, alice: User) -> None:
    await _subscribe(db, alice, farm.url(1))
    long_ago = db.clock.now() - timedelta(days=400)
    await Article.filter(user_id=alice.id).update(read_at=long_ago)
    await FeedEntry.all().update(last_seen_at=long_ago)
    farm.grow(1)

    await _refresh_due(db)

    assert await Article.filter(user_id=alice.id, read_at__isnull=True).count() == 5  # 4 republished + 1 new
    assert await Article.filter(title="Story 0 of feed 1 & friends", read_at__isnull=False).exists()


async def test_two_concurrent_refreshes_fetch_each_source_once_and_never_duplicate(
    db: Runtime, farm: FeedFarm, alice: User, bob: User
) -> None:
    for number in range(1, 7):
        await _subscribe(db, alice, farm.url(number))
        await _subscribe(db, bob, farm.url(number))
    for number in range(1, 7):
        farm.grow(number)
    farm.hits.clear()
    await _make_all_due(db)

    first, second = await asyncio.gather(scheduler.refresh_due(db), scheduler.refresh_due(db))

    assert len(first.outcomes) + len(second.outcomes) == 6
    assert all(count == 1 for count in farm.hits.values()), farm.hits
    assert await Article.filter(user_id=alice.id).count() == await Article.filter(user_id=bob.id).count() == 36
    assert await FeedSource.filter(leased_until__isnull=False).count() == 0


async def test_failures_are_recorded_back_off_and_finally_disable_with_a_notification(
    db: Runtime, farm: FeedFarm, alice: User
) -> None:
    farm.set("/flaky.xml", farm.body(1))
    feed = await _subscribe(db, alice, f"{farm.base_url}/flaky.xml", refresh_delay=RefreshDelay.HOURLY)
    farm.set("/flaky.xml", b"<html>gone</html>", status=404, content_type="text/html")
    original_clock, clock = db.clock, FrozenClock(db.clock.now())
    db.clock = clock
    try:
        await _make_all_due(db)
        outcome = await refresh_source(db, feed.source_id)  # type: ignore[attr-defined]
        assert outcome.status == UpdateStatus.FAILURE
        source = await FeedSource.get(id=feed.source_id)  # type: ignore[attr-defined]
        assert (source.error_streak, source.last_outcome) == (1, FetchOutcome.FAILURE)
        assert "404" in source.last_error
        assert timedelta(minutes=30) <= source.next_check_at - clock.now() <= timedelta(minutes=34)
        failure = await FeedUpdate.get(source_id=source.id, status=UpdateStatus.FAILURE)
        assert failure.http_status == 404
        assert failure.technical_debug_data is not None

        clock.advance(days=15)
        await refresh_source(db, feed.source_id)  # type: ignore[attr-defined]
    finally:
        db.clock = original_clock

    refreshed = await Feed.get(id=feed.id)
    assert refreshed.disabled_at is not None
    assert "failed too many times" in refreshed.disabled_reason
    notification = await Notification.get(user_id=alice.id)
    assert notification.title == "Feed 'Feed number 1' was disabled"
    assert (notification.info_link, notification.info_link_text) == (f"/feeds/{feed.id}/", "Edit feed")

    farm.set("/flaky.xml", farm.body(1))
    again = await services.subscribe_to_feed(db, alice.id, f"{farm.base_url}/flaky.xml")
    assert isinstance(again, services.Subscribed) and again.reenabled
    assert (await Feed.get(id=feed.id)).disabled_at is None


async def test_a_feed_flipping_between_rss_and_an_html_error_page_recovers_without_duplicates(
    db: Runtime, farm: FeedFarm, alice: User
) -> None:
    farm.set("/flip.xml", farm.body(1))
    await _subscribe(db, alice, f"{farm.base_url}/flip.xml")
    farm.set(
        "/flip.xml", b"<html><body><h1>Service temporarily unavailable</h1></body></html>", content_type="text/html"
    )

    broken = await _refresh_due(db)
    farm.set("/flip.xml", rss_with_extra_entry(farm))
    healed = await _refresh_due(db)

    assert [o.status for o in broken.outcomes] == [UpdateStatus.FAILURE]
    assert "NotAFeed" in broken.outcomes[0].error
    assert [(o.status, o.new_articles) for o in healed.outcomes] == [(UpdateStatus.SUCCESS, 1)]
    source = await FeedSource.get(url=f"{farm.base_url}/flip.xml")
    assert (source.error_streak, source.first_error_at) == (0, None)
    assert await Article.filter(user_id=alice.id).count() == 6


def rss_with_extra_entry(farm: FeedFarm) -> bytes:
    farm.grow(1)
    return farm.body(1)


async def test_a_moved_entry_moves_its_article_and_a_newer_version_updates_it_but_not_its_title(
    db: Runtime, farm: FeedFarm, alice: User
) -> None:
    original = farm.body(1)
    farm.set("/moving.xml", original)
    await _subscribe(db, alice, f"{farm.base_url}/moving.xml")
    article = await Article.get(user_id=alice.id, external_article_id="feed-1-entry-4")
    await Article.filter(id=article.id).update(title="My own title")
    changed = (
        original.replace(b"/articles/1/4</link>", b"/articles/1/4-moved</link>")
        .replace(b"Part one of story 4", b"Part one of story 4, revised")
        .replace(b"Thu, 01 Jan 2026 04:00:00", b"Fri, 02 Jan 2026 04:00:00")
        .replace(b"<category>topic-4</category>", b"<category>topic-4</category><category>errata</category>")
    )
    farm.set("/moving.xml", changed)

    await _refresh_due(db)

    moved = await Article.get(id=article.id)
    assert moved.url == f"{farm.base_url}/articles/1/4-moved"
    assert moved.title == "My own title"
    assert "revised" in moved.content
    assert moved.external_tags == ["news", "topic-4", "errata"]  # merged in order, without duplicates
    assert await Article.filter(user_id=alice.id).count() == 5


async def test_a_crash_while_storing_is_recorded_backs_off_and_releases_the_lease(
    db: Runtime, farm: FeedFarm, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _subscribe(db, alice, farm.url(1))
    farm.grow(1)

    async def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("legadilo.feeds.refresh.store_entries", explode)
    farm.hits.clear()
    report = await _refresh_due(db)

    assert [o.status for o in report.outcomes] == [UpdateStatus.FAILURE]
    assert farm.hits["/feeds/1.xml"] == 1  # recorded once, not retried in a loop
    source = await FeedSource.get()
    assert (source.error_streak, source.leased_until, source.lease_owner) == (1, None, "")
    assert source.next_check_at > db.clock.now() + timedelta(minutes=29)
    failure = await FeedUpdate.get(status=UpdateStatus.FAILURE)
    assert "internal error: RuntimeError: disk on fire" in failure.error_message


async def test_one_url_under_two_keys_is_one_article_and_deleting_it_tombstones_both(
    db: Runtime, farm: FeedFarm, alice: User
) -> None:
    body = farm.body(1).replace(b"/articles/1/3</link>", b"/articles/1/4</link>")  # entries 3 and 4: one URL
    farm.set("/twins.xml", body)
    await _subscribe(db, alice, f"{farm.base_url}/twins.xml")
    twin = await Article.get(user_id=alice.id, url=f"{farm.base_url}/articles/1/4")
    assert await FeedArticle.filter(article_id=twin.id).count() == 2
    await twin.delete()
    farm.set("/twins.xml", body.replace(b"Story 0 of", b"Story zero of"))

    await _refresh_due(db)

    assert not await Article.filter(user_id=alice.id, url=f"{farm.base_url}/articles/1/4").exists()
    assert await Article.filter(user_id=alice.id).count() == 3


async def test_a_feed_changing_its_ids_does_not_bring_a_deleted_article_back(
    db: Runtime, farm: FeedFarm, alice: User
) -> None:
    farm.set("/ids.xml", farm.body(1))
    await _subscribe(db, alice, f"{farm.base_url}/ids.xml")
    await (await Article.get(user_id=alice.id, url=f"{farm.base_url}/articles/1/2")).delete()
    farm.set("/ids.xml", farm.body(1).replace(b"feed-1-entry-", b"urn:new-scheme:"))

    await _refresh_due(db)

    assert not await Article.filter(user_id=alice.id, url=f"{farm.base_url}/articles/1/2").exists()
    assert await Article.filter(user_id=alice.id).count() == 4
    assert await FeedArticle.filter(entry_key="urn:new-scheme:2", article_id=None).exists()


async def test_an_entry_with_a_too_long_url_is_skipped_without_breaking_the_source(
    db: Runtime, farm: FeedFarm, alice: User
) -> None:
    long_link = b"/articles/1/3/" + b"x" * 1100 + b"</link>"
    farm.set("/long.xml", farm.body(1).replace(b"/articles/1/3</link>", long_link))

    await _subscribe(db, alice, f"{farm.base_url}/long.xml")

    assert await Article.filter(user_id=alice.id).count() == 4


async def test_rate_limiting_is_honoured_and_never_counts_towards_disabling(
    db: Runtime, farm: FeedFarm, alice: User
) -> None:
    farm.set("/busy.xml", farm.body(1))
    await _subscribe(db, alice, f"{farm.base_url}/busy.xml")
    farm.custom["/busy.xml"] = (429, b"slow down", {"Retry-After": "7200", "Content-Type": "text/plain"})

    limited = await _refresh_due(db)
    await FeedSource.all().update(next_check_at=db.clock.now() - timedelta(seconds=1))
    again = await scheduler.refresh_due(db)

    assert [o.status for o in limited.outcomes] == [UpdateStatus.FAILURE]
    assert again.outcomes == []  # not claimed before Retry-After has passed
    source = await FeedSource.get(url=f"{farm.base_url}/busy.xml")
    assert (source.error_streak, source.first_error_at) == (0, None)
    assert source.retry_after_until is not None
    assert timedelta(hours=1, minutes=59) < source.retry_after_until - db.clock.now() <= timedelta(hours=2)


async def test_no_republication_when_only_one_of_the_two_year_conditions_holds(
    db: Runtime, farm: FeedFarm, alice: User
) -> None:
    await _subscribe(db, alice, farm.url(1))
    now = db.clock.now()
    first, second = await Article.filter(user_id=alice.id).order_by("id").limit(2)
    await Article.filter(id=first.id).update(read_at=now - timedelta(days=400))  # read long ago, seen recently
    await Article.filter(id=second.id).update(read_at=now - timedelta(days=10))
    second_key = (await FeedArticle.get(article_id=second.id)).entry_key
    await FeedEntry.filter(entry_key=second_key).update(last_seen_at=now - timedelta(days=400))
    farm.grow(1)

    await _refresh_due(db)

    assert await Article.filter(id__in=[first.id, second.id], read_at__isnull=False).count() == 2


async def test_one_fetch_fans_out_with_each_subscribers_reading_speed_title_and_tags(
    db: Runtime, farm: FeedFarm, alice: User, bob: User
) -> None:
    await UserSettings.filter(user_id=alice.id).update(words_per_minute=40)
    await UserSettings.filter(user_id=bob.id).update(words_per_minute=20)
    alices = await _subscribe(db, alice, farm.url(1), tags=("Mine",))
    bobs = await _subscribe(db, bob, farm.url(1))
    await Feed.filter(id=bobs.id).update(title="Bob's name for it")
    farm.grow(1, by=2)
    farm.hits.clear()

    report = await _refresh_due(db)

    assert farm.hits["/feeds/1.xml"] == 1
    assert report.new_articles == 4
    title = "Story 6 of feed 1 & friends"
    alices_new = await Article.get(user_id=alice.id, title=title)
    bobs_new = await Article.get(user_id=bob.id, title=title)
    assert alices_new.id != bobs_new.id
    assert (alices_new.main_feed_id, bobs_new.main_feed_id) == (alices.id, bobs.id)  # type: ignore[attr-defined]
    assert (alices_new.main_source_title, bobs_new.main_source_title) == ("Feed number 1", "Bob's name for it")
    assert alices_new.reading_time >= 3
    assert bobs_new.reading_time in (2 * alices_new.reading_time, 2 * alices_new.reading_time + 1)
    mine = await Tag.get(user_id=alice.id, slug="mine")
    assert await ArticleTag.filter(tag_id=mine.id).count() == 7  # 5 at subscription, 2 new
    assert await ArticleTag.filter(article__user_id=bob.id).count() == 0
    assert await FeedArticle.filter(feed_id=bobs.id).count() == await Article.filter(user_id=bob.id).count() == 7


async def test_an_entry_whose_url_the_user_already_has_links_to_that_article_without_copy_or_feed_tags(
    db: Runtime, farm: FeedFarm, alice: User
) -> None:
    first = await _subscribe(db, alice, farm.url(1))
    shared_url = f"{farm.base_url}/articles/1/4"
    existing = await Article.get(user_id=alice.id, url=shared_url)
    farm.set("/other.xml", farm.body(2).replace(b"/articles/2/4</link>", b"/articles/1/4</link>"))

    second = await _subscribe(db, alice, f"{farm.base_url}/other.xml", tags=("Other",))

    assert await Article.filter(user_id=alice.id).count() == 9  # 5 + the 4 others of the second feed
    links = await FeedArticle.filter(article_id=existing.id).order_by("feed_id")
    assert [link.feed_id for link in links] == [first.id, second.id]  # type: ignore[attr-defined]
    assert [link.entry_key for link in links] == ["feed-1-entry-4", "feed-2-entry-4"]
    still = await Article.get(id=existing.id)
    assert (still.main_feed_id, still.title) == (first.id, existing.title)  # type: ignore[attr-defined]
    other = await Tag.get(user_id=alice.id, slug="other")
    tagged = await ArticleTag.filter(tag_id=other.id).prefetch_related("article")
    assert len(tagged) == 4
    assert shared_url not in {t.article.url for t in tagged}


async def test_storing_plans_its_statements_generically_within_its_transaction_only(
    db: Runtime, farm: FeedFarm, alice: User
) -> None:
    feed = await _subscribe(db, alice, farm.url(1))
    farm.grow(1)
    parsed = await parse_in_pool(db, await fetch_feed(db, farm.url(1), validators=None, subscribers=1))  # type: ignore[arg-type]

    mode = "SELECT current_setting('plan_cache_mode') AS mode"
    async with in_transaction() as conn:
        result, _ = await store_parsed(db, conn, feed.source_id, parsed)  # type: ignore[attr-defined]
        _, inside = await conn.execute_query(mode)
    _, after = await Tortoise.get_connection("default").execute_query(mode)

    assert result.new_articles == 1
    assert inside[0]["mode"] == "force_generic_plan"
    assert after[0]["mode"] == "force_custom_plan"  # back to the connections' default (legadilo.db)
