"""The reading-list editor under /settings/lists/: the lists, create, edit every filter, reorder, make the
default, delete (endpoints `preferences.*`, attached by web/preferences.py). Plain form posts and redirects."""

from __future__ import annotations

from typing import Any

from quart import flash, redirect, render_template, request, url_for
from quart.typing import ResponseReturnValue

from legadilo.core.errors import InvalidInput, NotFound
from legadilo.reading import lists
from legadilo.reading.queries import list_reading_lists
from legadilo.web.auth import login_required
from legadilo.web.context import require_user
from legadilo.web.routes import RouteTable

routes = RouteTable()
NO_STORE = {"Cache-Control": "no-store"}

# The editor's select fields (their options and labels are in templates/preferences/list_form.html).
_CHOICES = (
    "read_status",
    "favorite_status",
    "for_later_status",
    "articles_max_age_unit",
    "articles_reading_time_operator",
    "include_tag_operator",
    "exclude_tag_operator",
    "order_direction",
)
_NUMBERS = {
    "articles_max_age_value": "maximum age",
    "articles_reading_time": "reading time",
    "auto_refresh_interval": "auto refresh",
}


def _number(raw: str, label: str) -> int:
    text = raw.strip() or "0"
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise InvalidInput(f"the {label} must be a whole number")
    return int(text)


def _tag_list(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _list_form(form: Any) -> lists.ReadingListSettings:
    """The editor's fields as settings; the service validates choices and bounds.

    Raises:
        InvalidInput: a number that is not a whole number.
    """
    return lists.ReadingListSettings(
        title=form.get("title", ""),
        include_tags=_tag_list(form.get("include_tags", "")),
        exclude_tags=_tag_list(form.get("exclude_tags", "")),
        enable_reading_on_scroll=form.get("enable_reading_on_scroll") == "on",
        **{name: form.get(name, "") for name in _CHOICES},
        **{name: _number(form.get(name, ""), label) for name, label in _NUMBERS.items()},  # type: ignore[arg-type]
    )


def _shown(settings: lists.ReadingListSettings) -> dict[str, str]:
    """A list's settings as the editor's fields show them."""
    values = {name: str(getattr(settings, name)) for name in (*_CHOICES, *_NUMBERS, "title")}
    values["include_tags"] = ", ".join(settings.include_tags)
    values["exclude_tags"] = ", ".join(settings.exclude_tags)
    values["enable_reading_on_scroll"] = "on" if settings.enable_reading_on_scroll else ""
    return values


async def _list_form_page(values: dict[str, str], list_id: int | None, error: str = "") -> str:
    return await render_template("preferences/list_form.html", values=values, list_id=list_id, error=error)


@routes.get("/lists/")
@login_required
async def list_lists() -> ResponseReturnValue:
    reading_lists = await list_reading_lists(require_user().id)
    return await render_template("preferences/lists.html", reading_lists=reading_lists), 200, NO_STORE


@routes.get("/lists/new")
@login_required
async def new_list() -> ResponseReturnValue:
    return await _list_form_page(_shown(lists.ReadingListSettings(title="")), None)


@routes.post("/lists/new")
@login_required
async def create_list() -> ResponseReturnValue:
    form = await request.form
    try:
        created = await lists.create_reading_list(require_user().id, _list_form(form))
    except InvalidInput as exc:
        return await _list_form_page(form.to_dict(), None, exc.message), 400
    await flash(f"The list “{created.title}” is created.")
    return redirect(url_for(".list_lists"), 303)


@routes.get("/lists/<int:list_id>/edit")
@login_required
async def edit_list(list_id: int) -> ResponseReturnValue:
    values = await lists.reading_list_settings(require_user().id, list_id)
    return await _list_form_page(_shown(values), list_id), 200, NO_STORE


@routes.post("/lists/<int:list_id>/edit")
@login_required
async def update_list(list_id: int) -> ResponseReturnValue:
    user_id, form = require_user().id, await request.form
    await lists.reading_list_settings(user_id, list_id)  # another user's list: 404 before any form error
    try:
        updated = await lists.update_reading_list(user_id, list_id, _list_form(form))
    except InvalidInput as exc:
        return await _list_form_page(form.to_dict(), list_id, exc.message), 400
    await flash(f"The list “{updated.title}” is saved.")
    return redirect(url_for(".list_lists"), 303)


@routes.post("/lists/<int:list_id>/move")
@login_required
async def move_list(list_id: int) -> ResponseReturnValue:
    user_id, form = require_user().id, await request.form
    ids = [reading_list.id for reading_list in await list_reading_lists(user_id)]
    if list_id not in ids:
        raise NotFound(f"no reading list {list_id} for this user")
    step = {"up": -1, "down": 1}.get(form.get("direction", ""))
    if step is None:
        raise InvalidInput("move a list up or down")
    position, target = ids.index(list_id), ids.index(list_id) + step
    if 0 <= target < len(ids):
        ids[position], ids[target] = ids[target], ids[position]
        await lists.reorder_reading_lists(user_id, ids)
    return redirect(url_for(".list_lists"), 303)


@routes.post("/lists/<int:list_id>/default")
@login_required
async def make_default_list(list_id: int) -> ResponseReturnValue:
    made = await lists.make_default_reading_list(require_user().id, list_id)
    await flash(f"“{made.title}” is now the default list.")
    return redirect(url_for(".list_lists"), 303)


@routes.get("/lists/<int:list_id>/delete")
@login_required
async def confirm_delete_list(list_id: int) -> ResponseReturnValue:
    values = await lists.reading_list_settings(require_user().id, list_id)
    return await render_template("preferences/list_delete.html", title=values.title, list_id=list_id)


@routes.post("/lists/<int:list_id>/delete")
@login_required
async def delete_list(list_id: int) -> ResponseReturnValue:
    user_id = require_user().id
    values = await lists.reading_list_settings(user_id, list_id)
    try:
        await lists.delete_reading_list(user_id, list_id)
    except InvalidInput as exc:
        page = await render_template(
            "preferences/list_delete.html", title=values.title, list_id=list_id, error=exc.message
        )
        return page, 400
    await flash(f"The list “{values.title}” is deleted.")
    return redirect(url_for(".list_lists"), 303)
