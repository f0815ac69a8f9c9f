"""The reading-list editor on the real database: create and update with every setting, slugs unique per user,
reorder, one default list per user (also under concurrent requests), delete rules, other users' ids."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from legadilo.accounts.models import User
from legadilo.core.errors import InvalidInput, NotFound
from legadilo.reading.lists import (
    ReadingListSettings,
    create_reading_list,
    delete_reading_list,
    make_default_reading_list,
    reading_list_settings,
    reorder_reading_lists,
    update_reading_list,
)
from legadilo.reading.models import (
    FavoriteStatus,
    ForLaterStatus,
    MaxAgeUnit,
    OrderDirection,
    ReadingList,
    ReadingListTag,
    ReadingTimeOperator,
    ReadStatus,
    Tag,
    TagOperator,
)

EVERYTHING = ReadingListSettings(
    title="  Long   reads  ",
    read_status=ReadStatus.ONLY_UNREAD,
    favorite_status=FavoriteStatus.ONLY_NON_FAVORITE,
    for_later_status=ForLaterStatus.ONLY_FOR_LATER,
    articles_max_age_value=3,
    articles_max_age_unit=MaxAgeUnit.MONTHS,
    articles_reading_time=15,
    articles_reading_time_operator=ReadingTimeOperator.MORE_THAN,
    include_tags=("Python", "rust"),
    include_tag_operator=TagOperator.ANY,
    exclude_tags=("News",),
    exclude_tag_operator=TagOperator.ANY,
    order_direction=OrderDirection.ASC,
    enable_reading_on_scroll=True,
    auto_refresh_interval=6,
)


async def _slugs_in_order(user: User) -> list[str]:
    return [rl.slug for rl in await ReadingList.filter(user_id=user.id).order_by("order", "id")]


async def test_create_stores_every_setting_places_the_list_last_and_round_trips(alice: User) -> None:
    created = await create_reading_list(alice.id, EVERYTHING)

    stored = await ReadingList.get(id=created.id)
    assert (stored.title, stored.slug, stored.is_default) == ("Long reads", "long-reads", False)
    assert (stored.read_status, stored.favorite_status, stored.for_later_status) == (
        "ONLY_UNREAD",
        "ONLY_NON_FAVORITE",
        "ONLY_FOR_LATER",
    )
    assert (stored.articles_max_age_value, stored.articles_max_age_unit) == (3, "MONTHS")
    assert (stored.articles_reading_time, stored.articles_reading_time_operator) == (15, "MORE_THAN")
    assert (stored.include_tag_operator, stored.exclude_tag_operator, stored.order_direction) == ("ANY", "ANY", "ASC")
    assert (stored.enable_reading_on_scroll, stored.auto_refresh_interval) == (True, 6)
    assert (await _slugs_in_order(alice))[-1] == "long-reads"
    assert {t.slug for t in await Tag.filter(user_id=alice.id)} == {"python", "rust", "news"}
    expected = ReadingListSettings(
        **{**EVERYTHING.__dict__, "title": "Long reads", "include_tags": ("python", "rust"), "exclude_tags": ("news",)}
    )
    assert await reading_list_settings(alice.id, created.id) == expected


async def test_slugs_are_unique_per_user_with_a_suffix_and_never_empty(alice: User, bob: User) -> None:
    first = await create_reading_list(alice.id, ReadingListSettings("Tech news"))
    second = await create_reading_list(alice.id, ReadingListSettings("Tech  NEWS!"))
    third = await create_reading_list(alice.id, ReadingListSettings("tech-news"))
    bobs = await create_reading_list(bob.id, ReadingListSettings("Tech news"))
    emoji = await create_reading_list(alice.id, ReadingListSettings("📚📚"))
    emoji_again = await create_reading_list(alice.id, ReadingListSettings("📰"))
    long_one = await create_reading_list(alice.id, ReadingListSettings("x" * 255))
    long_two = await create_reading_list(alice.id, ReadingListSettings("x" * 254 + "y"))

    assert [first.slug, second.slug, third.slug, bobs.slug] == ["tech-news", "tech-news-2", "tech-news-3", "tech-news"]
    assert [emoji.slug, emoji_again.slug] == ["list", "list-2"]
    assert long_one.slug == "x" * 255
    assert long_two.slug == "x" * 254 + "y"
    assert (await create_reading_list(alice.id, ReadingListSettings("x" * 255 + " "))).slug == "x" * 253 + "-2"


async def test_concurrent_creations_with_one_title_get_distinct_slugs(alice: User) -> None:
    created = await asyncio.gather(*(create_reading_list(alice.id, ReadingListSettings("Same")) for _ in range(4)))
    assert sorted(rl.slug for rl in created) == ["same", "same-2", "same-3", "same-4"]


def _with(**changes: Any) -> ReadingListSettings:
    return ReadingListSettings(**{**ReadingListSettings("Valid").__dict__, **changes})


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (_with(title="   "), "needs a title"),
        (_with(title="x" * 256), "longer than 255"),
        (_with(read_status="ONLY_SOME"), "not a choice"),
        (_with(order_direction="asc; DROP TABLE article"), "not a choice"),
        (_with(include_tag_operator=None), "not a choice"),
        (_with(articles_max_age_value=-1), "from 0 to"),
        (_with(articles_max_age_value=10_001), "from 0 to"),
        (_with(articles_reading_time=2**40), "from 0 to"),
        (_with(auto_refresh_interval=True), "from 0 to"),
        (_with(auto_refresh_interval="3"), "from 0 to"),
        (_with(articles_max_age_unit=MaxAgeUnit.DAYS, articles_max_age_value=0), "at least 1"),
        (_with(enable_reading_on_scroll="yes"), "on or off"),
        (_with(include_tags=tuple(f"t{n}" for n in range(60)), exclude_tags=tuple(f"u{n}" for n in range(41))), "100"),
        (_with(include_tags=("Python",), exclude_tags=("python",)), "both included and excluded: python"),
    ],
)
async def test_bad_settings_are_refused_with_one_line_and_nothing_is_written(
    alice: User, bad: ReadingListSettings, message: str
) -> None:
    before = await ReadingList.filter(user_id=alice.id).count()
    with pytest.raises(InvalidInput, match=message) as error:
        await create_reading_list(alice.id, bad)
    assert "\n" not in str(error.value)
    assert await ReadingList.filter(user_id=alice.id).count() == before
    assert await Tag.filter(user_id=alice.id).count() == 0


async def test_update_replaces_settings_and_tags_and_a_new_title_gives_a_new_free_slug(alice: User) -> None:
    reading_list = await create_reading_list(alice.id, EVERYTHING)
    await create_reading_list(alice.id, ReadingListSettings("Daily"))

    kept = await update_reading_list(alice.id, reading_list.id, _with(title="Long reads", include_tags=("go",)))
    assert kept.slug == "long-reads"  # its own slug is not a collision
    renamed = await update_reading_list(
        alice.id, reading_list.id, _with(title="Daily", exclude_tags=("python",), order_direction="DESC")
    )

    assert renamed.slug == "daily-2"
    settings = await reading_list_settings(alice.id, reading_list.id)
    assert settings == _with(title="Daily", exclude_tags=("python",))
    assert await ReadingListTag.filter(reading_list_id=reading_list.id).count() == 1
    assert (await ReadingList.get(id=reading_list.id)).read_status == "ALL"


async def test_update_of_a_bad_setting_changes_nothing(alice: User) -> None:
    reading_list = await create_reading_list(alice.id, EVERYTHING)
    with pytest.raises(InvalidInput):
        await update_reading_list(
            alice.id, reading_list.id, _with(title="Renamed", include_tags=("a",), exclude_tags=("A",))
        )
    stored = await ReadingList.get(id=reading_list.id)
    assert (stored.title, stored.slug) == ("Long reads", "long-reads")
    assert len((await reading_list_settings(alice.id, reading_list.id)).include_tags) == 2


async def test_reorder_sets_the_given_order_and_keeps_the_others_after(alice: User) -> None:
    lists = {rl.slug: rl.id for rl in await ReadingList.filter(user_id=alice.id)}
    assert await _slugs_in_order(alice) == ["all-articles", "unread", "recent", "favorite", "for-later"]

    result = await reorder_reading_lists(alice.id, [lists["for-later"], lists["recent"]])

    expected = ["for-later", "recent", "all-articles", "unread", "favorite"]
    assert [rl.slug for rl in result] == expected
    assert await _slugs_in_order(alice) == expected
    created = await create_reading_list(alice.id, ReadingListSettings("New"))
    assert (await _slugs_in_order(alice))[-1] == created.slug


async def test_reorder_refuses_duplicates_and_other_users_ids_without_changing_anything(alice: User, bob: User) -> None:
    mine = [rl.id for rl in await ReadingList.filter(user_id=alice.id).order_by("order", "id")]
    bobs = await ReadingList.filter(user_id=bob.id).first()
    assert bobs is not None

    with pytest.raises(InvalidInput, match="twice"):
        await reorder_reading_lists(alice.id, [mine[1], mine[1]])
    with pytest.raises(NotFound):
        await reorder_reading_lists(alice.id, [mine[2], bobs.id])
    with pytest.raises(NotFound):
        await reorder_reading_lists(alice.id, [999_999])

    assert [rl.id for rl in await ReadingList.filter(user_id=alice.id).order_by("order", "id")] == mine


async def test_make_default_keeps_exactly_one_default_even_under_concurrent_requests(alice: User, bob: User) -> None:
    lists = [rl.id for rl in await ReadingList.filter(user_id=alice.id)]

    await make_default_reading_list(alice.id, lists[0])
    assert [rl.id for rl in await ReadingList.filter(user_id=alice.id, is_default=True)] == [lists[0]]
    await make_default_reading_list(alice.id, lists[0])  # already the default: still one
    await asyncio.gather(*(make_default_reading_list(alice.id, list_id) for list_id in lists * 2))

    assert await ReadingList.filter(user_id=alice.id, is_default=True).count() == 1
    assert await ReadingList.filter(user_id=bob.id, is_default=True).count() == 1
    bobs = await ReadingList.get(user_id=bob.id, is_default=False, slug="recent")
    with pytest.raises(NotFound):
        await make_default_reading_list(alice.id, bobs.id)
    assert not (await ReadingList.get(id=bobs.id)).is_default


async def test_delete_refuses_the_default_and_the_last_list(alice: User) -> None:
    default = await ReadingList.get(user_id=alice.id, is_default=True)
    with pytest.raises(InvalidInput, match="default reading list cannot be deleted"):
        await delete_reading_list(alice.id, default.id)

    tagged = await create_reading_list(alice.id, _with(title="Tagged", include_tags=("x",)))
    await delete_reading_list(alice.id, tagged.id)
    assert not await ReadingList.exists(id=tagged.id)
    assert not await ReadingListTag.exists(reading_list_id=tagged.id)

    for reading_list in await ReadingList.filter(user_id=alice.id, is_default=False):
        await delete_reading_list(alice.id, reading_list.id)
    await ReadingList.filter(user_id=alice.id).update(is_default=False)  # an account without a default list
    with pytest.raises(InvalidInput, match="last reading list"):
        await delete_reading_list(alice.id, default.id)
    assert await ReadingList.filter(user_id=alice.id).count() == 1


async def test_other_users_lists_are_not_found(alice: User, bob: User) -> None:
    bobs = await ReadingList.get(user_id=bob.id, slug="recent")
    for attempt in (
        update_reading_list(alice.id, bobs.id, _with(title="Mine now")),
        delete_reading_list(alice.id, bobs.id),
        reading_list_settings(alice.id, bobs.id),
    ):
        with pytest.raises(NotFound):
            await attempt
    assert (await ReadingList.get(id=bobs.id)).title == "Recent"


@pytest.mark.parametrize("list_id", [0, -5, 2**63, 10**30])
async def test_ids_that_cannot_exist_are_not_found(alice: User, list_id: int) -> None:
    for attempt in (
        update_reading_list(alice.id, list_id, _with(title="x")),
        delete_reading_list(alice.id, list_id),
        make_default_reading_list(alice.id, list_id),
        reading_list_settings(alice.id, list_id),
    ):
        with pytest.raises(NotFound):
            await attempt
    with pytest.raises(InvalidInput, match="not a valid id"):
        await reorder_reading_lists(alice.id, [list_id])
