"""Refresh benchmark against a local feed farm (not collected by pytest; run it by hand):

    ./run python -m tests.benchmarks.bench_refresh [--feeds 2000] [--entries 20] [--database-url URL]

Measures (a) the ceiling: feedparser alone (its sanitiser off) on the same bodies, one process per core;
(b) the first full refresh of N feeds; (c) a second refresh with nothing changed; (d) a refresh where a
tenth of the feeds gained an entry. Prints feeds/s, CPU seconds per stage (this process, the parse pool, the
feed farm, PostgreSQL's backends for the benchmark's database and the server's own processes: CPU time, not
wall-clock time, so that other work on a shared machine does not count) and peak RSS, and checks that no
article is duplicated. Without --database-url, a fresh database on the embedded
test server is used (and dropped at the end).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import feedparser
import psutil
from tortoise import Tortoise

from legadilo import schema
from legadilo.db import DatabaseTarget, start_embedded_server
from legadilo.feeds import scheduler
from legadilo.feeds.models import FeedSource
from legadilo.runtime import open_runtime
from legadilo.settings import Settings
from legadilo.signup.services import register_user
from tests.conftest import drop_database, recreate_database
from tests.feedfarm import rss

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _feedparser_only(body: bytes) -> tuple[int, float]:
    """feedparser with the pipeline's settings: its sanitiser and its URL resolution off (we do both).
    Returns the entries read and the CPU seconds it took."""
    started = time.process_time()
    entries = len(feedparser.parse(io.BytesIO(body), sanitize_html=False, resolve_relative_uris=False).entries)
    return entries, time.process_time() - started


def measure_ceiling(feeds: int, entries: int, base_url: str) -> tuple[float, float]:
    """feedparser alone on the farm's bodies, one process per core: feeds per second, CPU ms per feed."""
    bodies = [rss(n, entries, base_url) for n in range(1, feeds + 1)]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(_feedparser_only, bodies[:4]))  # warm the workers up
        started = time.perf_counter()
        results = list(pool.map(_feedparser_only, bodies, chunksize=16))
        elapsed = time.perf_counter() - started
    assert sum(parsed for parsed, _ in results) == feeds * entries
    return feeds / elapsed, sum(cpu for _, cpu in results) * 1000 / feeds


FARM_PID: list[int] = []
POSTMASTER_PID: list[int] = []  # the embedded server's postmaster, when the benchmark started it


def _process_cpu(process: psutil.Process) -> float:
    with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
        return float(sum(process.cpu_times()[:2]))
    return 0.0


def _postgres_processes(database: str) -> tuple[list[psutil.Process], list[psutil.Process]]:
    """The server's backends working for `database`, and its own processes (WAL writer, checkpointer, I/O
    workers, background writer…). Backends of other databases (other test runs on a shared machine) are left
    out. Empty when the server is not the embedded one of this benchmark."""
    if not POSTMASTER_PID:
        return [], []
    with contextlib.suppress(psutil.NoSuchProcess):
        ours, server = [], [psutil.Process(POSTMASTER_PID[0])]
        for child in server[0].children():
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                title = " ".join(child.cmdline())
                if f" {database} " in f"{title} ":
                    ours.append(child)
                elif not title.startswith("postgres: postgres "):  # not a client backend of another database
                    server.append(child)
        return ours, server
    return [], []


class CpuMeter:
    """CPU seconds (user + system) per stage between `start()` and `stop()`: the refresh process, its parse
    pool, the feed farm, PostgreSQL's backends for the benchmark's database and the server's own processes.
    Processes born during the measure count from zero; processes that die during it are lost (the pool and
    the connections live for the whole run, so nothing measured is)."""

    def __init__(self, database: str) -> None:
        self.database = database
        self._before: dict[tuple[str, int], float] = {}

    def _snapshot(self) -> dict[tuple[str, int], float]:
        me = psutil.Process()
        values = {("refresh process", me.pid): _process_cpu(me)}
        for child in me.children(recursive=True):
            stage = "feed farm" if child.pid in FARM_PID else "parse pool"
            values[(stage, child.pid)] = _process_cpu(child)
        ours, server = _postgres_processes(self.database)
        values.update({("postgres backends", p.pid): _process_cpu(p) for p in ours})
        values.update({("postgres server processes", p.pid): _process_cpu(p) for p in server})
        return values

    def start(self) -> None:
        self._before = self._snapshot()

    def stop(self) -> dict[str, float]:
        stages: dict[str, float] = {}
        for (stage, pid), seconds in self._snapshot().items():
            stages[stage] = stages.get(stage, 0.0) + seconds - self._before.get((stage, pid), 0.0)
        return {stage: round(seconds, 2) for stage, seconds in sorted(stages.items())}


def _pool_peak_rss_mb() -> float:
    me = psutil.Process()
    sizes = [c.memory_info().rss for c in me.children(recursive=True) if c.pid not in FARM_PID]
    return max(sizes, default=0) / 1024 / 1024


async def _subscribe_without_fetching(user_id: int, urls: list[str]) -> None:
    """What an OPML import does: sources and subscriptions, due at once."""
    conn = Tortoise.get_connection("default")
    await conn.execute_query(
        """INSERT INTO feed_source (url, etag, last_modified, body_hash, next_check_at, lease_owner, last_outcome,
               last_error, error_streak, created_at, updated_at)
           SELECT u, '', '', '', now(), '', 'NEVER', '', 0, now(), now() FROM unnest($1::text[]) AS u""",
        [urls],
    )
    await conn.execute_query(
        """INSERT INTO feed (user_id, source_id, title, slug, site_url, description, feed_type, refresh_delay,
               article_retention_time, open_original_url_by_default, disabled_reason, created_at, updated_at)
           SELECT $1, id, url, '', '', '', 'rss20', 'HOURLY', 0, false, '', now(), now() FROM feed_source""",
        [user_id],
    )


async def _round(rt: Any, label: str) -> dict[str, Any]:
    await FeedSource.all().update(next_check_at=rt.clock.now())
    meter = CpuMeter(rt.database.database)
    meter.start()
    started = time.perf_counter()
    report = await scheduler.refresh_due(rt)
    elapsed = time.perf_counter() - started
    stages = meter.stop()
    sources = max(len(report.outcomes), 1)
    return {
        "round": label,
        "sources": len(report.outcomes),
        "outcomes": dict(report.counts),
        "new_articles": report.new_articles,
        "seconds": round(elapsed, 2),
        "feeds_per_second": round(len(report.outcomes) / elapsed, 1),
        "cpu_seconds_including_pool": round(stages.get("refresh process", 0) + stages.get("parse pool", 0), 1),
        "cpu_seconds_by_stage": stages,
        "cpu_ms_per_feed_by_stage": {stage: round(seconds * 1000 / sources, 2) for stage, seconds in stages.items()},
        "largest_pool_worker_rss_mb": round(_pool_peak_rss_mb(), 1),
    }


async def _duplicates() -> int:
    _, rows = await Tortoise.get_connection("default").execute_query(
        "SELECT count(*) - count(DISTINCT (user_id, url)) AS d FROM article"
    )
    return int(rows[0]["d"])


async def run(feeds: int, entries: int, target: DatabaseTarget, farm_url: str, settings: Settings) -> dict[str, Any]:
    await recreate_database(target)
    await schema.upgrade(target)
    async with open_runtime(settings, database=target) as rt:
        user = await register_user("bench@example.org", "benchmark password")
        await _subscribe_without_fetching(user.id, [f"{farm_url}/feeds/{n}.xml" for n in range(1, feeds + 1)])
        rounds = [await _round(rt, "first full refresh")]
        rounds.append(await _round(rt, "nothing changed"))
        grown = ",".join(str(n) for n in range(1, feeds + 1, 10))
        request = urllib.request.Request(f"{farm_url}/_grow?feeds={grown}", method="POST")
        await asyncio.to_thread(lambda: urllib.request.urlopen(request).read())
        rounds.append(await _round(rt, "a tenth gained an entry"))
        _, rows = await Tortoise.get_connection("default").execute_query("SELECT count(*) AS n FROM article")
        result = {"rounds": rounds, "articles": int(rows[0]["n"]), "duplicates": await _duplicates()}
    await drop_database(target)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--database-url", default=os.environ.get("LEGADILO_BENCH_DATABASE_URL"))
    args = parser.parse_args()

    port = _free_port()
    farm_url = f"http://127.0.0.1:{port}"
    farm = subprocess.Popen(
        [sys.executable, "-m", "tests.benchmarks.farm_server", "--port", str(port), "--entries", str(args.entries)],
        cwd=ROOT,
    )
    FARM_PID.append(farm.pid)
    try:
        time.sleep(1.5)
        if args.database_url:
            target = DatabaseTarget.from_url(args.database_url)
        else:
            root = Path(tempfile.gettempdir()) / "legadilo-test-postgres"
            root.mkdir(exist_ok=True)
            target = start_embedded_server(root).with_database(f"legadilo_bench_{os.getpid()}")
            with contextlib.suppress(OSError, ValueError, IndexError):
                POSTMASTER_PID.append(int((root / "postgres" / "postmaster.pid").read_text().split()[0]))
        settings = replace(
            Settings.from_env({"LEGADILO_DATA_DIR": tempfile.mkdtemp()}, dotenv_path=None),
            allow_private_networks=True,
        )
        settings = replace(settings, fetch=replace(settings.fetch, per_host=settings.fetch.concurrency))
        result = asyncio.run(run(args.feeds, args.entries, target, farm_url, settings))
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the ceiling loads every body
        ceiling, ceiling_cpu_ms = measure_ceiling(args.feeds, args.entries, farm_url)
    finally:
        farm.terminate()
        farm.wait()
    first = result["rounds"][0]["feeds_per_second"]
    summary = {
        "machine": f"{os.cpu_count()} cores, {os.uname().sysname} {os.uname().machine}",
        "feeds": args.feeds,
        "entries_per_feed": args.entries,
        "ceiling_feedparser_only_feeds_per_second": round(ceiling, 1),
        "ceiling_feedparser_only_cpu_ms_per_feed": round(ceiling_cpu_ms, 2),
        **result,
        "first_refresh_share_of_ceiling": round(first / ceiling, 2),
        "peak_rss_mb_refresh_process": round(own, 1),
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
