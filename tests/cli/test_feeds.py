"""`legadilo feeds …`, `cron`, `stats` and `cleanup` in a subprocess against a local feed server."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from legadilo.db import DatabaseTarget
from legadilo.feeds.models import Feed, FeedSource
from legadilo.reading.models import Article
from legadilo.signup.services import register_user
from tests.cli.conftest import ROOT, Cli, database_url
from tests.cli.test_users_and_db import assert_one_line_error
from tests.conftest import TEST_PASSWORD
from tests.feedfarm import FeedFarm, running_farm

LOCAL = {"LEGADILO_ALLOW_PRIVATE_NETWORKS": "1"}


async def run_cli(cli: Cli, *args: str, **options: Any) -> subprocess.CompletedProcess[str]:
    """The feed server runs in this event loop: wait for the command in a thread so that it can answer."""
    return await asyncio.to_thread(cli, *args, **options)


@pytest.fixture
async def farm() -> AsyncIterator[FeedFarm]:
    async with running_farm(entries_per_feed=3) as feeds:
        yield feeds


async def test_add_list_show_update_remove(cli: Cli, farm: FeedFarm) -> None:
    user = await register_user("carol@example.org", TEST_PASSWORD)

    added = await run_cli(cli, "feeds", "add", farm.url(1), "--user", "carol@example.org", "--tag", "news",
                "--category", "World", "--refresh-delay", "HOURLY", extra_env=LOCAL)  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "subscribed to 'Feed number 1'" in added.stdout
    assert await Article.filter(user_id=user.id).count() == 3
    again = await run_cli(cli, "feeds", "add", farm.url(1), "--user", "carol@example.org", extra_env=LOCAL)
    assert "already subscribed" in again.stdout

    listed = json.loads((await run_cli(cli, "feeds", "list", "--user", "carol@example.org", "--json")).stdout)
    assert [(f["title"], f["category"], f["refresh_delay"], f["last_outcome"], f["error_streak"]) for f in listed] == [
        ("Feed number 1", "World", "HOURLY", "SUCCESS", 0)
    ]
    feed_id = listed[0]["id"]
    shown = json.loads(
        (await run_cli(cli, "feeds", "show", str(feed_id), "--user", "carol@example.org", "--json")).stdout
    )
    assert shown["updates"][0]["status"] == "SUCCESS"
    assert shown["updates"][0]["new"] == 3

    farm.grow(1)
    forced = await run_cli(cli, "feeds", "update", "--user", "carol@example.org", "--force", extra_env=LOCAL)
    assert forced.returncode == 0, forced.stderr
    assert "1 new articles" in forced.stdout
    not_due = await run_cli(cli, "feeds", "update", "--user", "carol@example.org", extra_env=LOCAL)
    assert "refreshed 0 sources" in not_due.stdout

    removed = await run_cli(cli, "feeds", "remove", str(feed_id), "--user", "carol@example.org")
    assert removed.returncode == 0
    assert not await Feed.filter(id=feed_id).exists()
    assert await Article.filter(user_id=user.id).count() == 4  # articles stay


async def test_feed_errors_are_one_line(cli: Cli, farm: FeedFarm) -> None:
    await register_user("carol@example.org", TEST_PASSWORD)
    farm.set("/page.html", b"<html><head><title>No feed</title></head><body>hi</body></html>", content_type="text/html")

    assert_one_line_error(
        await run_cli(cli, "feeds", "add", farm.url(1), "--user", "nobody@example.org", extra_env=LOCAL), "no user"
    )
    missing = await run_cli(
        cli, "feeds", "add", f"{farm.base_url}/missing", "--user", "carol@example.org", extra_env=LOCAL
    )
    assert_one_line_error(missing, "404")
    page = await run_cli(
        cli, "feeds", "add", f"{farm.base_url}/page.html", "--user", "carol@example.org", extra_env=LOCAL
    )
    assert_one_line_error(page, "no feed found")
    assert_one_line_error(
        await run_cli(cli, "feeds", "add", farm.url(1), "--user", "carol@example.org"), "PRIVATE_NETWORKS"
    )
    assert_one_line_error(await run_cli(cli, "feeds", "show", "999", "--user", "carol@example.org"), "no feed 999")
    assert_one_line_error(
        await run_cli(cli, "feeds", "add", "ftp://x", "--user", "carol@example.org"), "not an http(s) URL"
    )


async def test_cron_and_stats(cli: Cli, farm: FeedFarm) -> None:
    await register_user("carol@example.org", TEST_PASSWORD)
    await run_cli(cli, "feeds", "add", farm.url(1), "--user", "carol@example.org", extra_env=LOCAL)
    await FeedSource.all().update(next_check_at=datetime.now(UTC) - timedelta(seconds=90))
    before = json.loads((await run_cli(cli, "stats", "--json")).stdout)
    farm.grow(1)

    cron = await run_cli(cli, "cron", extra_env=LOCAL)
    stats = json.loads((await run_cli(cli, "stats", "--json")).stdout)
    mine = json.loads((await run_cli(cli, "stats", "--user", "carol@example.org", "--json")).stdout)

    assert (before["due_sources"], before["queue_lag_seconds"] >= 90) == (1, True)
    assert cron.returncode == 0, cron.stderr
    assert "refreshed 1 sources (1 updated" in cron.stdout
    assert "1 new articles" in cron.stdout
    for key in ("users", "feeds", "feed_sources", "articles", "unread_articles"):
        assert key in stats
    assert (stats["feeds"], stats["articles"], stats["unread_articles"], stats["due_sources"]) == (1, 4, 4, 0)
    assert mine["articles"] == 4
    assert (await run_cli(cli, "cleanup")).returncode == 0


async def test_two_concurrent_update_commands_fetch_each_source_once(cli: Cli, farm: FeedFarm) -> None:
    user = await register_user("carol@example.org", TEST_PASSWORD)
    for number in range(1, 5):
        result = await run_cli(cli, "feeds", "add", farm.url(number), "--user", "carol@example.org", extra_env=LOCAL)
        assert result.returncode == 0, result.stderr
        farm.grow(number)
    farm.hits.clear()

    command = ("feeds", "update", "--user", "carol@example.org", "--force")
    first, second = await asyncio.gather(
        run_cli(cli, *command, extra_env=LOCAL), run_cli(cli, *command, extra_env=LOCAL)
    )

    assert first.returncode == second.returncode == 0, (first.stderr, second.stderr)
    assert sum(farm.hits.values()) == 4  # every source fetched by exactly one of the two processes
    assert await Article.filter(user_id=user.id).count() == 4 * 4


async def test_the_worker_refreshes_then_stops_cleanly_on_sigterm(
    cli: Cli, farm: FeedFarm, migrated_database: DatabaseTarget, tmp_path: Path
) -> None:
    user = await register_user("carol@example.org", TEST_PASSWORD)
    await run_cli(cli, "feeds", "add", farm.url(1), "--user", "carol@example.org", extra_env=LOCAL)
    farm.grow(1)
    await FeedSource.all().update(next_check_at=datetime.now(UTC) - timedelta(minutes=1))
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LEGADILO_", "DATABASE_URL"))}
    env.update(DATABASE_URL=database_url(migrated_database), LEGADILO_DATA_DIR=str(tmp_path / "w"), **LOCAL)
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cli.main", "worker", cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        for _ in range(100):
            if await Article.filter(user_id=user.id).count() == 4:
                break
            await asyncio.sleep(0.2)
        assert await Article.filter(user_id=user.id).count() == 4
    finally:
        worker.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(worker.communicate(), timeout=20)
    assert worker.returncode == 0, stderr.decode()
    assert "worker stopped" in stderr.decode()
