"""OPML import and export use cases on the database: bulk subscriptions without fetching, reports, round trip."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from legadilo.feeds.models import Feed, FeedCategory, FeedSource, FeedType, FeedUpdate
from legadilo.importexport.opml import OpmlError, read_opml
from legadilo.importexport.services import Rejected, export_opml, import_opml
from legadilo.runtime import Runtime
from legadilo.signup.services import register_user
from tests.conftest import TEST_PASSWORD

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "opml"


async def new_user(email: str = "alice@example.org") -> int:
    user_id: int = (await register_user(email, TEST_PASSWORD)).id
    return user_id


async def subscriptions(user_id: int) -> set[tuple[str, str, tuple[str, ...]]]:
    """(url, title, category path) of every feed of the user."""
    categories = {c.id: c for c in await FeedCategory.filter(user_id=user_id)}

    def path(category_id: int | None) -> tuple[str, ...]:
        titles: list[str] = []
        while category_id is not None:
            category = categories[category_id]
            titles.insert(0, category.title)
            category_id = category.parent_id  # type: ignore[attr-defined]
        return tuple(titles)

    feeds = await Feed.filter(user_id=user_id).select_related("source")
    return {(f.source.url, f.title, path(f.category_id)) for f in feeds}  # type: ignore[attr-defined]


async def category_tree(user_id: int) -> set[tuple[str, str | None]]:
    rows = await FeedCategory.filter(user_id=user_id).select_related("parent")
    return {(c.title, c.parent.title if c.parent else None) for c in rows}


async def test_import_creates_nested_categories_and_feeds_without_fetching(db: Runtime) -> None:
    user_id = await new_user()

    summary = await import_opml(db, user_id, str(FIXTURES / "ttrss.opml"))

    assert (summary.feeds_created, summary.categories_created) == (3, 2)
    assert summary.invalid == []
    assert [(r.line, r.reason) for r in summary.skipped] == [
        (15, "Tiny Tiny RSS prefs outline, not a feed"),
        (19, "Tiny Tiny RSS labels outline, not a feed"),
    ]
    assert await subscriptions(user_id) == {
        ("http://feeds.bbci.co.uk/news/world/rss.xml", "BBC World", ("News", "World")),
        ("https://news.ycombinator.com/rss", "Hacker News", ("News",)),
        ("https://blog.example.org/feed.xml", "Uncategorised blog", ()),
    }
    feed = await Feed.get(user_id=user_id, title="BBC World").select_related("source")
    assert feed.site_url == "https://www.bbc.co.uk/news/"
    assert feed.feed_type == FeedType.RSS
    assert feed.slug == "bbc-world"
    assert feed.source.next_check_at <= db.clock.now()  # due at once: the scheduler fetches it
    assert await FeedUpdate.all().count() == 0  # nothing fetched at import


async def test_import_reads_type_atom_and_case_variants(db: Runtime) -> None:
    user_id = await new_user()

    await import_opml(db, user_id, str(FIXTURES / "freshrss.opml"))
    await import_opml(db, user_id, str(FIXTURES / "thunderbird.opml"))

    assert (await Feed.get(title="GitHub Blog")).feed_type == FeedType.ATOM
    assert (await Feed.get(title="Planet Python")).feed_type == FeedType.RSS
    mozilla = await Feed.get(title="Mozilla Blog").select_related("category")
    assert mozilla.category is not None
    assert mozilla.category.title == "Mozilla"
    assert mozilla.site_url == "https://blog.mozilla.org/"
    assert (await Feed.get(title="Hacks")).category_id is None  # type: ignore[attr-defined]


async def test_duplicates_in_the_file_and_already_subscribed_feeds_are_skipped(db: Runtime) -> None:
    user_id = await new_user()
    other = await new_user("bob@example.org")
    await import_opml(db, other, str(FIXTURES / "feedly.opml"))

    first = await import_opml(db, user_id, str(FIXTURES / "feedly.opml"))
    again = await import_opml(db, user_id, str(FIXTURES / "feedly.opml"))

    assert first.feeds_created == 2
    assert first.skipped == [Rejected(13, "https://www.smashingmagazine.com/feed/", "duplicate of line 9")]
    assert again.feeds_created == again.categories_created == 0
    assert [(r.line, r.reason) for r in again.skipped] == [
        (9, "already subscribed"),
        (12, "already subscribed"),
        (13, "duplicate of line 9"),
    ]
    assert await Feed.filter(user_id=user_id).count() == 2
    assert await FeedSource.all().count() == 2  # shared with bob, never duplicated


async def test_invalid_outlines_are_reported_with_line_and_reason(db: Runtime) -> None:
    user_id = await new_user()
    long_url = "https://x.example.org/" + "a" * 2048
    opml = (
        '<opml version="2.0"><body>\n'
        f'<outline text="Too long" xmlUrl="{long_url}"/>\n'
        '<outline text="Spaces" xmlUrl="https://x.example.org/a b"/>\n'
        '<outline text="Protocol-relative" xmlUrl="//rel.example.org/feed"/>\n'
        '<outline text="No scheme" xmlUrl="bare.example.org/feed"/>\n'
        "</body></opml>"
    ).encode()

    file_summary = await import_opml(db, user_id, str(FIXTURES / "inoreader.opml"))
    inline = await import_opml(db, user_id, io.BytesIO(opml))

    assert [(r.line, r.reason) for r in file_summary.invalid] == [
        (9, "no feed URL (xmlUrl is empty)"),
        (10, "not an http(s) URL (scheme 'ftp')"),
        (11, "not an http(s) URL (scheme 'javascript')"),
        (12, "feed outline without xmlUrl"),
    ]
    assert file_summary.feeds_created == 1
    assert [(r.line, r.reason) for r in inline.invalid] == [
        (2, "URL longer than 2048 characters"),
        (3, "URL contains spaces or control characters"),
    ]
    assert inline.feeds_created == 2
    urls = set(await FeedSource.all().values_list("url", flat=True))
    assert {"https://rel.example.org/feed", "https://bare.example.org/feed"} <= urls


async def test_a_folder_name_used_twice_maps_to_one_category_and_says_so(db: Runtime) -> None:
    user_id = await new_user()
    existing = await FeedCategory.create(user_id=user_id, title="News", slug="news")
    opml = b"""<opml version="2.0"><body>
<outline text="Dev"><outline text="Python"><outline text="A" xmlUrl="https://a.example.org/"/></outline></outline>
<outline text="python"><outline text="B" xmlUrl="https://b.example.org/"/></outline>
<outline text="News"><outline text="C" xmlUrl="https://c.example.org/"/></outline>
<outline text="Empty folder"/>
</body></opml>"""

    summary = await import_opml(db, user_id, io.BytesIO(opml))

    assert summary.categories_created == 3  # Dev, Python, Empty folder: News already existed
    assert any("line 3" in note and "'python' merged" in note for note in summary.notes), summary.notes
    assert await subscriptions(user_id) == {
        ("https://a.example.org/", "A", ("Dev", "Python")),
        ("https://b.example.org/", "B", ("Dev", "Python")),
        ("https://c.example.org/", "C", ("News",)),
    }
    assert (await Feed.get(title="C")).category_id == existing.id  # type: ignore[attr-defined]
    assert ("Empty folder", None) in await category_tree(user_id)


async def test_dry_run_reports_the_same_and_writes_nothing(db: Runtime) -> None:
    user_id = await new_user()

    dry = await import_opml(db, user_id, str(FIXTURES / "ttrss.opml"), dry_run=True)

    assert dry.dry_run
    assert (dry.feeds_created, dry.categories_created, len(dry.skipped)) == (3, 2, 2)
    assert await Feed.all().count() == await FeedCategory.all().count() == await FeedSource.all().count() == 0
    real = await import_opml(db, user_id, str(FIXTURES / "ttrss.opml"))
    assert {**dry.as_dict(), "dry_run": False} == real.as_dict()


@pytest.mark.parametrize("name", ["malformed.opml", "billion_laughs.opml", "xxe.opml", "not_opml.xml"])
async def test_a_bad_file_writes_nothing(db: Runtime, name: str) -> None:
    user_id = await new_user()

    with pytest.raises(OpmlError):
        await import_opml(db, user_id, str(FIXTURES / name))

    assert await Feed.all().count() == await FeedSource.all().count() == await FeedCategory.all().count() == 0


async def test_export_then_import_into_a_fresh_account_reproduces_everything(db: Runtime) -> None:
    alice = await new_user()
    for name in ("ttrss.opml", "freshrss.opml", "miniflux.opml", "netnewswire.opml"):
        await import_opml(db, alice, str(FIXTURES / name))
    source = await FeedSource.create(url="https://odd.example.org/feed?a=1&b=<2>", next_check_at=db.clock.now())
    await Feed.create(user_id=alice, source=source, title='lower & "odd" <title> — ünïcode', feed_type=FeedType.RSS)
    out = io.BytesIO()

    written = await export_opml(db, alice, out)
    bob = await new_user("bob@example.org")
    summary = await import_opml(db, bob, io.BytesIO(out.getvalue()))

    assert written == await Feed.filter(user_id=alice).count() == 11
    assert summary.feeds_created == 11
    assert summary.invalid == summary.skipped == []
    assert await subscriptions(bob) == await subscriptions(alice)
    assert await category_tree(bob) == await category_tree(alice)
    assert b"Sans cat\xc3\xa9gorie" in out.getvalue()  # titles as stored, UTF-8, no case change


async def test_export_of_an_account_without_feeds_is_a_valid_empty_opml(db: Runtime) -> None:
    user_id = await new_user()
    out = io.BytesIO()

    assert await export_opml(db, user_id, out) == 0
    assert b"<body>" in out.getvalue()
    assert list(read_opml(io.BytesIO(out.getvalue()))) == []
