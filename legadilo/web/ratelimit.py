"""A per-client rate limit for the endpoints that attract abuse (login, registration).

Counters live in the process: behind N replicas the effective limit is N times higher, which is
acceptable since the account lockout (stored in the database) is what stops password guessing.
"""

from __future__ import annotations

import ipaddress
import time
from collections import deque
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any, TypeVar

from quart import current_app, render_template, request

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])

_MAX_TRACKED_CLIENTS = 100_000
_EXTENSION_KEY = "legadilo.rate_limits"


class SlidingWindow:
    """At most `limit` hits per `period` seconds for each key."""

    def __init__(self, limit: int, period: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.period = period
        self.clock = clock
        self.hits: dict[str, deque[float]] = {}

    def _forget_idle(self, now: float) -> None:
        """Bounded memory under a flood of distinct addresses: drop the clients idle for a whole period."""
        for key in [key for key, hits in self.hits.items() if not hits or hits[-1] <= now - self.period]:
            del self.hits[key]

    def allow(self, key: str) -> bool:
        now = self.clock()
        if len(self.hits) > _MAX_TRACKED_CLIENTS:
            self._forget_idle(now)
        window = self.hits.setdefault(key, deque())
        while window and window[0] <= now - self.period:
            window.popleft()
        if len(window) >= self.limit:
            return False
        window.append(now)
        return True


def client_key(address: str | None) -> str:
    """One key per IPv4 address, one per IPv6 /64 (a single host often owns a whole /64)."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def rate_limit(limit: int, period: float, *, methods: frozenset[str] = frozenset({"POST"})) -> Callable[[F], F]:
    """Answer 429 when one client address exceeds `limit` requests per `period` seconds on this view.

    Counters belong to the application (`app.extensions`), so each app instance starts afresh."""

    def decorate(view: F) -> F:
        key = f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        async def limited(*args: Any, **kwargs: Any) -> Any:
            windows: dict[str, SlidingWindow] = current_app.extensions.setdefault(_EXTENSION_KEY, {})
            window = windows.setdefault(key, SlidingWindow(limit, period))
            if request.method in methods and not window.allow(client_key(request.remote_addr)):
                page = await render_template(
                    "errors/error.html",
                    status=429,
                    title="Too many requests",
                    message="Too many attempts from your address: wait a minute and try again.",
                )
                return page, 429, {"Retry-After": str(int(period))}
            return await view(*args, **kwargs)

        limited._rate_limit = (limit, period)  # type: ignore[attr-defined]
        return limited  # type: ignore[return-value]

    return decorate
