"""`legadilo serve`: Hypercorn serving the web app, after applying pending migrations."""

from __future__ import annotations

import typer
from hypercorn.config import Config
from hypercorn.run import run as run_hypercorn

from cli._run import fail, load_settings, run_on_database
from legadilo import schema
from legadilo.settings import Settings

APPLICATION_PATH = "legadilo.asgi:app"


def hypercorn_config(settings: Settings, *, host: str, port: int, workers: int) -> Config:
    config = Config()
    config.application_path = APPLICATION_PATH
    config.bind = [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"]
    # One worker runs in this process; more are spawned processes sharing the socket.
    config.workers = 0 if workers == 1 else workers
    config.accesslog = "-"
    config.errorlog = "-"
    config.loglevel = settings.log_level
    config.graceful_timeout = 10
    if settings.tls_certfile is not None and settings.tls_keyfile is not None:
        config.certfile = str(settings.tls_certfile)
        config.keyfile = str(settings.tls_keyfile)
        config.alpn_protocols = ["h2", "http/1.1"]
    return config


def _prepare_database(settings: Settings, *, migrate: bool) -> None:
    """Apply pending migrations (under the advisory lock), or with --no-migrate refuse to serve an
    out-of-date schema."""
    if migrate:
        for name in run_on_database(schema.upgrade, settings):
            typer.echo(f"applied migration {name}", err=True)
        return
    pending = run_on_database(schema.heads, settings)
    if pending:
        fail(f"{len(pending)} migration(s) pending ({pending[0]}…): run `legadilo db upgrade` or drop --no-migrate")


def serve(
    host: str | None = typer.Option(None, help="Address to listen on [env LEGADILO_HOST, default 127.0.0.1]."),
    port: int | None = typer.Option(None, min=1, max=65535, help="Port [env LEGADILO_PORT, default 8000]."),
    workers: int | None = typer.Option(None, min=1, max=64, help="Worker processes [env LEGADILO_WORKERS, default 1]."),
    no_migrate: bool = typer.Option(False, "--no-migrate", help="Do not apply pending migrations first."),
) -> None:
    """Serve the web app (HTTPS and HTTP/2 when LEGADILO_TLS_CERTFILE and LEGADILO_TLS_KEYFILE are set)."""
    settings = load_settings()
    _prepare_database(settings, migrate=not no_migrate)
    config = hypercorn_config(
        settings,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
    )
    scheme = "https" if settings.tls_enabled else "http"
    typer.echo(f"Legadilo listening on {scheme}://{config.bind[0]}", err=True)
    try:
        code = run_hypercorn(config)
    except OSError as exc:  # address in use, unknown host, permission denied on a low port
        fail(f"cannot listen on {config.bind[0]}: {exc.strerror or exc}")
    raise typer.Exit(code=code)
