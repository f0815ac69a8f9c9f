"""Comments on the real database: add, list in order, edit, delete; Markdown rendered and sanitised (scripts,
event handlers, `javascript:` links); empty renderings and over-long texts refused; another user's article or
comment not found; the CSV export still writes the Markdown as typed."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest

from legadilo.accounts.models import User
from legadilo.core.errors import InvalidInput, NotFound
from legadilo.importexport.csv_export import export_csv
from legadilo.reading.comments import (
    MAX_COMMENT_LENGTH,
    MAX_COMMENTS_PER_ARTICLE,
    add_comment,
    delete_comment,
    edit_comment,
    get_comment,
    list_comments,
    render_comment,
    view_of,
)
from legadilo.reading.models import Article, Comment
from legadilo.runtime import Runtime

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


async def _article(user: User, name: str = "story") -> Article:
    return await Article.create(user_id=user.id, url=f"https://example.org/{name}", title=name, slug=name)


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("Some **bold** and ~~gone~~", "<p>Some <strong>bold</strong> and <s>gone</s></p>"),
        (
            "see www.example.org",
            '<p>see <a href="http://www.example.org" rel="noopener noreferrer">www.example.org</a></p>',
        ),
        (
            "| a |\n|---|\n| 1 |",
            "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n</tr>\n</tbody>\n</table>",
        ),
        ("x <script>alert(1)</script> y", "<p>x  y</p>"),
        ('<img src="x" onerror="alert(1)">', '<img src="x">'),
        ("[click](javascript:alert(1))", "<p>[click](javascript:alert(1))</p>"),
        ('<a href="javascript:alert(1)">click</a>', '<p><a rel="noopener noreferrer">click</a></p>'),
        ('<a href="data:text/html,<script>alert(1)</script>">x</a>', '<p><a rel="noopener noreferrer">x</a></p>'),
        ("<style>body{display:none}</style>text", "text"),
        ('<iframe src="https://evil.example"></iframe>', ""),
    ],
)
def test_markdown_is_rendered_then_sanitised(markdown: str, expected: str) -> None:
    assert render_comment(markdown) == expected


async def test_add_list_edit_delete(alice: User) -> None:
    article = await _article(alice)
    second = await add_comment(alice.id, article.id, "second", now=NOW + MINUTE)
    first = await add_comment(alice.id, article.id, "  *first*\r\n\r\nline  ", now=NOW)
    assert (first.text, first.html) == ("*first*\n\nline", "<p><em>first</em></p>\n<p>line</p>")
    assert [c.id for c in await list_comments(alice.id, article.id)] == [first.id, second.id]

    edited = await edit_comment(alice.id, article.id, second.id, "**second**", now=NOW + 5 * MINUTE)

    assert (edited.text, edited.html, edited.edited) == ("**second**", "<p><strong>second</strong></p>", True)
    assert not first.edited
    stored = await Comment.get(id=second.id)
    assert (stored.text, stored.created_at, stored.updated_at) == ("**second**", NOW + MINUTE, NOW + 5 * MINUTE)
    assert (await get_comment(alice.id, article.id, second.id)).text == "**second**"
    assert view_of(stored) == edited

    await delete_comment(alice.id, article.id, first.id)

    assert [c.id for c in await list_comments(alice.id, article.id)] == [second.id]
    assert await list_comments(alice.id, (await _article(alice, "empty")).id) == []


@pytest.mark.parametrize("text", ["", "   \n\t", "<script>alert(1)</script>", "<!-- hidden -->", "<p></p>", "---"])
async def test_an_empty_rendering_is_refused(alice: User, text: str) -> None:
    article = await _article(alice)
    kept = await add_comment(alice.id, article.id, "kept", now=NOW)
    with pytest.raises(InvalidInput, match="empty once rendered"):
        await add_comment(alice.id, article.id, text, now=NOW)
    with pytest.raises(InvalidInput, match="empty once rendered"):
        await edit_comment(alice.id, article.id, kept.id, text, now=NOW)
    assert [c.text for c in await list_comments(alice.id, article.id)] == ["kept"]


async def test_an_image_alone_is_a_comment(alice: User) -> None:
    article = await _article(alice)
    comment = await add_comment(alice.id, article.id, "![](https://example.org/a.png)", now=NOW)
    assert comment.html == '<p><img src="https://example.org/a.png" alt=""></p>'


async def test_the_length_is_capped(alice: User) -> None:
    article = await _article(alice)
    assert (await add_comment(alice.id, article.id, "a" * MAX_COMMENT_LENGTH, now=NOW)).text == "a" * MAX_COMMENT_LENGTH
    with pytest.raises(InvalidInput, match="at most 10,000 characters"):
        await add_comment(alice.id, article.id, "a" * (MAX_COMMENT_LENGTH + 1), now=NOW)
    assert await Comment.filter(article_id=article.id).count() == 1


async def test_the_comments_of_one_article_are_capped(alice: User) -> None:
    article, other = await _article(alice), await Article.create(user_id=alice.id, url="https://e.org/2", title="2")
    await Comment.bulk_create(
        [Comment(article_id=article.id, text=f"c{n}") for n in range(MAX_COMMENTS_PER_ARTICLE - 1)]
    )
    await add_comment(alice.id, article.id, "the last one", now=NOW)
    with pytest.raises(InvalidInput, match=f"at most {MAX_COMMENTS_PER_ARTICLE} comments"):
        await add_comment(alice.id, article.id, "one too many", now=NOW)
    assert await Comment.filter(article_id=article.id).count() == MAX_COMMENTS_PER_ARTICLE
    assert (await add_comment(alice.id, other.id, "elsewhere", now=NOW)).text == "elsewhere"


async def test_another_users_article_or_comment_is_not_found(alice: User, bob: User) -> None:
    mine, other_of_mine, bobs = await _article(alice), await _article(alice, "other"), await _article(bob, "bobs")
    my_comment = await add_comment(alice.id, mine.id, "mine", now=NOW)
    bobs_comment = await add_comment(bob.id, bobs.id, "bob's", now=NOW)
    attempts: list[Callable[[], Awaitable[object]]] = [
        lambda: add_comment(alice.id, bobs.id, "sneaky", now=NOW),
        lambda: list_comments(alice.id, bobs.id),
        lambda: get_comment(alice.id, bobs.id, bobs_comment.id),
        lambda: edit_comment(alice.id, bobs.id, bobs_comment.id, "sneaky", now=NOW),
        lambda: delete_comment(alice.id, bobs.id, bobs_comment.id),
        # a comment through another article than its own, even one of the same user
        lambda: edit_comment(alice.id, other_of_mine.id, my_comment.id, "moved", now=NOW),
        lambda: get_comment(alice.id, other_of_mine.id, my_comment.id),
        lambda: edit_comment(alice.id, mine.id, bobs_comment.id, "sneaky", now=NOW),
        lambda: delete_comment(bob.id, bobs.id, my_comment.id),
        lambda: get_comment(alice.id, 2**63, 1),
        lambda: list_comments(alice.id, 0),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            await attempt()
    assert [c.text for c in await Comment.all().order_by("id")] == ["mine", "bob's"]


async def test_the_csv_export_writes_the_markdown_as_typed(db: Runtime, alice: User) -> None:
    article = await _article(alice)
    await add_comment(alice.id, article.id, "**one**", now=NOW)
    await add_comment(alice.id, article.id, "two <b>", now=NOW + MINUTE)
    out = io.BytesIO()
    await export_csv(db, alice.id, out)
    assert '"[""**one**"", ""two <b>""]"' in out.getvalue().decode()
