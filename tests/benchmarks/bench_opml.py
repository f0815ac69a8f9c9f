"""OPML import benchmark (not collected by pytest; run it by hand):

    ./run python -m tests.benchmarks.bench_opml [--feeds 10000] [--database-url URL]

Generates an OPML file of N feeds in nested folders (a tenth of the feeds duplicated, to exercise the report),
imports it into a fresh account, then exports it again. Prints the seconds of each step and the peak RSS.
Without --database-url, a fresh database on the embedded test server is used (and dropped at the end).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from legadilo import schema
from legadilo.db import DatabaseTarget, start_embedded_server
from legadilo.feeds.models import Feed, FeedCategory
from legadilo.importexport.services import export_opml, import_opml
from legadilo.runtime import open_runtime
from legadilo.settings import Settings
from legadilo.signup.services import register_user
from tests.conftest import drop_database, recreate_database


def generate(path: Path, feeds: int) -> None:
    """Folders three levels deep (10 x 10 x n), 50 feeds per folder; every tenth feed repeated elsewhere."""
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><head><title>bench</title></head><body>\n'
        )
        n = 0
        top = 0
        while n < feeds:
            out.write(f'<outline text="Top {top}">\n')
            for middle in range(10):
                out.write(f'  <outline text="Top {top} / Middle {middle}">\n')
                for leaf in range(10):
                    out.write(f'    <outline text="Leaf {top}.{middle}.{leaf}">\n')
                    for _ in range(50):
                        if n >= feeds:
                            break
                        out.write(
                            f'      <outline type="rss" text="Feed {n} &amp; co" title="Feed {n} &amp; co"'
                            f' xmlUrl="https://site{n}.example.org/feed.xml" htmlUrl="https://site{n}.example.org/"/>\n'
                        )
                        if n % 10 == 0:
                            out.write(f'      <outline text="dup" xmlUrl="https://site{n}.example.org/feed.xml"/>\n')
                        n += 1
                    out.write("    </outline>\n")
                out.write("  </outline>\n")
            out.write("</outline>\n")
            top += 1
        out.write("</body></opml>\n")


async def run(feeds: int, target: DatabaseTarget, settings: Settings, path: Path) -> dict[str, Any]:
    await recreate_database(target)
    await schema.upgrade(target)
    try:
        async with open_runtime(settings, database=target) as rt:
            user = await register_user("bench@example.org", "benchmark password")
            started = time.perf_counter()
            summary = await import_opml(rt, user.id, str(path))
            imported = time.perf_counter() - started
            assert summary.feeds_created == feeds, summary.feeds_created
            assert await Feed.filter(user_id=user.id).count() == feeds
            out = io.BytesIO()
            started = time.perf_counter()
            written = await export_opml(rt, user.id, out)
            exported = time.perf_counter() - started
            assert written == feeds
            return {
                "feeds": feeds,
                "categories": await FeedCategory.filter(user_id=user.id).count(),
                "skipped_duplicates": len(summary.skipped),
                "import_seconds": round(imported, 2),
                "import_feeds_per_second": round(feeds / imported),
                "export_seconds": round(exported, 2),
                "export_bytes": len(out.getvalue()),
            }
    finally:
        await drop_database(target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=10_000)
    parser.add_argument("--database-url", default=os.environ.get("LEGADILO_BENCH_DATABASE_URL"))
    args = parser.parse_args()

    if args.database_url:
        target = DatabaseTarget.from_url(args.database_url)
    else:
        root = Path(tempfile.gettempdir()) / "legadilo-test-postgres"
        root.mkdir(exist_ok=True)
        target = start_embedded_server(root).with_database(f"legadilo_bench_{os.getpid()}")
    settings = Settings.from_env({"LEGADILO_DATA_DIR": tempfile.mkdtemp()}, dotenv_path=None)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.opml"
        generate(path, args.feeds)
        size = path.stat().st_size
        result = asyncio.run(run(args.feeds, target, settings, path))
    summary = {
        "machine": f"{os.cpu_count()} cores, {os.uname().sysname} {os.uname().machine}",
        "opml_bytes": size,
        **result,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
