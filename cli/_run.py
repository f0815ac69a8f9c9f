"""The one place where CLI commands load settings, open the runtime and turn errors into exit codes."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import NoReturn, TypeVar

import typer

from legadilo.accounts.queries import get_user_by_email
from legadilo.accounts.services import normalise_email
from legadilo.core.errors import DomainError
from legadilo.db import DatabaseTarget, as_database_unavailable, resolve_database
from legadilo.runtime import Runtime, open_runtime
from legadilo.settings import Settings

T = TypeVar("T")


def fail(message: str) -> NoReturn:
    """One line on stderr, exit code 1: how every user error ends."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=1)


def load_settings() -> Settings:
    try:
        return Settings.from_env()
    except DomainError as exc:
        fail(exc.message)


def run(fn: Callable[[Runtime], Awaitable[T]], settings: Settings | None = None) -> T:
    """Run `fn` with an open runtime (database, HTTP session) and map domain errors to exit code 1."""
    resolved = settings or load_settings()

    async def main() -> T:
        async with open_runtime(resolved) as rt:
            return await fn(rt)

    return _guarded(main)


def run_on_database(fn: Callable[[DatabaseTarget], Awaitable[T]], settings: Settings | None = None) -> T:
    """Run `fn` with the database location only (migrations manage their own connections)."""
    resolved = settings or load_settings()

    async def main() -> T:
        return await fn(await resolve_database(resolved))

    return _guarded(main)


def _guarded(main: Callable[[], Awaitable[T]]) -> T:
    try:
        return asyncio.run(main())  # type: ignore[arg-type]
    except DomainError as exc:
        fail(exc.message)
    except Exception as exc:  # the CLI edge: database failures become one line, anything else propagates
        unavailable = as_database_unavailable(exc)
        if unavailable is None:
            raise
        fail(unavailable.message)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)


async def user_id_of(email: str) -> int:
    """The id of the user named on the command line (`--user EMAIL`).

    Raises:
        NotFound, InvalidInput.
    """
    user = await get_user_by_email(normalise_email(email))
    user_id: int = user.id
    return user_id


def read_password(*, from_stdin: bool, prompt: str = "Password") -> str:
    """From stdin (first line, for scripts) or an interactive hidden prompt asked twice."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            fail("no password on standard input")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        fail("standard input is not a terminal: pass --password-stdin and pipe the password")
    password: str = typer.prompt(prompt, hide_input=True, confirmation_prompt=True)
    return password
