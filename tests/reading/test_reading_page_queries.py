"""The reading-list page on the real database: every filter against an independent oracle, unread counts of
every list in one statement, keyset pages in both directions with tied dates, mark-all-read beyond the first
page, previous/next, and the number of SQL statements per page pinned (constant in articles and lists)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from legadilo.core.errors import InvalidInput, NotFound
from legadilo.reading import list_queries
from legadilo.reading.list_queries import SortKey
from legadilo.reading.lists import ReadingListSettings, create_reading_list
from legadilo.reading.models import (
    Article,
    ArticleTag,
    Comment,
    FavoriteStatus,
    ForLaterStatus,
    MaxAgeUnit,
    OrderDirection,
    ReadingList,
    ReadingTimeOperator,
    ReadStatus,
    Tag,
    TagOperator,
)
from legadilo.reading.services import mark_reading_list_as_read, show_article, show_reading_list, unread_counters
from legadilo.runtime import Runtime
from legadilo.signup.services import register_user
from tests.conftest import TEST_PASSWORD

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@contextmanager
def counting_statements() -> Iterator[list[str]]:
    """Every SQL statement Tortoise sends while the block runs (its db_client logger reports each one at
    DEBUG level, whatever the connection, pooled or in a transaction)."""
    statements: list[str] = []

    class Collector(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if not str(record.msg).endswith("connection pool %s with params: %s"):
                args = record.args if isinstance(record.args, tuple) else ()
                statements.append(str(args[0]) if args else str(record.msg))

    logger = logging.getLogger("tortoise.db_client")
    handler, previous_level = Collector(logging.DEBUG), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield statements
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)


# --- every filter, against an oracle written from reference §4.1 -------------------------------------


@dataclass(frozen=True)
class Fixture:
    read: bool
    favorite: bool
    for_later: bool
    published_at: datetime | None
    reading_time: int
    tags: frozenset[str]
    id: int = 0
    sort_date: datetime = NOW


def _fixtures() -> list[Fixture]:
    """48 articles crossing every attribute, plus two around the one-month boundary (Feb 28 12:00 when
    counting a calendar month back from March 31; 30 days back would be March 1 12:00)."""
    rows = [
        Fixture(
            read=i % 2 == 1,
            favorite=i % 3 == 0,
            for_later=i % 4 == 1,
            published_at=None if i % 7 == 0 else NOW - timedelta(days=5 * i, hours=i % 5),
            reading_time=i % 12,
            tags=frozenset(tag for bit, tag in enumerate("abc") if i % 8 & (1 << bit)),
        )
        for i in range(48)
    ]
    for published in (datetime(2026, 2, 28, 18, tzinfo=UTC), datetime(2026, 2, 28, 6, tzinfo=UTC)):
        rows.append(Fixture(False, False, False, published, 1, frozenset()))
    return rows


async def _store(user_id: int, rows: list[Fixture], tags: dict[str, Tag]) -> list[Fixture]:
    stored = []
    for n, row in enumerate(rows):
        article = await Article.create(
            user_id=user_id,
            url=f"https://example.org/{n}",
            title=f"article {n}",
            read_at=NOW - timedelta(hours=1) if row.read else None,
            is_favorite=row.favorite,
            is_for_later=row.for_later,
            published_at=row.published_at,
            reading_time=row.reading_time,
        )
        await ArticleTag.bulk_create([ArticleTag(article=article, tag=tags[name]) for name in row.tags])
        stored.append(replace(row, id=article.id, sort_date=row.published_at or article.obj_created_at))
    return stored


Oracle = Callable[[Fixture], bool]


MORE_THAN, LESS_THAN = ReadingTimeOperator.MORE_THAN, ReadingTimeOperator.LESS_THAN


def _published_after(cutoff: datetime) -> Oracle:
    return lambda a: a.published_at is not None and a.published_at > cutoff


FILTER_CASES: list[tuple[ReadingListSettings, Oracle]] = [
    (ReadingListSettings("only read", read_status=ReadStatus.ONLY_READ), lambda a: a.read),
    (ReadingListSettings("only unread", read_status=ReadStatus.ONLY_UNREAD), lambda a: not a.read),
    (ReadingListSettings("fav", favorite_status=FavoriteStatus.ONLY_FAVORITE), lambda a: a.favorite),
    (ReadingListSettings("not fav", favorite_status=FavoriteStatus.ONLY_NON_FAVORITE), lambda a: not a.favorite),
    (ReadingListSettings("later", for_later_status=ForLaterStatus.ONLY_FOR_LATER), lambda a: a.for_later),
    (ReadingListSettings("not later", for_later_status=ForLaterStatus.ONLY_NOT_FOR_LATER), lambda a: not a.for_later),
    (
        ReadingListSettings("130 hours", articles_max_age_value=130, articles_max_age_unit=MaxAgeUnit.HOURS),
        _published_after(datetime(2026, 3, 26, 2, tzinfo=UTC)),
    ),
    (
        ReadingListSettings("12 days", articles_max_age_value=12, articles_max_age_unit=MaxAgeUnit.DAYS),
        _published_after(datetime(2026, 3, 19, 12, tzinfo=UTC)),
    ),
    (
        ReadingListSettings("3 weeks", articles_max_age_value=3, articles_max_age_unit=MaxAgeUnit.WEEKS),
        _published_after(datetime(2026, 3, 10, 12, tzinfo=UTC)),
    ),
    (
        ReadingListSettings("1 month", articles_max_age_value=1, articles_max_age_unit=MaxAgeUnit.MONTHS),
        _published_after(datetime(2026, 2, 28, 12, tzinfo=UTC)),
    ),
    (
        ReadingListSettings(
            "long", articles_reading_time=6, articles_reading_time_operator=ReadingTimeOperator.MORE_THAN
        ),
        lambda a: a.reading_time >= 6,
    ),
    (
        ReadingListSettings(
            "short", articles_reading_time=3, articles_reading_time_operator=ReadingTimeOperator.LESS_THAN
        ),
        lambda a: a.reading_time <= 3,
    ),
    (ReadingListSettings("incl all", include_tags=("a", "b")), lambda a: {"a", "b"} <= a.tags),
    (
        ReadingListSettings("incl any", include_tags=("a", "b"), include_tag_operator=TagOperator.ANY),
        lambda a: bool({"a", "b"} & a.tags),
    ),
    (ReadingListSettings("excl all", exclude_tags=("b", "c")), lambda a: not {"b", "c"} <= a.tags),
    (
        ReadingListSettings("excl any", exclude_tags=("b", "c"), exclude_tag_operator=TagOperator.ANY),
        lambda a: not {"b", "c"} & a.tags,
    ),
    (
        ReadingListSettings(
            "a not c",
            include_tags=("a",),
            include_tag_operator=TagOperator.ANY,
            exclude_tags=("c",),
            exclude_tag_operator=TagOperator.ANY,
        ),
        lambda a: "a" in a.tags and "c" not in a.tags,
    ),
    (
        ReadingListSettings("a but not b and c", include_tags=("a",), exclude_tags=("b", "c")),
        lambda a: "a" in a.tags and not {"b", "c"} <= a.tags,
    ),
    (
        ReadingListSettings(
            "combined oldest first",
            read_status=ReadStatus.ONLY_UNREAD,
            favorite_status=FavoriteStatus.ONLY_NON_FAVORITE,
            articles_max_age_value=3,
            articles_max_age_unit=MaxAgeUnit.MONTHS,
            include_tags=("c", "a"),
            include_tag_operator=TagOperator.ANY,
            order_direction=OrderDirection.ASC,
        ),
        lambda a: (
            not a.read
            and not a.favorite
            and a.published_at is not None
            and a.published_at > datetime(2025, 12, 31, 12, tzinfo=UTC)
            and bool({"a", "c"} & a.tags)
        ),
    ),
]


def _in_order(fixtures: list[Fixture], direction: OrderDirection) -> list[int]:
    ordered = sorted(fixtures, key=lambda a: (a.sort_date, a.id), reverse=direction == OrderDirection.DESC)
    return [a.id for a in ordered]


async def test_every_filter_selects_what_the_reference_says_and_counts_match_the_contents(db: Runtime) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    other = await register_user("bob@example.org", TEST_PASSWORD)
    tags = {name: await Tag.create(user_id=user.id, title=name.upper(), slug=name) for name in "abc"}
    fixtures = await _store(user.id, _fixtures(), tags)
    await Article.create(user_id=other.id, url="https://example.org/bob", title="bob's", published_at=NOW)
    created = [(await create_reading_list(user.id, settings), oracle) for settings, oracle in FILTER_CASES]

    counters = await unread_counters(user.id, now=NOW)

    assert len(counters.unread) == len(created) + 5  # the five default lists are counted too
    for reading_list, oracle in created:
        expected = [a for a in fixtures if oracle(a)]
        page = await show_reading_list(user.id, reading_list.slug, now=NOW)
        assert [card.id for card in page.articles] == _in_order(expected, reading_list.order_direction), (
            reading_list.title
        )
        assert page.next_cursor is None
        assert counters.unread[reading_list.id] == sum(not a.read for a in expected), reading_list.title
        assert 0 < len(expected) < len(fixtures), f"{reading_list.title} does not discriminate"
    defaults = {rl.slug: rl.id for rl in await ReadingList.filter(user_id=user.id, slug__in=["unread", "all-articles"])}
    assert counters.unread[defaults["all-articles"]] == sum(not a.read for a in fixtures)
    assert counters.unread[defaults["unread"]] == sum(not a.read and not a.for_later for a in fixtures)


async def test_cards_carry_their_tags_feed_title_and_group(db: Runtime) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    tags = [await Tag.create(user_id=user.id, title=title, slug=title.lower()) for title in ("Zeta", "Alpha")]
    tagged = await Article.create(user_id=user.id, url="https://example.org/t", title="tagged", content="<p>x</p>")
    await ArticleTag.bulk_create([ArticleTag(article=tagged, tag=tag) for tag in tags])
    await Article.create(user_id=user.id, url="https://example.org/bare", title="bare", authors=["Ann", "Bo"])

    page = await show_reading_list(user.id, "all-articles", now=NOW)

    cards = {card.title: card for card in page.articles}
    assert [tag.title for tag in cards["tagged"].tags] == ["Alpha", "Zeta"]
    assert cards["bare"].tags == ()
    assert cards["bare"].authors == ("Ann", "Bo")
    assert cards["bare"].opens_original and not cards["tagged"].opens_original  # no content: the original
    assert cards["tagged"].feed_title is None
    assert page.total == 2


async def test_card_lists_keep_the_text_items_of_json_lists_only(db: Runtime) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    await Article.create(
        user_id=user.id, url="https://example.org/odd", title="odd", authors=["Ann", None, 3], external_tags={"a": 1}
    )
    [card] = (await show_reading_list(user.id, "all-articles", now=NOW)).articles
    assert card.authors == ("Ann", "3")
    assert card.external_tags == ()


# --- keyset pages ------------------------------------------------------------------------------------


async def _tied_articles(user_id: int, count: int) -> list[Article]:
    """`count` articles on three dates only (ties everywhere), a few undated (sorted by arrival)."""
    dates = [NOW - timedelta(days=1), NOW - timedelta(days=2), None, NOW - timedelta(days=3)]
    await Article.bulk_create(
        [
            Article(user_id=user_id, url=f"https://example.org/{n}", title=f"a{n}", published_at=dates[n % 4])
            for n in range(count)
        ]
    )
    return await Article.filter(user_id=user_id).order_by("id")


def _sort_date(article: Article) -> datetime:
    return article.updated_at or article.published_at or article.obj_created_at


@pytest.mark.parametrize("direction", [OrderDirection.DESC, OrderDirection.ASC])
async def test_keyset_pages_cover_every_article_once_in_order_despite_tied_dates(
    db: Runtime, direction: OrderDirection
) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    articles = await _tied_articles(user.id, 31)
    await create_reading_list(user.id, ReadingListSettings("Everything", order_direction=direction))
    expected = [a.id for a in sorted(articles, key=lambda a: (_sort_date(a), a.id), reverse=direction == "DESC")]

    seen: list[int] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = await show_reading_list(user.id, "everything", now=NOW, after=cursor, limit=7)
        seen += [card.id for card in page.articles]
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
        assert page.total is None  # not counted: the list goes on beyond this page

    assert seen == expected
    assert pages == 5  # 7 + 7 + 7 + 7 + 3


async def test_an_exactly_full_last_page_has_no_next_cursor(db: Runtime) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    await _tied_articles(user.id, 10)

    first = await show_reading_list(user.id, "unread", now=NOW, limit=5)
    second = await show_reading_list(user.id, "unread", now=NOW, limit=5, after=first.next_cursor)

    assert len(first.articles) == len(second.articles) == 5
    assert second.next_cursor is None
    assert first.total == second.total == 10  # an unread-only list: its total is its unread count, for free


def test_sort_keys_round_trip_through_their_cursor() -> None:
    for key in (SortKey(NOW, 1), SortKey(datetime(1900, 5, 1, 0, 0, 0, 7, tzinfo=UTC), 2**62)):
        assert SortKey.decode(key.encode()) == key


@pytest.mark.parametrize(
    "cursor",
    [
        "abc",
        "1.",
        ".5",
        "1.-3",
        "1.0",
        "1.2.3",
        "9" * 30 + ".1",
        "1.5\x00",
        "1e3.4",
        "1.99999999999999999999999999999999",
    ],
)
async def test_a_malformed_cursor_is_invalid_input(db: Runtime, cursor: str) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    with pytest.raises(InvalidInput, match="cursor"):
        await show_reading_list(user.id, None, now=NOW, after=cursor)


@pytest.mark.parametrize("limit", [0, -1, 101])
async def test_a_page_size_out_of_range_is_invalid_input(db: Runtime, limit: int) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    with pytest.raises(InvalidInput, match="1 to 100"):
        await show_reading_list(user.id, None, now=NOW, limit=limit)


# --- mark all as read --------------------------------------------------------------------------------


async def test_mark_all_as_read_covers_every_matching_article_beyond_the_first_page(db: Runtime) -> None:
    alice = await register_user("alice@example.org", TEST_PASSWORD)
    bob = await register_user("bob@example.org", TEST_PASSWORD)
    tag = await Tag.create(user_id=alice.id, title="Python", slug="python")
    await Article.bulk_create(
        [Article(user_id=alice.id, url=f"https://example.org/{n}", title=f"a{n}", published_at=NOW) for n in range(260)]
    )
    tagged = await Article.filter(user_id=alice.id).order_by("id").limit(230)
    await ArticleTag.bulk_create([ArticleTag(article=article, tag=tag) for article in tagged])
    await Article.filter(id=tagged[0].id).update(read_at=NOW - timedelta(days=1))  # already read: keeps its date
    await Article.create(user_id=bob.id, url="https://example.org/bob", title="bob")
    python = await create_reading_list(alice.id, ReadingListSettings("Python", include_tags=("python",)))

    result = await mark_reading_list_as_read(alice.id, python.id, now=NOW)

    assert result.marked == 229
    assert await Article.filter(user_id=alice.id, read_at=NOW).count() == 229
    assert await Article.filter(user_id=alice.id, read_at__isnull=True).count() == 30  # the untagged ones
    assert (await Article.get(id=tagged[0].id)).read_at == NOW - timedelta(days=1)
    assert await Article.filter(user_id=bob.id, read_at__isnull=True).count() == 1
    assert result.counters.unread[python.id] == 0
    all_articles = await ReadingList.get(user_id=alice.id, slug="all-articles")
    assert result.counters.unread[all_articles.id] == 30


async def test_mark_all_as_read_of_another_users_list_is_not_found(db: Runtime) -> None:
    alice = await register_user("alice@example.org", TEST_PASSWORD)
    bob = await register_user("bob@example.org", TEST_PASSWORD)
    await Article.create(user_id=bob.id, url="https://example.org/bob", title="bob")
    bobs_list = await ReadingList.get(user_id=bob.id, slug="all-articles")

    with pytest.raises(NotFound):
        await mark_reading_list_as_read(alice.id, bobs_list.id, now=NOW)
    assert await Article.filter(read_at__isnull=True).count() == 1


# --- article page: previous / next -------------------------------------------------------------------


async def test_previous_and_next_follow_the_lists_order_with_ties(db: Runtime) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    articles = await _tied_articles(user.id, 9)
    await Article.filter(id=articles[4].id).update(read_at=NOW)  # not in "unread", skipped by its neighbours
    await create_reading_list(user.id, ReadingListSettings("Oldest", order_direction=OrderDirection.ASC))
    ordered = [a.id for a in sorted(articles, key=lambda a: (_sort_date(a), a.id), reverse=True)]
    unread = [i for i in ordered if i != articles[4].id]

    for position, article_id in enumerate(unread):
        page = await show_article(user.id, article_id, now=NOW, list_slug="unread")
        assert (page.previous.id if page.previous else None) == (unread[position - 1] if position else None)
        assert (page.next.id if page.next else None) == (unread[position + 1] if position + 1 < len(unread) else None)

    middle = await show_article(user.id, ordered[3], now=NOW, list_slug="oldest")
    assert middle.previous is not None and middle.previous.id == ordered[4]  # ascending: the older one first
    assert middle.next is not None and middle.next.id == ordered[2]
    read_one = await show_article(user.id, articles[4].id, now=NOW, list_slug="unread")  # opened, then read
    assert read_one.previous is not None and read_one.next is not None


async def test_the_article_page_has_its_tags_comments_and_refuses_other_users(db: Runtime) -> None:
    alice = await register_user("alice@example.org", TEST_PASSWORD)
    bob = await register_user("bob@example.org", TEST_PASSWORD)
    article = await Article.create(user_id=alice.id, url="https://example.org/a", title="a")
    tag = await Tag.create(user_id=alice.id, title="Python", slug="python")
    await ArticleTag.create(article=article, tag=tag)
    await Comment.create(article=article, text="first")
    await Comment.create(article=article, text="second")

    page = await show_article(alice.id, article.id, now=NOW, list_slug="renamed-since")

    assert [t.slug for t in page.tags] == ["python"]
    assert [c.text for c in page.comments] == ["first", "second"]
    assert page.reading_list is None and page.previous is None and page.next is None
    with pytest.raises(NotFound):
        await show_article(bob.id, article.id, now=NOW)
    with pytest.raises(NotFound):
        await show_article(bob.id, article.id, now=NOW, list_slug="all-articles")
    for impossible in (0, 2**63):
        with pytest.raises(NotFound):
            await show_article(alice.id, impossible, now=NOW)
        with pytest.raises(NotFound):
            await mark_reading_list_as_read(alice.id, impossible, now=NOW)


async def test_opening_an_article_the_first_time_marks_it_opened_and_read_and_only_then(db: Runtime) -> None:
    alice = await register_user("alice@example.org", TEST_PASSWORD)
    bob = await register_user("bob@example.org", TEST_PASSWORD)
    article = await Article.create(user_id=alice.id, url="https://example.org/a", title="a")

    looked = await show_article(alice.id, article.id, now=NOW)  # without mark_opened: nothing changes
    assert looked.article.opened_at is None and looked.article.read_at is None
    with pytest.raises(NotFound):
        await show_article(bob.id, article.id, now=NOW, mark_opened=True)
    assert (await Article.get(id=article.id)).opened_at is None

    page = await show_article(alice.id, article.id, now=NOW, mark_opened=True)
    stored = await Article.get(id=article.id)
    assert page.article.opened_at == stored.opened_at == NOW
    assert page.article.read_at == stored.read_at == NOW

    await Article.filter(id=article.id).update(read_at=None)  # marked unread by the reader afterwards
    again = await show_article(alice.id, article.id, now=NOW + timedelta(hours=1), mark_opened=True)
    assert again.article.read_at is None and (await Article.get(id=article.id)).read_at is None
    assert again.article.opened_at == NOW

    earlier = NOW - timedelta(days=1)
    read_before = await Article.create(user_id=alice.id, url="https://example.org/b", title="b", read_at=earlier)
    opened = await show_article(alice.id, read_before.id, now=NOW, mark_opened=True)
    assert opened.article.read_at == (await Article.get(id=read_before.id)).read_at == earlier  # first date kept


# --- the number of statements per page ---------------------------------------------------------------


async def _library(email: str, articles: int, extra_lists: int) -> int:
    user = await register_user(email, TEST_PASSWORD)
    tags = [await Tag.create(user_id=user.id, title=f"T{n}", slug=f"t{n}") for n in range(3)]
    await Article.bulk_create(
        [
            Article(
                user_id=user.id, url=f"https://example.org/{n}", title=f"a{n}", published_at=NOW - timedelta(hours=n)
            )
            for n in range(articles)
        ]
    )
    stored = await Article.filter(user_id=user.id)
    await ArticleTag.bulk_create([ArticleTag(article=a, tag=tags[a.id % 3]) for a in stored])
    for n in range(extra_lists):
        await create_reading_list(user.id, ReadingListSettings(f"List {n}", include_tags=(f"t{n % 3}",)))
    return int(user.id)


async def test_the_number_of_statements_per_page_is_constant(db: Runtime) -> None:
    small = await _library("small@example.org", articles=10, extra_lists=0)  # 5 default lists
    large = await _library("large@example.org", articles=500, extra_lists=15)  # 20 lists, tag filters
    counts: list[int] = []
    for user_id, slug in ((small, "all-articles"), (large, "all-articles"), (large, "list-1")):
        with counting_statements() as statements:
            page = await show_reading_list(user_id, slug, now=NOW)
        assert page.articles and all(card.tags for card in page.articles)
        counts.append(len(statements))
        assert not any("OFFSET" in s.upper() for s in statements)

    with counting_statements() as article_statements:
        await show_article(large, page.articles[0].id, now=NOW, list_slug="list-1")

    # lists, their tags, the unread counts of every list, the page, its tags, the reader's timezone
    assert counts == [6, 6, 6]
    # the article, its tags, its comments, the list, its tags, previous, next, the reader's timezone
    assert len(article_statements) == 8


async def test_counting_statements_sees_every_statement(db: Runtime) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    with counting_statements() as statements:
        await ReadingList.filter(user_id=user.id).count()
        await list_queries.load_list_filters(user.id)
    assert len(statements) == 3
