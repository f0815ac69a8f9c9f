"""Comments on an article (reference §1 Comment, §4.6): list, add, edit, delete. A comment is Markdown.

The Markdown is stored as typed and rendered when shown (markdown-it "gfm-like" + linkify, then the nh3
sanitiser of article content), rather than stored rendered, because:
- the typed text is what the user edits again, and what the CSV export writes and the import reads back
  (`comment.text` is the one column; a rendered copy would be a second truth to keep in step);
- a stricter sanitiser, or a fix of the renderer, then applies to every old comment at once;
- rendering when shown stays affordable, though markdown-it-py is slow (on the 2-core test machine, under
  load: about 1 ms for a one-line comment, 100 ms for one at the 10,000-character cap, most of it in
  linkify): renderings are kept in a per-process LRU cache keyed by the text (512 entries, a few MB at most),
  so a page shown again, or a comment just saved, renders from the cache.
A comment whose rendering shows nothing (blank, or only markup the sanitiser removes) is refused.

Comments belong to their article's user: every statement joins the article on `user_id`, so another user's
article or comment is "not found", never reachable.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise import Tortoise

from legadilo.core.errors import InvalidInput, NotFound
from legadilo.core.markdown import unsafe_markdown_to_html
from legadilo.parsing.html import plain_text, sanitize_html
from legadilo.reading.list_queries import is_id
from legadilo.reading.models import Comment

MAX_COMMENT_LENGTH = 10_000  # characters of Markdown
# Rendering is slow (see above) and happens when an article is shown: the comments of one article are capped
# so that one page can never cost more than about 100 renderings.
MAX_COMMENTS_PER_ARTICLE = 100


@dataclass(frozen=True)
class CommentView:
    id: int
    article_id: int
    text: str  # the Markdown as typed
    html: str  # rendered and sanitised: safe to show as is
    created_at: datetime
    updated_at: datetime

    @property
    def edited(self) -> bool:
        return (self.updated_at - self.created_at).total_seconds() >= 1


@functools.lru_cache(maxsize=512)
def render_comment(text: str) -> str:
    """Safe HTML of a comment's Markdown: links get `rel="noopener noreferrer"`, scripts, event handlers and
    `javascript:` URLs are gone."""
    return sanitize_html(unsafe_markdown_to_html(text), base_url="")


def view_of(comment: Comment) -> CommentView:
    """A stored comment, rendered."""
    article_id: int = comment.article_id  # type: ignore[attr-defined]
    return CommentView(
        comment.id, article_id, comment.text, render_comment(comment.text), comment.created_at, comment.updated_at
    )


def _view_of_row(row: dict[str, Any]) -> CommentView:
    text = row["text"]
    return CommentView(row["id"], row["article_id"], text, render_comment(text), row["created_at"], row["updated_at"])


def checked_text(text: str) -> str:
    """The Markdown to store: line ends normalised, surrounding blank space trimmed.

    Raises:
        InvalidInput: longer than MAX_COMMENT_LENGTH, or nothing to show once rendered.
    """
    cleaned = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(cleaned) > MAX_COMMENT_LENGTH:
        raise InvalidInput(f"a comment is at most {MAX_COMMENT_LENGTH:,} characters long")
    html = render_comment(cleaned)
    if not plain_text(html) and "<img" not in html:
        raise InvalidInput("the comment is empty once rendered: write some text")
    return cleaned


def _db() -> Any:
    return Tortoise.get_connection("default")


def _not_found(article_id: int, comment_id: int | None = None) -> NotFound:
    what = f"no comment {comment_id} on article {article_id}" if comment_id is not None else f"no article {article_id}"
    return NotFound(f"{what} for this user")


def _check_ids(article_id: int, comment_id: int | None = None) -> None:
    if not is_id(article_id) or (comment_id is not None and not is_id(comment_id)):
        raise _not_found(article_id, comment_id)


async def list_comments(user_id: int, article_id: int) -> list[CommentView]:
    """The article's comments, oldest first.

    Raises:
        NotFound: no such article for this user.
    """
    _check_ids(article_id)
    rows = await _db().execute_query_dict(
        """SELECT a.id AS owner, c.id, c.article_id, c.text, c.created_at, c.updated_at
           FROM article a LEFT JOIN comment c ON c.article_id = a.id
           WHERE a.id = $1 AND a.user_id = $2 ORDER BY c.created_at, c.id""",
        [article_id, user_id],
    )
    if not rows:
        raise _not_found(article_id)
    return [_view_of_row(row) for row in rows if row["id"] is not None]


async def get_comment(user_id: int, article_id: int, comment_id: int) -> CommentView:
    """Raises:
    NotFound: no such comment on this article of this user."""
    _check_ids(article_id, comment_id)
    rows = await _db().execute_query_dict(
        """SELECT c.* FROM comment c JOIN article a ON a.id = c.article_id
           WHERE c.id = $1 AND c.article_id = $2 AND a.user_id = $3""",
        [comment_id, article_id, user_id],
    )
    if not rows:
        raise _not_found(article_id, comment_id)
    return _view_of_row(rows[0])


async def add_comment(user_id: int, article_id: int, text: str, *, now: datetime) -> CommentView:
    """Raises:
    NotFound: no such article for this user.
    InvalidInput: too long, empty once rendered, or the article has MAX_COMMENTS_PER_ARTICLE comments already."""
    cleaned = checked_text(text)
    _check_ids(article_id)
    # (Two additions at the very same moment may both pass the cap: it bounds the work of a page, not a quota.)
    rows = await _db().execute_query_dict(
        """WITH owned AS (SELECT id FROM article WHERE id = $1 AND user_id = $2),
           inserted AS (
               INSERT INTO comment (article_id, text, created_at, updated_at)
               SELECT id, $3, $4, $4 FROM owned WHERE (SELECT count(*) FROM comment WHERE article_id = $1) < $5
               RETURNING *)
           SELECT i.* FROM owned LEFT JOIN inserted i ON TRUE""",
        [article_id, user_id, cleaned, now, MAX_COMMENTS_PER_ARTICLE],
    )
    if not rows:
        raise _not_found(article_id)
    if rows[0]["id"] is None:
        raise InvalidInput(f"an article holds at most {MAX_COMMENTS_PER_ARTICLE} comments")
    return _view_of_row(rows[0])


async def edit_comment(user_id: int, article_id: int, comment_id: int, text: str, *, now: datetime) -> CommentView:
    """Replace a comment's text.

    Raises:
        NotFound: no such comment on this article of this user.
        InvalidInput: too long, or empty once rendered.
    """
    cleaned = checked_text(text)
    _check_ids(article_id, comment_id)
    rows = await _db().execute_query_dict(
        """UPDATE comment c SET text = $4, updated_at = $5 FROM article a
           WHERE c.id = $1 AND c.article_id = $2 AND a.id = c.article_id AND a.user_id = $3 RETURNING c.*""",
        [comment_id, article_id, user_id, cleaned, now],
    )
    if not rows:
        raise _not_found(article_id, comment_id)
    return _view_of_row(rows[0])


async def delete_comment(user_id: int, article_id: int, comment_id: int) -> None:
    """Raises:
    NotFound: no such comment on this article of this user."""
    _check_ids(article_id, comment_id)
    rows = await _db().execute_query_dict(
        """DELETE FROM comment c USING article a
           WHERE c.id = $1 AND c.article_id = $2 AND a.id = c.article_id AND a.user_id = $3 RETURNING c.id""",
        [comment_id, article_id, user_id],
    )
    if not rows:
        raise _not_found(article_id, comment_id)
