"""The feeds pages: subscribe through the page against a local feed server (with the several-feeds choice and
the errors), the grouped list, edit/disable/enable/delete, refresh now, the update history, categories and
notifications; anonymous access, other users' ids and CSRF."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from quart import Quart, g, render_template_string
from quart.typing import TestClientProtocol as QuartClient

from legadilo.accounts.models import Notification, User, UserSettings
from legadilo.app import create_app
from legadilo.feeds import management, queries
from legadilo.feeds.models import Feed, FeedCategory, FeedSource, FeedType, FeedUpdate, RefreshDelay, UpdateStatus
from legadilo.reading.models import Article
from legadilo.runtime import Runtime
from legadilo.settings import Settings
from legadilo.signup.services import register_user
from tests.conftest import TEST_PASSWORD, csrf_from, get_csrf, log_in
from tests.feedfarm import FeedFarm, running_farm


@pytest.fixture
async def farm() -> AsyncIterator[FeedFarm]:
    async with running_farm(entries_per_feed=3) as feeds:
        yield feeds


@pytest.fixture
async def alice(client: QuartClient, db: Runtime) -> User:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    await log_in(client, "alice@example.org")
    return user


async def make_feed(user: User, url: str = "https://example.org/feed.xml", **fields: Any) -> Feed:
    source = await queries.get_or_create_source(url, datetime.now(UTC) + timedelta(hours=3))
    fields.setdefault("title", f"Feed of {user.email}")
    return await Feed.create(user_id=user.id, source=source, feed_type=FeedType.RSS20, **fields)


async def post(
    client: QuartClient, path: str, form: dict[str, str] | None = None, page: str = "/feeds/"
) -> tuple[int, str]:
    token = await get_csrf(client, page)
    response = await client.post(path, form={"csrf_token": token, **(form or {})})
    return response.status_code, await response.get_data(as_text=True)


async def test_subscribe_through_the_page_with_category_tags_and_options(
    client: QuartClient, alice: User, farm: FeedFarm
) -> None:
    category = await management.create_category(alice.id, "Tech")
    token = await get_csrf(client, "/feeds/subscribe")
    form = {
        "csrf_token": token,
        "url": farm.url(1),
        "category": str(category.id),
        "tags": "python, web ,",
        "refresh_delay": "HOURLY",
        "retention": "30",
        "open_original": "on",
    }
    response = await client.post("/feeds/subscribe", form=form)

    assert response.status_code == 303
    feed = await Feed.get(user_id=alice.id).select_related("source")
    assert response.headers["Location"] == f"/feeds/{feed.id}/"
    assert feed.source.url == farm.url(1)
    assert (feed.category_id, feed.refresh_delay, feed.article_retention_time) == (category.id, RefreshDelay.HOURLY, 30)  # type: ignore[attr-defined]
    assert feed.open_original_url_by_default is True
    assert [tag.title for tag in await management.feed_tags(feed.id)] == ["python", "web"]
    assert await Article.filter(user_id=alice.id).count() == 3
    page = await (await client.get(f"/feeds/{feed.id}/")).get_data(as_text=True)
    assert "3 articles added" in page


async def test_a_page_with_several_feeds_offers_a_choice_and_one_click_subscribes(
    client: QuartClient, alice: User, farm: FeedFarm
) -> None:
    links = f'<link rel="alternate" type="application/rss+xml" title="Posts" href="{farm.url(1)}">' + (
        f'<link rel="alternate" type="application/atom+xml" title="Comments" href="{farm.url(2)}">'
    )
    farm.set("/blog/", f"<html><head>{links}</head><body>Hi</body></html>".encode(), content_type="text/html")
    token = await get_csrf(client, "/feeds/subscribe")

    response = await client.post(
        "/feeds/subscribe",
        form={"csrf_token": token, "url": f"{farm.base_url}/blog/", "tags": "blog", "retention": "7"},
    )

    assert response.status_code == 400
    html = await response.get_data(as_text=True)
    assert "several feeds" in html
    choices = re.findall(r'<form method="post"[^>]*class="choice">(.*?)</form>', html, flags=re.S)
    assert len(choices) == 2
    assert await Feed.all().count() == 0
    chosen = next(form for form in choices if farm.url(2) in form)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', chosen))
    assert fields["url"] == farm.url(2)

    response = await client.post("/feeds/subscribe", form={**fields, "csrf_token": csrf_from(html)})

    assert response.status_code == 303
    feed = await Feed.get(user_id=alice.id).select_related("source")
    assert feed.source.url == farm.url(2)
    assert feed.article_retention_time == 7
    assert [tag.title for tag in await management.feed_tags(feed.id)] == ["blog"]


@pytest.mark.parametrize(
    ("path", "body", "status", "content_type", "expected_status", "message"),
    [
        (
            "/page/",
            b"<html><head><title>x</title></head><body>no feed</body></html>",
            200,
            "text/html",
            400,
            "No feed found",
        ),
        ("/gone.xml", b"gone", 404, "text/plain", 406, "could not be fetched"),
    ],
)
async def test_subscribe_errors_are_shown_in_the_form_and_create_nothing(
    client: QuartClient,
    alice: User,
    farm: FeedFarm,
    path: str,
    body: bytes,
    status: int,
    content_type: str,
    expected_status: int,
    message: str,
) -> None:
    farm.set(path, body, status=status, content_type=content_type)
    code, html = await post(
        client, "/feeds/subscribe", {"url": farm.base_url + path, "retention": "0"}, page="/feeds/subscribe"
    )
    assert code == expected_status
    assert message in html
    assert f'value="{farm.base_url}{path}"' in html  # the form keeps what was typed
    assert await Feed.all().count() == 0


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"url": ""}, "enter the address"),
        ({"url": "javascript:alert(1)"}, "is not an http(s) URL"),
        ({"url": "https://example.org/", "retention": "-3"}, "retention must be"),
        ({"url": "https://example.org/", "retention": "many"}, "retention must be"),
        ({"url": "https://example.org/", "refresh_delay": "SOMETIMES"}, "refresh delay"),
        ({"url": "https://example.org/", "category": "x"}, "category must be a number"),
    ],
)
async def test_bad_subscribe_input_is_a_form_error(
    client: QuartClient, alice: User, form: dict[str, str], message: str
) -> None:
    code, html = await post(client, "/feeds/subscribe", {"retention": "0", **form}, page="/feeds/subscribe")
    assert code == 400
    assert message in html
    assert await Feed.all().count() == 0


@pytest.mark.parametrize(
    ("guard", "message"),
    [
        ({"allow_private_networks": False}, "private or local network"),
        ({"fetch_max_body_bytes": 1024}, "larger than the size limit"),
    ],
)
async def test_the_fetch_guards_are_explained_in_the_form(
    settings: Settings, db: Runtime, farm: FeedFarm, guard: dict[str, Any], message: str
) -> None:
    guarded = dataclasses.replace(db.settings, allow_private_networks=bool(guard.get("allow_private_networks", True)))
    if "fetch_max_body_bytes" in guard:
        fetch = dataclasses.replace(guarded.fetch, max_body_bytes=guard["fetch_max_body_bytes"])
        guarded = dataclasses.replace(guarded, fetch=fetch)
    app = create_app(settings, runtime=dataclasses.replace(db, settings=guarded))
    client = app.test_client()
    await register_user("alice@example.org", TEST_PASSWORD)
    await log_in(client, "alice@example.org")

    code, html = await post(client, "/feeds/subscribe", {"url": farm.url(1), "retention": "0"}, "/feeds/subscribe")

    assert code == 406
    assert message in html
    assert await Feed.all().count() == 0


async def test_another_users_category_in_the_subscribe_form_is_a_404(
    client: QuartClient, alice: User, bob: User, farm: FeedFarm
) -> None:
    bobs = await management.create_category(bob.id, "Bob's")
    code, _ = await post(
        client, "/feeds/subscribe", {"url": farm.url(1), "category": str(bobs.id), "retention": "0"}, "/feeds/subscribe"
    )
    assert code == 404
    assert await Feed.all().count() == 0
    assert farm.hits["/feeds/1.xml"] == 0


async def test_the_list_groups_feeds_by_nested_categories_with_state_in_the_users_timezone(
    client: QuartClient, alice: User, bob: User
) -> None:
    await UserSettings.filter(user_id=alice.id).update(timezone="Asia/Tokyo")
    tech = await management.create_category(alice.id, "Tech")
    python = await management.create_category(alice.id, "Python", tech.id)
    await make_feed(alice, "https://a.example/feed", title="Deep feed", category=python)
    failing = await make_feed(alice, "https://b.example/feed", title="Loose feed")
    await FeedSource.filter(id=failing.source_id).update(last_outcome="FAILURE", error_streak=3)  # type: ignore[attr-defined]
    await make_feed(
        alice, "https://c.example/feed", title="Off feed", disabled_at=datetime.now(UTC), disabled_reason="Too noisy"
    )
    await make_feed(bob, "https://d.example/feed", title="Bob's secret feed")

    response = await client.get("/feeds/")

    html = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.index(">Tech<") < html.index(">Tech / Python<") < html.index("Deep feed") < html.index(">No category<")
    assert html.index(">No category<") < html.index("Loose feed")
    assert "3 failures in a row" in html
    assert "Too noisy" in html
    assert "JST" in html  # next checks in the reader's timezone
    assert "Bob&#39;s secret feed" not in html and "Bob's secret feed" not in html
    assert html.count("Refresh now") == 2  # not on the disabled feed


async def test_edit_saves_the_settings_and_bad_input_rerenders_the_form(client: QuartClient, alice: User) -> None:
    feed = await make_feed(alice)
    category = await management.create_category(alice.id, "News")
    page = await (await client.get(f"/feeds/{feed.id}/")).get_data(as_text=True)
    assert "https://example.org/feed.xml" in page

    form = {"category": str(category.id), "tags": "daily", "refresh_delay": "ON_MONDAYS", "retention": "10"}
    code, _ = await post(client, f"/feeds/{feed.id}/", form)
    assert code == 303
    saved = await Feed.get(id=feed.id)
    assert saved.category_id == category.id  # type: ignore[attr-defined]
    assert (saved.refresh_delay, saved.article_retention_time) == (RefreshDelay.ON_MONDAYS, 10)
    assert saved.open_original_url_by_default is False
    assert [tag.title for tag in await management.feed_tags(feed.id)] == ["daily"]

    code, html = await post(client, f"/feeds/{feed.id}/", {**form, "retention": "99999", "tags": "kept-in-form"})
    assert code == 400
    assert "retention must be" in html
    assert 'value="kept-in-form"' in html
    assert (await Feed.get(id=feed.id)).article_retention_time == 10


async def test_disable_with_a_reason_then_enable(client: QuartClient, alice: User) -> None:
    feed = await make_feed(alice)
    code, _ = await post(client, f"/feeds/{feed.id}/disable", {"reason": "On holiday"})
    assert code == 303
    disabled = await Feed.get(id=feed.id)
    assert disabled.disabled_reason == "On holiday" and disabled.disabled_at is not None
    page = await (await client.get(f"/feeds/{feed.id}/")).get_data(as_text=True)
    assert "On holiday" in page and "Enable this feed" in page

    code, _ = await post(client, f"/feeds/{feed.id}/enable")
    assert code == 303
    assert (await Feed.get(id=feed.id)).disabled_at is None


async def test_delete_asks_for_confirmation_and_keeps_the_articles(
    client: QuartClient, alice: User, farm: FeedFarm
) -> None:
    code, _ = await post(client, "/feeds/subscribe", {"url": farm.url(1), "retention": "0"}, "/feeds/subscribe")
    assert code == 303
    feed = await Feed.get(user_id=alice.id)
    confirm = await client.get(f"/feeds/{feed.id}/delete")
    assert confirm.status_code == 200
    assert await Feed.filter(id=feed.id).exists()  # the GET only asks

    code, _ = await post(client, f"/feeds/{feed.id}/delete", page=f"/feeds/{feed.id}/delete")

    assert code == 303
    assert not await Feed.filter(id=feed.id).exists()
    assert await Article.filter(user_id=alice.id).count() == 3


async def test_refresh_now_fetches_the_feed_in_the_background(
    app: Quart, client: QuartClient, alice: User, farm: FeedFarm
) -> None:
    await post(client, "/feeds/subscribe", {"url": farm.url(1), "retention": "0"}, "/feeds/subscribe")
    feed = await Feed.get(user_id=alice.id)
    two_minutes_ago = datetime.now(UTC) - timedelta(minutes=2)
    await FeedSource.filter(id=feed.source_id).update(last_checked_at=two_minutes_ago)  # type: ignore[attr-defined]
    farm.grow(1)
    before = farm.hits["/feeds/1.xml"]

    code, _ = await post(client, f"/feeds/{feed.id}/refresh", {"back": "edit"})

    assert code == 303
    await asyncio.wait_for(asyncio.gather(*app.background_tasks), 10)
    assert farm.hits["/feeds/1.xml"] == before + 1
    assert await Article.filter(user_id=alice.id).count() == 4
    assert await FeedUpdate.filter(source_id=feed.source_id).count() == 2  # type: ignore[attr-defined]

    await UserSettings.filter(user_id=alice.id).update(timezone="Asia/Tokyo")
    code, _ = await post(client, f"/feeds/{feed.id}/refresh")  # again at once: not fetched before a minute
    assert code == 303
    assert not app.background_tasks
    page = await (await client.get("/feeds/")).get_data(as_text=True)
    assert "checked very recently" in page and "JST" in page
    assert farm.hits["/feeds/1.xml"] == before + 1


async def test_refreshing_a_disabled_feed_is_refused(client: QuartClient, alice: User) -> None:
    feed = await make_feed(alice, disabled_at=datetime.now(UTC), disabled_reason="x")
    code, html = await post(client, f"/feeds/{feed.id}/refresh")
    assert code == 400
    assert "disabled" in html


async def test_the_update_history_shows_status_http_code_and_error(client: QuartClient, alice: User) -> None:
    feed = await make_feed(alice)
    await FeedUpdate.create(source_id=feed.source_id, status=UpdateStatus.SUCCESS, http_status=200, new_entries=4)  # type: ignore[attr-defined]
    await FeedUpdate.create(
        source_id=feed.source_id,  # type: ignore[attr-defined]
        status=UpdateStatus.FAILURE,
        http_status=503,
        error_message="BadStatus(the server answered 503)",
    )
    html = await (await client.get(f"/feeds/{feed.id}/updates")).get_data(as_text=True)
    assert html.index("BadStatus(the server answered 503)") < html.index(">4 / 0<")  # latest first
    assert ">503<" in html and ">200<" in html and "Failure" in html and "Success" in html


async def test_categories_create_rename_nest_and_delete(client: QuartClient, alice: User) -> None:
    code, _ = await post(client, "/feeds/categories/", {"title": "Tech"}, "/feeds/categories/")
    assert code == 303
    code, html = await post(client, "/feeds/categories/", {"title": " tech "}, "/feeds/categories/")
    assert code == 409 and "already exists" in html
    code, html = await post(client, "/feeds/categories/", {"title": "  "}, "/feeds/categories/")
    assert code == 400 and "needs a title" in html
    tech = await FeedCategory.get(user_id=alice.id, slug="tech")
    code, _ = await post(
        client, "/feeds/categories/", {"title": "Python", "parent": str(tech.id)}, "/feeds/categories/"
    )
    python = await FeedCategory.get(user_id=alice.id, slug="python")
    assert python.parent_id == tech.id  # type: ignore[attr-defined]

    code, html = await post(
        client, f"/feeds/categories/{tech.id}/", {"title": "Tech", "parent": str(python.id)}, "/feeds/categories/"
    )
    assert code == 400 and "under itself" in html
    code, _ = await post(client, f"/feeds/categories/{python.id}/", {"title": "Py", "parent": ""}, "/feeds/categories/")
    assert code == 303
    renamed = await FeedCategory.get(id=python.id)
    assert (renamed.title, renamed.parent_id) == ("Py", None)  # type: ignore[attr-defined]

    feed = await make_feed(alice, category=tech)
    code, _ = await post(client, f"/feeds/categories/{tech.id}/delete", page="/feeds/categories/")
    assert code == 303
    assert not await FeedCategory.filter(id=tech.id).exists()
    assert (await Feed.get(id=feed.id)).category_id is None  # type: ignore[attr-defined]


async def test_notifications_list_mark_read_and_mark_all(
    app: Quart, client: QuartClient, alice: User, bob: User
) -> None:
    first = await Notification.create(user_id=alice.id, title="Feed 'X' was disabled", content="It failed.")
    await Notification.create(
        user_id=alice.id,
        title="Import finished",
        info_link="/import-export/imports/1/",
        info_link_text="See the import",
    )
    await Notification.create(user_id=bob.id, title="Bob's news")
    html = await (await client.get("/feeds/notifications/")).get_data(as_text=True)
    assert "Feed &#39;X&#39; was disabled" in html and "See the import" in html and "Bob" not in html

    code, _ = await post(client, f"/feeds/notifications/{first.id}/read", page="/feeds/notifications/")
    assert code == 303
    assert (await Notification.get(id=first.id)).read_at is not None
    async with app.test_request_context("/"):
        g.user = alice
        assert await render_template_string("{{ unread_notifications() }}") == "1"

    code, _ = await post(client, "/feeds/notifications/read", page="/feeds/notifications/")
    assert code == 303
    assert await Notification.filter(user_id=alice.id, read_at__isnull=True).count() == 0
    assert await Notification.filter(user_id=bob.id, read_at__isnull=True).count() == 1


GETS = (
    "/feeds/",
    "/feeds/subscribe",
    "/feeds/{feed}/",
    "/feeds/{feed}/delete",
    "/feeds/{feed}/updates",
    "/feeds/categories/",
    "/feeds/notifications/",
)
POSTS = (
    "/feeds/subscribe",
    "/feeds/{feed}/",
    "/feeds/{feed}/disable",
    "/feeds/{feed}/enable",
    "/feeds/{feed}/delete",
    "/feeds/{feed}/refresh",
    "/feeds/categories/",
    "/feeds/categories/{category}/",
    "/feeds/categories/{category}/delete",
    "/feeds/notifications/{notification}/read",
    "/feeds/notifications/read",
)


async def _bobs_ids(bob: User) -> dict[str, int]:
    feed = await make_feed(bob)
    category = await management.create_category(bob.id, "Bob's")
    notification = await Notification.create(user_id=bob.id, title="For Bob")
    return {"feed": feed.id, "category": category.id, "notification": notification.id}


async def test_anonymous_visitors_are_sent_to_the_login_page(client: QuartClient, db: Runtime, bob: User) -> None:
    ids = await _bobs_ids(bob)
    for path in GETS:
        response = await client.get(path.format(**ids))
        assert response.status_code == 302, path
        assert "/accounts/login" in response.headers["Location"]
    token = await get_csrf(client)
    for path in POSTS:
        response = await client.post(
            path.format(**ids),
            form={"csrf_token": token, "url": "https://example.org/", "title": "x", "retention": "0"},
        )
        assert response.status_code == 302, path
    assert await Feed.filter(user_id=bob.id, disabled_at__isnull=True).count() == 1


async def test_another_users_ids_answer_404_and_change_nothing(client: QuartClient, alice: User, bob: User) -> None:
    ids = await _bobs_ids(bob)
    for path in GETS:
        if "{" in path:
            assert (await client.get(path.format(**ids))).status_code == 404, path
    form = {"title": "Stolen", "retention": "1", "reason": "x", "refresh_delay": "HOURLY"}
    for path in POSTS:
        if "{" in path:
            code, _ = await post(client, path.format(**ids), form)
            assert code == 404, path
    feed = await Feed.get(id=ids["feed"])
    assert (feed.disabled_at, feed.article_retention_time, feed.refresh_delay) == (None, 0, RefreshDelay.DAILY_AT_NOON)
    assert (await FeedCategory.get(id=ids["category"])).title == "Bob's"
    assert (await Notification.get(id=ids["notification"])).read_at is None


async def test_posts_without_the_csrf_token_are_refused(client: QuartClient, alice: User) -> None:
    feed = await make_feed(alice)
    for path in (f"/feeds/{feed.id}/delete", f"/feeds/{feed.id}/disable", "/feeds/categories/"):
        response = await client.post(path, form={"title": "x"})
        assert response.status_code == 400, path
    assert (await Feed.get(id=feed.id)).disabled_at is None
    assert await FeedCategory.all().count() == 0
