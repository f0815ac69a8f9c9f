"""Request-side access to the runtime and the logged-in user (the only place that reads them)."""

from __future__ import annotations

from quart import current_app, g

from legadilo.accounts.models import User
from legadilo.runtime import Runtime
from legadilo.settings import Settings

RUNTIME_KEY = "legadilo.runtime"
SETTINGS_KEY = "legadilo.settings"


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
