"""The search page: its form in the URL, escaped snippets, keyset pages, filters, bad input (a 400 with the form,
never a 500), and bulk actions on every result (CSRF, another user's articles never seen nor changed)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from quart.typing import TestClientProtocol as QuartClient

from legadilo.feeds.models import Feed, FeedSource, FeedType
from legadilo.reading.models import Article, ArticleTag, Tag
from legadilo.runtime import Runtime
from legadilo.signup.services import register_user
from tests.conftest import TEST_PASSWORD, csrf_from, get_csrf, log_in

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
SEARCH = "/reading/search/"
BULK = "/reading/search/bulk"


async def _users() -> tuple[int, int]:
    alice = await register_user("alice@example.org", TEST_PASSWORD)
    bob = await register_user("bob@example.org", TEST_PASSWORD)
    return int(alice.id), int(bob.id)


async def _article(user_id: int, slug: str, **fields: Any) -> Article:
    fields.setdefault("title", slug)
    return await Article.create(user_id=user_id, url=f"https://example.org/{user_id}/{slug}", **fields)


async def _page(client: QuartClient, query: str = "", status: int = 200) -> str:
    response = await client.get(SEARCH + ("?" + query if query else ""))
    body = await response.get_data(as_text=True)
    assert response.status_code == status, body
    return body


def _titles(body: str) -> list[str]:
    return re.findall(r'<h3 class="card-title"><a href="[^"]*">([^<]*)</a>', body)


async def test_anonymous_visitors_are_sent_to_login(client: QuartClient, db: Runtime) -> None:
    response = await client.get(SEARCH + "?q=zeppelin")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login?next=")
    token = await get_csrf(client)
    response = await client.post(BULK, form={"csrf_token": token, "q": "x", "bulk_action": "MARK_AS_READ"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login?next=")


async def test_the_empty_form_searches_nothing_and_a_search_shows_only_the_users_matches(
    client: QuartClient, db: Runtime
) -> None:
    alice, bob = await _users()
    await _article(alice, "airships", title="Airships of the north", summary="A zeppelin crossed the sea.")
    await _article(alice, "boats", title="Boats", summary="Sailing on the lake.")
    await _article(bob, "bobs", title="Bob's zeppelin", summary="A zeppelin of Bob.")
    await log_in(client, "alice@example.org")
    empty = await _page(client)
    assert "result" not in empty
    assert _titles(empty) == []
    body = await _page(client, "q=zeppelin")
    assert _titles(body) == ["Airships of the north"]
    assert "1 result" in body
    assert "A <mark>zeppelin</mark> crossed the sea." in body
    assert 'value="zeppelin"' in body  # the form keeps its values


async def test_a_script_in_an_article_comes_out_escaped(client: QuartClient, db: Runtime) -> None:
    alice, _ = await _users()
    await _article(
        alice, "xss", title="<script>alert(1)</script> zeppelin", content_type="text/plain",
        content="zeppelin <script>alert(2)</script> &lt;b&gt;",
    )  # fmt: skip
    await log_in(client, "alice@example.org")
    body = await _page(client, "q=zeppelin")
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; zeppelin" in body
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in body


async def test_bad_queries_never_error_and_explain_themselves(client: QuartClient, db: Runtime) -> None:
    alice, _ = await _users()
    await _article(alice, "a", title="Quoted things", summary="nothing special")
    await log_in(client, "alice@example.org")
    for text in ['"unbalanced', "a & | ! (", "-", "OR AND NOT", "''''", "\x00zeppelin", "x" * 5000]:
        await _page(client, f"q={text}")
    body = await _page(client, "q=the+and+of")
    assert "only very common words" in body
    body = await _page(client, "q=%22quoted+things%22&mode=PHRASE")
    assert _titles(body) == ["Quoted things"]


async def test_bad_form_values_answer_400_with_the_form_and_a_clear_error(client: QuartClient, db: Runtime) -> None:
    _, bob = await _users()
    bobs_tag = await Tag.create(user_id=bob, title="Secret", slug="secret")
    source = await FeedSource.create(url="https://feeds.example/b", next_check_at=NOW)
    bobs_feed = await Feed.create(user_id=bob, source=source, title="Bob", feed_type=FeedType.RSS20)
    await log_in(client, "alice@example.org")
    cases = {
        "read_status=MAYBE": "Unknown choice: MAYBE",
        "order=<b>": "Unknown choice: &lt;b&gt;",
        "max_age_value=3": "Give both a maximum age and its unit",
        "max_age_unit=DAYS": "Give both a maximum age and its unit",
        "max_age_value=-1&max_age_unit=DAYS": "Give a whole number",
        "reading_time=99999999999999999999&reading_time_operator=MORE_THAN": "Give a whole number",
        "reading_time=5": "Choose “more than” or “less than”",
        f"tags={bobs_tag.slug}": "Choose tags among your own tags.",
        "exclude_tags=nope": "Choose tags among your own tags.",
        f"feeds={bobs_feed.id}": "Choose feeds among your own feeds.",
        "feeds=abc": "Choose feeds among your own feeds.",
        "feeds=99999999999999999999999": "Choose feeds among your own feeds.",
        "q=x&after=garbage": "this page cursor is not valid",
    }
    for query, message in cases.items():
        body = await _page(client, query, status=400)
        assert message in body, query
        assert 'action="/reading/search/"' in body


async def test_filters_feeds_external_tags_and_tags_narrow_the_results(client: QuartClient, db: Runtime) -> None:
    alice, _ = await _users()
    source = await FeedSource.create(url="https://feeds.example/a", next_check_at=NOW)
    feed = await Feed.create(user_id=alice, source=source, title="Alice's feed", feed_type=FeedType.RSS20)
    tag = await Tag.create(user_id=alice, title="Travel", slug="travel")
    tagged = await _article(alice, "tagged", title="Tagged zeppelin", summary="zeppelin", is_favorite=True)
    await ArticleTag.create(article=tagged, tag=tag)
    await _article(alice, "fed", title="Fed zeppelin", summary="zeppelin", main_feed_id=feed.id)
    await _article(alice, "ext", title="External zeppelin", summary="zeppelin", external_tags=["Sky"])
    await log_in(client, "alice@example.org")
    assert _titles(await _page(client, "q=zeppelin&tags=travel")) == ["Tagged zeppelin"]
    assert set(_titles(await _page(client, "q=zeppelin&exclude_tags=travel"))) == {"Fed zeppelin", "External zeppelin"}
    assert _titles(await _page(client, f"q=zeppelin&feeds={feed.id}")) == ["Fed zeppelin"]
    assert _titles(await _page(client, "q=zeppelin&external_tags=nothing,+sky")) == ["External zeppelin"]
    assert _titles(await _page(client, "favorite_status=ONLY_FAVORITE")) == ["Tagged zeppelin"]
    body = await _page(client, "q=zeppelin&tags=travel")
    assert '<option value="travel" selected>Travel</option>' in body
    assert '<details class="search-filters" open>' in body  # a refined search shows its filters
    body = await _page(client, "q=zeppelin&mode=WORDS&read_status=ALL&order=RANK&direction=DESC")
    assert '<details class="search-filters">' in body  # the defaults keep them folded


async def test_more_results_follow_the_cursor_and_keep_the_query(client: QuartClient, db: Runtime) -> None:
    alice, _ = await _users()
    for number in range(53):
        await _article(alice, f"z{number}", title=f"Zeppelin {number}", summary="zeppelin")
    await _article(alice, "other", title="Other", summary="boats")
    await log_in(client, "alice@example.org")
    seen: list[str] = []
    query = "q=zeppelin&read_status=ALL"
    for _ in range(5):
        body = await _page(client, query)
        seen += _titles(body)
        more = re.search(r'<p class="load-more"><a href="([^"]+)">More results</a>', body)
        if not more:
            break
        link = more.group(1).replace("&amp;", "&")
        assert dict(parse_qsl(urlsplit(link).query))["read_status"] == "ALL"
        query = urlsplit(link).query
    assert "53 results" in body
    assert sorted(seen) == sorted(f"Zeppelin {number}" for number in range(53))


async def test_bulk_actions_change_every_result_of_the_query_and_nothing_else(client: QuartClient, db: Runtime) -> None:
    alice, bob = await _users()
    for number in range(60):
        await _article(alice, f"z{number}", summary="zeppelin")
    other = await _article(alice, "other", summary="boats")
    bobs = await _article(bob, "bobs", summary="zeppelin")
    await log_in(client, "alice@example.org")
    page = await _page(client, "q=zeppelin")
    token = csrf_from(page)
    assert '<input type="hidden" name="q" value="zeppelin">' in page
    response = await client.post(BULK, form={"csrf_token": token, "q": "zeppelin", "bulk_action": "MARK_AS_READ"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/reading/search/?q=zeppelin"
    assert await Article.filter(user_id=alice, read_at__isnull=False).count() == 60
    assert (await Article.get(id=other.id)).read_at is None
    assert (await Article.get(id=bobs.id)).read_at is None
    followed = await client.get(response.headers["Location"])
    assert "60 articles updated." in await followed.get_data(as_text=True)
    form = {"csrf_token": token, "q": "zeppelin", "bulk_action": "ADD_TAGS", "bulk_tags": "Sky, Later"}
    response = await client.post(BULK, form=form)
    assert response.status_code == 302
    assert await ArticleTag.filter(article__user_id=alice).count() == 120
    assert await Tag.filter(user_id=bob).count() == 0
    assert await ArticleTag.filter(article_id=bobs.id).count() == 0
    form = {"csrf_token": token, "q": "zeppelin", "bulk_action": "REMOVE_TAGS", "bulk_tags": "sky"}
    assert (await client.post(BULK, form=form)).status_code == 302
    assert await ArticleTag.filter(article__user_id=alice).count() == 60


async def test_bulk_actions_refuse_bad_input_and_missing_csrf(client: QuartClient, db: Runtime) -> None:
    alice, _ = await _users()
    article = await _article(alice, "z", summary="zeppelin")
    await log_in(client, "alice@example.org")
    token = await get_csrf(client, SEARCH + "?q=zeppelin")
    for wrong in ({}, {"csrf_token": "forged"}):
        response = await client.post(BULK, form={"q": "zeppelin", "bulk_action": "MARK_AS_READ", **wrong})
        assert response.status_code == 400
        assert "CSRF check failed" in await response.get_data(as_text=True)
    for form, message in [
        ({"bulk_action": "DROP_TABLE"}, "Choose an action to apply."),
        ({"bulk_action": "ADD_TAGS", "bulk_tags": " , "}, "give at least one tag"),
        ({"bulk_action": "MARK_AS_READ", "read_status": "NOPE"}, "Unknown choice: NOPE"),
    ]:
        response = await client.post(BULK, form={"csrf_token": token, "q": "zeppelin", **form})
        body = await response.get_data(as_text=True)
        assert response.status_code == 400, body
        assert message in body
    assert (await Article.get(id=article.id)).read_at is None
    assert await Tag.all().count() == 0
