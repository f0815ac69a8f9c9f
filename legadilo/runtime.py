"""The one owner of process resources: database connections, the HTTP client session, the parse pool.

The web app (while serving), every CLI command and the tests enter `open_runtime()` and pass the
`Runtime` down to services; nothing else opens a connection or a session.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import sys
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import aiohttp
from tortoise import Tortoise
from tortoise.context import TortoiseContext

from legadilo import __version__
from legadilo.core.clock import Clock, SystemClock
from legadilo.db import DatabaseTarget, resolve_database, tortoise_config
from legadilo.fetching.session import make_http_session as make_guarded_session
from legadilo.fetching.types import FetchLimits
from legadilo.settings import Settings

USER_AGENT = f"Legadilo/{__version__} (feed reader; +https://github.com/Jenselme/legadilo)"
# What the pool's tasks import: loaded once by the fork server (see _pool_preload).
POOL_MODULES = ("legadilo.parsing.pool_setup", "legadilo.parsing.feeds", "legadilo.parsing.articles")


@dataclass
class Runtime:
    settings: Settings
    database: DatabaseTarget
    http: aiohttp.ClientSession
    clock: Clock = field(default_factory=SystemClock)
    _parse_pool: ProcessPoolExecutor | None = None

    @property
    def parse_pool(self) -> ProcessPoolExecutor:
        """A process pool for CPU-bound parsing (one worker per core), started on first use."""
        if self._parse_pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(_pool_preload())  # read when the fork server starts
            self._parse_pool = ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=context)
        return self._parse_pool

    def reset_parse_pool(self, pool: ProcessPoolExecutor) -> None:
        """Drop this broken or stuck pool (its workers are killed); the next parse starts a fresh one. A pool
        already replaced by another task is left alone."""
        if self._parse_pool is pool:
            self._parse_pool = None
        if pool is not None:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.kill()
            pool.shutdown(wait=False, cancel_futures=True)


def _pool_preload() -> list[str]:
    """The modules the fork server imports once, before forking the pool's workers: the pool's tasks, and the
    entry point. Each worker runs the entry point again when it starts (multiprocessing does, so that tasks
    defined there can be found: the `legadilo` script, or the module run with `python -m`); with everything it
    imports already loaded, that costs nothing, where it cost each worker every import of the application
    (0.5 to 2 CPU s without bytecode caches, at each start or rebuild of the pool). The fork server runs the
    entry point module like the workers do anyway (as a module, so its `if __name__ == "__main__"` part does
    not run)."""
    modules = [*POOL_MODULES, *(name for name in ("cli.main",) if name in sys.modules)]
    main_spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    main_name = getattr(main_spec, "name", None)
    if isinstance(main_name, str) and main_name != "__main__" and not main_name.endswith(".__main__"):
        modules.append(main_name)  # `python -m module`
    return list(dict.fromkeys(modules))


def fetch_limits(settings: Settings) -> FetchLimits:
    fetch = settings.fetch
    return FetchLimits(
        connect_timeout=fetch.connect_timeout,
        total_timeout=fetch.total_timeout,
        max_body_bytes=fetch.max_body_bytes,
        max_redirects=fetch.max_redirects,
    )


def make_http_session(settings: Settings) -> aiohttp.ClientSession:
    """The guarded session (SSRF-checked resolver, no cookies, streaming decompression by the fetcher)."""
    return make_guarded_session(
        fetch_limits(settings),
        allow_private_networks=settings.allow_private_networks,
        user_agent=USER_AGENT,
        concurrency=settings.fetch.concurrency,
        # Per-host limits are applied by the refresh (legadilo.feeds.hosts), outside the fetch timeout.
        per_host=0,
    )


@asynccontextmanager
async def open_runtime(
    settings: Settings, *, database: DatabaseTarget | None = None, clock: Clock | None = None
) -> AsyncIterator[Runtime]:
    """Connect to the database (resolving the embedded server when needed), open the HTTP session,
    and close everything in reverse order on exit.

    Raises:
        DatabaseUnavailable: the database cannot be reached.
    """
    target = database if database is not None else await resolve_database(settings)
    async with TortoiseContext():  # closes the connections on exit
        # The global fallback makes the connections visible to every task (Quart serves each request in a
        # task of its own, outside the lifespan task that opened the runtime).
        await Tortoise.init(config=tortoise_config(target), _enable_global_fallback=True)
        async with make_http_session(settings) as http:
            runtime = Runtime(settings=settings, database=target, http=http, clock=clock or SystemClock())
            try:
                yield runtime
            finally:
                if runtime._parse_pool is not None:
                    await asyncio.to_thread(runtime._parse_pool.shutdown, wait=True, cancel_futures=True)
