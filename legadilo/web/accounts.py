"""Login, registration and logout pages."""

from __future__ import annotations

from quart import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from quart.typing import ResponseReturnValue

from legadilo.accounts import services as accounts
from legadilo.core.errors import AlreadyExists, AuthenticationFailed, InvalidInput
from legadilo.signup.services import register_user
from legadilo.web.auth import login_user, logout_user, safe_next_url
from legadilo.web.context import app_settings, runtime
from legadilo.web.ratelimit import rate_limit

blueprint = Blueprint("accounts", __name__, url_prefix="/accounts")


def _default_landing() -> str:
    return url_for("reading.show_reading_list")


@blueprint.get("/login")
async def show_login() -> ResponseReturnValue:
    if g.get("user") is not None:
        return redirect(safe_next_url(request.args.get("next"), _default_landing()))
    return await render_template("accounts/login.html", next=request.args.get("next", ""), email="")


@blueprint.post("/login")
@rate_limit(limit=20, period=60)
async def login() -> ResponseReturnValue:
    form = await request.form
    email, password = form.get("email", ""), form.get("password", "")
    settings = app_settings()
    try:
        user = await accounts.authenticate(
            email,
            password,
            now=runtime().clock.now(),
            max_failures=settings.login_max_failures,
            lockout_seconds=settings.login_lockout_seconds,
        )
    except AuthenticationFailed as exc:
        page = await render_template("accounts/login.html", error=exc.message, next=form.get("next", ""), email=email)
        return page, 401
    login_user(user)
    return redirect(safe_next_url(form.get("next"), _default_landing()))


@blueprint.get("/register")
async def show_register() -> ResponseReturnValue:
    if not app_settings().allow_registration:
        return await render_template("accounts/registration_closed.html"), 403
    return await render_template("accounts/register.html", email="")


@blueprint.post("/register")
@rate_limit(limit=10, period=60)
async def register() -> ResponseReturnValue:
    if not app_settings().allow_registration:
        return await render_template("accounts/registration_closed.html"), 403
    form = await request.form
    email = form.get("email", "")
    password, confirmation = form.get("password", ""), form.get("password_confirmation", "")
    if form.get("website"):  # honeypot: people leave it empty, bots fill every field
        abort(400)
    try:
        if password != confirmation:
            raise InvalidInput("the two passwords differ")
        user = await register_user(email, password)
    except (InvalidInput, AlreadyExists) as exc:
        return await render_template("accounts/register.html", error=exc.message, email=email), 400
    login_user(user)
    await flash("Welcome to Legadilo! Subscribe to a feed or save an article to get started.")
    return redirect(_default_landing())


@blueprint.post("/logout")
async def logout() -> ResponseReturnValue:
    user = g.get("user")
    if user is not None:
        await accounts.end_sessions(user.id)  # a copied cookie must not outlive the logout
    logout_user()
    return redirect(url_for("accounts.show_login"))
