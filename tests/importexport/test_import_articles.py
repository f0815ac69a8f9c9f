"""The shared writer of imported articles: preparation (pure) and bulk saving with the merge rules."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from tortoise.transactions import in_transaction

from legadilo.accounts.models import UserSettings
from legadilo.core.errors import InvalidInput
from legadilo.feeds.models import Feed, FeedArticle, FeedType
from legadilo.importexport.articles import (
    ArticleRow,
    ImportedArticle,
    ImportedGroup,
    SaveResult,
    prepare,
    save_articles,
)
from legadilo.importexport.subscriptions import NewFeed, insert_feeds
from legadilo.reading.models import Article, ArticlesGroup, ArticlesGroupTag, ArticleTag, Comment, SourceType, Tag
from legadilo.runtime import Runtime
from legadilo.signup.services import register_user
from tests.conftest import TEST_PASSWORD

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
JAN = datetime(2026, 1, 1, tzinfo=UTC)
FEB = datetime(2026, 2, 1, tzinfo=UTC)


async def new_user(email: str = "alice@example.org") -> int:
    user_id: int = (await register_user(email, TEST_PASSWORD)).id
    return user_id


async def save(user_id: int, *articles: ImportedArticle) -> SaveResult:
    rows = [prepare(article) for article in articles]
    async with in_transaction() as connection:
        return await save_articles(connection, user_id, rows, NOW)


async def tags_of(article: Article) -> list[str]:
    return sorted(await Tag.filter(article_tags__article_id=article.id).values_list("title", flat=True))  # type: ignore[arg-type]


async def comments_of(article: Article) -> list[str]:
    return [
        str(text) for text in await Comment.filter(article_id=article.id).order_by("id").values_list("text", flat=True)
    ]


def test_prepare_sanitises_measures_and_normalises() -> None:
    row = prepare(
        ImportedArticle(
            url="https://example.org/post#comments",
            title="<b>Hello</b> &amp; bye",
            content='<h2>Part</h2><p onclick="x()">one two three</p><script>alert(1)</script><img src="/a.png">',
            authors=("Ann", "<i>Ann</i>", "Bob"),
            tags=("Python", " python ", "Web  dev", ""),
            comments=("first", "first", "  ", "second"),
            language="EN_us",
            preview_picture_url="/cover.png",
            annotations=({"text": "a\x00b"},),
        )
    )

    assert row.url == "https://example.org/post"
    assert row.title == "Hello & bye"
    assert row.slug == "hello-bye"
    assert "script" not in row.content and "onclick" not in row.content
    assert '<h2 id="part">Part</h2>' in row.content
    assert 'src="https://example.org/a.png"' in row.content
    assert row.table_of_content == '[{"id": "part", "text": "Part", "level": 2, "children": []}]'
    assert row.word_count == 4
    assert row.summary.startswith("<h2") and "img" not in row.summary
    assert row.authors == '["Ann", "Bob"]'
    assert row.tags == ("Python", "Web dev")
    assert row.comments == ("first", "second")
    assert row.language == "en-us"
    assert row.preview_picture_url == "https://example.org/cover.png"
    assert row.annotations == '[{"text": "ab"}]'
    assert row.source_title == "example.org"


def test_prepare_keeps_plain_text_raw_and_refuses_bad_urls() -> None:
    row = prepare(
        ImportedArticle(url="https://example.org/t", content="  <b>not html</b> here ", content_type="text/plain")
    )
    assert row.content == "<b>not html</b> here"
    assert row.summary == "&lt;b&gt;not html&lt;/b&gt; here"
    assert row.table_of_content == "[]"
    for bad in ("javascript:alert(1)", "ftp://example.org/x", "/relative", "https://example.org/" + "a" * 1100):
        with pytest.raises(InvalidInput):
            prepare(ImportedArticle(url=bad))


async def test_new_articles_are_written_with_every_field(db: Runtime) -> None:
    user_id = await new_user()
    await UserSettings.filter(user_id=user_id).update(words_per_minute=2)

    result = await save(
        user_id,
        ImportedArticle(
            url="https://example.org/a",
            title="A",
            content="<p>one two three four five</p>",
            authors=("Ann",),
            tags=("Python", "Web"),
            comments=("nice", "**bold**"),
            published_at=JAN,
            updated_at=FEB,
            read_at=FEB,
            is_favorite=True,
            language="fr",
            preview_picture_url="https://example.org/p.png",
            annotations=({"quote": "q", "text": "t"},),
            external_article_id="wallabag:12",
            source_title="Example",
            group=ImportedGroup("Series", "<p>About</p><script>x</script>", ("Long read",)),
        ),
    )

    assert result.created == {"articles": 1, "tags": 3, "groups": 1, "comments": 2}
    assert result.updated == 0
    article = await Article.get(user_id=user_id, url="https://example.org/a")
    assert (article.title, article.slug, article.reading_time) == ("A", "a", 2)
    assert (article.published_at, article.updated_at, article.read_at) == (JAN, FEB, FEB)
    assert article.is_favorite and not article.is_for_later
    assert (article.language, article.external_article_id, article.main_source_title) == (
        "fr",
        "wallabag:12",
        "Example",
    )
    assert article.main_source_type == SourceType.MANUAL
    assert article.authors == ["Ann"]
    assert article.annotations == [{"quote": "q", "text": "t"}]
    assert await tags_of(article) == ["Python", "Web"]
    assert await comments_of(article) == ["nice", "**bold**"]
    group = await ArticlesGroup.get(user_id=user_id)
    assert (group.title, group.description) == ("Series", "<p>About</p>")
    assert article.group_id == group.id  # type: ignore[attr-defined]
    group_tags = await Tag.filter(articles_group_tags__articles_group_id=group.id).values_list("title", flat=True)
    assert [str(title) for title in group_tags] == ["Long read"]


async def test_saving_the_same_articles_again_changes_nothing(db: Runtime) -> None:
    user_id = await new_user()
    article = ImportedArticle(
        url="https://example.org/a",
        content="<p>x</p>",
        tags=("T",),
        comments=("c",),
        updated_at=FEB,
        read_at=FEB,
        group=ImportedGroup("G", tags=("GT",)),
    )
    await save(user_id, article, ImportedArticle(url="https://example.org/b", group=ImportedGroup("G")))
    before = await Article.get(url="https://example.org/a")

    again = await save(user_id, article, ImportedArticle(url="https://example.org/b", group=ImportedGroup("G")))

    assert again.created == {} and again.updated == 0
    assert await Article.all().count() == 2
    assert await Tag.all().count() == 2
    assert await Comment.all().count() == 1
    assert await ArticlesGroup.all().count() == 1
    assert await ArticleTag.all().count() == 1 and await ArticlesGroupTag.all().count() == 1
    after = await Article.get(url="https://example.org/a")
    assert after.obj_updated_at == before.obj_updated_at


async def test_an_existing_article_is_merged_and_loses_nothing(db: Runtime) -> None:
    user_id = await new_user()
    await save(
        user_id,
        ImportedArticle(
            url="https://example.org/a",
            title="Kept title",
            content="<p>old</p>",
            authors=("Ann",),
            tags=("Old",),
            comments=("old comment",),
            updated_at=FEB,
            published_at=FEB,
            read_at=FEB,
        ),
    )

    older = await save(
        user_id,
        ImportedArticle(url="https://example.org/a", title="Other", content="<p>older</p>", updated_at=JAN),
    )
    newer = await save(
        user_id,
        ImportedArticle(
            url="https://example.org/a",
            title="New title",
            content="<p>new content</p>",
            authors=("Bob", "Ann"),
            tags=("New", "old"),
            comments=("old comment", "new comment"),
            updated_at=NOW,
            published_at=JAN,
            read_at=None,
            is_favorite=True,
            language="en",
        ),
    )

    assert older.created == {} and older.updated == 0
    assert newer.created == {"tags": 1, "comments": 1} and newer.updated == 1
    article = await Article.get(url="https://example.org/a")
    assert article.title == "Kept title"
    assert article.content == "<p>new content</p>"
    assert article.summary == "<p>new content</p>"
    assert article.read_at == FEB  # the file saying "unread" never marks anything unread
    assert article.is_favorite
    assert article.authors == ["Ann", "Bob"]
    assert (article.published_at, article.updated_at, article.language) == (JAN, NOW, "en")
    assert await tags_of(article) == ["New", "Old"]
    assert await comments_of(article) == ["old comment", "new comment"]


async def test_a_url_repeated_in_one_batch_is_merged_not_duplicated(db: Runtime) -> None:
    user_id = await new_user()

    result = await save(
        user_id,
        ImportedArticle(url="https://example.org/a", tags=("One",), comments=("c1",)),
        ImportedArticle(url="https://example.org/b"),
        ImportedArticle(url="https://example.org/a", tags=("Two",), comments=("c2",), is_favorite=True),
    )

    assert result.created == {"articles": 2, "tags": 2, "comments": 2}
    article = await Article.get(url="https://example.org/a")
    assert article.is_favorite
    assert await tags_of(article) == ["One", "Two"]
    assert await comments_of(article) == ["c1", "c2"]


async def test_group_members_keep_file_order_and_groups_are_found_by_exact_title(db: Runtime) -> None:
    user_id = await new_user()
    existing = await ArticlesGroup.create(user_id=user_id, title="Series", slug="series")
    await Article.create(user_id=user_id, url="https://example.org/0", title="0", group=existing, group_order=7)
    urls = ["https://example.org/z", "https://example.org/a", "https://example.org/m"]

    await save(user_id, *(ImportedArticle(url=url, group=ImportedGroup("Series")) for url in urls))
    await save(user_id, ImportedArticle(url="https://example.org/x", group=ImportedGroup("series")))

    members = await Article.filter(group_id=existing.id).order_by("group_order").values_list("url", flat=True)
    assert [str(url) for url in members] == ["https://example.org/0", *urls]
    assert await ArticlesGroup.filter(user_id=user_id).count() == 2  # "series" is another title


async def test_main_feed_is_linked_and_other_users_are_untouched(db: Runtime) -> None:
    user_id = await new_user()
    other = await new_user("bob@example.org")
    await save(other, ImportedArticle(url="https://example.org/a", title="Bob's", tags=("Python",)))
    async with in_transaction() as connection:
        await insert_feeds(
            connection, user_id, [NewFeed("https://example.org/feed", "F", "", FeedType.RSS, None)], {}, NOW
        )
    feed = await Feed.get(user_id=user_id)

    await save(
        user_id,
        ImportedArticle(
            url="https://example.org/a",
            title="Mine",
            tags=("Python",),
            source_type=SourceType.FEED,
            main_feed_id=feed.id,
        ),
    )

    mine = await Article.get(user_id=user_id)
    assert (mine.main_feed_id, mine.main_source_type) == (feed.id, SourceType.FEED)  # type: ignore[attr-defined]
    link = await FeedArticle.get(feed_id=feed.id)
    assert (link.article_id, link.entry_key) == (mine.id, "https://example.org/a")  # type: ignore[attr-defined]
    bobs = await Article.get(user_id=other)
    assert bobs.title == "Bob's" and bobs.main_feed_id is None  # type: ignore[attr-defined]
    assert await Tag.filter(user_id=other).count() == 1
    assert await Tag.filter(user_id=user_id).count() == 1


def test_rows_are_frozen_and_light() -> None:
    row = prepare(ImportedArticle(url="https://example.org/a", content="x" * 1000))
    assert isinstance(row, ArticleRow)
    assert 1000 < row.weight < 4000


async def test_two_batches_of_one_user_at_once_are_written_one_after_the_other(db: Runtime) -> None:
    user_id = await new_user()
    rows = [
        prepare(ImportedArticle(url=f"https://example.org/{n}", comments=("c",), group=ImportedGroup("G")))
        for n in range(3)
    ]
    first_written = asyncio.Event()

    async def first() -> SaveResult:
        async with in_transaction() as connection:
            result = await save_articles(connection, user_id, rows, NOW)
            first_written.set()
            await asyncio.sleep(0.3)  # still uncommitted while the second batch starts
            return result

    async def second() -> SaveResult:
        await first_written.wait()
        async with in_transaction() as connection:
            return await save_articles(connection, user_id, rows, NOW)

    results = await asyncio.gather(first(), second())

    assert [result.created for result in results] == [{"articles": 3, "groups": 1, "comments": 3}, {}]
    assert await ArticlesGroup.filter(user_id=user_id).count() == 1
    assert await Comment.all().count() == 3
