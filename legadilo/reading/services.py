"""Reading use cases available so far: the default reading lists of a new account, and the list page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from legadilo.accounts.models import UserSettings
from legadilo.core.errors import NotFound
from legadilo.core.text import slugify
from legadilo.reading import queries
from legadilo.reading.models import (
    Article,
    FavoriteStatus,
    ForLaterStatus,
    MaxAgeUnit,
    ReadingList,
    ReadStatus,
)


@dataclass(frozen=True)
class DefaultList:
    title: str
    order: int
    is_default: bool = False
    read_status: ReadStatus = ReadStatus.ALL
    favorite_status: FavoriteStatus = FavoriteStatus.ALL
    for_later_status: ForLaterStatus = ForLaterStatus.ALL
    articles_max_age_value: int = 0
    articles_max_age_unit: MaxAgeUnit = MaxAgeUnit.UNSET
    auto_refresh_interval: int = 0


DEFAULT_READING_LISTS = (
    DefaultList("All articles", 0),
    DefaultList(
        "Unread",
        10,
        is_default=True,
        read_status=ReadStatus.ONLY_UNREAD,
        for_later_status=ForLaterStatus.ONLY_NOT_FOR_LATER,
        auto_refresh_interval=1,
    ),
    DefaultList("Recent", 20, articles_max_age_value=2, articles_max_age_unit=MaxAgeUnit.DAYS),
    DefaultList("Favorite", 30, favorite_status=FavoriteStatus.ONLY_FAVORITE),
    DefaultList("For later", 35, read_status=ReadStatus.ONLY_UNREAD, for_later_status=ForLaterStatus.ONLY_FOR_LATER),
)


async def create_default_reading_lists(user_id: int) -> list[ReadingList]:
    """The five lists every account starts with ("Unread" is the default one)."""
    lists = [
        ReadingList(
            user_id=user_id,
            title=spec.title,
            slug=slugify(spec.title, max_length=255),
            order=spec.order,
            is_default=spec.is_default,
            read_status=spec.read_status,
            favorite_status=spec.favorite_status,
            for_later_status=spec.for_later_status,
            articles_max_age_value=spec.articles_max_age_value,
            articles_max_age_unit=spec.articles_max_age_unit,
            auto_refresh_interval=spec.auto_refresh_interval,
        )
        for spec in DEFAULT_READING_LISTS
    ]
    await ReadingList.bulk_create(lists)
    return await queries.list_reading_lists(user_id)


@dataclass(frozen=True)
class ReadingListPage:
    reading_list: ReadingList
    reading_lists: list[ReadingList]
    articles: list[Article]
    total: int
    timezone: str


async def show_reading_list(user_id: int, slug: str | None, *, now: datetime, limit: int = 100) -> ReadingListPage:
    """The articles of a list (the default one when `slug` is None), newest first by default.

    Raises:
        NotFound: no list with that slug for this user, or no default list.
    """
    reading_lists = await queries.list_reading_lists(user_id)
    chosen = next(
        (rl for rl in reading_lists if (rl.slug == slug if slug is not None else rl.is_default)),
        None,
    )
    if chosen is None:
        raise NotFound("no such reading list" if slug is not None else "this account has no default reading list")
    articles, total = await queries.list_articles_of_reading_list(chosen, now=now, limit=limit)
    user_settings = await UserSettings.get(user_id=user_id)
    return ReadingListPage(
        reading_list=chosen,
        reading_lists=reading_lists,
        articles=articles,
        total=total,
        timezone=user_settings.timezone,
    )
