"""Article pages and article actions (reference §3 re-fetch, §4.4, §4.6).

Every action is a plain form post answered with a redirect back to the page it came from (`next`, a path of
this site); sent by htmx (the `HX-Request` header) it answers the card as it now is, or nothing when the card
left the displayed list, with the unread counters swapped out of band. From the article page (`view=article`)
it answers the page's action buttons and state instead, and deleting there sends the browser back to its list
(`HX-Redirect`). Comments live in `article_comments`; they render into this page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from quart import Blueprint, flash, redirect, render_template, request, url_for
from quart.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from legadilo.core.errors import InvalidInput
from legadilo.reading import actions, comments, refetch
from legadilo.reading import services as reading
from legadilo.reading.actions import ArticleAction, ArticleChanges
from legadilo.reading.list_queries import ListCounters
from legadilo.reading.models import ContentType
from legadilo.web.auth import login_required
from legadilo.web.context import page_layout, require_user, runtime
from legadilo.web.reading import NO_STORE, is_htmx

blueprint = Blueprint("articles", __name__, url_prefix="/reading/articles")

MAX_TAGS_FIELD = 5000  # characters of the comma-separated tags field


def safe_next(value: str | None, fallback: str) -> str:
    """A path of this site to go back to (never another host, whatever the form says)."""
    if not value or len(value) > 2000 or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return fallback
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else fallback


def _list_id(form: MultiDict[str, str]) -> int | None:
    raw = form.get("list_id", "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def article_path(article_id: int, slug: str, list_slug: str | None = None, **query: Any) -> str:
    if slug:
        return url_for("articles.show_article", article_id=article_id, slug=slug, list=list_slug, **query)
    return url_for("articles.show_article_by_id", article_id=article_id, list=list_slug, **query)


@dataclass(frozen=True)
class CommentDraft:
    """A comment form shown filled in: a new comment (`comment_id` None) or one being edited, with what was
    typed and why it was refused."""

    comment_id: int | None = None
    text: str = ""
    error: str | None = None


def wants_json() -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _counters_json(counters: ListCounters) -> ResponseReturnValue:
    return {"unread": {str(key): value for key, value in counters.unread.items()}}, 200, NO_STORE


async def user_timezone() -> str:
    """The logged-in reader's timezone (loaded with the user: no query)."""
    return (await page_layout()).timezone


@blueprint.get("/<int:article_id>/")
@login_required
async def show_article_by_id(article_id: int) -> ResponseReturnValue:
    return await show_article(article_id, "")


@blueprint.get("/<int:article_id>-<slug>/")
@login_required
async def show_article(article_id: int, slug: str) -> ResponseReturnValue:
    """`?edit_comment=<id>` shows that comment as a form (editing a comment without JavaScript)."""
    raw = request.args.get("edit_comment", "")
    return await render_article_page(article_id, slug, draft=CommentDraft(comment_id=int(raw)) if _id(raw) else None)


def _id(raw: str) -> bool:
    return raw.isdigit() and len(raw) < 19


async def render_article_page(
    article_id: int,
    slug: str | None,
    *,
    error: str | None = None,
    edit: dict[str, str] | None = None,
    draft: CommentDraft | None = None,
) -> ResponseReturnValue:
    """The article page; with an `error` of the edit form or of a comment `draft`, answered with 400.

    Opened from a reading list (`?list=`), an article never opened before is marked opened and read, as
    readers expect when they go through a list; from elsewhere (search, a saved page, a bookmark) nothing
    changes. The unread count of the list in the back link is left empty: counting costs more than the rest
    of the page (README, web figures), so it appears with the first action's answer, which has it anyway."""
    user = require_user()
    list_slug = request.args.get("list") or None
    page = await reading.show_article(
        user.id,
        article_id,
        now=runtime().clock.now(),
        list_slug=list_slug,
        timezone=(await page_layout()).timezone,
        mark_opened=list_slug is not None,  # opened from a list: the reading flow marks it read
    )
    if slug is not None and slug != page.article.slug:
        query = {"edit_comment": draft.comment_id} if draft and draft.comment_id else {}
        return redirect(article_path(article_id, page.article.slug, list_slug, **query))
    views = [comments.view_of(comment) for comment in page.comments]
    if draft and draft.comment_id is not None and draft.error is None:  # ?edit_comment: the comment as it is
        draft = next((CommentDraft(view.id, view.text) for view in views if view.id == draft.comment_id), None)
    html = await render_template(
        "reading/show_article.html",
        page=page,
        article=page.article,
        is_text=page.article.content_type == ContentType.PLAIN,
        list_slug=list_slug,
        here=article_path(article_id, page.article.slug, list_slug),
        error=error,
        edit=edit,
        comments=views,
        draft=draft,
        tz=page.timezone,
        article_id=article_id,
        max_comment_length=comments.MAX_COMMENT_LENGTH,
    )
    return html, 400 if error or (draft and draft.error) else 200, NO_STORE


async def _answer(user_id: int, result: actions.ActionResult | None, counters: ListCounters) -> ResponseReturnValue:
    form = await request.form
    list_id = _list_id(form)
    if form.get("view") == "article" and result is not None and result.article is not None:
        html = await render_template(
            "reading/_article_action_result.html",
            a=result.article,
            counters=counters,
            list_id=list_id,
            here=safe_next(form.get("next"), article_path(result.article.id, result.article.slug)),
        )
        return html, 200, NO_STORE
    card = result.article if result is not None else None
    if card is not None and list_id is not None and list_id not in counters.containing:
        card = None  # it left the displayed list
    html = await render_template(
        "reading/_action_result.html",
        card=card,
        counters=counters,
        tz=await user_timezone(),
        list_id=list_id,
        list_slug=form.get("list") or None,
        next_url=safe_next(form.get("next"), url_for("reading.show_reading_list")),
        header_list_id=list_id if form.get("header_count") == "1" else None,
    )
    return html, 200, NO_STORE


@blueprint.post("/<int:article_id>/action/")
@login_required
async def article_action(article_id: int) -> ResponseReturnValue:
    user = require_user()
    form = await request.form
    try:
        action = ArticleAction(form.get("action", ""))
    except ValueError:
        raise InvalidInput(f"unknown article action: {form.get('action', '')[:40]!r}") from None
    result = await actions.apply_article_action(user.id, article_id, action, now=runtime().clock.now())
    if is_htmx():
        return await _answer(user.id, result, result.counters)
    return redirect(safe_next(form.get("next"), url_for("reading.show_reading_list")))


@blueprint.post("/<int:article_id>/open/")
@login_required
async def open_original(article_id: int) -> ResponseReturnValue:
    """Mark the article opened (and read), then go to its original page."""
    user = require_user()
    result = await actions.apply_article_action(
        user.id, article_id, ArticleAction.MARK_AS_OPENED, now=runtime().clock.now()
    )
    assert result.article is not None
    if is_htmx():
        return await _answer(user.id, result, result.counters)
    if wants_json():  # reading.js, while the browser follows the link itself
        return _counters_json(result.counters)
    if urlsplit(result.article.url).scheme not in {"http", "https"}:
        raise InvalidInput("the original address of this article is not a web address")
    return redirect(result.article.url)


@blueprint.post("/<int:article_id>/delete/")
@login_required
async def delete_article(article_id: int) -> ResponseReturnValue:
    """Without JavaScript the first post shows a confirmation page; htmx asks first (hx-confirm)."""
    user = require_user()
    form = await request.form
    fallback = url_for("reading.show_reading_list")
    if form.get("confirm") != "yes" and not is_htmx():
        page = await reading.show_article(user.id, article_id, now=runtime().clock.now())
        html = await render_template(
            "reading/confirm_delete.html",
            article=page.article,
            next_url=safe_next(form.get("next"), fallback),
            back_url=safe_next(form.get("back"), safe_next(form.get("next"), fallback)),
        )
        return html, 200, NO_STORE
    counters = await actions.delete_article(user.id, article_id, now=runtime().clock.now())
    if is_htmx() and form.get("view") == "article":  # the page is gone: back to the list
        return "", 200, {**NO_STORE, "HX-Redirect": safe_next(form.get("next"), fallback)}
    if is_htmx():
        return await _answer(user.id, None, counters)
    return redirect(safe_next(form.get("next"), fallback))


def _changes(form: MultiDict[str, str]) -> ArticleChanges:
    raw_time = form.get("reading_time", "").strip()
    if raw_time and (not raw_time.isdigit() or len(raw_time) > 9):
        raise InvalidInput("the reading time is a whole number of minutes")
    raw_tags = form.get("tags", "")
    if len(raw_tags) > MAX_TAGS_FIELD:
        raise InvalidInput(f"the tags field is longer than {MAX_TAGS_FIELD} characters")
    tags = list(dict.fromkeys(tag.strip() for tag in raw_tags.split(",") if tag.strip()))
    return ArticleChanges(title=form.get("title", ""), tags=tags, reading_time=int(raw_time) if raw_time else None)


@blueprint.post("/<int:article_id>/edit/")
@login_required
async def edit_article(article_id: int) -> ResponseReturnValue:
    user = require_user()
    form = await request.form
    try:
        result = await actions.update_article(user.id, article_id, _changes(form), now=runtime().clock.now())
    except InvalidInput as error:
        edit: dict[str, Any] = {key: form.get(key, "") for key in ("title", "tags", "reading_time")}
        return await render_article_page(article_id, None, error=error.message, edit=edit)
    assert result.article is not None
    return redirect(article_path(article_id, result.article.slug, request.args.get("list") or None))


@blueprint.post("/<int:article_id>/refetch/")
@login_required
async def refetch_article(article_id: int) -> ResponseReturnValue:
    """Fetch the article's page again (plain post; the whole page changes, so no htmx)."""
    user = require_user()
    done = await refetch.refetch_article(runtime(), user.id, article_id, own_origins=[request.host_url])
    if done.fetch_error:
        await flash(f"The content could not be fetched again ({done.fetch_error}); the article keeps its content.")
    else:
        await flash("The content was fetched again.")
    return redirect(article_path(article_id, done.slug, request.args.get("list") or None))


@blueprint.post("/mark-as-read-in-bulk/")
@login_required
async def mark_as_read_in_bulk() -> ResponseReturnValue:
    """Read on scroll: `article_ids` is a comma list. Answers the unread counters as JSON (a redirect without
    JavaScript)."""
    user = require_user()
    form = await request.form
    raw = form.get("article_ids", "")
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if not parts or len(raw) > 30_000 or not all(part.isdigit() and len(part) < 19 for part in parts):
        raise InvalidInput("article_ids is a comma-separated list of article ids")
    counters = await actions.mark_articles_as_read(user.id, [int(part) for part in parts], now=runtime().clock.now())
    if wants_json() or is_htmx():
        return _counters_json(counters)
    return redirect(safe_next(form.get("next"), url_for("reading.show_reading_list")))
