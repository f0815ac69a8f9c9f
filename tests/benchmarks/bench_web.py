"""Web benchmark (not collected by pytest; run it by hand):

    ./run python -m tests.benchmarks.bench_web [--articles 100000] [--workers 1 2] [--seconds 20]
                                               [--connections 8] [--database-url URL]

Seeds one user with N articles (titles, about 2 to 4 kB of sanitised HTML, summaries, 30 % unread, some
favourites and for later, 0 to 3 tags each out of 50, over 200 feeds and two years) and 20 reading lists
(the 5 defaults plus 15 with varied filters), all with bulk SQL. Then, for each worker count, starts
`legadilo serve` as a subprocess (Hypercorn with the production settings, access log included), logs in over
HTTP and load-tests with `wrk` (Debian package `wrk`) and 8 keep-alive connections: the default reading list
page, an article page (alone, and as opened from the default list, with its previous/next links; the first
view from the list marks it opened and read, later ones change nothing) and a second reading list with tag
filters (read articles of the last 30 days, oldest first). Prints requests/s, p50/p90/p99 latency, socket
errors and answers other than 2xx/3xx (a run whose answers are smaller than the page, redirected to the login
page, say, stops the benchmark), the page's size and the server's RSS (all its processes). Without
--database-url, a fresh database on the embedded test server is used (and dropped at the end).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import psutil
from tortoise import Tortoise

from legadilo import schema
from legadilo.db import DatabaseTarget, start_embedded_server
from legadilo.runtime import open_runtime
from legadilo.settings import Settings
from legadilo.signup.services import register_user
from tests.conftest import drop_database, recreate_database

ROOT = Path(__file__).resolve().parents[2]
EMAIL = "bench@example.org"
PASSWORD = "benchmark password"
FEEDS = 200
TAGS = 50

WORDS = [
    "feed",
    "reader",
    "article",
    "history",
    "science",
    "politics",
    "climate",
    "energy",
    "market",
    "software",
    "python",
    "database",
    "server",
    "network",
    "privacy",
    "security",
    "design",
    "music",
    "cinema",
    "travel",
    "garden",
    "cooking",
    "bicycle",
    "mountain",
    "river",
    "ocean",
    "city",
    "village",
    "library",
    "school",
    "health",
    "research",
    "economy",
    "policy",
    "election",
    "summit",
    "festival",
    "review",
    "interview",
    "analysis",
    "report",
    "update",
    "release",
    "version",
    "tutorial",
    "guide",
    "opinion",
    "letter",
    "column",
    "story",
    "photo",
    "essay",
]

# Only a `done` hook: a `response` hook would hand every answer to Lua, more work for wrk, which shares the two
# cores with the server. Answers other than 2xx/3xx are wrk's `errors.status`; a 3xx (the login page, say)
# shows as a size per response far below the page's (checked in `measure`).
WRK_SCRIPT = """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d\\n", summary.requests, summary.duration, summary.bytes,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _paragraphs(count: int) -> list[str]:
    """Distinct paragraphs of 300 to 600 bytes of plain words, with the markup a sanitised article keeps."""
    result = []
    for n in range(count):
        words = [WORDS[(n * 7 + i * (n % 5 + 3)) % len(WORDS)] for i in range(45 + n % 40)]
        text = " ".join(words)
        if n % 4 == 0:
            link = f'<a href="https://example.org/ref/{n}" rel="noopener">{WORDS[n % len(WORDS)]}</a>'
            text = f"{text[:80]} {link} {text[80:]}"
        if n % 6 == 0:
            text = f"<strong>{text[:40]}</strong>{text[40:]} <em>{WORDS[(n + 3) % len(WORDS)]}</em>."
        result.append(f"<p>{text}.</p>")
    return result


async def _sql(sql: str, *params: Any) -> list[dict[str, Any]]:
    return await Tortoise.get_connection("default").execute_query_dict(sql, list(params))


async def seed(user_id: int, articles: int) -> dict[str, Any]:
    """Feeds, tags, articles with their tags and feed links, and 15 extra reading lists, in a few statements."""
    started = time.perf_counter()
    await _sql(
        """INSERT INTO feed_source (url, etag, last_modified, body_hash, next_check_at, lease_owner, last_outcome,
               last_error, error_streak, created_at, updated_at)
           SELECT 'https://site' || g || '.example.org/feed.xml', '', '', '', now() + interval '1 hour', '',
                  'SUCCESS', '', 0, now(), now()
           FROM generate_series(1, $1::int) AS g""",
        FEEDS,
    )
    await _sql(
        """INSERT INTO feed (user_id, source_id, title, slug, site_url, description, feed_type, refresh_delay,
               article_retention_time, open_original_url_by_default, disabled_reason, created_at, updated_at)
           SELECT $1, s.id, 'Site ' || s.id || ' news', 'site-' || s.id || '-news',
                  'https://site' || s.id || '.example.org/', '', 'rss20', 'HOURLY', 0, false, '', now(), now()
           FROM feed_source AS s""",
        user_id,
    )
    await _sql(
        """INSERT INTO tag (user_id, title, slug)
           SELECT $1, initcap(($2::text[])[g]) || ' ' || g, ($2::text[])[g] || '-' || g
           FROM generate_series(1, $3::int) AS g""",
        user_id,
        WORDS,
        TAGS,
    )
    paragraphs = _paragraphs(64)
    # Articles: 5 to 8 paragraphs (2 to 4 kB), read unless g % 10 < 3, favourite every 50th, for later every
    # 37th, published over two years (g spreads them: neighbouring ids are not neighbouring dates).
    await _sql(
        """WITH feeds AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(title ORDER BY id) AS titles
                          FROM feed WHERE user_id = $1),
           rows AS (
               SELECT g, now() - make_interval(secs => ((g::bigint * 7919) % (730 * 86400))::double precision)
                      AS published,
                      1 + (g * 13) % $4 AS w, 1 + g % $5 AS f
               FROM generate_series(1, $2::int) AS g)
           INSERT INTO article (user_id, url, title, slug, summary, content, content_type, reading_time, authors,
               contributors, preview_picture_url, preview_picture_alt, external_tags, external_article_id,
               annotations, language, table_of_content, read_at, opened_at, is_favorite, is_for_later,
               main_source_type, main_source_title, main_feed_id, group_order, published_at, updated_at,
               obj_created_at, obj_updated_at)
           SELECT $1, 'https://site' || feeds.ids[f] || '.example.org/posts/' || g,
                  initcap(($3::text[])[w]) || ' ' || ($3::text[])[1 + (g * 7) % $4] || ' and the '
                      || ($3::text[])[1 + (g * 11) % $4] || ' of ' || g,
                  ($3::text[])[w] || '-' || ($3::text[])[1 + (g * 7) % $4] || '-and-the-'
                      || ($3::text[])[1 + (g * 11) % $4] || '-of-' || g,
                  left(($6::text[])[1 + (g * 3) % 64], 240),
                  '<h2>' || initcap(($3::text[])[w]) || '</h2>' || ($6::text[])[1 + g % 64]
                      || ($6::text[])[1 + (g * 5) % 64] || ($6::text[])[1 + (g * 11) % 64]
                      || '<h2>' || initcap(($3::text[])[1 + (g * 3) % $4]) || '</h2>' || ($6::text[])[1 + (g * 17) % 64]
                      || ($6::text[])[1 + (g * 23) % 64]
                      || CASE WHEN g % 4 >= 1 THEN ($6::text[])[1 + (g * 29) % 64] ELSE '' END
                      || CASE WHEN g % 4 >= 2 THEN ($6::text[])[1 + (g * 31) % 64] ELSE '' END
                      || CASE WHEN g % 4 = 3 THEN ($6::text[])[1 + (g * 37) % 64] ELSE '' END,
                  'text/html', 2 + g % 12, jsonb_build_array('Author ' || (g % 300)), '[]'::jsonb,
                  CASE WHEN g % 3 = 0 THEN 'https://site' || feeds.ids[f] || '.example.org/img/' || g || '.jpg'
                       ELSE '' END,
                  '', '[]'::jsonb, '', '[]'::jsonb, 'en', '[]'::jsonb,
                  CASE WHEN g % 10 < 3 THEN NULL ELSE published + interval '5 hours' END,
                  CASE WHEN g % 10 >= 8 THEN published + interval '5 hours' ELSE NULL END,
                  g % 50 = 0, g % 37 = 0, 'FEED', feeds.titles[f], feeds.ids[f], 0, published, NULL, published,
                  published
           FROM rows, feeds""",
        user_id,
        articles,
        WORDS,
        len(WORDS),
        FEEDS,
        paragraphs,
    )
    await _sql(
        """INSERT INTO feed_article (feed_id, article_id, entry_key, last_seen_at, created_at)
           SELECT main_feed_id, id, url, obj_created_at, obj_created_at FROM article WHERE user_id = $1""",
        user_id,
    )
    # 0 to 3 distinct tags per article (steps of 13 modulo 50 never repeat within three).
    await _sql(
        """WITH tags AS (SELECT array_agg(id ORDER BY id) AS ids FROM tag WHERE user_id = $1)
           INSERT INTO article_tag (article_id, tag_id)
           SELECT a.id, tags.ids[1 + (a.id * 7 + j * 13) % $2]
           FROM article AS a, tags, generate_series(1, 3) AS j
           WHERE a.user_id = $1 AND j <= a.id % 4""",
        user_id,
        TAGS,
    )
    await _seed_reading_lists(user_id)
    for table in ("feed_source", "feed", "tag", "article", "feed_article", "article_tag", "reading_list"):
        await Tortoise.get_connection("default").execute_script(f'VACUUM ANALYZE "{table}"')
    counts = (await _sql("SELECT count(*) AS n, count(*) FILTER (WHERE read_at IS NULL) AS unread FROM article"))[0]
    return {
        "articles": int(counts["n"]),
        "unread": int(counts["unread"]),
        "article_tags": int((await _sql("SELECT count(*) AS n FROM article_tag"))[0]["n"]),
        "reading_lists": int((await _sql("SELECT count(*) AS n FROM reading_list"))[0]["n"]),
        "average_content_bytes": int((await _sql("SELECT avg(octet_length(content))::int AS n FROM article"))[0]["n"]),
        "seed_seconds": round(time.perf_counter() - started, 1),
    }


# (title, read, favourite, for later, max age (value, unit), reading time (value, operator),
#  include tag numbers, include operator, exclude tag numbers, exclude operator, order)
EXTRA_LISTS: list[tuple[Any, ...]] = [
    ("Science unread", "ONLY_UNREAD", "ALL", "ALL", (0, "UNSET"), (0, "UNSET"), [1], "ALL", [], "ALL", "DESC"),
    ("Tech any", "ALL", "ALL", "ALL", (0, "UNSET"), (0, "UNSET"), [2, 3, 4], "ANY", [], "ALL", "DESC"),
    ("Two tags", "ALL", "ALL", "ALL", (0, "UNSET"), (0, "UNSET"), [5, 6], "ALL", [], "ALL", "DESC"),
    ("No politics", "ONLY_UNREAD", "ALL", "ALL", (0, "UNSET"), (0, "UNSET"), [], "ALL", [7, 8], "ANY", "DESC"),
    ("Not both", "ALL", "ALL", "ALL", (0, "UNSET"), (0, "UNSET"), [], "ALL", [9, 10], "ALL", "DESC"),
    ("Mixed", "ONLY_UNREAD", "ALL", "ALL", (0, "UNSET"), (0, "UNSET"), [11, 12], "ANY", [13], "ANY", "DESC"),
    ("This week", "ALL", "ALL", "ALL", (1, "WEEKS"), (0, "UNSET"), [], "ALL", [], "ALL", "DESC"),
    ("Last 48 hours", "ONLY_UNREAD", "ALL", "ALL", (48, "HOURS"), (0, "UNSET"), [], "ALL", [], "ALL", "DESC"),
    ("Quick reads", "ONLY_UNREAD", "ALL", "ALL", (0, "UNSET"), (5, "LESS_THAN"), [], "ALL", [], "ALL", "DESC"),
    ("Long reads", "ALL", "ALL", "ALL", (0, "UNSET"), (8, "MORE_THAN"), [], "ALL", [], "ALL", "DESC"),
    ("Oldest first", "ONLY_UNREAD", "ALL", "ALL", (0, "UNSET"), (0, "UNSET"), [], "ALL", [], "ALL", "ASC"),
    ("Read favourites", "ONLY_READ", "ONLY_FAVORITE", "ALL", (0, "UNSET"), (0, "UNSET"), [], "ALL", [], "ALL", "DESC"),
    ("Later not fav", "ALL", "ONLY_NON_FAVORITE", "ONLY_FOR_LATER", (0, "UNSET"), (0, "UNSET"), [], "ALL", [],
     "ALL", "DESC"),
    ("Last months", "ALL", "ALL", "ONLY_NOT_FOR_LATER", (3, "MONTHS"), (0, "UNSET"), [14], "ANY", [15], "ALL", "DESC"),
    ("Archive tags", "ONLY_READ", "ALL", "ALL", (30, "DAYS"), (3, "MORE_THAN"), [16, 17], "ANY", [18, 19], "ANY",
     "ASC"),
]  # fmt: skip


async def _seed_reading_lists(user_id: int) -> None:
    tags = [row["id"] for row in await _sql("SELECT id FROM tag WHERE user_id = $1 ORDER BY id", user_id)]
    for order, spec in enumerate(EXTRA_LISTS, start=10):
        title, read, favorite, later, (age, unit), (minutes, operator) = spec[:6]
        include, include_op, exclude, exclude_op, direction = spec[6:]
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        rows = await _sql(
            """INSERT INTO reading_list (user_id, title, slug, is_default, enable_reading_on_scroll,
                   auto_refresh_interval, "order", read_status, favorite_status, for_later_status,
                   articles_max_age_value, articles_max_age_unit, articles_reading_time,
                   articles_reading_time_operator, include_tag_operator, exclude_tag_operator, order_direction,
                   created_at, updated_at)
               VALUES ($1, $2, $3, false, false, 0, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, now(), now())
               RETURNING id""",
            user_id, title, slug, order, read, favorite, later, age, unit, minutes, operator, include_op,
            exclude_op, direction,
        )  # fmt: skip
        pairs = [(tags[n - 1], "INCLUDE") for n in include] + [(tags[n - 1], "EXCLUDE") for n in exclude]
        if pairs:
            await _sql(
                """INSERT INTO reading_list_tag (reading_list_id, tag_id, filter_type)
                   SELECT $1, t, f FROM unnest($2::bigint[], $3::text[]) AS x(t, f)""",
                rows[0]["id"],
                [tag for tag, _ in pairs],
                [kind for _, kind in pairs],
            )


async def prepare(target: DatabaseTarget, settings: Settings, articles: int) -> dict[str, Any]:
    await recreate_database(target)
    await schema.upgrade(target)
    async with open_runtime(settings, database=target):
        user = await register_user(EMAIL, PASSWORD)
        result = await seed(user.id, articles)
        # An unread article in the middle of the default list's first page, and a list with tag filters.
        row = (
            await _sql(
                """SELECT id FROM article WHERE user_id = $1 AND read_at IS NULL
                   ORDER BY COALESCE(updated_at, published_at, obj_created_at) DESC, id DESC OFFSET 10 LIMIT 1""",
                user.id,
            )
        )[0]
        result["article_id"] = int(row["id"])
        result["lists"] = [r["slug"] for r in await _sql('SELECT slug FROM reading_list ORDER BY "order", id')]
        result["default_list"] = (await _sql("SELECT slug FROM reading_list WHERE is_default"))[0]["slug"]
    return result


def _database_url(target: DatabaseTarget) -> str:
    query = {"host": target.host, "port": str(target.port)}
    auth = urllib.parse.quote(target.user)
    if target.password:
        auth += ":" + urllib.parse.quote(target.password)
    return f"postgresql://{auth}@/{urllib.parse.quote(target.database)}?{urllib.parse.urlencode(query)}"


class Server:
    """`legadilo serve` in a subprocess, its output in a log file."""

    def __init__(self, target: DatabaseTarget, workers: int, data_dir: str, log: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            key: value for key, value in os.environ.items() if not key.startswith("LEGADILO_") and key != "DATABASE_URL"
        }
        env |= {
            "DATABASE_URL": _database_url(target),
            "LEGADILO_DATA_DIR": data_dir,
            "LEGADILO_SECRET_KEY": "bench-secret-key-" + "x" * 48,
        }
        executable = shutil.which("legadilo", path=str(Path(sys.executable).parent)) or "legadilo"
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [executable, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers)],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"legadilo serve exited with {self.process.returncode}: see {log}")
            with contextlib.suppress(OSError), urllib.request.urlopen(self.base + "/accounts/login", timeout=2):
                return
            time.sleep(0.3)
        raise RuntimeError(f"legadilo serve did not answer within 60 s: see {log}")

    def rss_mb(self) -> float:
        with contextlib.suppress(psutil.NoSuchProcess):
            root = psutil.Process(self.process.pid)
            processes = [root, *root.children(recursive=True)]
            return round(sum(p.memory_info().rss for p in processes) / 1024 / 1024, 1)
        return 0.0

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def log_in(base: str) -> tuple[str, urllib.request.OpenerDirector]:
    """Log in like a browser: the form's csrf_token, then the POST. Returns the Cookie header and the opener."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/accounts/login").read().decode()
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if match is None:
        raise RuntimeError("no csrf_token on the login page")
    body = urllib.parse.urlencode({"email": EMAIL, "password": PASSWORD, "csrf_token": match.group(1)}).encode()
    final = opener.open(base + "/accounts/login", data=body)
    if "/accounts/login" in final.geturl():
        raise RuntimeError("the login failed")
    return "; ".join(f"{c.name}={c.value}" for c in jar), opener


def wrk(url: str, cookie: str, seconds: int, connections: int, script: Path) -> dict[str, Any]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), "-H", f"Cookie: {cookie}", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    requests, duration_us, size, errors, non200, p50, p90, p99 = (int(v) for v in line.split()[1:])
    return {
        "requests": requests,
        "requests_per_second": round(requests / (duration_us / 1e6), 1),
        "p50_ms": round(p50 / 1000, 1),
        "p90_ms": round(p90 / 1000, 1),
        "p99_ms": round(p99 / 1000, 1),
        "socket_errors": errors,
        "non_2xx_3xx": non200,
        "bytes_per_response": size // max(requests, 1),
    }


def measure(
    target: DatabaseTarget, workers: int, pages: dict[str, str], seconds: int, connections: int, folder: Path
) -> dict[str, Any]:
    server = Server(target, workers, str(folder / "data"), folder / f"serve-{workers}.log")
    try:
        cookie, opener = log_in(server.base)
        result: dict[str, Any] = {"workers": workers, "rss_mb_after_login": server.rss_mb(), "pages": {}}
        script = folder / "bench.lua"
        script.write_text(WRK_SCRIPT)
        for name, asked in pages.items():
            answer = opener.open(server.base + asked)
            body = answer.read()
            if answer.status != 200 or "/accounts/login" in answer.geturl():
                raise RuntimeError(f"{asked} answered {answer.status} at {answer.geturl()}")
            final = urllib.parse.urlsplit(answer.geturl())  # the article's canonical URL, after a redirect
            path = final.path + (f"?{final.query}" if final.query else "")
            # warm up (templates, prepared statements, caches), then measure
            wrk(server.base + path, cookie, 3, connections, script)
            page = wrk(server.base + path, cookie, seconds, connections, script)
            if page["bytes_per_response"] < 0.95 * len(body):
                raise RuntimeError(f"{path}: answers smaller than the page (redirected to the login page?): {page}")
            page |= {"path": path, "page_bytes": len(body), "rss_mb_after": server.rss_mb()}
            result["pages"][name] = page
        return result
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--database-url", default=os.environ.get("LEGADILO_BENCH_DATABASE_URL"))
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        parser.error("wrk is needed (Debian: apt-get install wrk)")

    if args.database_url:
        target = DatabaseTarget.from_url(args.database_url)
    else:
        root = Path(tempfile.gettempdir()) / "legadilo-test-postgres"
        root.mkdir(exist_ok=True)
        target = start_embedded_server(root).with_database(f"legadilo_bench_{os.getpid()}")
    settings = Settings.from_env({"LEGADILO_DATA_DIR": tempfile.mkdtemp()}, dotenv_path=None)
    try:
        seeded = asyncio.run(prepare(target, settings, args.articles))
        second_list = "archive-tags" if "archive-tags" in seeded["lists"] else seeded["lists"][-1]
        pages = {
            "default reading list": "/reading/",
            "article page": f"/reading/articles/{seeded['article_id']}/",
            # as opened from the list: with the previous/next links of the default list
            "article page from the list": f"/reading/articles/{seeded['article_id']}/?list={seeded['default_list']}",
            "reading list with tag filters": f"/reading/lists/{second_list}/",
        }
        with tempfile.TemporaryDirectory() as folder:
            runs = [measure(target, w, pages, args.seconds, args.connections, Path(folder)) for w in args.workers]
    finally:
        asyncio.run(drop_database(target))
    summary = {
        "machine": f"{os.cpu_count()} cores, {os.uname().sysname} {os.uname().machine}",
        "load": f"wrk, {args.connections} connections, {args.seconds} s per page",
        **{k: v for k, v in seeded.items() if k not in {"lists", "article_id", "default_list"}},
        "runs": runs,
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
