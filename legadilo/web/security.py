"""Security headers (nonce-based CSP, framing, sniffing, HSTS), CSRF protection and the session cookie."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from quart import Quart, Response, abort, current_app, g, request, session
from quart.sessions import SecureCookieSessionInterface

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_CSRF_SESSION_KEY = "csrf"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
HSTS_SECONDS = 31536000

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


class SchemeAwareSessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request came over HTTPS (directly or via a trusted proxy)."""

    def get_cookie_secure(self, app: Quart) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.scheme == "https"


def csp_nonce() -> str:
    nonce: str | None = g.get("csp_nonce")
    if nonce is None:
        nonce = secrets.token_urlsafe(18)
        g.csp_nonce = nonce
    return nonce


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data: https:",
            "font-src 'self'",
            "connect-src 'self'",
            "media-src 'self'",
            "object-src 'none'",
            "frame-src 'none'",
            "child-src 'none'",
            "worker-src 'self'",
            "manifest-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


async def add_security_headers(response: Response) -> Response:
    headers = response.headers
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
    if request.scheme == "https":
        headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_SECONDS}; includeSubDomains")
    return response


def csrf_token() -> str:
    """The session's CSRF token (created on first use), for hidden `csrf_token` inputs and htmx headers."""
    token: str | None = session.get(_CSRF_SESSION_KEY)
    if token is None:
        token = secrets.token_urlsafe(32)
        session[_CSRF_SESSION_KEY] = token
    return token


def rotate_csrf_token() -> None:
    """A new token at login and logout, so that a token seen before authentication is useless after."""
    session.pop(_CSRF_SESSION_KEY, None)


def csrf_exempt(view: F) -> F:
    """For endpoints authenticated by a token in a header (the JSON API), never by the session cookie."""
    view._csrf_exempt = True  # type: ignore[attr-defined]
    return view


async def check_csrf() -> None:
    """Refuse (400) every state-changing request whose token is missing or wrong."""
    if request.method in _SAFE_METHODS or request.endpoint is None:
        return
    function = current_app.view_functions.get(request.endpoint)
    if getattr(function, "_csrf_exempt", False):
        return
    expected = session.get(_CSRF_SESSION_KEY)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form
        sent = form.get(CSRF_FIELD)
    if not expected or not sent or not hmac.compare_digest(str(expected), str(sent)):
        abort(
            400,
            description="The form has expired or did not come from this site (CSRF check failed). "
            "Reload the page and try again.",
        )
