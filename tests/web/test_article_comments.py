"""Comments on the article page over HTTP: shown rendered and sanitised, added, edited and deleted as plain
posts (redirects, or the page again with the error and a 400) and with htmx (fragments), editing without
JavaScript through `?edit_comment=`, login, CSRF, and another user's article or comment (404)."""

from __future__ import annotations

import re

import pytest
from quart.typing import TestClientProtocol as QuartClient

from legadilo.accounts.models import User
from legadilo.reading.comments import add_comment
from legadilo.reading.models import Article, Comment
from tests.conftest import get_csrf, log_in
from tests.web.test_reading_pages import HTMX, START, article


async def _token(client: QuartClient, email: str = "alice@example.org") -> str:
    await log_in(client, email)
    return await get_csrf(client, "/reading/")


async def _texts(article_id: int) -> list[str]:
    return [comment.text for comment in await Comment.filter(article_id=article_id).order_by("created_at", "id")]


async def test_the_page_shows_comments_rendered_sanitised_and_in_order(client: QuartClient, alice: User) -> None:
    saved = await article(alice, "story")
    await add_comment(alice.id, saved.id, "second **bold**", now=START.replace(hour=2))
    await add_comment(alice.id, saved.id, "first [x](javascript:alert(1)) <script>alert(2)</script>", now=START)
    await log_in(client, "alice@example.org")
    html = await (await client.get(f"/reading/articles/{saved.id}-story/")).get_data(as_text=True)
    assert html.index("first") < html.index("second <strong>bold</strong>")
    assert "<script>alert(2)" not in html and 'href="javascript' not in html
    assert 'id="comments"' in html and 'name="text"' in html and "Comments <span" in html


async def test_add_as_a_plain_post_redirects_to_the_comment(client: QuartClient, alice: User) -> None:
    saved = await article(alice, "story")
    token = await _token(client)
    here = f"/reading/articles/{saved.id}-story/?list=unread"
    response = await client.post(
        f"/reading/articles/{saved.id}/comments/", form={"csrf_token": token, "text": "Nice *read*", "next": here}
    )
    [comment] = await Comment.filter(article_id=saved.id)
    assert response.status_code == 302 and response.headers["Location"] == f"{here}#comment-{comment.id}"
    assert comment.text == "Nice *read*"
    hostile = await client.post(
        f"/reading/articles/{saved.id}/comments/", form={"csrf_token": token, "text": "x", "next": "//evil.example/"}
    )
    assert hostile.headers["Location"].startswith(f"/reading/articles/{saved.id}/#comment-")


async def test_add_with_htmx_answers_the_section(client: QuartClient, alice: User) -> None:
    saved = await article(alice, "story")
    token = await _token(client)
    response = await client.post(
        f"/reading/articles/{saved.id}/comments/", form={"csrf_token": token, "text": "www.example.org"}, headers=HTMX
    )
    html = await response.get_data(as_text=True)
    assert response.status_code == 200 and "<!doctype html>" not in html
    assert html.startswith('<section class="comments" id="comments"')
    assert '<a href="http://www.example.org" rel="noopener noreferrer">www.example.org</a>' in html
    assert re.search(r'<textarea id="comment-text"[^>]*></textarea>', html)  # the form is empty again


@pytest.mark.parametrize("headers", [{}, HTMX])
async def test_an_empty_rendering_is_a_400_with_the_form_error(
    client: QuartClient, alice: User, headers: dict[str, str]
) -> None:
    saved = await article(alice, "story")
    token = await _token(client)
    for text in ("   ", "<script>alert(1)</script>", "x" * 10_001):
        response = await client.post(
            f"/reading/articles/{saved.id}/comments/", form={"csrf_token": token, "text": text}, headers=headers
        )
        html = await response.get_data(as_text=True)
        assert response.status_code == 400, text
        assert response.headers.get("X-Legadilo-Form-Error") == ("1" if headers else None)  # reading.js swaps it
        assert 'class="error" role="alert" id="comment-error"' in html
        assert "empty once rendered" in html or "at most 10,000 characters" in html
        assert ("<!doctype html>" in html) == (not headers)
    assert await _texts(saved.id) == []


async def test_edit_without_javascript_goes_through_the_article_page(client: QuartClient, alice: User) -> None:
    saved = await article(alice, "story")
    comment = await add_comment(alice.id, saved.id, "old **text**", now=START)
    token = await _token(client)
    link = await client.get(f"/reading/articles/{saved.id}/comments/{comment.id}/edit/")
    assert link.status_code == 302
    assert link.headers["Location"] == f"/reading/articles/{saved.id}/?edit_comment={comment.id}#comment-{comment.id}"
    # the id-only address keeps the query on its way to the slug
    redirected = await client.get(f"/reading/articles/{saved.id}/?edit_comment={comment.id}")
    assert redirected.headers["Location"] == f"/reading/articles/{saved.id}-story/?edit_comment={comment.id}"
    page = await (await client.get(redirected.headers["Location"])).get_data(as_text=True)
    assert f'id="comment-text-{comment.id}"' in page and ">old **text**</textarea>" in page

    assert f'action="/reading/articles/{saved.id}/comments/{comment.id}/edit/?list=unread"' in await (
        await client.get(f"/reading/articles/{saved.id}-story/?list=unread&edit_comment={comment.id}")
    ).get_data(as_text=True)
    refused = await client.post(
        f"/reading/articles/{saved.id}/comments/{comment.id}/edit/?list=unread",
        form={"csrf_token": token, "text": "<p></p>"},
    )
    refused_html = await refused.get_data(as_text=True)
    assert refused.status_code == 400 and f'id="comment-error-{comment.id}"' in refused_html
    assert f'name="next" value="/reading/articles/{saved.id}-story/?list=unread"' in refused_html  # the list kept
    assert "></textarea>" in refused_html and ">old **text**</textarea>" not in refused_html  # what was typed

    done = await client.post(
        f"/reading/articles/{saved.id}/comments/{comment.id}/edit/", form={"csrf_token": token, "text": "new"}
    )
    assert done.status_code == 302 and done.headers["Location"].endswith(f"#comment-{comment.id}")
    assert await _texts(saved.id) == ["new"]


async def test_edit_and_cancel_with_htmx_swap_the_comment(client: QuartClient, alice: User) -> None:
    saved = await article(alice, "story")
    comment = await add_comment(alice.id, saved.id, "old", now=START)
    token = await _token(client)
    base = f"/reading/articles/{saved.id}/comments/{comment.id}"
    form_html = await (await client.get(f"{base}/edit/", headers=HTMX)).get_data(as_text=True)
    assert form_html.startswith(f'<li class="comment" id="comment-{comment.id}">') and ">old</textarea>" in form_html
    shown = await (await client.get(f"{base}/", headers=HTMX)).get_data(as_text=True)
    assert "<p>old</p>" in shown and "<textarea" not in shown
    refused = await client.post(f"{base}/edit/", form={"csrf_token": token, "text": ""}, headers=HTMX)
    assert refused.status_code == 400 and "empty once rendered" in await refused.get_data(as_text=True)
    response = await client.post(f"{base}/edit/", form={"csrf_token": token, "text": "~~new~~"}, headers=HTMX)
    html = await response.get_data(as_text=True)
    assert response.status_code == 200 and "<p><s>new</s></p>" in html and "<!doctype html>" not in html
    assert await _texts(saved.id) == ["~~new~~"]


async def test_delete_as_plain_post_and_with_htmx(client: QuartClient, alice: User) -> None:
    saved = await article(alice, "story")
    first = await add_comment(alice.id, saved.id, "first", now=START)
    second = await add_comment(alice.id, saved.id, "second", now=START)
    token = await _token(client)
    plain = await client.post(
        f"/reading/articles/{saved.id}/comments/{first.id}/delete/",
        form={"csrf_token": token, "next": f"/reading/articles/{saved.id}-story/"},
    )
    assert plain.status_code == 302 and plain.headers["Location"] == f"/reading/articles/{saved.id}-story/#comments"
    htmx = await client.post(
        f"/reading/articles/{saved.id}/comments/{second.id}/delete/", form={"csrf_token": token}, headers=HTMX
    )
    assert htmx.status_code == 200 and await htmx.get_data(as_text=True) == ""
    assert await _texts(saved.id) == []


async def test_anonymous_is_sent_to_login(client: QuartClient, alice: User) -> None:
    saved = await article(alice, "story")
    comment = await add_comment(alice.id, saved.id, "mine", now=START)
    base = f"/reading/articles/{saved.id}/comments"
    for path in (f"{base}/{comment.id}/", f"{base}/{comment.id}/edit/"):
        response = await client.get(path)
        assert response.status_code == 302 and "/accounts/login" in response.headers["Location"]
    token = await get_csrf(client)  # an anonymous session's token: the login check still stops them
    for path in (f"{base}/", f"{base}/{comment.id}/edit/", f"{base}/{comment.id}/delete/"):
        response = await client.post(path, form={"csrf_token": token, "text": "anonymous"})
        assert response.status_code == 302 and "/accounts/login" in response.headers["Location"], path
    assert await _texts(saved.id) == ["mine"]


async def test_every_post_needs_the_csrf_token(client: QuartClient, alice: User) -> None:
    saved = await article(alice, "story")
    comment = await add_comment(alice.id, saved.id, "mine", now=START)
    await _token(client)
    base = f"/reading/articles/{saved.id}/comments"
    for path in (f"{base}/", f"{base}/{comment.id}/edit/", f"{base}/{comment.id}/delete/"):
        for headers in ({}, HTMX, {"X-CSRF-Token": "forged"}):
            response = await client.post(path, form={"text": "forged"}, headers=headers)
            assert response.status_code == 400, (path, headers)
            assert "X-Legadilo-Form-Error" not in response.headers  # an error page: never swapped in
    assert await _texts(saved.id) == ["mine"]


async def test_another_users_article_or_comment_is_404(client: QuartClient, alice: User, bob: User) -> None:
    bobs = await article(bob, "secret")
    bobs_comment = await add_comment(bob.id, bobs.id, "bob's secret note", now=START)
    mine = await article(alice, "mine")
    token = await _token(client)
    for headers in ({}, HTMX):
        for path, form in (
            (f"/reading/articles/{bobs.id}/comments/", {"text": "sneaky"}),
            (f"/reading/articles/{bobs.id}/comments/", {"text": ""}),
            (f"/reading/articles/{bobs.id}/comments/{bobs_comment.id}/edit/", {"text": "sneaky"}),
            (f"/reading/articles/{bobs.id}/comments/{bobs_comment.id}/edit/", {"text": ""}),
            (f"/reading/articles/{mine.id}/comments/{bobs_comment.id}/edit/", {"text": ""}),
            (f"/reading/articles/{mine.id}/comments/{bobs_comment.id}/delete/", {}),
            (f"/reading/articles/{bobs.id}/comments/{bobs_comment.id}/delete/", {}),
        ):
            response = await client.post(path, form={"csrf_token": token, **form}, headers=headers)
            assert response.status_code == 404, (path, form, headers)
            assert "bob's secret note" not in await response.get_data(as_text=True)
        for path in (
            f"/reading/articles/{bobs.id}/comments/{bobs_comment.id}/",
            f"/reading/articles/{bobs.id}/comments/{bobs_comment.id}/edit/",
            f"/reading/articles/{mine.id}/comments/{bobs_comment.id}/edit/",
        ):
            assert (await client.get(path, headers=headers)).status_code == 404, path
    page = await (await client.get(f"/reading/articles/{mine.id}-mine/?edit_comment={bobs_comment.id}")).get_data(
        as_text=True
    )
    assert "bob's secret note" not in page
    assert await _texts(bobs.id) == ["bob's secret note"] and not await Article.filter(id=mine.id, user_id=bob.id)
