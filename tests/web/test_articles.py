"""The article page and the article actions over HTTP: slug redirects, content (HTML and plain text), table of
contents, previous/next in a list, actions as plain posts (redirects) and as htmx requests (the card and the
counters out of band), delete with its confirmation, open original, edits with bad input, read on scroll,
another user's article, login and CSRF."""

from __future__ import annotations

import re

from quart.typing import TestClientProtocol as QuartClient

from legadilo.accounts.models import User
from legadilo.reading.models import Article, ArticleTag, ContentType, ReadingList, Tag
from tests.conftest import get_csrf, log_in
from tests.web.test_reading_pages import DAY, HTMX, START, article


async def _token(client: QuartClient, email: str = "alice@example.org") -> str:
    await log_in(client, email)
    return await get_csrf(client, "/reading/")


async def test_anonymous_is_sent_to_login(client: QuartClient, alice: User) -> None:
    saved = await article(alice, "first")
    for path in (f"/reading/articles/{saved.id}-first/", f"/reading/articles/{saved.id}/"):
        response = await client.get(path)
        assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]
    response = await client.post(f"/reading/articles/{saved.id}/action/", form={"action": "MARK_AS_READ"})
    assert response.status_code in {302, 400}
    assert (await Article.get(id=saved.id)).read_at is None


async def test_wrong_or_missing_slug_redirects_to_the_right_one(client: QuartClient, alice: User) -> None:
    saved = await article(alice, "right-slug")
    await log_in(client, "alice@example.org")
    for wrong in (f"/reading/articles/{saved.id}/", f"/reading/articles/{saved.id}-wrong/"):
        response = await client.get(wrong + "?list=unread")
        assert response.status_code == 302
        assert response.headers["Location"] == f"/reading/articles/{saved.id}-right-slug/?list=unread"
    assert (await client.get(f"/reading/articles/{saved.id}-right-slug/")).status_code == 200


async def test_another_users_or_a_missing_article_is_404(client: QuartClient, alice: User, bob: User) -> None:
    bobs = await article(bob, "secret", content="<p>bob's secret</p>")
    token = await _token(client)
    for path in (
        f"/reading/articles/{bobs.id}-secret/",
        "/reading/articles/999999-x/",
        "/reading/articles/99999999999999999999/",
    ):
        response = await client.get(path)
        assert response.status_code == 404
        assert "bob's secret" not in await response.get_data(as_text=True)
    for suffix, form in (
        ("action/", {"action": "MARK_AS_READ"}),
        ("open/", {}),
        ("delete/", {"confirm": "yes"}),
        ("edit/", {"title": "Mine now"}),
    ):
        response = await client.post(f"/reading/articles/{bobs.id}/{suffix}", form={"csrf_token": token, **form})
        assert response.status_code == 404, suffix
    unchanged = await Article.get(id=bobs.id)
    assert unchanged.read_at is None and unchanged.opened_at is None and unchanged.title == "Secret"


async def test_html_content_toc_tags_and_metadata(client: QuartClient, alice: User) -> None:
    saved = await article(
        alice,
        "guide",
        content='<h2 id="part-one">Part one</h2><p>Hello <strong>reader</strong></p>',
        table_of_content=[{"id": "part-one", "text": "Part one", "level": 2, "children": []}],
        authors=["Zoé"],
        reading_time=4,
    )
    tag = await Tag.create(user_id=alice.id, title="Howto", slug="howto")
    await ArticleTag.create(article_id=saved.id, tag_id=tag.id)
    await log_in(client, "alice@example.org")
    html = await (await client.get(f"/reading/articles/{saved.id}-guide/")).get_data(as_text=True)
    assert "Hello <strong>reader</strong>" in html
    assert '<a href="#part-one">Part one</a>' in html
    assert "Zoé" in html and "4 min read" in html and "Howto" in html
    assert "2026-01-01 00:00 UTC" in html


async def test_opening_the_page_from_a_list_marks_a_new_article_opened_and_read(
    client: QuartClient, alice: User
) -> None:
    saved = await article(alice, "fresh", content="<p>body</p>")
    await log_in(client, "alice@example.org")
    outside = await (await client.get(f"/reading/articles/{saved.id}-fresh/")).get_data(as_text=True)
    assert 'value="MARK_AS_READ"' in outside  # not from a list (search, saved page, bookmark): unchanged
    assert (await Article.get(id=saved.id)).opened_at is None
    html = await (await client.get(f"/reading/articles/{saved.id}-fresh/?list=unread")).get_data(as_text=True)
    opened = await Article.get(id=saved.id)
    assert opened.opened_at is not None and opened.read_at is not None
    assert 'value="MARK_AS_UNREAD"' in html  # the page shows the state it is now in
    unread_list = await (await client.get("/reading/")).get_data(as_text=True)
    assert f'id="article-card-{saved.id}"' not in unread_list


async def test_plain_text_content_is_escaped_in_pre(client: QuartClient, alice: User) -> None:
    saved = await article(alice, "notes", content="<script>alert(1)</script>\nline 2", content_type=ContentType.PLAIN)
    await log_in(client, "alice@example.org")
    html = await (await client.get(f"/reading/articles/{saved.id}-notes/")).get_data(as_text=True)
    assert '<pre class="plain-text">&lt;script&gt;alert(1)&lt;/script&gt;\nline 2</pre>' in html


async def test_previous_and_next_within_the_list(client: QuartClient, alice: User) -> None:
    old = await article(alice, "old", published_at=START)
    middle = await article(alice, "middle", published_at=START + DAY)
    new = await article(alice, "new", published_at=START + 2 * DAY)
    await log_in(client, "alice@example.org")
    html = await (await client.get(f"/reading/articles/{middle.id}-middle/?list=all-articles")).get_data(as_text=True)
    # newest first: the previous one is newer, the next one older
    assert f'rel="prev" href="/reading/articles/{new.id}-new/?list=all-articles"' in html
    assert f'rel="next" href="/reading/articles/{old.id}-old/?list=all-articles"' in html
    alone = await (await client.get(f"/reading/articles/{middle.id}-middle/?list=no-such-list")).get_data(as_text=True)
    assert 'rel="prev"' not in alone and 'rel="next"' not in alone


async def test_action_as_plain_post_redirects_back_and_only_to_this_site(client: QuartClient, alice: User) -> None:
    saved = await article(alice, "first")
    token = await _token(client)
    response = await client.post(
        f"/reading/articles/{saved.id}/action/",
        form={"csrf_token": token, "action": "MARK_AS_FAVORITE", "next": "/reading/lists/favorite/"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/reading/lists/favorite/"
    assert (await Article.get(id=saved.id)).is_favorite
    for hostile in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        response = await client.post(
            f"/reading/articles/{saved.id}/action/",
            form={"csrf_token": token, "action": "MARK_AS_READ", "next": hostile},
        )
        assert response.status_code == 302 and response.headers["Location"] == "/reading/", hostile
    assert (await Article.get(id=saved.id)).read_at is not None


async def test_action_with_htmx_answers_the_card_and_the_counters(client: QuartClient, alice: User) -> None:
    saved = await article(alice, "first")
    await article(alice, "second")
    lists = {rl.slug: rl.id for rl in await ReadingList.filter(user_id=alice.id)}
    token = await _token(client)
    response = await client.post(
        f"/reading/articles/{saved.id}/action/",
        form={"csrf_token": token, "action": "MARK_AS_FAVORITE", "list_id": str(lists["all-articles"])},
        headers=HTMX,
    )
    html = await response.get_data(as_text=True)
    assert response.status_code == 200 and "<!doctype html>" not in html
    assert f'id="article-card-{saved.id}"' in html and 'value="UNMARK_AS_FAVORITE"' in html
    assert f'<span class="count" id="unread-count-{lists["unread"]}" hx-swap-oob="true">2</span>' in html
    # marked read on the unread list, the card leaves it; the counters follow
    response = await client.post(
        f"/reading/articles/{saved.id}/action/",
        form={"csrf_token": token, "action": "MARK_AS_READ", "list_id": str(lists["unread"])},
        headers=HTMX,
    )
    html = await response.get_data(as_text=True)
    assert f'id="article-card-{saved.id}"' not in html
    assert f'id="unread-count-{lists["unread"]}" hx-swap-oob="true">1</span>' in html


async def test_bad_action_and_missing_csrf_change_nothing(client: QuartClient, alice: User) -> None:
    saved = await article(alice, "first")
    token = await _token(client)
    bad = await client.post(f"/reading/articles/{saved.id}/action/", form={"csrf_token": token, "action": "EXPLODE"})
    assert bad.status_code == 400 and "unknown article action" in await bad.get_data(as_text=True)
    for headers in ({}, HTMX):
        response = await client.post(
            f"/reading/articles/{saved.id}/action/", form={"action": "MARK_AS_READ"}, headers=headers
        )
        assert response.status_code == 400
    assert (await Article.get(id=saved.id)).read_at is None


async def test_delete_asks_for_confirmation_without_javascript(client: QuartClient, alice: User) -> None:
    saved = await article(alice, "doomed")
    token = await _token(client)
    ask = await client.post(
        f"/reading/articles/{saved.id}/delete/", form={"csrf_token": token, "next": "/reading/lists/unread/"}
    )
    page = await ask.get_data(as_text=True)
    assert ask.status_code == 200 and "Delete this article?" in page and 'name="confirm" value="yes"' in page
    assert await Article.exists(id=saved.id)
    done = await client.post(
        f"/reading/articles/{saved.id}/delete/",
        form={"csrf_token": csrf_from_page(page), "confirm": "yes", "next": "/reading/lists/unread/"},
    )
    assert done.status_code == 302 and done.headers["Location"] == "/reading/lists/unread/"
    assert not await Article.exists(id=saved.id)


def csrf_from_page(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


async def test_delete_with_htmx_removes_the_card_and_updates_counters(client: QuartClient, alice: User) -> None:
    saved = await article(alice, "doomed")
    unread = await ReadingList.get(user_id=alice.id, slug="unread")
    token = await _token(client)
    response = await client.post(
        f"/reading/articles/{saved.id}/delete/", form={"csrf_token": token, "list_id": str(unread.id)}, headers=HTMX
    )
    html = await response.get_data(as_text=True)
    assert response.status_code == 200 and "article-card" not in html
    assert f'id="unread-count-{unread.id}" hx-swap-oob="true">0</span>' in html
    assert not await Article.exists(id=saved.id)


async def test_open_original_marks_opened_and_redirects(client: QuartClient, alice: User) -> None:
    saved = await article(alice, "far")
    hostile = await Article.create(user_id=alice.id, url="javascript:alert(1)", title="Bad", slug="bad")
    token = await _token(client)
    response = await client.post(f"/reading/articles/{saved.id}/open/", form={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "https://example.org/far"
    opened = await Article.get(id=saved.id)
    assert opened.opened_at is not None and opened.read_at is not None
    refused = await client.post(f"/reading/articles/{hostile.id}/open/", form={"csrf_token": token})
    assert refused.status_code == 400 and "Location" not in refused.headers


async def test_open_from_javascript_answers_the_counters_not_a_redirect(client: QuartClient, alice: User) -> None:
    saved = await article(alice, "far")
    unread = await ReadingList.get(user_id=alice.id, slug="unread")
    token = await _token(client)
    response = await client.post(
        f"/reading/articles/{saved.id}/open/", headers={"X-CSRF-Token": token, "Accept": "application/json"}
    )
    assert response.status_code == 200  # a redirect to another site would break the script's fetch (CSP)
    assert (await response.get_json())["unread"][str(unread.id)] == 0
    assert (await Article.get(id=saved.id)).opened_at is not None


async def test_edit_title_tags_and_reading_time(client: QuartClient, alice: User) -> None:
    saved = await article(alice, "draft", reading_time=2)
    old_tag = await Tag.create(user_id=alice.id, title="Old", slug="old")
    await ArticleTag.create(article_id=saved.id, tag_id=old_tag.id)
    token = await _token(client)
    response = await client.post(
        f"/reading/articles/{saved.id}/edit/?list=unread",
        form={"csrf_token": token, "title": "  Final   title ", "tags": "Python, Web, python ,", "reading_time": "12"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/reading/articles/{saved.id}-final-title/?list=unread"
    edited = await Article.get(id=saved.id)
    assert (edited.title, edited.reading_time) == ("Final title", 12)
    titles = await Tag.filter(article_tags__article_id=saved.id).values_list("title", flat=True)
    assert sorted(str(t).lower() for t in titles) == ["python", "web"]


async def test_edit_with_bad_input_rerenders_the_form_and_changes_nothing(client: QuartClient, alice: User) -> None:
    saved = await article(alice, "draft", reading_time=2)
    token = await _token(client)
    for form, message in (
        ({"title": "Ok", "reading_time": "-3"}, "whole number of minutes"),
        ({"title": "Ok", "reading_time": "9999999999"}, "whole number of minutes"),
        ({"title": "Ok", "reading_time": "200000"}, "reading time"),
        ({"title": "   ", "reading_time": "5"}, "title cannot be empty"),
        ({"title": "x" * 301, "reading_time": "5"}, "longer than 300"),
        ({"title": "Ok", "tags": ",".join(f"t{i}" for i in range(101))}, "at most 100 tags"),
    ):
        response = await client.post(f"/reading/articles/{saved.id}/edit/", form={"csrf_token": token, **form})
        html = await response.get_data(as_text=True)
        assert response.status_code == 400, form
        assert message in html and 'class="error"' in html, form
        assert f'value="{form["title"]}"' in html  # what was typed stays in the form
    unchanged = await Article.get(id=saved.id)
    assert (unchanged.title, unchanged.reading_time) == ("Draft", 2)


async def test_mark_as_read_in_bulk(client: QuartClient, alice: User, bob: User) -> None:
    first, second = await article(alice, "one"), await article(alice, "two")
    bobs = await article(bob, "bobs")
    unread = await ReadingList.get(user_id=alice.id, slug="unread")
    token = await _token(client)
    response = await client.post(
        "/reading/articles/mark-as-read-in-bulk/",
        form={"article_ids": f"{first.id},{bobs.id}"},
        headers={"X-CSRF-Token": token, "Accept": "application/json"},
    )
    assert response.status_code == 200
    assert (await response.get_json())["unread"][str(unread.id)] == 1
    assert (await Article.get(id=first.id)).read_at is not None
    assert (await Article.get(id=second.id)).read_at is None and (await Article.get(id=bobs.id)).read_at is None
    for bad in ("", "1,abc", ",", "1;2", "99999999999999999999"):
        response = await client.post(
            "/reading/articles/mark-as-read-in-bulk/", form={"article_ids": bad}, headers={"X-CSRF-Token": token}
        )
        assert response.status_code == 400, bad
    plain = await client.post(
        "/reading/articles/mark-as-read-in-bulk/", form={"csrf_token": token, "article_ids": str(second.id)}
    )
    assert plain.status_code == 302
