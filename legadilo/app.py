"""The Quart application factory."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from datetime import timedelta
from pathlib import Path

from hypercorn.middleware import ProxyFixMiddleware
from quart import Quart, redirect, url_for
from quart.typing import ResponseReturnValue
from servestatic import ServeStaticASGI

from legadilo import __version__
from legadilo.reading import counts_cache
from legadilo.runtime import Runtime, open_runtime
from legadilo.settings import Settings
from legadilo.web import (
    accounts,
    article_comments,
    articles,
    feeds,
    health,
    importexport,
    metrics,
    preferences,
    reading,
    search,
)
from legadilo.web.assets import HASHED_NAME_PATTERN, STATIC_SOURCE, URL_PREFIX, build_static, static_security_headers
from legadilo.web.auth import load_user
from legadilo.web.card_rendering import CardRenderer
from legadilo.web.context import RUNTIME_KEY, SETTINGS_KEY, current_user
from legadilo.web.errors import register_error_handlers
from legadilo.web.formatting import localtime
from legadilo.web.security import (
    SchemeAwareSessionInterface,
    add_security_headers,
    check_csrf,
    csp_nonce,
    csrf_token,
)
from legadilo.web.templating import SyncEnvironment, compile_every_template

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FORM_BODY_LIMIT = 1024 * 1024  # ordinary forms; upload routes raise their own limit


def create_app(settings: Settings, *, runtime: Runtime | None = None) -> Quart:
    """Build the app. With `runtime` (tests), it is used as is; otherwise one is opened while serving."""
    app = Quart(__name__, template_folder=str(TEMPLATES), static_folder=None)
    app.jinja_environment = SyncEnvironment
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="legadilo_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.tls_enabled,
        PERMANENT_SESSION_LIFETIME=timedelta(days=14),
        MAX_CONTENT_LENGTH=FORM_BODY_LIMIT,
    )
    app.session_interface = SchemeAwareSessionInterface()
    app.extensions[SETTINGS_KEY] = settings
    _attach_runtime(app, settings, runtime)
    _register_hooks(app)
    metrics.install_request_metrics(app)
    app.request_class = importexport.upload_request_class(settings.max_upload_bytes)
    for module in (
        accounts,
        reading,
        articles,
        article_comments,
        search,
        feeds,
        preferences,
        importexport,
        health,
        metrics,
    ):
        app.register_blueprint(module.blueprint)
    register_error_handlers(app)

    @app.get("/")
    async def index() -> ResponseReturnValue:
        target = "reading.show_reading_list" if current_user() else "accounts.show_login"
        return redirect(url_for(target))

    static = build_static(STATIC_SOURCE, settings.data_dir / "static")
    app.jinja_env.globals.update(static_url=static.url, csrf_token=csrf_token, csp_nonce=csp_nonce)
    app.jinja_env.globals.update(
        version=__version__, current_user=current_user, allow_registration=settings.allow_registration
    )
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.globals["article_card"] = CardRenderer(app.jinja_env)
    _wrap_asgi(app, settings, static.root)
    return app


def _attach_runtime(app: Quart, settings: Settings, runtime: Runtime | None) -> None:
    if runtime is not None:
        app.extensions[RUNTIME_KEY] = runtime
        return

    @app.while_serving
    async def lifespan():  # type: ignore[no-untyped-def]
        logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        compile_every_template(app.jinja_env)  # not on the first requests of each worker
        async with open_runtime(settings) as rt:
            app.extensions[RUNTIME_KEY] = rt
            # What exists now lives as long as the process: frozen, it is no longer scanned by every full
            # garbage collection (a full one took 48 ms in a warm worker, 0.3 ms once frozen).
            gc.collect()
            gc.freeze()
            listening = asyncio.create_task(counts_cache.listen_for_changes(rt.database))
            try:
                yield
            finally:
                listening.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listening


def _register_hooks(app: Quart) -> None:
    app.before_request(load_user)
    app.before_request(check_csrf)
    app.after_request(add_security_headers)


def _wrap_asgi(app: Quart, settings: Settings, static_root: Path) -> None:
    """Static files first (they never reach Quart), then the proxy headers when trusted."""
    served = ServeStaticASGI(
        app.asgi_app,
        root=static_root,
        prefix=URL_PREFIX,
        max_age=3600,
        immutable_file_test=HASHED_NAME_PATTERN,
        add_headers_function=static_security_headers,
    )
    app.asgi_app = served  # type: ignore[method-assign]
    if settings.trust_proxy_headers:
        app.asgi_app = ProxyFixMiddleware(served, mode="legacy", trusted_hops=1)  # type: ignore[method-assign]
