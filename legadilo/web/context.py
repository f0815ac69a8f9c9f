"""Request-side access to the runtime, the logged-in user and their page layout (the only place that reads
them)."""

from __future__ import annotations

from quart import current_app, g

from legadilo.accounts.models import User
from legadilo.accounts.preferences import ANONYMOUS_LAYOUT, Layout, get_layout
from legadilo.runtime import Runtime
from legadilo.settings import Settings

RUNTIME_KEY = "legadilo.runtime"
SETTINGS_KEY = "legadilo.settings"
_LAYOUT_KEY = "layout"


def runtime() -> Runtime:
    rt: Runtime = current_app.extensions[RUNTIME_KEY]
    return rt


def app_settings() -> Settings:
    """The settings the app was created with (the runtime's may differ in tests)."""
    settings: Settings = current_app.extensions[SETTINGS_KEY]
    return settings


def current_user() -> User | None:
    user: User | None = g.get("user")
    return user


def require_user() -> User:
    user = current_user()
    if user is None:  # login_required guards every caller; this is a programming error
        raise RuntimeError("no logged-in user on this request")
    return user


def remember_layout(layout: Layout) -> None:
    """Keep the layout loaded together with the user (`load_user`) for the rest of the request."""
    g.layout = layout


def forget_layout() -> None:
    """After a change of what the layout shows (settings, notifications): reloaded when next needed."""
    g.pop(_LAYOUT_KEY, None)


async def page_layout() -> Layout:
    """The logged-in user's theme, timezone and unread notifications (the anonymous defaults when nobody is
    logged in). Loaded with the user, so free on most requests; one statement when forgotten since."""
    layout: Layout | None = g.get(_LAYOUT_KEY)
    if layout is None:
        user = current_user()
        layout = await get_layout(user.id) if user is not None else ANONYMOUS_LAYOUT
        g.layout = layout
    return layout


async def user_theme() -> str:
    """For templates: "light", "dark" or "auto" (base.html renders it on <html>, before the first paint)."""
    return str((await _layout_or_default()).theme)


async def unread_notifications() -> int:
    """For templates: the count of the header bell."""
    return (await _layout_or_default()).unread_notifications


async def _layout_or_default() -> Layout:
    try:
        return await page_layout()
    except Exception:  # noqa: BLE001 - the error pages render the layout too, while the database is down
        return ANONYMOUS_LAYOUT
