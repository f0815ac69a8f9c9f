"""`legadilo articles add` in a subprocess, against a local page server and the test database."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from legadilo.accounts.models import User, UserSettings
from legadilo.reading.models import Article, ArticleFetchError, ArticleTag, Tag
from tests.cli.conftest import Cli
from tests.cli.test_users_and_db import assert_one_line_error
from tests.reading.test_saving import PageServer, story

LOCAL = {"LEGADILO_ALLOW_PRIVATE_NETWORKS": "1"}


async def run_cli(cli: Cli, *args: str, **options: Any) -> subprocess.CompletedProcess[str]:
    """The page server runs in this event loop: wait for the command in a thread so that it can answer."""
    return await asyncio.to_thread(cli, *args, **options)


@pytest.fixture
async def pages() -> AsyncIterator[PageServer]:
    server = PageServer()
    application = web.Application()
    application.router.add_get("/{tail:.*}", server.handle)
    runner = web.AppRunner(application, access_log=None)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    server.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        yield server
    finally:
        await runner.cleanup()


async def make_user(email: str = "carol@example.org") -> int:
    user = await User.create(email=email, password_hash="not used here")
    await UserSettings.create(user=user)
    return int(user.id)


async def test_add_saves_then_marks_unread_and_merges_tags(cli: Cli, pages: PageServer) -> None:
    user_id = await make_user()
    url = pages.set("/story", story("A story for the terminal"))

    added = await run_cli(cli, "articles", "add", url, "--user", "Carol@example.org", "--tag", "cli", extra_env=LOCAL)

    assert added.returncode == 0, added.stderr
    article = await Article.get(user_id=user_id, url=url)
    assert added.stdout == f"saved 'A story for the terminal' (article {article.id})\n"
    assert added.stderr == ""
    await Article.filter(id=article.id).update(read_at=article.obj_created_at)

    again = await run_cli(
        cli, "articles", "add", url, "--user", "carol@example.org", "--tag", "more", "--json", extra_env=LOCAL
    )

    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == {
        "id": article.id,
        "created": False,
        "title": "A story for the terminal",
        "url": url,
        "fetch_error": None,
    }
    assert (await Article.get(id=article.id)).read_at is None
    tag_ids = await ArticleTag.filter(article_id=article.id).values_list("tag_id", flat=True)
    assert sorted(str(t) for t in await Tag.filter(id__in=list(tag_ids)).values_list("title", flat=True)) == [
        "cli",
        "more",
    ]


async def test_a_failed_fetch_saves_the_url_exits_0_and_warns_on_stderr(cli: Cli, pages: PageServer) -> None:
    user_id = await make_user()
    url = pages.url("/missing")

    result = await run_cli(cli, "articles", "add", url, "--user", "carol@example.org", extra_env=LOCAL)

    assert result.returncode == 0, result.stderr
    article = await Article.get(user_id=user_id, url=url)
    assert result.stdout == f"saved '{url.removeprefix('http://')}' (article {article.id})\n"
    assert result.stderr == (
        "warning: the content could not be fetched (the server answered 404 Not Found); the URL is saved\n"
    )
    assert await ArticleFetchError.filter(article_id=article.id).count() == 1


async def test_private_addresses_are_refused_by_default(cli: Cli, pages: PageServer) -> None:
    user_id = await make_user()
    url = pages.set("/story", story())

    result = await run_cli(cli, "articles", "add", url, "--user", "carol@example.org", "--json")

    assert result.returncode == 0, result.stderr
    assert "127.0.0.1 is loopback: refused" in json.loads(result.stdout)["fetch_error"]
    assert result.stderr.startswith("warning: the content could not be fetched")
    assert pages.hits == {}
    assert await Article.filter(user_id=user_id).count() == 1


async def test_user_errors_are_one_line_and_save_nothing(cli: Cli) -> None:
    await make_user()

    assert_one_line_error(await run_cli(cli, "articles", "add", "ftp://x.example/", "--user", "carol@example.org"),
                          "is not an http(s) URL")  # fmt: skip
    assert_one_line_error(await run_cli(cli, "articles", "add", "https://x.example/", "--user", "ghost@example.org"),
                          "no user")  # fmt: skip
    assert_one_line_error(
        await run_cli(cli, "articles", "add", "http://localhost:8000/reading/", "--user", "carol@example.org"),
        "page of this Legadilo instance",
    )
    assert not await Article.all().exists()
