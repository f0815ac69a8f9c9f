"""Security headers, HTTPS-only behaviour, and the meta-rules over every route."""

from __future__ import annotations

import re

from quart import Quart
from quart.typing import TestClientProtocol as QuartClient

from legadilo.accounts.models import User
from legadilo.app import TEMPLATES
from legadilo.reading.models import ReadingList
from legadilo.runtime import Runtime
from legadilo.signup.services import register_user
from tests.conftest import TEST_PASSWORD, get_csrf, log_in

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Views where abuse is expected and a per-address rate limit is required.
RATE_LIMITED = {"accounts.login", "accounts.register"}


async def test_html_pages_carry_a_nonce_based_csp_and_the_nonce_is_on_every_script_and_style(
    client: QuartClient,
) -> None:
    response = await client.get("/accounts/login")
    html = await response.get_data(as_text=True)
    csp = response.headers["Content-Security-Policy"]

    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce is not None
    assert "script-src 'self' 'nonce-" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp
    tags = re.findall(r"<(?:script|link rel=\"stylesheet\")[^>]*>", html)
    assert tags
    assert all(f'nonce="{nonce.group(1)}"' in tag for tag in tags)


async def test_the_nonce_changes_on_every_response(client: QuartClient) -> None:
    first = (await client.get("/accounts/login")).headers["Content-Security-Policy"]
    second = (await client.get("/accounts/login")).headers["Content-Security-Policy"]
    assert first != second


async def test_every_response_forbids_framing_and_sniffing(client: QuartClient) -> None:
    for path in ("/accounts/login", "/healthz", "/does-not-exist"):
        response = await client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["X-Frame-Options"] == "DENY", path
        assert response.headers["Referrer-Policy"] == "same-origin", path


async def test_no_hsts_over_plain_http_but_hsts_and_secure_cookie_over_https(client: QuartClient, db: Runtime) -> None:
    plain = await client.get("/accounts/login")
    assert "Strict-Transport-Security" not in plain.headers

    await register_user("alice@example.org", TEST_PASSWORD)
    secure = await client.get("/accounts/login", scheme="https")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    token = re.search(r'name="csrf_token" value="([^"]+)"', await secure.get_data(as_text=True))
    assert token is not None
    response = await client.post(
        "/accounts/login",
        form={"email": "alice@example.org", "password": TEST_PASSWORD, "csrf_token": token.group(1)},
        scheme="https",
    )
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie


async def test_error_pages_do_not_leak_details(client: QuartClient) -> None:
    response = await client.get("/reading/lists/nope/")  # anonymous: redirected, never a 500
    assert response.status_code == 302
    missing = await client.get("/no/such/page")
    assert missing.status_code == 404
    assert "Page not found" in await missing.get_data(as_text=True)


async def test_another_users_reading_list_is_a_404(client: QuartClient, db: Runtime) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)
    bob = await register_user("bob@example.org", TEST_PASSWORD)
    await ReadingList.create(user_id=bob.id, title="Bob only", slug="bob-only")
    await log_in(client, "alice@example.org")

    assert (await client.get("/reading/lists/recent/")).status_code == 200
    assert (await client.get("/reading/lists/bob-only/")).status_code == 404


def test_every_state_changing_route_is_csrf_protected_and_abuse_prone_ones_are_rate_limited(app: Quart) -> None:
    state_changing = {
        rule.endpoint: rule
        for rule in app.url_map.iter_rules()
        if set(rule.methods or ()) - SAFE_METHODS and rule.endpoint != "static"
    }
    assert {"accounts.login", "accounts.register", "accounts.logout"} <= set(state_changing)
    for endpoint in state_changing:
        view = app.view_functions[endpoint]
        assert not getattr(view, "_csrf_exempt", False), f"{endpoint} skips CSRF without token authentication"
    for endpoint in RATE_LIMITED:
        assert getattr(app.view_functions[endpoint], "_rate_limit", None), f"{endpoint} is not rate limited"


def test_every_page_but_the_public_ones_requires_login(app: Quart) -> None:
    public = {
        "index",
        "health.healthz",
        "metrics.show_metrics",
        "accounts.show_login",
        "accounts.login",
        "accounts.show_register",
        "accounts.register",
        "accounts.logout",
    }
    for rule in app.url_map.iter_rules():
        if rule.endpoint in public or rule.endpoint == "static":
            continue
        assert getattr(app.view_functions[rule.endpoint], "_login_required", False), rule.endpoint


async def test_csrf_is_checked_before_the_view_runs(client: QuartClient, db: Runtime) -> None:
    await get_csrf(client)
    form = {"email": "x@example.org", "password": TEST_PASSWORD, "password_confirmation": TEST_PASSWORD}
    response = await client.post("/accounts/register", form=form)
    assert response.status_code == 400
    assert "CSRF" in await response.get_data(as_text=True)
    assert await User.all().count() == 0


def test_every_post_form_of_every_template_carries_a_csrf_token() -> None:
    forms = 0
    for template in TEMPLATES.rglob("*.html"):
        for form in re.findall(r"<form\b[^>]*>.*?</form>", template.read_text(), flags=re.S | re.I):
            if re.search(r'method="post"', form, flags=re.I):
                forms += 1
                assert 'name="csrf_token" value="{{ csrf_token() }}"' in form, template
    assert forms >= 3


async def test_static_files_carry_the_security_headers_too(client: QuartClient) -> None:
    html = await (await client.get("/accounts/login")).get_data(as_text=True)
    icon = re.search(r'href="(/static/img/favicon\.[0-9a-f]{12}\.svg)"', html)
    assert icon is not None
    response = await client.get(icon.group(1))
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
