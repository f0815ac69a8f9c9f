"""Reading-list filters (reference §4.1) on the real database, and the list page."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from quart.typing import TestClientProtocol as QuartClient

from legadilo.accounts.models import UserSettings
from legadilo.core.errors import NotFound
from legadilo.reading.list_queries import ListFilter, page_of_list
from legadilo.reading.models import (
    Article,
    ArticleTag,
    MaxAgeUnit,
    OrderDirection,
    ReadingList,
    ReadingListTag,
    ReadingTimeOperator,
    Tag,
    TagFilterType,
    TagOperator,
)
from legadilo.reading.queries import max_age_cutoff, reading_list_filter, sorted_articles, subtract_months
from legadilo.reading.services import show_reading_list
from legadilo.runtime import Runtime
from legadilo.signup.services import register_user
from tests.conftest import TEST_PASSWORD, log_in

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 3, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2024, 3, 31, tzinfo=UTC), 1, datetime(2024, 2, 29, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), 1, datetime(2025, 12, 15, tzinfo=UTC)),
        (datetime(2026, 5, 31, tzinfo=UTC), 13, datetime(2025, 4, 30, tzinfo=UTC)),
    ],
)
def test_subtract_months_clamps_the_day(moment: datetime, months: int, expected: datetime) -> None:
    assert subtract_months(moment, months) == expected


@pytest.mark.parametrize(
    ("unit", "value", "expected"),
    [
        (MaxAgeUnit.UNSET, 3, None),
        (MaxAgeUnit.DAYS, 0, None),
        (MaxAgeUnit.HOURS, 5, NOW - timedelta(hours=5)),
        (MaxAgeUnit.DAYS, 2, NOW - timedelta(days=2)),
        (MaxAgeUnit.WEEKS, 1, NOW - timedelta(days=7)),
        (MaxAgeUnit.MONTHS, 1, datetime(2026, 2, 28, 12, 0, tzinfo=UTC)),
    ],
)
def test_max_age_cutoff(unit: MaxAgeUnit, value: int, expected: datetime | None) -> None:
    assert max_age_cutoff(unit, value, NOW) == expected


async def _article(user_id: int, slug: str, **fields: Any) -> Article:
    fields.setdefault("title", slug)
    return await Article.create(user_id=user_id, url=f"https://example.org/{slug}", **fields)


async def _titles(reading_list: ReadingList) -> list[str]:
    """The list's articles in order, through the SQL form of its filters (the page), checked against the
    ORM form (`reading_list_filter`): both must select and order the same articles."""
    tag_rows = await ReadingListTag.filter(reading_list_id=reading_list.id).values_list("tag_id", "filter_type")
    spec = ListFilter.of(reading_list, tag_rows)
    cards, next_key = await page_of_list(
        reading_list.user_id,  # type: ignore[attr-defined]
        spec,
        reading_list.order_direction,
        now=NOW,
        after=None,
        limit=100,
    )
    assert next_key is None
    orm = await sorted_articles(await reading_list_filter(reading_list, now=NOW), reading_list.order_direction)
    assert [card.id for card in cards] == [article.id for article in orm]
    return [card.title for card in cards]


async def test_default_lists_filter_by_status_age_and_sort_newest_first(db: Runtime) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    other = await register_user("bob@example.org", TEST_PASSWORD)
    day = timedelta(days=1)
    await _article(user.id, "old-unread", published_at=NOW - 10 * day)
    await _article(user.id, "fresh-read", published_at=NOW - day / 2, read_at=NOW)
    await _article(user.id, "fresh-fav", published_at=NOW - day, is_favorite=True)
    await _article(user.id, "later", published_at=NOW - 3 * day, is_for_later=True)
    await _article(user.id, "undated")  # sorted by its arrival: now, later than NOW
    await _article(other.id, "someone-else", published_at=NOW)
    lists = {rl.slug: rl for rl in await ReadingList.filter(user_id=user.id)}

    assert await _titles(lists["unread"]) == ["undated", "fresh-fav", "old-unread"]
    assert await _titles(lists["recent"]) == ["fresh-read", "fresh-fav"]
    assert await _titles(lists["favorite"]) == ["fresh-fav"]
    assert await _titles(lists["for-later"]) == ["later"]
    assert "someone-else" not in await _titles(lists["all-articles"])
    assert len(await _titles(lists["all-articles"])) == 5


async def test_order_direction_and_reading_time(db: Runtime) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    await _article(user.id, "short", published_at=NOW - timedelta(hours=3), reading_time=2)
    await _article(user.id, "long", published_at=NOW - timedelta(hours=2), reading_time=25)
    await _article(user.id, "medium", published_at=NOW - timedelta(hours=1), reading_time=10)
    reading_list = await ReadingList.create(
        user_id=user.id, title="Long reads", slug="long-reads", order_direction=OrderDirection.ASC,
        articles_reading_time=10, articles_reading_time_operator=ReadingTimeOperator.MORE_THAN,
    )  # fmt: skip

    assert await _titles(reading_list) == ["long", "medium"]
    reading_list.articles_reading_time_operator = ReadingTimeOperator.LESS_THAN
    assert await _titles(reading_list) == ["short", "medium"]


@pytest.mark.parametrize(
    ("include", "include_op", "exclude", "exclude_op", "expected"),
    [
        (["a", "b"], TagOperator.ALL, [], TagOperator.ALL, {"ab", "abc"}),
        (["a", "b"], TagOperator.ANY, [], TagOperator.ALL, {"a", "ab", "abc", "b"}),
        ([], TagOperator.ALL, ["b", "c"], TagOperator.ALL, {"a", "ab", "b", "none"}),
        ([], TagOperator.ALL, ["b", "c"], TagOperator.ANY, {"a", "none"}),
        (["a"], TagOperator.ANY, ["c"], TagOperator.ANY, {"a", "ab"}),
    ],
)
async def test_tag_rules(
    db: Runtime,
    include: list[str],
    include_op: TagOperator,
    exclude: list[str],
    exclude_op: TagOperator,
    expected: set[str],
) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    tags = {slug: await Tag.create(user_id=user.id, title=slug.upper(), slug=slug) for slug in "abc"}
    for name in ("none", "a", "b", "ab", "abc"):
        article = await _article(user.id, name)
        for slug in name if name != "none" else "":
            await ArticleTag.create(article=article, tag=tags[slug])
    reading_list = await ReadingList.create(
        user_id=user.id, title="Tagged", slug="tagged", include_tag_operator=include_op, exclude_tag_operator=exclude_op
    )
    for slug in include:
        await ReadingListTag.create(reading_list=reading_list, tag=tags[slug], filter_type=TagFilterType.INCLUDE)
    for slug in exclude:
        await ReadingListTag.create(reading_list=reading_list, tag=tags[slug], filter_type=TagFilterType.EXCLUDE)

    assert set(await _titles(reading_list)) == expected


async def test_show_reading_list_refuses_unknown_or_foreign_slugs(db: Runtime) -> None:
    alice = await register_user("alice@example.org", TEST_PASSWORD)
    bob = await register_user("bob@example.org", TEST_PASSWORD)
    await ReadingList.create(user_id=bob.id, title="Bob only", slug="bob-only")

    page = await show_reading_list(alice.id, None, now=NOW)
    assert page.reading_list.slug == "unread"
    with pytest.raises(NotFound):
        await show_reading_list(alice.id, "bob-only", now=NOW)
    await ReadingList.filter(user_id=alice.id, is_default=True).update(is_default=False)
    with pytest.raises(NotFound, match="no default reading list"):
        await show_reading_list(alice.id, None, now=NOW)


async def test_the_list_page_shows_articles_in_the_readers_timezone_and_escapes_titles(
    client: QuartClient, db: Runtime
) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    await UserSettings.filter(user_id=user.id).update(timezone="Europe/Paris")
    await _article(
        user.id, "x", title="<script>alert(1)</script>", published_at=datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    )
    await log_in(client, "alice@example.org")

    html = await (await client.get("/reading/lists/all-articles/")).get_data(as_text=True)

    assert "2026-07-01 12:00 CEST" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "1 article" in html


async def test_the_list_page_loads_more_without_javascript_and_refuses_a_bad_cursor(
    client: QuartClient, db: Runtime
) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    await Article.bulk_create(
        [
            Article(user_id=user.id, url=f"https://example.org/{n}", title=f"story {n:03}", published_at=NOW - n * DAY)
            for n in range(101)
        ]
    )
    await log_in(client, "alice@example.org")

    first = await (await client.get("/reading/lists/all-articles/")).get_data(as_text=True)
    match = re.search(r'<a href="(/reading/lists/all-articles/\?after=[^"]+)"[^>]*>Load more</a>', first)
    assert match is not None
    second = await (await client.get(html.unescape(match.group(1)))).get_data(as_text=True)
    bad = await client.get("/reading/lists/all-articles/?after=not-a-cursor")

    assert "story 099" in first and "story 100" not in first
    assert "story 100" in second and "story 099" not in second and "Load more" not in second
    assert bad.status_code == 400
