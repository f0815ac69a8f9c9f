"""Re-fetching an article's page, against a local HTTP server and the real database: the fresh content replaces
the old one (the search vector follows), a failed fetch keeps the old content and records why, the reading
state and a title the user edited stay, another user's article is not found."""

from __future__ import annotations

import pytest
from tortoise import Tortoise

from legadilo.core.errors import NotFound
from legadilo.reading.models import Article, ArticleFetchError, ArticleTag, ContentType, SourceType, Tag
from legadilo.reading.refetch import refetch_article
from legadilo.reading.saving import save_article_by_url
from legadilo.runtime import Runtime
from tests.reading.test_saving import PageServer, make_user, pages, server, story  # noqa: F401 - fixtures

pytestmark = pytest.mark.usefixtures("pages")


async def _matches(article_id: int, words: str) -> bool:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT vector @@ plainto_tsquery('english', $2) AS hit FROM article_search WHERE article_id = $1",
        [article_id, words],
    )
    return bool(rows[0]["hit"])


async def test_the_fresh_page_replaces_the_content(db: Runtime, pages: PageServer) -> None:  # noqa: F811
    user_id = await make_user(words_per_minute=100)
    url = pages.set("/story", story())
    saved = await save_article_by_url(db, user_id, url)
    read_at = db.clock.now()
    await Article.filter(id=saved.article_id).update(read_at=read_at, title="My own title", is_favorite=True)
    tag = await Tag.create(user_id=user_id, title="kept", slug="kept")
    await ArticleTag.create(article_id=saved.article_id, tag_id=tag.id)
    fresh = story(extra='<meta name="author" content="Bo Editor"><meta property="og:image" content="/cover.png">')
    pages.set("/story", fresh.replace(b"Saving pages", b"Refreshing zeppelins"))

    refetched = await refetch_article(db, user_id, saved.article_id)

    assert (refetched.article_id, refetched.fetch_error, refetched.title) == (saved.article_id, None, "My own title")
    article = await Article.get(id=saved.article_id)
    assert "Refreshing zeppelins is what this test is about" in article.content
    assert "Saving pages" not in article.content
    assert article.preview_picture_url == pages.url("/cover.png")
    assert article.authors == ["Ann Writer", "Bo Editor"]
    assert article.reading_time == 750 // 100
    assert article.title == "My own title"  # the user's edit stays (the reference never overwrites a title)
    assert article.read_at == read_at and article.is_favorite  # a re-fetch is not a new save
    assert [tag.slug for tag in await Tag.filter(article_tags__article_id=article.id)] == ["kept"]
    assert await _matches(article.id, "zeppelins") and not await _matches(article.id, "saving pages")
    assert not await ArticleFetchError.filter(article_id=article.id).exists()
    assert pages.hits["/story"] == 2


async def test_a_failed_fetch_keeps_the_content_and_records_why(db: Runtime, pages: PageServer) -> None:  # noqa: F811
    user_id = await make_user()
    url = pages.set("/story", story())
    saved = await save_article_by_url(db, user_id, url)
    before = await Article.get(id=saved.article_id)
    pages.set("/story", b"gone", status=410)

    refetched = await refetch_article(db, user_id, saved.article_id)

    assert refetched.fetch_error == "the server answered 410 Gone"
    after = await Article.get(id=saved.article_id)
    assert (after.content, after.title, after.summary, after.reading_time) == (
        before.content,
        before.title,
        before.summary,
        before.reading_time,
    )
    errors = await ArticleFetchError.filter(article_id=saved.article_id)
    assert [error.message for error in errors] == ["the server answered 410 Gone"]
    assert errors[0].technical_debug_data is not None


async def test_a_url_only_article_gets_its_page_and_title(db: Runtime, pages: PageServer) -> None:  # noqa: F811
    user_id = await make_user()
    url = pages.url("/later")
    first = await save_article_by_url(db, user_id, url)
    assert first.fetch_error is not None
    pages.set("/later", story("Finally here"))

    refetched = await refetch_article(db, user_id, first.article_id)

    article = await Article.get(id=first.article_id)
    assert (refetched.fetch_error, article.title, article.slug) == (None, "Finally here", "finally-here")
    assert article.content_type == ContentType.HTML and "Saving pages" in article.content


async def test_a_feed_article_stays_a_feed_article(db: Runtime, pages: PageServer) -> None:  # noqa: F811
    user_id = await make_user()
    url = pages.set("/entry", story())
    article = await Article.create(user_id=user_id, url=url, title="From a feed", main_source_type=SourceType.FEED)

    await refetch_article(db, user_id, article.id)

    refreshed = await Article.get(id=article.id)
    assert refreshed.main_source_type == SourceType.FEED and "Saving pages" in refreshed.content


async def test_an_unfetchable_url_is_recorded_not_raised(db: Runtime) -> None:
    user_id = await make_user()
    article = await Article.create(user_id=user_id, url="javascript:alert(1)", title="Odd", content="<p>old</p>")

    refetched = await refetch_article(db, user_id, article.id)

    assert refetched.fetch_error is not None and "not an http(s) URL" in refetched.fetch_error
    assert (await Article.get(id=article.id)).content == "<p>old</p>"
    assert await ArticleFetchError.filter(article_id=article.id).count() == 1


async def test_another_users_or_a_missing_article_is_not_found(db: Runtime, pages: PageServer) -> None:  # noqa: F811
    owner, other = await make_user(), await make_user("bob@example.org")
    url = pages.set("/story", story())
    saved = await save_article_by_url(db, owner, url)
    for user_id, article_id in ((other, saved.article_id), (owner, 999_999), (owner, 2**63), (owner, 0)):
        with pytest.raises(NotFound):
            await refetch_article(db, user_id, article_id)
    assert pages.hits["/story"] == 1  # nothing fetched for them
