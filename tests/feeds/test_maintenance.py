"""Retention cleanup, operator stats and /metrics."""

from __future__ import annotations

from datetime import timedelta

from quart.typing import TestClientProtocol as QuartClient

from legadilo.accounts.models import User
from legadilo.feeds import maintenance, services
from legadilo.feeds.models import Feed, FeedArticle, FeedSource, FeedUpdate, UpdateStatus
from legadilo.reading.models import Article, ArticleFetchError, SourceType
from legadilo.runtime import Runtime
from tests.feedfarm import FeedFarm


async def _subscribe(rt: Runtime, user: User, url: str) -> Feed:
    result = await services.subscribe_to_feed(rt, user.id, url)
    assert isinstance(result, services.Subscribed)
    return result.feed


async def test_cleanup_deletes_read_feed_articles_past_retention_only(db: Runtime, farm: FeedFarm, alice: User) -> None:
    feed = await _subscribe(db, alice, farm.url(1))
    await Feed.filter(id=feed.id).update(article_retention_time=30)
    now = db.clock.now()
    articles = await Article.filter(user_id=alice.id).order_by("id")
    await Article.filter(id=articles[0].id).update(read_at=now - timedelta(days=31))  # expired
    await Article.filter(id=articles[1].id).update(read_at=now - timedelta(days=29))  # not yet
    await Article.filter(id=articles[2].id).update(read_at=now - timedelta(days=90), main_source_type=SourceType.MANUAL)
    manual = await Article.create(user_id=alice.id, url="https://elsewhere.example/x", title="Saved by hand",
                                  read_at=now - timedelta(days=500), main_source_type=SourceType.MANUAL)  # fmt: skip
    await FeedUpdate.create(source_id=feed.source_id, status=UpdateStatus.SUCCESS)  # type: ignore[attr-defined]
    await FeedUpdate.all().update(created_at=now - timedelta(days=61))
    await ArticleFetchError.create(article=manual, message="old")
    await ArticleFetchError.all().update(created_at=now - timedelta(days=61))

    report = await maintenance.cleanup(now)

    assert (report.articles, report.feed_updates, report.fetch_errors) == (1, 1, 1)
    remaining = {a.id for a in await Article.filter(user_id=alice.id)}
    assert articles[0].id not in remaining
    assert {articles[1].id, articles[2].id, manual.id} <= remaining
    assert await FeedArticle.filter(article_id=None).count() == 1  # remembered as a tombstone
    assert await FeedUpdate.all().count() == 1  # the latest of the source is kept


async def test_retention_zero_keeps_forever(db: Runtime, farm: FeedFarm, alice: User) -> None:
    await _subscribe(db, alice, farm.url(1))
    await Article.all().update(read_at=db.clock.now() - timedelta(days=3650))

    assert (await maintenance.cleanup(db.clock.now())).articles == 0


async def test_stats_count_everything_and_per_user(db: Runtime, farm: FeedFarm, alice: User, bob: User) -> None:
    await _subscribe(db, alice, farm.url(1))
    await _subscribe(db, alice, farm.url(2))
    await _subscribe(db, bob, farm.url(2))
    three = [a.id for a in await Article.filter(user_id=alice.id).order_by("id").limit(3)]
    await Article.filter(id__in=three).update(read_at=db.clock.now())

    everything = await maintenance.stats(db.clock.now())
    alices = await maintenance.stats(db.clock.now(), alice.id)

    assert {k: everything[k] for k in ("users", "feeds", "feed_sources", "articles", "unread_articles")} == {
        "users": 2, "feeds": 3, "feed_sources": 2, "articles": 15, "unread_articles": 15 - 3,
    }  # fmt: skip
    assert {k: alices[k] for k in ("users", "feeds", "feed_sources", "articles", "unread_articles")} == {
        "users": 1, "feeds": 2, "feed_sources": 2, "articles": 10, "unread_articles": 7,
    }  # fmt: skip
    assert everything["feed_outcomes"] == {"SUCCESS": 2}
    assert everything["due_sources"] == 0


async def test_metrics_expose_the_same_figures_to_local_clients_only(
    client: QuartClient, farm: FeedFarm, alice: User, db: Runtime
) -> None:
    await _subscribe(db, alice, farm.url(1))
    await client.get("/healthz")

    response = await client.get("/metrics", scope_base={"client": ("127.0.0.1", 5555)})
    text = await response.get_data(as_text=True)

    assert response.status_code == 200
    assert "legadilo_articles 5" in text
    assert "legadilo_feed_sources 1" in text
    assert 'legadilo_feed_sources_by_outcome{outcome="SUCCESS"} 1' in text
    assert 'legadilo_http_requests_total{method="GET",status="2xx"}' in text
    mapped = await client.get("/metrics", scope_base={"client": ("::ffff:127.0.0.1", 5555)})
    assert mapped.status_code == 200
    for outsider in ("8.8.4.4", "203.0.113.9", "2001:4860::1", "::ffff:8.8.8.8"):
        remote = await client.get("/metrics", scope_base={"client": (outsider, 5555)})
        assert remote.status_code == 404, outsider


async def test_cleanup_deletes_sources_left_without_subscribers_for_a_day(
    db: Runtime, farm: FeedFarm, alice: User
) -> None:
    kept = await _subscribe(db, alice, farm.url(1))
    now = db.clock.now()
    orphan = await FeedSource.create(url="https://gone.example/feed", next_check_at=now)
    fresh_orphan = await FeedSource.create(url="https://half-way.example/feed", next_check_at=now)
    await FeedSource.filter(id__in=[orphan.id, kept.source_id]).update(created_at=now - timedelta(days=2))  # type: ignore[attr-defined]

    report = await maintenance.cleanup(now)

    assert report.orphan_sources == 1
    assert set(await FeedSource.all().values_list("id", flat=True)) == {kept.source_id, fresh_orphan.id}  # type: ignore[attr-defined]
