"""The tags admin under /settings/tags/: the tags with their article counts, create, rename, sub-tags,
delete (endpoints `preferences.*`, attached by web/preferences.py)."""

from __future__ import annotations

from quart import flash, redirect, render_template, request, url_for
from quart.typing import ResponseReturnValue

from legadilo.core.errors import InvalidInput
from legadilo.reading import tags
from legadilo.web.auth import login_required
from legadilo.web.context import require_user
from legadilo.web.routes import RouteTable

routes = RouteTable()
NO_STORE = {"Cache-Control": "no-store"}


def _sub_tag_id(raw: str) -> int:
    """Raises:
    InvalidInput: no tag chosen, or not an id."""
    text = raw.strip()
    if not text:
        raise InvalidInput("choose the tag to put under this one")
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise InvalidInput("the sub-tag must be a whole number")
    return int(text)


async def _tags_page(error: str = "", title: str = "") -> str:
    return await render_template(
        "preferences/tags.html", tags=await tags.list_tags(require_user().id), error=error, title=title
    )


async def _tag_page(tag_id: int, error: str = "", status: int = 200, typed: str | None = None) -> ResponseReturnValue:
    user_id = require_user().id
    tag = await tags.get_tag(user_id, tag_id)
    summaries = await tags.list_tags(user_id)
    current = next(summary for summary in summaries if summary.id == tag.id)
    title = current.title if typed is None else typed
    page = await render_template("preferences/tag.html", tag=current, all_tags=summaries, error=error, title=title)
    return page, status, NO_STORE


@routes.get("/tags/")
@login_required
async def list_tags() -> ResponseReturnValue:
    return await _tags_page(), 200, NO_STORE


@routes.post("/tags/new")
@login_required
async def create_tag() -> ResponseReturnValue:
    title = (await request.form).get("title", "")
    try:
        tag = await tags.create_tag(require_user().id, title)
    except InvalidInput as exc:
        return await _tags_page(exc.message, title), 400
    await flash(f"The tag “{tag.title}” is created.")
    return redirect(url_for(".list_tags"), 303)


@routes.get("/tags/<int:tag_id>/")
@login_required
async def show_tag(tag_id: int) -> ResponseReturnValue:
    return await _tag_page(tag_id)


@routes.post("/tags/<int:tag_id>/rename")
@login_required
async def rename_tag(tag_id: int) -> ResponseReturnValue:
    title = (await request.form).get("title", "")
    try:
        await tags.rename_tag(require_user().id, tag_id, title)
    except InvalidInput as exc:
        return await _tag_page(tag_id, exc.message, 400, title)
    await flash("The tag is renamed.")
    return redirect(url_for(".show_tag", tag_id=tag_id), 303)


@routes.post("/tags/<int:tag_id>/sub-tags")
@login_required
async def add_sub_tag(tag_id: int) -> ResponseReturnValue:
    user_id, raw = require_user().id, (await request.form).get("sub_tag_id", "")
    await tags.get_tag(user_id, tag_id)
    try:
        await tags.add_sub_tag(user_id, tag_id, _sub_tag_id(raw))
    except InvalidInput as exc:  # another user's tag id stays a 404 (NotFound)
        return await _tag_page(tag_id, exc.message, 400)
    return redirect(url_for(".show_tag", tag_id=tag_id), 303)


@routes.post("/tags/<int:tag_id>/sub-tags/<int:sub_id>/remove")
@login_required
async def remove_sub_tag(tag_id: int, sub_id: int) -> ResponseReturnValue:
    await tags.remove_sub_tag(require_user().id, tag_id, sub_id)
    return redirect(url_for(".show_tag", tag_id=tag_id), 303)


@routes.get("/tags/<int:tag_id>/delete")
@login_required
async def confirm_delete_tag(tag_id: int) -> ResponseReturnValue:
    tag = await tags.get_tag(require_user().id, tag_id)
    return await render_template("preferences/tag_delete.html", tag=tag)


@routes.post("/tags/<int:tag_id>/delete")
@login_required
async def delete_tag(tag_id: int) -> ResponseReturnValue:
    user_id = require_user().id
    tag = await tags.get_tag(user_id, tag_id)
    await tags.delete_tag(user_id, tag_id)
    await flash(f"The tag “{tag.title}” is deleted.")
    return redirect(url_for(".list_tags"), 303)
