"""Static files (hashed names, compression, caching) and /healthz, including with the database down."""

from __future__ import annotations

import gzip
import re
import struct
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import brotli
from quart.typing import TestClientProtocol as QuartClient
from tortoise import Tortoise

from legadilo.db import DatabaseTarget
from legadilo.runtime import Runtime
from legadilo.signup.services import register_user
from legadilo.web.assets import STATIC_SOURCE, build_static
from tests.conftest import TEST_PASSWORD, log_in

_ASSET = re.compile(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"')


async def _stylesheet_url(client: QuartClient) -> str:
    match = _ASSET.search(await (await client.get("/accounts/login")).get_data(as_text=True))
    assert match, "the page does not link a hashed stylesheet"
    return match.group(1)


async def test_hashed_static_files_are_cached_forever_and_served_compressed(client: QuartClient) -> None:
    url = await _stylesheet_url(client)
    original = (STATIC_SOURCE / "css" / "app.css").read_bytes()

    plain = await client.get(url)
    assert plain.status_code == 200
    assert "immutable" in plain.headers["Cache-Control"]
    assert "max-age=315360000" in plain.headers["Cache-Control"]
    assert plain.headers["Content-Type"].startswith("text/css")
    assert await plain.get_data() == original

    br = await client.get(url, headers={"Accept-Encoding": "br"})
    assert br.headers["Content-Encoding"] == "br"
    assert brotli.decompress(await br.get_data(as_text=False)) == original

    gz = await client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(await gz.get_data(as_text=False)) == original
    assert "Accept-Encoding" in gz.headers["Vary"]


async def test_unhashed_and_unknown_static_paths_are_not_served(client: QuartClient) -> None:
    assert (await client.get("/static/css/app.css")).status_code == 404
    assert (await client.get("/static/../pyproject.toml")).status_code == 404


def test_a_content_change_yields_a_new_hashed_name_and_build(tmp_path: Path) -> None:
    source = tmp_path / "static"
    (source / "css").mkdir(parents=True)
    (source / "css" / "a.css").write_text("body { color: red; }" * 40)
    first = build_static(source, tmp_path / "out")
    again = build_static(source, tmp_path / "out")
    (source / "css" / "a.css").write_text("body { color: blue; }" * 40)
    changed = build_static(source, tmp_path / "out")

    assert first == again
    assert changed.manifest["css/a.css"] != first.manifest["css/a.css"]
    assert changed.root != first.root
    assert (changed.root / (changed.manifest["css/a.css"] + ".br")).is_file()
    assert re.fullmatch(r"css/a\.[0-9a-f]{12}\.css", changed.manifest["css/a.css"])


async def test_healthz_reports_a_reachable_database(client: QuartClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert await response.get_json() == {"status": "ok", "database": "ok"}


@asynccontextmanager
async def database_down(target: DatabaseTarget) -> AsyncIterator[None]:
    """The test database refuses connections and its open ones are cut, then it comes back."""
    admin = await asyncpg.connect(**target.with_database("postgres").connect_kwargs())
    try:
        await admin.execute(f'ALTER DATABASE "{target.database}" ALLOW_CONNECTIONS false')
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            target.database,
        )
        yield
    finally:
        await admin.execute(f'ALTER DATABASE "{target.database}" ALLOW_CONNECTIONS true')
        await admin.close()


async def test_healthz_answers_503_while_the_database_is_down_and_recovers(
    client: QuartClient, migrated_database: DatabaseTarget, db: Runtime
) -> None:
    async with database_down(migrated_database):
        down = await client.get("/healthz")
        assert down.status_code == 503
        assert await down.get_json() == {"status": "error", "database": "unreachable"}

    recovered = await client.get("/healthz")
    assert recovered.status_code == 200


async def test_a_logged_in_page_answers_503_not_500_while_the_database_is_down(
    client: QuartClient, migrated_database: DatabaseTarget, db: Runtime
) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)
    await log_in(client, "alice@example.org")

    async with database_down(migrated_database):
        page = await client.get("/reading/")
        assert page.status_code == 503
        assert "database is unavailable" in await page.get_data(as_text=True)

    assert (await client.get("/reading/")).status_code == 200


def _server_goodbye() -> bytes:
    """The ErrorResponse a backend sends when it is terminated (pg_terminate_backend, a restart), just before it
    closes its socket."""
    fields = b"SFATAL\0VFATAL\0C57P01\0Mterminating connection due to administrator command\0\0"
    return b"E" + struct.pack("!i", len(fields) + 4) + fields


async def test_healthz_is_not_fooled_by_pooled_connections_the_server_said_goodbye_to(
    client: QuartClient, db: Runtime
) -> None:
    """asyncpg reads a terminated backend's goodbye while the connection is idle a moment before the socket
    closes: meanwhile the pool still hands the connection out and every query on it fails with "cannot switch
    to state 11; another operation (2) is in progress". Here the idle pooled connections get that goodbye
    without the socket closing, so the moment lasts: /healthz must still tell that the database answers."""
    assert (await client.get("/healthz")).status_code == 200  # at least one pooled connection
    pool = Tortoise.get_connection("default")._pool
    idle = [holder._con for holder in pool._holders if holder._con is not None and holder._in_use is None]
    assert idle
    try:
        for connection in idle:
            connection._protocol.data_received(_server_goodbye())
        response = await client.get("/healthz")
        assert response.status_code == 200, await response.get_data(as_text=True)
        assert await Tortoise.get_connection("default").execute_query_dict("SELECT 2 AS two") == [{"two": 2}]
    finally:
        await pool.expire_connections()  # without the fix, leave no wedged connection to the next tests
