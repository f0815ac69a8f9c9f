"""Apply and inspect the aerich migrations, under a PostgreSQL advisory lock so that several processes
starting at once (N web replicas, a worker) migrate exactly once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from aerich import Command
from aerich.exceptions import DowngradeError
from tortoise import Tortoise
from tortoise.context import TortoiseContext

from legadilo.core.errors import InvalidInput
from legadilo.db import APP_LABEL, MIGRATIONS_DIR, DatabaseTarget, connect, tortoise_config

# Any constant shared by every Legadilo process: the key of the migration advisory lock.
MIGRATION_LOCK_KEY = 0x4C6567616469


@asynccontextmanager
async def _migration_lock(target: DatabaseTarget) -> AsyncIterator[asyncpg.Connection]:
    connection = await connect(target)
    try:
        await connection.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
        yield connection
    finally:
        await connection.close()  # closing the session releases the lock


@asynccontextmanager
async def _command(target: DatabaseTarget, *, initialised: bool = True) -> AsyncIterator[Command]:
    config = tortoise_config(target, max_connections=2)
    # A context of its own: migrating never disturbs the connections of a runtime open in this process.
    async with TortoiseContext():
        await Tortoise.init(config=config)
        command = Command(config, app=APP_LABEL, location=str(MIGRATIONS_DIR))
        if initialised:
            await command.init()
        yield command


async def _is_initialised(connection: asyncpg.Connection) -> bool:
    return bool(await connection.fetchval("SELECT to_regclass('public.aerich') IS NOT NULL"))


async def upgrade(target: DatabaseTarget) -> list[str]:
    """Apply every pending migration, each in its own transaction; return the names applied."""
    async with _migration_lock(target) as connection:
        if not await _is_initialised(connection):
            # A fresh database: aerich's init applies every migration file in order.
            async with _command(target, initialised=False) as command:
                await command.init_db(safe=True)
            return history()
        async with _command(target) as command:
            return await command.upgrade(run_in_transaction=True)


async def downgrade(target: DatabaseTarget, version: int) -> list[str]:
    """Revert migrations down to `version` (-1: the last one only); return the names reverted.

    Raises:
        InvalidInput: no applied migration has that version.
    """
    async with _migration_lock(target) as connection:
        if not await _is_initialised(connection):
            raise InvalidInput("this database has no migration applied: nothing to downgrade")
    async with _migration_lock(target), _command(target) as command:
        try:
            return await command.downgrade(version, delete=False)
        except DowngradeError as exc:
            raise InvalidInput(f"cannot downgrade to {version}: {exc}") from None


def history() -> list[str]:
    """Every migration file, oldest first."""
    files = (MIGRATIONS_DIR / APP_LABEL).glob("*.py")
    versions = [path for path in files if path.stem.split("_", 1)[0].isdigit()]
    return [path.name for path in sorted(versions, key=lambda path: int(path.stem.split("_", 1)[0]))]


async def heads(target: DatabaseTarget) -> list[str]:
    """The migrations not applied yet."""
    async with _migration_lock(target) as connection:
        if not await _is_initialised(connection):
            return history()
    async with _command(target) as command:
        return await command.heads()
