"""Who is logged in: a signed session cookie naming the user and their session epoch."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from quart import g, redirect, request, session, url_for

from legadilo.accounts.models import User
from legadilo.accounts.preferences import find_session_user
from legadilo.web.context import forget_layout, remember_layout
from legadilo.web.security import rotate_csrf_token

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


async def load_user() -> None:
    """The session's user on `g.user`, with what the page layout shows about them (theme, timezone, unread
    notifications): one statement for both, so the layout costs no query of its own."""
    g.user = None
    forget_layout()
    user_id, epoch = session.get("uid"), session.get("epoch")
    if isinstance(user_id, int) and isinstance(epoch, int):
        found = await find_session_user(user_id, epoch)
        if found is None:  # deleted, deactivated, or the session was revoked
            session.clear()
            return
        g.user, layout = found
        remember_layout(layout)


def login_user(user: User) -> None:
    session.clear()
    session.permanent = True
    session["uid"] = user.id
    session["epoch"] = user.session_epoch
    rotate_csrf_token()


def logout_user() -> None:
    session.clear()
    g.user = None
    forget_layout()


def login_required(view: F) -> F:
    @wraps(view)
    async def guarded(*args: Any, **kwargs: Any) -> Any:
        if g.get("user") is None:
            return redirect(url_for("accounts.show_login", next=request.full_path.rstrip("?")))
        return await view(*args, **kwargs)

    guarded._login_required = True  # type: ignore[attr-defined]
    return guarded  # type: ignore[return-value]


def safe_next_url(candidate: str | None, default: str) -> str:
    """Only same-site paths: never redirect to another host after login (open redirect)."""
    if not candidate:
        return default
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc or not candidate.startswith("/") or candidate.startswith("//"):
        return default
    if "\\" in candidate or any(ord(char) < 0x20 or ord(char) == 0x7F for char in candidate):
        return default
    return candidate
