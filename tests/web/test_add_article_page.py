"""The "save a page" page, against a local page server: a new page, the same page again (unread, tags merged),
a failed fetch (saved all the same, with the reason), bad and own URLs (400 with the form), login and CSRF."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from quart.typing import TestClientProtocol as QuartClient

from legadilo.reading.models import Article, ArticleFetchError, ArticleTag, Tag
from legadilo.runtime import Runtime
from legadilo.signup.services import register_user
from tests.conftest import TEST_PASSWORD, get_csrf, log_in
from tests.reading.test_saving import PageServer, story

ADD = "/reading/articles/add"


@pytest.fixture
async def pages(db: Runtime) -> AsyncIterator[PageServer]:
    server = PageServer()
    application = web.Application()
    application.router.add_get("/{tail:.*}", server.handle)
    runner = web.AppRunner(application, shutdown_timeout=0.5, access_log=None)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    server.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        yield server
    finally:
        await runner.cleanup()


async def _logged_in(client: QuartClient, email: str = "alice@example.org") -> tuple[int, str]:
    user = await register_user(email, TEST_PASSWORD)
    await log_in(client, email)
    return int(user.id), await get_csrf(client, ADD)


async def _post(client: QuartClient, token: str, url: str, tags: str = "") -> tuple[int, str, str]:
    response = await client.post(ADD, form={"csrf_token": token, "url": url, "tags": tags})
    return response.status_code, response.headers.get("Location", ""), await response.get_data(as_text=True)


async def _flash(client: QuartClient, location: str) -> str:
    return await (await client.get(location, follow_redirects=True)).get_data(as_text=True)


def _targets(article_id: int) -> set[str]:
    """The article page when the articles blueprint serves one, else the reading list."""
    return {f"/reading/articles/{article_id}/", "/reading/"}


async def test_anonymous_visitors_are_sent_to_login(client: QuartClient, pages: PageServer) -> None:
    response = await client.get(ADD)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login?next=")
    token = await get_csrf(client)
    response = await client.post(ADD, form={"csrf_token": token, "url": pages.set("/s", story())})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login?next=")
    assert pages.hits == {}
    assert await Article.all().count() == 0


async def test_a_page_is_saved_then_saved_again_with_merged_tags(client: QuartClient, pages: PageServer) -> None:
    user_id, token = await _logged_in(client)
    page = await client.get(ADD)
    assert 'name="url"' in await page.get_data(as_text=True)
    url = pages.set("/story", story())
    status, location, _ = await _post(client, token, url, "Travel, Sky")
    assert status == 302
    article = await Article.get(user_id=user_id)
    assert article.title == "A saved story"
    assert location in _targets(article.id)
    assert "Saved “A saved story”." in await _flash(client, location)
    article.read_at = article.obj_created_at
    await article.save()
    status, location, _ = await _post(client, token, url, "sky, Later")
    assert status == 302
    assert "already saved: it is unread again and the tags were merged" in await _flash(client, location)
    assert await Article.filter(user_id=user_id).count() == 1
    assert (await Article.get(id=article.id)).read_at is None
    tag_ids = await ArticleTag.filter(article_id=article.id).values_list("tag_id", flat=True)
    tags = await Tag.filter(id__in=list(tag_ids)).order_by("title")
    assert [tag.title for tag in tags] == ["Later", "Sky", "Travel"]


async def test_a_failed_fetch_saves_the_url_and_says_why(client: QuartClient, pages: PageServer) -> None:
    user_id, token = await _logged_in(client)
    status, location, _ = await _post(client, token, pages.url("/missing"))
    assert status == 302
    article = await Article.get(user_id=user_id)
    assert await ArticleFetchError.filter(article_id=article.id).count() == 1
    message = await _flash(client, location)
    assert "but its content could not be fetched: " in message
    assert "404" in message


async def test_bad_urls_and_the_instance_itself_answer_400_with_the_form(
    client: QuartClient, pages: PageServer
) -> None:
    _, token = await _logged_in(client)
    cases = {
        "": "Give the address of the page to save.",
        "javascript:alert(1)": "is not an http(s) URL",
        "ftp://example.org/file": "is not an http(s) URL",
        "https://user:secret@example.org/": "user name or password",
        "https://example.org/" + "a" * 3000: "longer than 1024 characters",
        "http://localhost/reading/": "page of this Legadilo instance",
    }
    for url, message in cases.items():
        status, _, body = await _post(client, token, url, "kept, tags")
        assert status == 400, url
        assert message in body, url
        assert 'value="kept, tags"' in body
        assert 'aria-invalid="true"' in body
    status, _, body = await _post(client, token, pages.url("/s"), ",".join(f"t{n}" for n in range(101)))
    assert status == 400
    assert "At most 100 tags" in body
    assert await Article.all().count() == 0
    assert await Tag.all().count() == 0
    assert pages.hits == {}


async def test_csrf_is_required(client: QuartClient, pages: PageServer) -> None:
    await _logged_in(client)
    for wrong in ({}, {"csrf_token": "forged"}):
        response = await client.post(ADD, form={"url": pages.set("/s", story()), **wrong})
        assert response.status_code == 400
    assert pages.hits == {}
    assert await Article.all().count() == 0
