"""Login, registration and logout through the test client (real database, real sessions)."""

from __future__ import annotations

import dataclasses

from quart.typing import TestClientProtocol as QuartClient

from legadilo.accounts.models import User
from legadilo.accounts.services import set_password
from legadilo.app import create_app
from legadilo.reading.models import ReadingList
from legadilo.runtime import Runtime
from legadilo.settings import Settings
from legadilo.signup.services import register_user
from tests.conftest import TEST_PASSWORD, csrf_from, get_csrf, log_in


async def _login_form(client: QuartClient, email: str, password: str, **extra: str) -> tuple[int, str]:
    token = await get_csrf(client)
    response = await client.post(
        "/accounts/login", form={"email": email, "password": password, "csrf_token": token, **extra}
    )
    return response.status_code, response.headers.get("Location", "") or await response.get_data(as_text=True)


async def test_anonymous_visitors_are_sent_to_the_login_page(client: QuartClient) -> None:
    home = await client.get("/")
    assert home.status_code == 302
    assert home.headers["Location"] == "/accounts/login"

    reading = await client.get("/reading/")
    assert reading.status_code == 302
    assert reading.headers["Location"] == "/accounts/login?next=/reading/"


async def test_login_then_the_default_reading_list_is_shown(client: QuartClient, db: Runtime) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)

    status, location = await _login_form(client, "Alice@Example.org", TEST_PASSWORD)
    assert (status, location) == (302, "/reading/")

    home = await client.get("/")
    assert home.headers["Location"] == "/reading/"
    page = await client.get("/reading/")
    html = await page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<h1 id="list-title">Unread</h1>' in html
    for title in ("All articles", "Recent", "Favorite", "For later"):
        assert title in html
    assert "no-store" in page.headers["Cache-Control"]


async def test_login_follows_next_but_never_to_another_site(client: QuartClient, db: Runtime) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)
    assert await _login_form(client, "alice@example.org", TEST_PASSWORD, next="/reading/lists/recent/") == (
        302,
        "/reading/lists/recent/",
    )
    hostile_targets = (
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "/\r\nX: y",
        "/\t/evil",
    )
    for hostile in hostile_targets:
        fresh = client.app.test_client()
        assert await _login_form(fresh, "alice@example.org", TEST_PASSWORD, next=hostile) == (302, "/reading/")


async def test_wrong_password_shows_the_form_again_with_an_error(client: QuartClient, db: Runtime) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)

    status, html = await _login_form(client, "alice@example.org", "not the password")

    assert status == 401
    assert "Wrong email or password" in html
    assert 'value="alice@example.org"' in html
    assert (await client.get("/reading/")).status_code == 302


async def test_repeated_failures_lock_the_account(client: QuartClient, db: Runtime) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)
    for _ in range(3):  # the test settings lock after 3 failures
        assert (await _login_form(client, "alice@example.org", "nope nope"))[0] == 401

    token = await get_csrf(client)
    response = await client.post(
        "/accounts/login", form={"email": "alice@example.org", "password": TEST_PASSWORD, "csrf_token": token}
    )

    assert response.status_code == 401  # exactly like a wrong password: no account enumeration
    assert "locked for a while" in await response.get_data(as_text=True)
    assert (await client.get("/reading/")).status_code == 302


async def test_login_attempts_are_rate_limited_per_address(client: QuartClient, db: Runtime) -> None:
    statuses = [(await _login_form(client, f"user{i}@example.org", "whatever1"))[0] for i in range(21)]

    assert statuses[:20] == [401] * 20
    assert statuses[20] == 429
    token = await get_csrf(client)
    limited = await client.post(
        "/accounts/login", form={"email": "x@example.org", "password": "y", "csrf_token": token}
    )
    assert limited.headers["Retry-After"] == "60"
    elsewhere = client.app.test_client()
    other_token = await get_csrf(elsewhere)
    other = await elsewhere.post(
        "/accounts/login",
        form={"email": "x@example.org", "password": "whatever1", "csrf_token": other_token},
        scope_base={"client": ("198.51.100.7", 4000)},
    )
    assert other.status_code == 401  # another address is not limited


async def test_login_without_or_with_a_wrong_csrf_token_is_refused(client: QuartClient, db: Runtime) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)
    await client.get("/accounts/login")
    form = {"email": "alice@example.org", "password": TEST_PASSWORD}

    missing = await client.post("/accounts/login", form=form)
    wrong = await client.post("/accounts/login", form={**form, "csrf_token": "forged"})

    assert missing.status_code == wrong.status_code == 400
    assert "CSRF" in await missing.get_data(as_text=True)
    assert (await client.get("/reading/")).status_code == 302


async def test_a_token_from_another_session_is_refused(client: QuartClient, db: Runtime) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)
    other = client.app.test_client()
    foreign_token = await get_csrf(other)
    await client.get("/accounts/login")

    response = await client.post(
        "/accounts/login", form={"email": "alice@example.org", "password": TEST_PASSWORD, "csrf_token": foreign_token}
    )

    assert response.status_code == 400


async def test_logout_is_a_csrf_protected_post(client: QuartClient, db: Runtime) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)
    await log_in(client, "alice@example.org")

    assert (await client.get("/accounts/logout")).status_code == 405
    assert (await client.post("/accounts/logout")).status_code == 400
    assert (await client.get("/reading/")).status_code == 200

    page = await client.get("/reading/")
    token = csrf_from(await page.get_data(as_text=True))
    response = await client.post("/accounts/logout", form={"csrf_token": token})

    assert response.status_code == 302
    assert (await client.get("/reading/")).status_code == 302


async def test_a_copied_session_cookie_stops_working_after_logout(client: QuartClient, db: Runtime) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)
    token = await get_csrf(client)
    login = await client.post(
        "/accounts/login", form={"email": "alice@example.org", "password": TEST_PASSWORD, "csrf_token": token}
    )
    stolen = login.headers["Set-Cookie"].split(";", 1)[0]
    replayer = client.app.test_client(use_cookies=False)
    assert (await replayer.get("/reading/", headers={"Cookie": stolen})).status_code == 200

    page = await client.get("/reading/")
    await client.post("/accounts/logout", form={"csrf_token": csrf_from(await page.get_data(as_text=True))})

    assert (await replayer.get("/reading/", headers={"Cookie": stolen})).status_code == 302


async def test_changing_the_password_logs_out_open_sessions(client: QuartClient, db: Runtime) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)
    await log_in(client, "alice@example.org")
    assert (await client.get("/reading/")).status_code == 200

    await set_password("alice@example.org", "another good password")

    assert (await client.get("/reading/")).status_code == 302


async def test_session_cookie_is_http_only_and_lax(client: QuartClient, db: Runtime) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)
    token = await get_csrf(client)
    response = await client.post(
        "/accounts/login", form={"email": "alice@example.org", "password": TEST_PASSWORD, "csrf_token": token}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP here; see test_security for HTTPS


async def test_registration_creates_an_account_and_logs_in_but_never_makes_an_admin(
    client: QuartClient, db: Runtime
) -> None:
    token = await get_csrf(client, "/accounts/register")
    response = await client.post(
        "/accounts/register",
        form={
            "email": "New@Example.org",
            "password": TEST_PASSWORD,
            "password_confirmation": TEST_PASSWORD,
            "csrf_token": token,
        },
    )

    assert response.status_code == 302
    user = await User.get(email="new@example.org")
    assert not user.is_admin
    assert await ReadingList.filter(user_id=user.id).count() == 5
    assert "Welcome" in await (await client.get("/reading/")).get_data(as_text=True)


async def test_registration_errors_keep_the_form_and_create_nothing(client: QuartClient, db: Runtime) -> None:
    await register_user("taken@example.org", TEST_PASSWORD)
    cases = [
        ({"email": "TAKEN@example.org"}, "already exists"),
        ({"email": "fresh@example.org", "password_confirmation": "something else"}, "differ"),
        ({"email": "fresh@example.org", "password": "short", "password_confirmation": "short"}, "at least 8"),
        ({"email": "not an email"}, "not a valid email"),
    ]
    for overrides, message in cases:
        token = await get_csrf(client, "/accounts/register")
        form = {"password": TEST_PASSWORD, "password_confirmation": TEST_PASSWORD, "csrf_token": token, **overrides}
        response = await client.post("/accounts/register", form=form)
        assert response.status_code == 400, overrides
        assert message in await response.get_data(as_text=True)
    assert await User.all().count() == 1


async def test_registration_can_be_closed(settings: Settings, db: Runtime) -> None:
    closed = create_app(dataclasses.replace(settings, allow_registration=False), runtime=db).test_client()

    page = await closed.get("/accounts/register")
    assert page.status_code == 403
    assert "Registration is closed" in await page.get_data(as_text=True)
    login_page = await closed.get("/accounts/login")
    token = csrf_from(await login_page.get_data(as_text=True))
    assert "Create one" not in await login_page.get_data(as_text=True)
    response = await closed.post(
        "/accounts/register",
        form={
            "email": "x@example.org",
            "password": TEST_PASSWORD,
            "password_confirmation": TEST_PASSWORD,
            "csrf_token": token,
        },
    )
    assert response.status_code == 403
    assert await User.all().count() == 0


async def test_a_form_body_over_the_limit_gets_413_and_a_clear_page(client: QuartClient, db: Runtime) -> None:
    token = await get_csrf(client)
    response = await client.post(
        "/accounts/login", form={"email": "a@example.org", "password": "x" * (2 * 1024 * 1024), "csrf_token": token}
    )

    assert response.status_code == 413
    assert "larger than the limit" in await response.get_data(as_text=True)
