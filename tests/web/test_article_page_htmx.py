"""The article page's actions in place (htmx: its buttons, its state and its list's unread count out of band;
deleting sends the browser back to the list), the list page's header count updated out of band, and the
"Re-fetch content" button against a local HTTP server (success, failure, login, CSRF, another user's article).
"""

from __future__ import annotations

from quart.typing import TestClientProtocol as QuartClient

from legadilo.accounts.models import User
from legadilo.reading.models import Article, ArticleFetchError, ReadingList
from tests.conftest import get_csrf, log_in
from tests.reading.test_saving import PageServer, pages, server, story  # noqa: F401 - fixtures
from tests.web.test_reading_pages import HTMX, article, many


async def _token(client: QuartClient, email: str = "alice@example.org") -> str:
    await log_in(client, email)
    return await get_csrf(client, "/reading/")


async def test_the_page_posts_its_actions_with_htmx_and_without(client: QuartClient, alice: User) -> None:
    saved = await article(alice, "story")
    unread = await ReadingList.get(user_id=alice.id, slug="unread")
    await log_in(client, "alice@example.org")
    html = await (await client.get(f"/reading/articles/{saved.id}-story/?list=unread")).get_data(as_text=True)
    assert f'<form method="post" action="/reading/articles/{saved.id}/action/" id="article-action-form"' in html
    assert 'name="view" value="article"' in html and f'name="list_id" value="{unread.id}"' in html
    assert f'<span class="count" id="unread-count-{unread.id}"></span>' in html  # filled by the first action
    assert 'hx-confirm="Delete this article?' in html and f'action="/reading/articles/{saved.id}/refetch/' in html


async def test_an_action_from_the_article_page_answers_its_buttons_state_and_count(
    client: QuartClient, alice: User
) -> None:
    saved = await article(alice, "story")
    await article(alice, "other")
    unread = await ReadingList.get(user_id=alice.id, slug="unread")
    here = f"/reading/articles/{saved.id}-story/?list=unread"
    token = await _token(client)
    form = {"csrf_token": token, "view": "article", "next": here, "list_id": str(unread.id)}
    response = await client.post(
        f"/reading/articles/{saved.id}/action/", form={**form, "action": "MARK_AS_READ"}, headers=HTMX
    )
    html = await response.get_data(as_text=True)
    assert response.status_code == 200 and "<!doctype html>" not in html
    assert html.lstrip().startswith('<form method="post"') and 'id="article-action-form"' in html
    assert 'value="MARK_AS_UNREAD"' in html and f'name="next" value="{here}"' in html
    assert '<span class="article-state" id="article-state" hx-swap-oob="true"><span class="card-state">Read' in html
    assert f'<span class="count" id="unread-count-{unread.id}" hx-swap-oob="true">1</span>' in html
    assert html.count('class="count"') == 1  # only the counter the page shows
    assert "article-card" not in html  # not a list card, though the article left the unread list
    favourite = await client.post(
        f"/reading/articles/{saved.id}/action/", form={**form, "action": "MARK_AS_FAVORITE"}, headers=HTMX
    )
    assert 'value="UNMARK_AS_FAVORITE"' in await favourite.get_data(as_text=True)
    plain = await client.post(f"/reading/articles/{saved.id}/action/", form={**form, "action": "MARK_AS_UNREAD"})
    assert plain.status_code == 302 and plain.headers["Location"] == here
    stored = await Article.get(id=saved.id)
    assert stored.read_at is None and stored.is_favorite


async def test_deleting_from_the_article_page_with_htmx_goes_back_to_the_list(client: QuartClient, alice: User) -> None:
    saved = await article(alice, "doomed")
    token = await _token(client)
    response = await client.post(
        f"/reading/articles/{saved.id}/delete/",
        form={"csrf_token": token, "view": "article", "next": "/reading/lists/unread/"},
        headers=HTMX,
    )
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/reading/lists/unread/"
    assert not await Article.exists(id=saved.id)


async def test_the_list_header_count_is_swapped_when_the_page_shows_it(client: QuartClient, alice: User) -> None:
    [first, *_] = await many(alice, 3)
    unread = await ReadingList.get(user_id=alice.id, slug="unread")
    token = await _token(client)
    page = await (await client.get("/reading/lists/unread/")).get_data(as_text=True)
    assert f'<span id="unread-count-header-{unread.id}">3</span> articles' in page
    assert 'name="header_count" value="1"' in page
    form = {"csrf_token": token, "action": "MARK_AS_READ", "list_id": str(unread.id)}
    with_header = await client.post(
        f"/reading/articles/{first.id}/action/", form={**form, "header_count": "1"}, headers=HTMX
    )
    assert f'<span id="unread-count-header-{unread.id}" hx-swap-oob="true">2</span>' in await with_header.get_data(
        as_text=True
    )
    without = await client.post(f"/reading/articles/{first.id}/action/", form=form, headers=HTMX)
    assert "unread-count-header" not in await without.get_data(as_text=True)
    all_articles = await (await client.get("/reading/lists/all-articles/")).get_data(as_text=True)
    assert "unread-count-header" not in all_articles and 'name="header_count"' not in all_articles


async def test_refetch_replaces_the_content_and_says_so(client: QuartClient, alice: User, pages: PageServer) -> None:  # noqa: F811
    url = pages.set("/story", story().replace(b"Saving pages", b"Fresh words"))
    saved = await Article.create(user_id=alice.id, url=url, title="Mine", slug="mine", content="<p>stale</p>")
    token = await _token(client)
    response = await client.post(f"/reading/articles/{saved.id}/refetch/?list=unread", form={"csrf_token": token})
    assert (
        response.status_code == 302
        and response.headers["Location"] == f"/reading/articles/{saved.id}-mine/?list=unread"
    )
    page = await (await client.get(response.headers["Location"])).get_data(as_text=True)
    assert "The content was fetched again." in page and "Fresh words" in page and "stale" not in page


async def test_a_failed_refetch_keeps_the_content_and_says_why(
    client: QuartClient,
    alice: User,
    pages: PageServer,  # noqa: F811
) -> None:
    url = pages.set("/gone", b"gone", status=410)
    saved = await Article.create(user_id=alice.id, url=url, title="Mine", slug="mine", content="<p>kept</p>")
    token = await _token(client)
    response = await client.post(f"/reading/articles/{saved.id}/refetch/", form={"csrf_token": token})
    page = await (await client.get(response.headers["Location"])).get_data(as_text=True)
    assert "could not be fetched again (the server answered 410 Gone)" in page and "<p>kept</p>" in page
    assert await ArticleFetchError.filter(article_id=saved.id).count() == 1


async def test_refetch_needs_login_csrf_and_ones_own_article(
    client: QuartClient,
    alice: User,
    bob: User,
    pages: PageServer,  # noqa: F811
) -> None:
    url = pages.set("/story", story())
    bobs = await Article.create(user_id=bob.id, url=url, title="Bob's", slug="bobs", content="<p>bob</p>")
    anonymous = await client.post(f"/reading/articles/{bobs.id}/refetch/", form={"csrf_token": await get_csrf(client)})
    assert anonymous.status_code == 302 and "/accounts/login" in anonymous.headers["Location"]
    token = await _token(client)
    assert (await client.post(f"/reading/articles/{bobs.id}/refetch/", form={})).status_code == 400
    assert (await client.post(f"/reading/articles/{bobs.id}/refetch/", form={"csrf_token": token})).status_code == 404
    assert pages.hits.get("/story", 0) == 0
    assert (await Article.get(id=bobs.id)).content == "<p>bob</p>"
