"""Saving a page by URL, against a local HTTP server and the real database: new and existing articles, every
kind of failed fetch (saved all the same, with the reason), meta refresh, the instance's own pages."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from legadilo.accounts.models import User, UserSettings
from legadilo.core.errors import InvalidInput
from legadilo.reading.models import Article, ArticleFetchError, ArticleTag, ContentType, SourceType, Tag
from legadilo.reading.page_fetch import checked_url, own_origins_of
from legadilo.reading.saving import save_article_by_url
from legadilo.runtime import Runtime
from legadilo.settings import Settings
from tests.parsing.helpers import FIXTURES

PARAGRAPH = "<p>" + "Saving pages is what this test is about, and this sentence has a few words. " * 10 + "</p>"


def story(title: str = "A saved story", extra: str = "") -> bytes:
    return (
        f'<html lang="en"><head><title>{title}</title><meta name="author" content="Ann Writer">{extra}</head>'
        f"<body><nav>Menu entries</nav><article><h1>{title}</h1>{PARAGRAPH * 5}</article>"
        "<footer>Site footer</footer></body></html>"
    ).encode()


def refresh(target: str) -> bytes:
    return f'<html><head><meta http-equiv="refresh" content="0; url={target}"></head><body>…</body></html>'.encode()


@dataclass
class PageServer:
    """Pages by path: (status, body, content type, extra headers); /slow never answers in time."""

    base_url: str = ""
    pages: dict[str, tuple[int, bytes, str, dict[str, str]]] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return self.base_url.replace("127.0.0.1", host) + path

    def set(self, path: str, body: bytes, *, status: int = 200, content_type: str = "text/html", **headers: str) -> str:
        self.pages[path] = (status, body, content_type, headers)
        return self.url(path)

    async def handle(self, request: web.Request) -> web.Response:
        self.hits[request.path] = self.hits.get(request.path, 0) + 1
        if request.path == "/slow":
            await asyncio.sleep(5)
        status, body, content_type, headers = self.pages.get(request.path, (404, b"not found", "text/plain", {}))
        return web.Response(status=status, body=body, headers={"Content-Type": content_type, **headers})


@pytest.fixture(scope="module")
async def server() -> AsyncIterator[PageServer]:
    pages = PageServer()
    application = web.Application()
    application.router.add_get("/{tail:.*}", pages.handle)
    runner = web.AppRunner(application, handler_cancellation=True, shutdown_timeout=0.5, access_log=None)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    site = web.SockSite(runner, sock)
    await site.start()
    pages.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        yield pages
    finally:
        await runner.cleanup()


@pytest.fixture
async def pages(server: PageServer, db: Runtime) -> PageServer:
    server.pages.clear()
    server.hits.clear()
    return server


async def make_user(email: str = "ann@example.org", words_per_minute: int = 200) -> int:
    user = await User.create(email=email, password_hash="not used here")
    await UserSettings.create(user=user, words_per_minute=words_per_minute)
    return int(user.id)


def variant(
    rt: Runtime, *, allow_private_networks: bool = True, total_timeout: float = 30.0, max_body_bytes: int = 1 << 20
) -> Runtime:
    """The test runtime with other settings (same database, HTTP session and parse pool)."""
    rt.parse_pool  # noqa: B018 - started now, so that the copy shares it rather than leaking one of its own
    fetch = dataclasses.replace(rt.settings.fetch, total_timeout=total_timeout, max_body_bytes=max_body_bytes)
    settings = dataclasses.replace(rt.settings, allow_private_networks=allow_private_networks, fetch=fetch)
    return dataclasses.replace(rt, settings=settings)


async def tag_titles(article_id: int) -> list[str]:
    tag_ids = await ArticleTag.filter(article_id=article_id).values_list("tag_id", flat=True)
    return sorted(str(title) for title in await Tag.filter(id__in=list(tag_ids)).values_list("title", flat=True))


async def test_a_new_page_is_saved_with_its_content_tags_and_reading_time(db: Runtime, pages: PageServer) -> None:
    user_id = await make_user(words_per_minute=100)
    url = pages.set("/story", story())

    saved = await save_article_by_url(db, user_id, url, tags=["Reading", "later stuff"])

    assert (saved.created, saved.fetch_error, saved.title, saved.url) == (True, None, "A saved story", url)
    article = await Article.get(id=saved.article_id)
    assert article.main_source_type == SourceType.MANUAL
    assert article.content_type == ContentType.HTML
    assert "Saving pages is what this test is about" in article.content
    assert "Menu entries" not in article.content and "Site footer" not in article.content
    assert article.authors == ["Ann Writer"]
    assert (article.language, article.main_source_title, article.slug) == ("en", "127.0.0.1", "a-saved-story")
    assert article.reading_time == 750 // 100
    assert article.read_at is None
    assert await tag_titles(article.id) == ["Reading", "later stuff"]
    assert not await ArticleFetchError.filter(article_id=article.id).exists()


async def test_a_plain_text_document_is_saved_as_text(db: Runtime, pages: PageServer) -> None:
    user_id = await make_user()
    text = (FIXTURES / "articles" / "plain.txt").read_bytes()
    url = pages.set("/notes.txt", text, content_type="text/plain; charset=utf-8")

    saved = await save_article_by_url(db, user_id, url)

    article = await Article.get(id=saved.article_id)
    assert (article.content_type, article.title) == (ContentType.PLAIN, "Notes on comparing versions")
    assert article.content == text.decode().strip()


async def test_saving_again_marks_unread_merges_tags_and_refreshes_the_content(db: Runtime, pages: PageServer) -> None:
    user_id = await make_user()
    url = pages.set("/story", story())
    first = await save_article_by_url(db, user_id, url, tags=["one"])
    await Article.filter(id=first.article_id).update(read_at=db.clock.now(), title="My own title")
    pages.set("/story", story(extra='<meta property="og:image" content="/cover.png">').replace(b"Saving", b"Keeping"))

    again = await save_article_by_url(db, user_id, url + "#section", tags=["two", "one"])

    assert (again.article_id, again.created, again.fetch_error) == (first.article_id, False, None)
    article = await Article.get(id=first.article_id)
    assert article.read_at is None
    assert article.title == "My own title"  # a title the user may have edited is never overwritten
    assert "Keeping pages is what this test is about" in article.content
    assert article.preview_picture_url == pages.url("/cover.png")
    assert await tag_titles(article.id) == ["one", "two"]
    assert await Article.filter(user_id=user_id).count() == 1


async def test_a_failed_fetch_on_an_existing_article_keeps_its_content(db: Runtime, pages: PageServer) -> None:
    user_id = await make_user()
    url = pages.set("/story", story())
    first = await save_article_by_url(db, user_id, url)
    await Article.filter(id=first.article_id).update(read_at=db.clock.now())
    pages.set("/story", b"gone", status=410)

    again = await save_article_by_url(db, user_id, url, tags=["kept"])

    assert (again.created, again.fetch_error) == (False, "the server answered 410 Gone")
    article = await Article.get(id=first.article_id)
    assert "Saving pages is what this test is about" in article.content
    assert article.read_at is None
    assert await tag_titles(article.id) == ["kept"]
    assert await ArticleFetchError.filter(article_id=article.id).count() == 1


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "the server answered 404 Not Found"),
        ("/slow", "no complete answer within 0.5 s"),
        ("/big", "the body is larger than 2 KiB (Content-Length says so)"),
        ("/doc.pdf", "the page is application/pdf: only HTML pages and plain text can be saved"),
        ("/image.png", "the page is image/png: only HTML pages and plain text can be saved"),
    ],
)
async def test_a_failed_fetch_still_saves_the_url_and_records_why(
    db: Runtime, pages: PageServer, path: str, message: str
) -> None:
    user_id = await make_user()
    pages.set("/big", story() * 10)
    pages.set("/doc.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", content_type="application/pdf")
    pages.set("/image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", content_type="image/png")
    limited = variant(db, total_timeout=0.5, max_body_bytes=2048)

    saved = await save_article_by_url(limited, user_id, pages.url(path), tags=["t"])

    assert saved.created and saved.fetch_error == message
    article = await Article.get(id=saved.article_id)
    assert article.title == pages.url(path).removeprefix("http://")
    assert (article.content, article.content_type, article.main_source_title) == ("", ContentType.PLAIN, "127.0.0.1")
    assert article.main_source_type == SourceType.MANUAL
    assert await tag_titles(article.id) == ["t"]
    error = await ArticleFetchError.get(article_id=article.id)
    assert error.message == message
    assert error.technical_debug_data and error.technical_debug_data["error"]


async def test_a_private_address_is_refused_when_private_networks_are_not_allowed(
    db: Runtime, pages: PageServer
) -> None:
    user_id = await make_user()
    url = pages.set("/story", story())

    saved = await save_article_by_url(variant(db, allow_private_networks=False), user_id, url)

    assert saved.fetch_error is not None and "127.0.0.1 is loopback: refused" in saved.fetch_error
    assert pages.hits.get("/story") is None  # never requested
    assert await Article.filter(user_id=user_id, url=url).exists()


async def test_a_failed_first_save_gets_its_real_title_once_the_page_answers(db: Runtime, pages: PageServer) -> None:
    user_id = await make_user()
    url = pages.url("/later")
    first = await save_article_by_url(db, user_id, url)
    pages.set("/later", story("Finally there"))

    again = await save_article_by_url(db, user_id, url)

    assert first.fetch_error and again.fetch_error is None
    article = await Article.get(id=first.article_id)
    assert (article.title, article.slug, article.content_type) == ("Finally there", "finally-there", ContentType.HTML)


async def test_meta_refresh_is_followed_to_the_page(db: Runtime, pages: PageServer) -> None:
    user_id = await make_user()
    pages.set("/final", story("Where it landed"))
    pages.set("/hop2", refresh("/final"))
    start = pages.set("/hop1", refresh(pages.url("/hop2")))

    saved = await save_article_by_url(db, user_id, start)

    assert (saved.title, saved.url, saved.fetch_error) == ("Where it landed", pages.url("/final"), None)
    assert pages.hits == {"/hop1": 1, "/hop2": 1, "/final": 1}


async def test_meta_refresh_loops_and_long_chains_are_cut(db: Runtime, pages: PageServer) -> None:
    user_id = await make_user()
    loop = pages.set("/loop-a", refresh("/loop-b"))
    pages.set("/loop-b", refresh("/loop-a"))
    for number in range(10):
        pages.set(f"/chain-{number}", refresh(f"/chain-{number + 1}"))

    looped = await save_article_by_url(db, user_id, loop)
    chained = await save_article_by_url(db, user_id, pages.url("/chain-0"))

    assert looped.fetch_error == f"the meta refresh redirects loop back to {loop}"
    assert chained.fetch_error == "more than 5 meta refresh redirects"
    assert pages.hits["/loop-a"] == 1 and pages.hits["/loop-b"] == 1
    assert sorted(path for path in pages.hits if path.startswith("/chain")) == [f"/chain-{n}" for n in range(6)]


async def test_the_instance_own_pages_are_refused(db: Runtime, pages: PageServer) -> None:
    user_id = await make_user()
    own = own_origins_of(db.settings, ["https://reader.example.org"])
    instance_port = db.settings.port

    for url in (
        f"http://localhost:{instance_port}/reading/",
        f"http://127.0.0.1:{instance_port}/x",
        "reader.example.org/a",
    ):
        with pytest.raises(InvalidInput, match="page of this Legadilo instance"):
            checked_url(url, own)
    with pytest.raises(InvalidInput, match="page of this Legadilo instance"):
        await save_article_by_url(
            db, user_id, "https://reader.example.org/", own_origins=["https://reader.example.org"]
        )
    # Reached through an HTTP redirect or a meta refresh: saved with the reason, the instance never read.
    pages.set("/inside", story("A page of the instance"))
    pages.set("/redirect", b"", status=302, Location=pages.url("/inside", host="localhost"))
    pages.set("/redirect-to-nothing", b"", status=302, Location=pages.url("/nothing", host="localhost"))
    pages.set("/refresh", refresh(pages.url("/inside", host="localhost")))
    origin = [pages.url("", host="localhost")]
    redirected = await save_article_by_url(db, user_id, pages.url("/redirect"), own_origins=origin)
    redirected_404 = await save_article_by_url(db, user_id, pages.url("/redirect-to-nothing"), own_origins=origin)
    refreshed = await save_article_by_url(db, user_id, pages.url("/refresh"), own_origins=origin)

    assert redirected.fetch_error == "the URL redirects to this Legadilo instance"
    assert redirected_404.fetch_error == "the URL redirects to this Legadilo instance"
    assert refreshed.fetch_error == "the page's meta refresh leads to this Legadilo instance"
    assert pages.hits["/inside"] == 1  # by the HTTP redirect; a meta refresh target is checked before the fetch
    assert await Article.filter(user_id=user_id).count() == 3
    assert not await Article.filter(title="A page of the instance").exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "is not an http(s) URL"),
        ("ftp://files.example/a", "is not an http(s) URL"),
        ("javascript:alert(1)", "is not an http(s) URL"),
        ("http://", "is not an http(s) URL"),
        ("http://[::1", "is not an http(s) URL"),
        ("https://user:secret@site.example/", "user name or password"),
        ("https://site.example/" + "a" * 1100, "longer than 1024 characters"),
    ],
)
async def test_invalid_urls_are_refused_and_nothing_is_saved(db: Runtime, url: str, message: str) -> None:
    user_id = await make_user()

    with pytest.raises(InvalidInput, match=re.escape(message)):
        await save_article_by_url(db, user_id, url, tags=["x"])

    assert not await Article.filter(user_id=user_id).exists()
    assert not await Tag.filter(user_id=user_id).exists()


def test_urls_are_normalised() -> None:
    assert checked_url("  site.example/a b?q=é#frag ") == "https://site.example/a%20b?q=%C3%A9"
    assert checked_url("HTTP://Site.Example:8080/Path") == "http://site.example:8080/Path"


async def test_another_user_saving_the_same_url_gets_an_article_of_their_own(db: Runtime, pages: PageServer) -> None:
    ann, bob = await make_user("ann@example.org"), await make_user("bob@example.org")
    url = pages.set("/story", story())
    ann_saved = await save_article_by_url(db, ann, url, tags=["ann"])
    await Article.filter(id=ann_saved.article_id).update(read_at=db.clock.now())

    bob_saved = await save_article_by_url(db, bob, url, tags=["bob"])

    assert bob_saved.created and bob_saved.article_id != ann_saved.article_id
    assert (await Article.get(id=ann_saved.article_id)).read_at is not None
    assert await tag_titles(ann_saved.article_id) == ["ann"]
    assert await tag_titles(bob_saved.article_id) == ["bob"]


async def test_the_same_url_saved_twice_at_once_makes_one_article(db: Runtime, pages: PageServer) -> None:
    user_id = await make_user()
    url = pages.set("/story", story())

    results = await asyncio.gather(*(save_article_by_url(db, user_id, url, tags=[f"t{n}"]) for n in range(3)))

    assert sorted(result.created for result in results) == [False, False, True]
    assert len({result.article_id for result in results}) == 1
    assert await tag_titles(results[0].article_id) == ["t0", "t1", "t2"]


def test_settings_bound_to_a_public_address_only_refuse_that_address() -> None:
    settings = Settings(database_url=None, data_dir=FIXTURES, secret_key="k" * 32, host="192.0.2.10", port=8443)

    assert own_origins_of(settings) == frozenset({("192.0.2.10", 8443)})
    assert ("localhost", 8000) in own_origins_of(dataclasses.replace(settings, host="0.0.0.0", port=8000))
