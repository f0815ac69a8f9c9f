"""Real-browser fixtures: Debian's Chromium driven by Playwright (async API, on the session's event loop), the
real app served over HTTP by Hypercorn on 127.0.0.1, one browser per session and a fresh context per test.

    Hypercorn (session) -> the current test's app (function: `app` on empty tables)
    Chromium (session)  -> a context and a page per test, whose console errors, uncaught exceptions, CSP
                           violations and dialogs fail the test

Without /usr/bin/chromium the tests are skipped, unless LEGADILO_REQUIRE_BROWSER=1 (CI), which fails them."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from hypercorn.asyncio import serve
from hypercorn.config import Config
from hypercorn.typing import ASGIReceiveCallable, ASGISendCallable, Scope
from playwright.async_api import Browser, ConsoleMessage, Dialog, Page, async_playwright, expect
from quart import Quart

from legadilo.accounts import passwords
from legadilo.accounts.models import User
from legadilo.signup.services import register_user
from tests.conftest import TEST_PASSWORD
from tests.feedfarm import FeedFarm, running_farm

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
READER_EMAIL = "reader@example.org"

# Every CSP violation also reaches the console as an error; this listener makes sure it is reported even if
# the browser stopped logging them.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


class CurrentApp:
    """The ASGI app Hypercorn serves for the whole session: it forwards each request to the current test's
    app (a fresh one per test, so rate limits and sessions never leak) and answers the lifespan itself."""

    def __init__(self) -> None:
        self.app: Quart | None = None

    async def __call__(self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        assert self.app is not None, "a request reached the server between two tests"
        await self.app(scope, receive, send)


@dataclass
class LiveServer:
    base_url: str
    current: CurrentApp


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with its smallest cost: every test registers and logs in a user, and the default cost (64 MiB,
    tens of milliseconds, seconds on a loaded machine) is what tests/accounts is about, not these tests."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium; without it every browser test is skipped, or fails under LEGADILO_REQUIRE_BROWSER=1."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run the browser tests"
        if os.environ.get("LEGADILO_REQUIRE_BROWSER") == "1":
            pytest.fail(f"LEGADILO_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="session")
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True)
        yield launched
        await launched.close()


@pytest.fixture(scope="session")
async def live_server() -> AsyncIterator[LiveServer]:
    current = CurrentApp()
    config = Config()
    port = _free_port()
    config.bind = [f"127.0.0.1:{port}"]
    config.accesslog = None
    config.graceful_timeout = 1
    shutdown = asyncio.Event()
    server = asyncio.ensure_future(serve(current, config, shutdown_trigger=shutdown.wait, mode="asgi"))
    for _ in range(200):
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            break
        await asyncio.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", current)
    finally:
        shutdown.set()
        await asyncio.wait_for(server, 10)


@pytest.fixture
def base_url(live_server: LiveServer, app: Quart) -> str:
    """The live server, answering with this test's app (on tables emptied for the test)."""
    live_server.current.app = app
    return live_server.base_url


@dataclass
class Problems:
    """What went wrong in the page without failing an action: console errors, exceptions, dialogs."""

    seen: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    def allow(self, text: str) -> None:
        """A problem the test causes on purpose (such as the 401 answer of a wrong password)."""
        self.allowed.append(text)

    def unexpected(self) -> list[str]:
        return [seen for seen in self.seen if not any(text in seen for text in self.allowed)]

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.seen.append(f"console {message.type} on {message.location.get('url', '?')}: {message.text}")

    def exception(self, error: Exception) -> None:
        self.seen.append(f"uncaught exception: {error}")

    async def dialog(self, dialog: Dialog) -> None:
        self.seen.append(f"unexpected {dialog.type} dialog: {dialog.message}")
        await dialog.dismiss()


@pytest.fixture
def problems() -> Problems:
    return Problems()


@pytest.fixture
async def page(browser: Browser, base_url: str, problems: Problems) -> AsyncIterator[Page]:
    """A page in a fresh context; the test fails when the page logged an error or a CSP violation."""
    context = await browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    await context.add_init_script(_REPORT_CSP_VIOLATIONS)
    opened = await context.new_page()
    opened.on("console", problems.console)
    opened.on("pageerror", problems.exception)
    opened.on("dialog", problems.dialog)
    try:
        yield opened
    finally:
        await context.close()
    unexpected = problems.unexpected()
    assert unexpected == [], "the browser reported problems:\n" + "\n".join(unexpected)


@pytest.fixture
async def farm() -> AsyncIterator[FeedFarm]:
    async with running_farm(entries_per_feed=5) as serving:
        yield serving


async def log_in_through_the_form(page: Page, email: str = READER_EMAIL) -> None:
    await page.goto("/accounts/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(TEST_PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.locator(".topbar .who")).to_have_text(email)


@pytest.fixture
async def reader(page: Page) -> User:
    """A user logged in through the login form of `page`."""
    user = await register_user(READER_EMAIL, TEST_PASSWORD)
    await log_in_through_the_form(page)
    return user
