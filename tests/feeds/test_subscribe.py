"""Subscribing through pages that advertise feeds, and the errors a user can meet."""

from __future__ import annotations

import pytest

from legadilo.accounts.models import User
from legadilo.core.errors import InvalidInput
from legadilo.feeds import services
from legadilo.feeds.models import Feed, FeedSource
from legadilo.fetching.types import BadStatus, BlockedHost
from legadilo.runtime import Runtime
from tests.feedfarm import FeedFarm


def page(*links: tuple[str, str]) -> bytes:
    tags = "".join(f'<link rel="alternate" type="{kind}" href="{href}">' for kind, href in links)
    return f"<!doctype html><html><head><title>Blog</title>{tags}</head><body>Hello</body></html>".encode()


async def test_a_page_advertising_one_feed_subscribes_to_that_feed(db: Runtime, farm: FeedFarm, alice: User) -> None:
    farm.set("/blog/", page(("application/rss+xml", "/feeds/3.xml")), content_type="text/html")

    result = await services.subscribe_to_feed(db, alice.id, f"{farm.base_url}/blog/")

    assert isinstance(result, services.Subscribed)
    source = await FeedSource.get(id=result.feed.source_id)  # type: ignore[attr-defined]
    assert source.url == farm.url(3)
    assert result.new_articles == 5


async def test_a_page_advertising_several_feeds_returns_the_choice(db: Runtime, farm: FeedFarm, alice: User) -> None:
    farm.set(
        "/multi/",
        page(("application/rss+xml", "/feeds/1.xml"), ("application/atom+xml", "/feeds/2.xml")),
        content_type="text/html",
    )

    result = await services.subscribe_to_feed(db, alice.id, f"{farm.base_url}/multi/")

    assert isinstance(result, services.FeedChoices)
    assert {link.url for link in result.links} == {farm.url(1), farm.url(2)}
    assert await Feed.all().count() == 0


@pytest.mark.parametrize(
    ("path", "body", "status", "content_type", "error"),
    [
        ("/none/", page(), 200, "text/html", services.NoFeedFound),
        ("/gone.xml", b"not here", 404, "text/plain", BadStatus),
        ("/garbage.xml", b"\x00\x01 definitely not xml", 200, "application/rss+xml", services.NoFeedFound),
    ],
)
async def test_subscribe_errors_are_typed_and_create_nothing(
    db: Runtime,
    farm: FeedFarm,
    alice: User,
    path: str,
    body: bytes,
    status: int,
    content_type: str,
    error: type[Exception],
) -> None:
    farm.set(path, body, status=status, content_type=content_type)

    with pytest.raises(error):
        await services.subscribe_to_feed(db, alice.id, farm.base_url + path)

    assert await Feed.all().count() == 0


async def test_private_addresses_are_refused_unless_allowed(db: Runtime, farm: FeedFarm, alice: User) -> None:
    import dataclasses

    guarded = dataclasses.replace(db, settings=dataclasses.replace(db.settings, allow_private_networks=False))
    with pytest.raises(BlockedHost, match="LEGADILO_ALLOW_PRIVATE_NETWORKS"):
        await services.subscribe_to_feed(guarded, alice.id, farm.url(1))


@pytest.mark.parametrize("url", ["ftp://example.org/feed", "javascript:alert(1)", "https://", " "])
async def test_urls_that_are_not_http_are_refused(db: Runtime, alice: User, url: str) -> None:
    with pytest.raises(InvalidInput):
        await services.subscribe_to_feed(db, alice.id, url)


def test_a_bare_host_is_taken_as_https() -> None:
    assert services.normalise_url("example.org/feed.xml") == "https://example.org/feed.xml"


@pytest.mark.parametrize("url", ["http://[::1", "http://a]b/", "https://[not-an-ip]/feed"])
def test_malformed_hosts_are_invalid_input_not_a_crash(url: str) -> None:
    with pytest.raises(InvalidInput):
        services.normalise_url(url)
