"""What every page's layout shows about the logged-in user (theme, timezone, unread notifications bell) is
loaded with the user in one statement: the layout costs no query of its own, a page that queries nothing
else runs exactly one statement, and a change shows on the next page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from quart import Quart, g, render_template_string
from quart.typing import TestClientProtocol as QuartClient

from legadilo.accounts.models import Notification, Theme, User, UserSettings
from legadilo.accounts.preferences import ANONYMOUS_LAYOUT, Layout, find_session_user, get_layout
from legadilo.runtime import Runtime
from legadilo.signup.services import register_user
from legadilo.web.context import forget_layout, page_layout, remember_layout
from tests.conftest import TEST_PASSWORD, get_csrf, log_in
from tests.reading.test_reading_page_queries import counting_statements

ALICE = "alice@example.org"


@pytest.fixture
async def alice(db: Runtime) -> User:
    user = await register_user(ALICE, TEST_PASSWORD)
    await UserSettings.filter(user_id=user.id).update(theme=Theme.DARK, timezone="Asia/Tokyo")
    await Notification.create(user_id=user.id, title="Feed 'X' was disabled")
    await Notification.create(user_id=user.id, title="Import finished")
    await Notification.create(user_id=user.id, title="Old news", read_at=datetime(2026, 1, 1, tzinfo=UTC))
    bob = await register_user("bob@example.org", TEST_PASSWORD)
    await Notification.create(user_id=bob.id, title="Bob's news")
    return user


def _bell(html: str) -> str:
    start = html.index('class="bell"')
    return html[start : html.index("</a>", start)]


async def test_the_user_and_the_layout_come_in_one_statement(alice: User) -> None:
    with counting_statements() as statements:
        found = await find_session_user(alice.id, alice.session_epoch)
    assert len(statements) == 1, statements
    assert found is not None and found[0].id == alice.id
    assert found[1] == Layout(Theme.DARK, "Asia/Tokyo", 2)
    assert await find_session_user(alice.id, alice.session_epoch + 1) is None  # a revoked session
    assert await get_layout(alice.id) == Layout(Theme.DARK, "Asia/Tokyo", 2)
    assert await get_layout(alice.id + 1_000) == ANONYMOUS_LAYOUT


async def test_without_settings_row_the_layout_has_the_defaults(alice: User) -> None:
    await UserSettings.filter(user_id=alice.id).delete()
    found = await find_session_user(alice.id, alice.session_epoch)
    assert found is not None and found[1] == Layout(Theme.AUTO, "UTC", 2)


@pytest.mark.parametrize("path", ["/settings/lists/new", "/no/such/page"])
async def test_a_page_that_queries_nothing_else_runs_one_statement(client: QuartClient, alice: User, path: str) -> None:
    await log_in(client, ALICE)
    with counting_statements() as statements:
        response = await client.get(path)
    html = await response.get_data(as_text=True)
    assert len(statements) == 1, statements
    assert '<html lang="en" data-theme="dark">' in html
    assert '<span class="badge">2</span>' in _bell(html)


async def test_anonymous_pages_run_no_layout_statement(client: QuartClient, alice: User) -> None:
    with counting_statements() as statements:
        html = await (await client.get("/accounts/login")).get_data(as_text=True)
    assert statements == []
    assert 'data-theme="auto"' in html


@pytest.mark.parametrize("path", ["/feeds/", "/feeds/notifications/", "/reading/search/"])
async def test_pages_showing_dates_read_the_settings_and_count_the_bell_once(
    client: QuartClient, alice: User, path: str
) -> None:
    await log_in(client, ALICE)
    with counting_statements() as statements:
        assert (await client.get(path)).status_code == 200
    assert sum("user_settings" in statement for statement in statements) == 1, statements
    assert sum("count(*)" in statement.lower() and "notification" in statement for statement in statements) == 1


async def test_the_next_page_shows_new_settings_and_notifications_read(client: QuartClient, alice: User) -> None:
    await log_in(client, ALICE)
    form = {"words_per_minute": "200", "timezone": "UTC", "language": "en", "theme": "light"}
    token = await get_csrf(client, "/settings/")
    response = await client.post("/settings/", form={"csrf_token": token, **form}, follow_redirects=True)
    html = await response.get_data(as_text=True)
    assert 'data-theme="light"' in html
    token = await get_csrf(client, "/feeds/notifications/")
    response = await client.post("/feeds/notifications/read", form={"csrf_token": token}, follow_redirects=True)
    html = await response.get_data(as_text=True)
    assert "badge" not in _bell(html) and "2 notifications marked as read." in html


async def test_a_forgotten_layout_is_read_again_within_the_request(app: Quart, alice: User) -> None:
    async with app.test_request_context("/"):
        assert await render_template_string("{{ user_theme() }}/{{ unread_notifications() }}") == "auto/0"
        g.user = alice
        remember_layout(Layout(Theme.LIGHT, "UTC", 7))
        assert await render_template_string("{{ user_theme() }}/{{ unread_notifications() }}") == "light/7"
        forget_layout()
        assert await render_template_string("{{ user_theme() }}/{{ unread_notifications() }}") == "dark/2"
        assert (await page_layout()).timezone == "Asia/Tokyo"


async def test_the_reading_page_counts_the_bell_once_with_the_user(client: QuartClient, alice: User) -> None:
    await log_in(client, ALICE)
    with counting_statements() as statements:
        html = await (await client.get("/reading/lists/all-articles/")).get_data(as_text=True)
    assert sum('FROM "user"' in statement for statement in statements) == 1, statements
    assert sum("FROM notification" in statement for statement in statements) == 1, statements
    # the timezone of the dates comes with the user too: no other read of the settings
    assert sum("user_settings" in statement for statement in statements) == 1, statements
    assert 'data-theme="dark"' in html and '<span class="badge">2</span>' in _bell(html)
