"""User settings (reading speed, timezone, language, theme, password), the reading-list editor and the tags
admin, all under /settings. Every page works with plain form posts and redirects; no script is needed.

`user_theme()` is offered to every template (an app-wide context processor): base.html renders it as
`<html data-theme="{{ user_theme() }}">` so the chosen theme applies before the first paint (no flash).
"""

from __future__ import annotations

from typing import Any

from quart import Blueprint, flash, redirect, render_template, request, url_for
from quart.typing import ResponseReturnValue

from legadilo.accounts import preferences
from legadilo.accounts.models import Language, Theme
from legadilo.core.errors import AuthenticationFailed, InvalidInput, NotFound
from legadilo.reading import lists, tags
from legadilo.reading.queries import list_reading_lists
from legadilo.web.auth import login_required, login_user
from legadilo.web.context import (
    app_settings,
    forget_layout,
    require_user,
    runtime,
    unread_notifications,
    user_theme,
)
from legadilo.web.ratelimit import rate_limit

blueprint = Blueprint("preferences", __name__, url_prefix="/settings")
NO_STORE = {"Cache-Control": "no-store"}


@blueprint.app_context_processor
def _layout_context() -> dict[str, Any]:
    """`user_theme()` and `unread_notifications()` in every template, from the layout loaded with the user."""
    return {"user_theme": user_theme, "unread_notifications": unread_notifications}


# --- settings and password -------------------------------------------------------------------------------


async def _settings_page(values: Any = None, error: str = "", password_error: str = "") -> str:
    """The settings forms; `values` are the stored settings, or the fields as typed when they were refused."""
    user = require_user()
    return await render_template(
        "preferences/settings.html",
        values=values or await preferences.get_preferences(user.id),
        error=error,
        password_error=password_error,
        timezones=preferences.available_timezones(),
        languages=[(Language.ENGLISH, "English")],
        themes=[(Theme.AUTO, "Like the system"), (Theme.LIGHT, "Light"), (Theme.DARK, "Dark")],
        min_wpm=preferences.MIN_WORDS_PER_MINUTE,
        max_wpm=preferences.MAX_WORDS_PER_MINUTE,
    )


@blueprint.get("/")
@login_required
async def show_settings() -> ResponseReturnValue:
    return await _settings_page(), 200, NO_STORE


@blueprint.post("/")
@login_required
async def update_settings() -> ResponseReturnValue:
    form = await request.form
    try:
        values = preferences.parse_preferences(
            form.get("words_per_minute", ""), form.get("timezone", ""), form.get("language", ""), form.get("theme", "")
        )
    except InvalidInput as exc:
        return await _settings_page(form.to_dict(), error=exc.message), 400
    await preferences.update_preferences(require_user().id, values)
    forget_layout()
    await flash("Your settings are saved.")
    return redirect(url_for(".show_settings"), 303)


@blueprint.post("/password")
@login_required
@rate_limit(limit=10, period=60)  # besides the lockout, which wrong current passwords share with the login
async def change_password() -> ResponseReturnValue:
    form = await request.form
    settings = app_settings()
    try:
        user = await preferences.change_password(
            require_user(),
            form.get("current_password", ""),
            form.get("new_password", ""),
            form.get("new_password_confirmation", ""),
            now=runtime().clock.now(),
            max_failures=settings.login_max_failures,
            lockout_seconds=settings.login_lockout_seconds,
        )
    except (InvalidInput, AuthenticationFailed) as exc:
        return await _settings_page(password_error=exc.message), 400
    login_user(user)  # every other session ended with the old epoch; this one carries the new one
    await flash("Your password is changed; your other sessions are logged out.")
    return redirect(url_for(".show_settings"), 303)


# --- reading lists ---------------------------------------------------------------------------------------

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


@blueprint.get("/lists/")
@login_required
async def list_lists() -> ResponseReturnValue:
    reading_lists = await list_reading_lists(require_user().id)
    return await render_template("preferences/lists.html", reading_lists=reading_lists), 200, NO_STORE


@blueprint.get("/lists/new")
@login_required
async def new_list() -> ResponseReturnValue:
    return await _list_form_page(_shown(lists.ReadingListSettings(title="")), None)


@blueprint.post("/lists/new")
@login_required
async def create_list() -> ResponseReturnValue:
    form = await request.form
    try:
        created = await lists.create_reading_list(require_user().id, _list_form(form))
    except InvalidInput as exc:
        return await _list_form_page(form.to_dict(), None, exc.message), 400
    await flash(f"The list {created.title!r} is created.")
    return redirect(url_for(".list_lists"), 303)


@blueprint.get("/lists/<int:list_id>/edit")
@login_required
async def edit_list(list_id: int) -> ResponseReturnValue:
    values = await lists.reading_list_settings(require_user().id, list_id)
    return await _list_form_page(_shown(values), list_id), 200, NO_STORE


@blueprint.post("/lists/<int:list_id>/edit")
@login_required
async def update_list(list_id: int) -> ResponseReturnValue:
    user_id, form = require_user().id, await request.form
    await lists.reading_list_settings(user_id, list_id)  # another user's list: 404 before any form error
    try:
        updated = await lists.update_reading_list(user_id, list_id, _list_form(form))
    except InvalidInput as exc:
        return await _list_form_page(form.to_dict(), list_id, exc.message), 400
    await flash(f"The list {updated.title!r} is saved.")
    return redirect(url_for(".list_lists"), 303)


@blueprint.post("/lists/<int:list_id>/move")
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


@blueprint.post("/lists/<int:list_id>/default")
@login_required
async def make_default_list(list_id: int) -> ResponseReturnValue:
    made = await lists.make_default_reading_list(require_user().id, list_id)
    await flash(f"{made.title!r} is now the default list.")
    return redirect(url_for(".list_lists"), 303)


@blueprint.get("/lists/<int:list_id>/delete")
@login_required
async def confirm_delete_list(list_id: int) -> ResponseReturnValue:
    values = await lists.reading_list_settings(require_user().id, list_id)
    return await render_template("preferences/list_delete.html", title=values.title, list_id=list_id)


@blueprint.post("/lists/<int:list_id>/delete")
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
    await flash(f"The list {values.title!r} is deleted.")
    return redirect(url_for(".list_lists"), 303)


# --- tags ------------------------------------------------------------------------------------------------


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


@blueprint.get("/tags/")
@login_required
async def list_tags() -> ResponseReturnValue:
    return await _tags_page(), 200, NO_STORE


@blueprint.post("/tags/new")
@login_required
async def create_tag() -> ResponseReturnValue:
    title = (await request.form).get("title", "")
    try:
        tag = await tags.create_tag(require_user().id, title)
    except InvalidInput as exc:
        return await _tags_page(exc.message, title), 400
    await flash(f"The tag {tag.title!r} is created.")
    return redirect(url_for(".list_tags"), 303)


@blueprint.get("/tags/<int:tag_id>/")
@login_required
async def show_tag(tag_id: int) -> ResponseReturnValue:
    return await _tag_page(tag_id)


@blueprint.post("/tags/<int:tag_id>/rename")
@login_required
async def rename_tag(tag_id: int) -> ResponseReturnValue:
    title = (await request.form).get("title", "")
    try:
        await tags.rename_tag(require_user().id, tag_id, title)
    except InvalidInput as exc:
        return await _tag_page(tag_id, exc.message, 400, title)
    await flash("The tag is renamed.")
    return redirect(url_for(".show_tag", tag_id=tag_id), 303)


@blueprint.post("/tags/<int:tag_id>/sub-tags")
@login_required
async def add_sub_tag(tag_id: int) -> ResponseReturnValue:
    user_id, raw = require_user().id, (await request.form).get("sub_tag_id", "")
    await tags.get_tag(user_id, tag_id)
    try:
        if not raw.strip():
            raise InvalidInput("choose the tag to put under this one")
        await tags.add_sub_tag(user_id, tag_id, _number(raw, "sub-tag"))
    except InvalidInput as exc:  # another user's tag id stays a 404 (NotFound)
        return await _tag_page(tag_id, exc.message, 400)
    return redirect(url_for(".show_tag", tag_id=tag_id), 303)


@blueprint.post("/tags/<int:tag_id>/sub-tags/<int:sub_id>/remove")
@login_required
async def remove_sub_tag(tag_id: int, sub_id: int) -> ResponseReturnValue:
    await tags.remove_sub_tag(require_user().id, tag_id, sub_id)
    return redirect(url_for(".show_tag", tag_id=tag_id), 303)


@blueprint.get("/tags/<int:tag_id>/delete")
@login_required
async def confirm_delete_tag(tag_id: int) -> ResponseReturnValue:
    tag = await tags.get_tag(require_user().id, tag_id)
    return await render_template("preferences/tag_delete.html", tag=tag)


@blueprint.post("/tags/<int:tag_id>/delete")
@login_required
async def delete_tag(tag_id: int) -> ResponseReturnValue:
    user_id = require_user().id
    tag = await tags.get_tag(user_id, tag_id)
    await tags.delete_tag(user_id, tag_id)
    await flash(f"The tag {tag.title!r} is deleted.")
    return redirect(url_for(".list_tags"), 303)
