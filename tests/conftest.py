"""Shared fixtures: a real PostgreSQL (embedded by default, or LEGADILO_TEST_DATABASE_URL), migrated once
per session; each test that asks for `db` starts from empty tables."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from quart import Quart
from quart.typing import TestClientProtocol as QuartClient
from tortoise import Tortoise

from legadilo import schema
from legadilo.accounts.models import User
from legadilo.app import create_app
from legadilo.db import DatabaseTarget, start_embedded_server
from legadilo.runtime import Runtime, open_runtime
from legadilo.settings import Settings
from legadilo.signup.services import register_user

TEST_PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


# The embedded test server lives outside pytest's temporary folders (which pytest prunes while the server
# may still run) and is reused by the next run; each session works in a database of its own.
EMBEDDED_TEST_ROOT = Path(tempfile.gettempdir()) / "legadilo-test-postgres"


def _server_target() -> DatabaseTarget:
    """LEGADILO_TEST_DATABASE_URL (its database is dropped and recreated), else the embedded test server."""
    url = os.environ.get("LEGADILO_TEST_DATABASE_URL")
    if url:
        return DatabaseTarget.from_url(url)
    EMBEDDED_TEST_ROOT.mkdir(exist_ok=True)
    return start_embedded_server(EMBEDDED_TEST_ROOT).with_database(f"legadilo_test_{os.getpid()}")


async def recreate_database(target: DatabaseTarget) -> None:
    admin = await asyncpg.connect(**target.with_database("postgres").connect_kwargs())
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{target.database}"')
    finally:
        await admin.close()


async def drop_database(target: DatabaseTarget) -> None:
    admin = await asyncpg.connect(**target.with_database("postgres").connect_kwargs())
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture(scope="session")
def database_target() -> DatabaseTarget:
    return _server_target()


@pytest.fixture(scope="session")
async def migrated_database(database_target: DatabaseTarget) -> AsyncIterator[DatabaseTarget]:
    await recreate_database(database_target)
    await schema.upgrade(database_target)
    yield database_target
    await drop_database(database_target)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.mktemp("data")
    # The local feed server listens on 127.0.0.1: the SSRF guard itself is tested in tests/fetching.
    return Settings(
        database_url=None, data_dir=data_dir, secret_key="t" * 48, login_max_failures=3, allow_private_networks=True
    )


@pytest.fixture(scope="session")
async def runtime(settings: Settings, migrated_database: DatabaseTarget) -> AsyncIterator[Runtime]:
    async with open_runtime(settings, database=migrated_database) as rt:
        yield rt


async def _truncate_all() -> None:
    connection = Tortoise.get_connection("default")
    _, rows = await connection.execute_query(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'aerich'"
    )
    tables = ", ".join(f'"{row["tablename"]}"' for row in rows)
    await connection.execute_script(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


@pytest.fixture
async def db(runtime: Runtime) -> AsyncIterator[Runtime]:
    """The runtime, on empty tables (cleaned before the test, so a failed test leaves its rows to inspect)."""
    await _truncate_all()
    yield runtime


@pytest.fixture
def app(settings: Settings, db: Runtime) -> Quart:
    return create_app(settings, runtime=db)


@pytest.fixture
def client(app: Quart) -> QuartClient:
    return app.test_client()


@pytest.fixture
async def alice(db: Runtime) -> User:
    """A registered user (TEST_PASSWORD); `bob` is the other user of isolation tests."""
    return await register_user("alice@example.org", TEST_PASSWORD)


@pytest.fixture
async def bob(db: Runtime) -> User:
    return await register_user("bob@example.org", TEST_PASSWORD)


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no csrf_token input in the page"
    return match.group(1)


async def get_csrf(client: QuartClient, path: str = "/accounts/login") -> str:
    response = await client.get(path)
    return csrf_from(await response.get_data(as_text=True))


async def log_in(client: QuartClient, email: str, password: str = TEST_PASSWORD) -> None:
    token = await get_csrf(client)
    response = await client.post("/accounts/login", form={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 302, await response.get_data(as_text=True)
