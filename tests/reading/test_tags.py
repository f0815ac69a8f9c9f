"""The tags admin on the real database: article counts, create/rename with per-user slugs, sub-tags without
cycles, delete, and other users' tag ids."""

from __future__ import annotations

import pytest

from legadilo.accounts.models import User
from legadilo.core.errors import InvalidInput, NotFound
from legadilo.reading import tags
from legadilo.reading.lists import ReadingListSettings, create_reading_list
from legadilo.reading.models import Article, ArticleTag, ReadingListTag, SubTagMapping, Tag


async def _tagged(user: User, name: str, *tag_list: Tag) -> Article:
    article = await Article.create(user_id=user.id, url=f"https://example.org/{name}", title=name)
    await ArticleTag.bulk_create([ArticleTag(article=article, tag=tag) for tag in tag_list])
    return article


async def test_list_counts_articles_and_shows_sub_tags(alice: User, bob: User) -> None:
    python = await tags.create_tag(alice.id, "Python")
    web = await tags.create_tag(alice.id, "web")
    await tags.create_tag(alice.id, "Zebra")
    bobs = await tags.create_tag(bob.id, "Python")
    await _tagged(alice, "a", python, web)
    await _tagged(alice, "b", python)
    await _tagged(bob, "c", bobs)
    await tags.add_sub_tag(alice.id, python.id, web.id)

    listed = await tags.list_tags(alice.id)

    assert [(t.title, t.article_count, t.sub_tags) for t in listed] == [
        ("Python", 2, ((web.id, "web"),)),
        ("web", 1, ()),
        ("Zebra", 0, ()),
    ]


async def test_create_cleans_the_title_and_refuses_a_second_tag_with_the_same_slug(alice: User, bob: User) -> None:
    tag = await tags.create_tag(alice.id, "  Machine   Learning ")
    assert (tag.title, tag.slug) == ("Machine Learning", "machine-learning")
    with pytest.raises(InvalidInput, match="already exists"):
        await tags.create_tag(alice.id, "machine-learning")
    assert (await tags.create_tag(bob.id, "Machine Learning")).slug == "machine-learning"  # per user


@pytest.mark.parametrize(
    ("title", "message"), [("", "needs a title"), ("   ", "needs a title"), ("x" * 51, "at most 50")]
)
async def test_create_refuses_empty_or_long_titles(alice: User, title: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        await tags.create_tag(alice.id, title)
    assert await Tag.filter(user_id=alice.id).count() == 0


async def test_rename_changes_title_and_slug_and_refuses_a_taken_slug(alice: User) -> None:
    tag = await tags.create_tag(alice.id, "Pyton")
    other = await tags.create_tag(alice.id, "Rust")
    renamed = await tags.rename_tag(alice.id, tag.id, "Python 3")
    assert (renamed.title, renamed.slug) == ("Python 3", "python-3")
    await tags.rename_tag(alice.id, tag.id, "PYTHON 3")  # same slug, its own: allowed
    with pytest.raises(InvalidInput, match="already called 'Rust'"):
        await tags.rename_tag(alice.id, tag.id, "rust")
    assert (await Tag.get(id=other.id)).title == "Rust"
    assert (await Tag.get(id=tag.id)).title == "PYTHON 3"


async def test_sub_tags_refuse_self_and_cycles_at_any_depth(alice: User) -> None:
    a, b, c = [await tags.create_tag(alice.id, name) for name in ("a", "b", "c")]
    await tags.add_sub_tag(alice.id, a.id, b.id)
    await tags.add_sub_tag(alice.id, b.id, c.id)
    await tags.add_sub_tag(alice.id, a.id, b.id)  # twice: no error, one mapping
    with pytest.raises(InvalidInput, match="own sub-tag"):
        await tags.add_sub_tag(alice.id, a.id, a.id)
    with pytest.raises(InvalidInput, match="cycle"):
        await tags.add_sub_tag(alice.id, c.id, a.id)
    with pytest.raises(InvalidInput, match="cycle"):
        await tags.add_sub_tag(alice.id, b.id, a.id)
    await tags.add_sub_tag(alice.id, a.id, c.id)  # a shortcut is no cycle
    pairs = await SubTagMapping.all().order_by("id").values_list("base_tag_id", "sub_tag_id")
    assert pairs == [(a.id, b.id), (b.id, c.id), (a.id, c.id)]

    await tags.remove_sub_tag(alice.id, a.id, b.id)
    await tags.add_sub_tag(alice.id, b.id, a.id)  # b is no longer below a: allowed now
    pairs = await SubTagMapping.all().order_by("id").values_list("base_tag_id", "sub_tag_id")
    assert pairs == [(b.id, c.id), (a.id, c.id), (b.id, a.id)]


async def test_delete_removes_the_tag_from_articles_and_lists_only(alice: User) -> None:
    gone = await tags.create_tag(alice.id, "gone")
    kept = await tags.create_tag(alice.id, "kept")
    article = await _tagged(alice, "a", gone, kept)
    reading_list = await create_reading_list(alice.id, ReadingListSettings(title="L", include_tags=("gone", "kept")))

    await tags.delete_tag(alice.id, gone.id)

    assert await Article.filter(id=article.id).exists()
    assert await ArticleTag.filter(article_id=article.id).values_list("tag_id", flat=True) == [kept.id]
    assert await ReadingListTag.filter(reading_list_id=reading_list.id).values_list("tag_id", flat=True) == [kept.id]


async def test_another_users_tags_are_not_found_and_untouched(alice: User, bob: User) -> None:
    mine = await tags.create_tag(alice.id, "mine")
    theirs = await tags.create_tag(bob.id, "theirs")
    calls = [
        tags.get_tag(alice.id, theirs.id),
        tags.rename_tag(alice.id, theirs.id, "stolen"),
        tags.add_sub_tag(alice.id, mine.id, theirs.id),
        tags.add_sub_tag(alice.id, theirs.id, mine.id),
        tags.remove_sub_tag(alice.id, theirs.id, mine.id),
        tags.delete_tag(alice.id, theirs.id),
        tags.get_tag(alice.id, 2**70),
        tags.get_tag(alice.id, 0),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            await call
    assert (await Tag.get(id=theirs.id)).title == "theirs"
    assert await SubTagMapping.all().count() == 0
