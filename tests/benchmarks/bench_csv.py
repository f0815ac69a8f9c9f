"""CSV import and export benchmark through the real command line (not collected by pytest; run it by hand):

    ./run python -m tests.benchmarks.bench_csv [--rows 100000 1000000] [--database-url URL]

For each size, generates a realistic CSV file to a temporary folder (streamed to disk, never held in memory):
50 categories, 500 feeds, N article rows with a few kB of HTML each, 0 to 3 tags, a comment on every 20th
article, 60 % read, 5 % favourite, 1 % in series of 10. Then runs `legadilo import csv` and `legadilo export
csv` as subprocesses into a fresh account and prints rows/s both ways and the peak RSS of each subprocess
(Linux: read from /proc). Without --database-url, a fresh database on the embedded test server is used for
each size (and dropped at the end).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from legadilo import schema
from legadilo.db import DatabaseTarget, start_embedded_server
from legadilo.importexport.csv_format import CSV_HEADER_FIELDS
from legadilo.runtime import open_runtime
from legadilo.settings import Settings
from legadilo.signup.services import register_user
from tests.cli.conftest import database_url
from tests.conftest import drop_database, recreate_database

ROOT = Path(__file__).resolve().parents[2]
EMAIL = "bench@example.org"
CATEGORIES = 50
FEEDS = 500
START = datetime(2020, 1, 1, tzinfo=UTC)
WORDS = [
    *("feed", "reader", "article", "server", "python", "database", "index", "query", "stream", "batch"),
    *("memory", "export", "import", "journal", "market", "policy", "science", "climate", "energy", "river"),
    *("mountain", "history", "music", "theatre", "garden", "kitchen", "travel", "review", "opinion", "analysis"),
    *("report", "interview", "season", "league", "weather", "economy", "budget", "election", "vaccine"),
]
TAGS = [f"Tag {n}" for n in range(40)]


def _paragraphs(count: int) -> list[str]:
    """HTML paragraphs of 60 to 120 words with links and emphasis; articles pick a few of them."""
    rng = random.Random(42)
    paragraphs = []
    for n in range(count):
        words = [rng.choice(WORDS) for _ in range(rng.randint(60, 120))]
        words[5] = f'<a href="https://example.org/ref/{n}">{words[5]}</a>'
        words[12] = f"<em>{words[12]}</em>"
        paragraphs.append("<p>" + " ".join(words).capitalize() + ".</p>")
    return paragraphs


def _article_cells(n: int, paragraphs: list[str]) -> dict[str, str]:
    feed = n % FEEDS
    published = START + timedelta(minutes=7 * n)
    body = "\n".join(paragraphs[(n * 7 + k * 13) % len(paragraphs)] for k in range(5))
    cells = {
        "category_id": str(feed % CATEGORIES + 1),
        "category_title": f"Category {feed % CATEGORIES}",
        "feed_id": str(feed + 1),
        "feed_title": f"Feed {feed}",
        "feed_url": f"https://site{feed}.example.org/feed.xml",
        "feed_site_url": f"https://site{feed}.example.org/",
        "article_id": str(n + 1),
        "article_title": f"Article {n}: {WORDS[n % len(WORDS)]} and {WORDS[(n // 7) % len(WORDS)]}",
        "article_url": f"https://site{feed}.example.org/{published:%Y/%m}/article-{n}.html",
        "article_content": f"<h2>Article {n}</h2>\n{body}",
        "article_content_type": "text/html",
        "article_date_published": published.isoformat(),
        "article_date_updated": (published + timedelta(hours=n % 48)).isoformat(),
        "article_authors": json.dumps([f"Author {n % 300}"]),
        "article_tags": json.dumps(TAGS[n % 37 : n % 37 + n % 4]),
        "article_read_at": (published + timedelta(days=1)).isoformat() if n % 10 < 6 else "",
        "article_is_favorite": "True" if n % 20 == 0 else "False",
        "article_lang": "en",
        "article_comments": json.dumps([f"Comment on {n}, with a <b>tag</b>"] if n % 20 == 7 else []),
    }
    if n % 1000 < 10:  # 1 % of the articles, in series of 10
        series = n // 1000
        cells.update(group_id=str(series + 1), group_title=f"Series {series}", group_tags=json.dumps(["series"]))
    return cells


def _rows(articles: int) -> Iterator[dict[str, str]]:
    for n in range(CATEGORIES):
        yield {"category_id": str(n + 1), "category_title": f"Category {n}"}
    for n in range(FEEDS):
        yield {
            "category_id": str(n % CATEGORIES + 1),
            "category_title": f"Category {n % CATEGORIES}",
            "feed_id": str(n + 1),
            "feed_title": f"Feed {n}",
            "feed_url": f"https://site{n}.example.org/feed.xml",
            "feed_site_url": f"https://site{n}.example.org/",
        }
    paragraphs = _paragraphs(400)
    for n in range(articles):
        yield _article_cells(n, paragraphs)


def generate(path: Path, articles: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=CSV_HEADER_FIELDS, restval="")
        writer.writeheader()
        writer.writerows(_rows(articles))


def _peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident set since its exec (VmHWM), or None once it is gone."""
    try:
        with Path(f"/proc/{pid}/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run_cli(args: list[str], env: dict[str, str]) -> tuple[float, float, str, str]:
    """Run `legadilo ARGS`; its wall-clock seconds, its peak RSS in MB, its stdout and stderr.

    The peak is the child's VmHWM, read every 50 ms while it runs: wait4's ru_maxrss would also count the memory
    of this process at fork time."""
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "cli.main", *args], stdout=stdout, stderr=stderr, env=env)
        peak = 0.0
        while process.poll() is None:
            peak = max(peak, _peak_rss_mb(process.pid) or 0.0)
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        stdout.seek(0)
        stderr.seek(0)
        out, err = stdout.read().decode(), stderr.read().decode()
    if process.returncode != 0:
        raise SystemExit(f"legadilo {' '.join(args)} failed ({process.returncode}): {err.strip()}")
    return elapsed, peak, out, err


def _count_rows(path: Path) -> tuple[int, int]:
    """Article rows and all rows of an exported file, read back with the csv module."""
    articles = rows = 0
    with path.open(encoding="utf-8", newline="") as source:
        for row in csv.DictReader(source):
            rows += 1
            articles += bool(row["article_id"])
    return articles, rows


async def _fresh_account(target: DatabaseTarget, settings: Settings) -> None:
    await recreate_database(target)
    await schema.upgrade(target)
    async with open_runtime(settings, database=target):
        await register_user(EMAIL, "benchmark password")


def bench(articles: int, target: DatabaseTarget, settings: Settings, folder: Path) -> dict[str, Any]:
    source = folder / f"bench-{articles}.csv"
    exported = folder / f"export-{articles}.csv"
    generate(source, articles)
    asyncio.run(_fresh_account(target, settings))
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LEGADILO_", "DATABASE_URL"))}
    env.update(DATABASE_URL=database_url(target), LEGADILO_DATA_DIR=str(folder / "data"), PYTHONPATH=str(ROOT))
    try:
        import_seconds, import_rss, out, _ = run_cli(["import", "csv", str(source), "--user", EMAIL, "--json"], env)
        report = json.loads(out)
        export_seconds, export_rss, _, _ = run_cli(["export", "csv", "--user", EMAIL, "-o", str(exported)], env)
    finally:
        asyncio.run(drop_database(target))
    exported_articles, exported_rows = _count_rows(exported)
    assert exported_articles == articles, (exported_articles, articles)
    result = {
        "articles": articles,
        "csv_mb": round(source.stat().st_size / 2**20, 1),
        "import_created": report["created"],
        "import_invalid": report["invalid"],
        "import_seconds": round(import_seconds, 1),
        "import_rows_per_second": round((articles + CATEGORIES + FEEDS) / import_seconds),
        "import_peak_rss_mb": round(import_rss, 1),
        "export_seconds": round(export_seconds, 1),
        "export_rows_per_second": round(exported_rows / export_seconds),
        "export_mb": round(exported.stat().st_size / 2**20, 1),
        "export_peak_rss_mb": round(export_rss, 1),
    }
    source.unlink()
    exported.unlink()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000], help="article rows (one run per size)")
    parser.add_argument("--database-url", default=os.environ.get("LEGADILO_BENCH_DATABASE_URL"))
    args = parser.parse_args()

    if args.database_url:
        target = DatabaseTarget.from_url(args.database_url)
    else:
        root = Path(tempfile.gettempdir()) / "legadilo-test-postgres"
        root.mkdir(exist_ok=True)
        target = start_embedded_server(root).with_database(f"legadilo_bench_{os.getpid()}")
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings.from_env({"LEGADILO_DATA_DIR": folder}, dotenv_path=None)
        runs = [bench(rows, target, settings, Path(folder)) for rows in args.rows]
    print(
        json.dumps(
            {"machine": f"{os.cpu_count()} cores, {os.uname().sysname} {os.uname().machine}", "runs": runs}, indent=2
        )
    )


if __name__ == "__main__":
    main()
