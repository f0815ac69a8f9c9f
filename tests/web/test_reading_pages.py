"""The reading list page: cards, per-card actions, "load more" with and without htmx, mark all as read,
read-on-scroll/auto-refresh switches, login, CSRF, another user's list, the constant number of queries and
the page weight of a 100-article list."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from quart.typing import TestClientProtocol as QuartClient

from legadilo.accounts.models import User, UserSettings
from legadilo.reading.models import Article, ArticleTag, ReadingList, Tag
from tests.conftest import get_csrf, log_in
from tests.reading.test_reading_page_queries import counting_statements

HTMX = {"HX-Request": "true"}
DAY = timedelta(days=1)
START = datetime(2026, 1, 1, tzinfo=UTC)


async def article(user: User, name: str, **fields: Any) -> Article:
    fields.setdefault("published_at", START)
    return await Article.create(
        user_id=user.id, url=f"https://example.org/{name}", title=name.title(), slug=name, **fields
    )


async def many(user: User, count: int, summary: str = "", prefix: str = "article") -> list[Article]:
    return [
        await article(user, f"{prefix}-{i:03}", published_at=START + i * DAY, summary=summary, reading_time=3)
        for i in range(count)
    ]


def card_ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'id="article-card-(\d+)"', html)]


async def test_anonymous_is_sent_to_login(client: QuartClient, alice: User) -> None:
    for path in ("/reading/", "/reading/lists/unread/"):
        response = await client.get(path)
        assert response.status_code == 302
        assert "/accounts/login" in response.headers["Location"]


async def test_cards_show_the_article_in_the_users_timezone(client: QuartClient, alice: User) -> None:
    await UserSettings.filter(user_id=alice.id).update(timezone="Asia/Tokyo")
    tag = await Tag.create(user_id=alice.id, title="Deep Sea", slug="deep-sea")
    saved = await article(
        alice,
        "whales",
        content="<p>body</p>",
        summary="<p>About <em>whales</em></p>",
        authors=["Ann", "Bo"],
        reading_time=7,
        external_tags=["ocean"],
        main_source_title="Sea News",
        published_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC),
    )
    await ArticleTag.create(article_id=saved.id, tag_id=tag.id)
    await log_in(client, "alice@example.org")
    response = await client.get("/reading/")
    html = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("no-cache")
    assert f'href="/reading/articles/{saved.id}-whales/?list=' in html  # details page, the list it came from
    assert "2026-03-02 08:30 JST" in html
    assert "Ann, Bo" in html and "7 min read" in html and "Sea News" in html
    assert "Deep Sea" in html and "ocean" in html and "<em>whales</em>" in html
    assert 'value="MARK_AS_READ"' in html and 'value="MARK_AS_FAVORITE"' in html and 'value="MARK_AS_FOR_LATER"' in html
    assert f'formaction="/reading/articles/{saved.id}/delete/"' in html
    assert 'id="card-form"' in html


async def test_an_article_without_content_links_to_the_original(client: QuartClient, alice: User) -> None:
    await article(alice, "bare")
    await log_in(client, "alice@example.org")
    html = await (await client.get("/reading/")).get_data(as_text=True)
    assert 'href="https://example.org/bare" rel="noopener noreferrer"' in html
    assert 'class="js-original"' in html  # reading.js posts /open/ when it is followed


async def test_unknown_list_is_404_and_bad_cursor_400(client: QuartClient, alice: User, bob: User) -> None:
    await ReadingList.create(user_id=bob.id, title="Bob only", slug="bob-only")
    await log_in(client, "alice@example.org")
    assert (await client.get("/reading/lists/bob-only/")).status_code == 404
    assert (await client.get("/reading/?after=not-a-cursor")).status_code == 400


async def test_load_more_without_and_with_htmx(client: QuartClient, alice: User) -> None:
    await many(alice, 130)
    await log_in(client, "alice@example.org")
    first = await (await client.get("/reading/lists/all-articles/")).get_data(as_text=True)
    first_ids = card_ids(first)
    assert len(first_ids) == 100
    more = re.search(r'<p class="load-more" id="load-more"><a href="([^"]+)"', first)
    assert more, "no load more link"
    link = more.group(1).replace("&amp;", "&")
    plain = await client.get(link)
    plain_html = await plain.get_data(as_text=True)
    assert "<!doctype html>" in plain_html  # a whole page without JavaScript
    fragment = await (await client.get(link, headers=HTMX)).get_data(as_text=True)
    assert "<!doctype html>" not in fragment
    assert 'id="cards" hx-swap-oob="beforeend"' in fragment
    rest = card_ids(fragment)
    assert rest == card_ids(plain_html)
    assert len(rest) == 30 and not set(rest) & set(first_ids)
    assert 'id="load-more" hidden' in fragment  # the end: the link goes away


async def test_mark_all_as_read_marks_beyond_the_first_page(client: QuartClient, alice: User, bob: User) -> None:
    await many(alice, 120)
    bobs = await article(bob, "bobs")
    unread = await ReadingList.get(user_id=alice.id, slug="unread")
    await log_in(client, "alice@example.org")
    token = await get_csrf(client, "/reading/")
    response = await client.post(
        f"/reading/lists/{unread.id}/mark-as-read/", form={"csrf_token": token, "list": "unread"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/reading/lists/unread/"
    assert await Article.filter(user_id=alice.id, read_at=None).count() == 0
    assert (await Article.get(id=bobs.id)).read_at is None
    page = await (await client.get("/reading/")).get_data(as_text=True)
    assert "120 articles marked as read." in page


async def test_mark_all_as_read_refuses_another_users_list_and_missing_csrf(
    client: QuartClient, alice: User, bob: User
) -> None:
    await article(alice, "mine")
    bobs_list = await ReadingList.get(user_id=bob.id, slug="unread")
    await log_in(client, "alice@example.org")
    assert (await client.post(f"/reading/lists/{bobs_list.id}/mark-as-read/", form={})).status_code == 400
    token = await get_csrf(client, "/reading/")
    response = await client.post(f"/reading/lists/{bobs_list.id}/mark-as-read/", form={"csrf_token": token})
    assert response.status_code == 404
    huge = await client.post("/reading/lists/99999999999999999999999/mark-as-read/", form={"csrf_token": token})
    assert huge.status_code == 404
    assert await Article.filter(user_id=alice.id, read_at=None).count() == 1


async def test_read_on_scroll_and_auto_refresh_are_off_unless_the_list_enables_them(
    client: QuartClient, alice: User
) -> None:
    await log_in(client, "alice@example.org")
    html = await (await client.get("/reading/lists/recent/")).get_data(as_text=True)
    assert 'data-read-on-scroll="0"' in html and 'data-auto-refresh-hours="0"' in html
    await ReadingList.filter(user_id=alice.id, slug="recent").update(
        enable_reading_on_scroll=True, auto_refresh_interval=2
    )
    html = await (await client.get("/reading/lists/recent/")).get_data(as_text=True)
    assert 'data-read-on-scroll="1"' in html and 'data-auto-refresh-hours="2"' in html
    assert re.search(r'src="[^"]*js/htmx\.min\.[0-9a-f]+\.js"', html)
    assert re.search(r'src="[^"]*js/reading\.[0-9a-f]+\.js"', html) and 'id="shortcuts-help"' in html


async def test_queries_are_constant_and_a_100_article_page_is_light(client: QuartClient, alice: User) -> None:
    summary = "<p>" + "A reasonably long summary sentence of an article. " * 6 + "</p>"
    await many(alice, 5, summary)
    await log_in(client, "alice@example.org")
    with counting_statements() as few:
        assert (await client.get("/reading/lists/all-articles/")).status_code == 200
    await many(alice, 150, summary, prefix="more")
    for i in range(8):
        await ReadingList.create(user_id=alice.id, title=f"List {i}", slug=f"list-{i}")
    with counting_statements() as lots:
        response = await client.get("/reading/lists/all-articles/")
    html = await response.get_data(as_text=True)
    assert len(card_ids(html)) == 100
    assert len(lots) == len(few), (few, lots)
    # the page's own: lists, list tags, counters (one statement for every list), page, page tags, timezone
    assert sum("FROM article a" in statement for statement in lots) == 2, lots
    assert len(html.encode()) < 200_000, len(html.encode())
