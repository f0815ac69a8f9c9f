"""Comments on the article page (reference §4.6): add, edit, delete.

Every route works as a plain form post (answered with a redirect to the comment on the article page, or the
page again with the form's error and a 400) and with htmx (answered with the fragment to swap: the whole
comments section after an addition, the comment after an edit, nothing after a deletion; a refused text
answers its form with the error and a 400, which reading.js lets htmx swap). Editing without JavaScript goes
through the article page: `?edit_comment=<id>` shows that comment as a form.
"""

from __future__ import annotations

from quart import Blueprint, redirect, render_template, request
from quart.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from legadilo.core.errors import InvalidInput
from legadilo.reading import comments
from legadilo.reading.comments import CommentView
from legadilo.web.articles import CommentDraft, article_path, render_article_page, safe_next, user_timezone
from legadilo.web.auth import login_required
from legadilo.web.context import require_user, runtime
from legadilo.web.reading import NO_STORE, is_htmx

blueprint = Blueprint("article_comments", __name__, url_prefix="/reading/articles/<int:article_id>/comments")


def _here(article_id: int, form: MultiDict[str, str] | None = None) -> str:
    """The article page to come back to: the form's `next` when it is a path of this site."""
    fallback = article_path(article_id, "")
    return safe_next(form.get("next"), fallback) if form is not None else fallback


async def _context(article_id: int, draft: CommentDraft | None, here: str) -> dict[str, object]:
    return {
        "article_id": article_id,
        "draft": draft,
        "here": here,
        "tz": await user_timezone(),
        "max_comment_length": comments.MAX_COMMENT_LENGTH,
    }


# Marks the answers that are a comment form with its error, the only 400 answers reading.js lets htmx swap in.
FORM_ERROR_HEADER = "X-Legadilo-Form-Error"


def _headers(status: int) -> dict[str, str]:
    return NO_STORE | {FORM_ERROR_HEADER: "1"} if status == 400 and is_htmx() else NO_STORE


async def _section(article_id: int, draft: CommentDraft | None, here: str, status: int = 200) -> ResponseReturnValue:
    views = await comments.list_comments(require_user().id, article_id)
    html = await render_template("reading/_comments.html", comments=views, **await _context(article_id, draft, here))
    return html, status, _headers(status)


async def _one(view: CommentView, draft: CommentDraft | None, here: str, status: int = 200) -> ResponseReturnValue:
    html = await render_template("reading/_comment.html", comment=view, **await _context(view.article_id, draft, here))
    return html, status, _headers(status)


@blueprint.post("/")
@login_required
async def add_comment(article_id: int) -> ResponseReturnValue:
    user = require_user()
    form = await request.form
    text, here = form.get("text", ""), _here(article_id, form)
    try:
        view = await comments.add_comment(user.id, article_id, text, now=runtime().clock.now())
    except InvalidInput as error:
        draft = CommentDraft(None, text, error.message)
        if is_htmx():
            return await _section(article_id, draft, here, 400)
        return await render_article_page(article_id, None, draft=draft)
    if is_htmx():
        return await _section(article_id, None, here)
    return redirect(f"{here}#comment-{view.id}")


@blueprint.get("/<int:comment_id>/")
@login_required
async def show_comment(article_id: int, comment_id: int) -> ResponseReturnValue:
    """The comment as shown (htmx: cancelling an edit)."""
    view = await comments.get_comment(require_user().id, article_id, comment_id)
    if not is_htmx():
        return redirect(f"{_here(article_id)}#comment-{view.id}")
    return await _one(view, None, _here(article_id))


@blueprint.get("/<int:comment_id>/edit/")
@login_required
async def edit_comment_form(article_id: int, comment_id: int) -> ResponseReturnValue:
    """The comment as its edit form (htmx); without htmx, the article page showing that form."""
    view = await comments.get_comment(require_user().id, article_id, comment_id)
    if not is_htmx():
        return redirect(f"{article_path(article_id, '', edit_comment=view.id)}#comment-{view.id}")
    return await _one(view, CommentDraft(view.id, view.text), _here(article_id))


@blueprint.post("/<int:comment_id>/edit/")
@login_required
async def edit_comment(article_id: int, comment_id: int) -> ResponseReturnValue:
    user = require_user()
    form = await request.form
    text, here = form.get("text", ""), _here(article_id, form)
    try:
        view = await comments.edit_comment(user.id, article_id, comment_id, text, now=runtime().clock.now())
    except InvalidInput as error:
        view = await comments.get_comment(user.id, article_id, comment_id)  # another user's: 404, not a form
        draft = CommentDraft(view.id, text, error.message)
        if is_htmx():
            return await _one(view, draft, here, 400)
        return await render_article_page(article_id, None, draft=draft)
    if is_htmx():
        return await _one(view, None, here)
    return redirect(f"{here}#comment-{view.id}")


@blueprint.post("/<int:comment_id>/delete/")
@login_required
async def delete_comment(article_id: int, comment_id: int) -> ResponseReturnValue:
    form = await request.form
    await comments.delete_comment(require_user().id, article_id, comment_id)
    if is_htmx():
        return "", 200, NO_STORE  # swapped for the comment: it disappears
    return redirect(f"{_here(article_id, form)}#comments")
