"""The settings page (reading speed, timezone, language, theme) and changing one's password: /settings/ and
/settings/password (endpoints `preferences.*`, attached by web/preferences.py)."""

from __future__ import annotations

from typing import Any

from quart import flash, redirect, render_template, request, url_for
from quart.typing import ResponseReturnValue

from legadilo.accounts import preferences
from legadilo.accounts.models import Language, Theme
from legadilo.core.errors import AuthenticationFailed, InvalidInput
from legadilo.web.auth import login_required, login_user
from legadilo.web.context import app_settings, forget_layout, require_user, runtime
from legadilo.web.ratelimit import rate_limit
from legadilo.web.routes import RouteTable

routes = RouteTable()
NO_STORE = {"Cache-Control": "no-store"}


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


@routes.get("/")
@login_required
async def show_settings() -> ResponseReturnValue:
    return await _settings_page(), 200, NO_STORE


@routes.post("/")
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


@routes.post("/password")
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
