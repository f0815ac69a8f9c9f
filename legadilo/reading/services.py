"""Reading use cases: the default reading lists of a new account, a list's page with the unread counts of
every list, mark a whole list as read, and the data of an article's page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise import Tortoise

from legadilo.accounts.models import UserSettings
from legadilo.core.errors import InvalidInput, NotFound
from legadilo.core.text import slugify
from legadilo.reading import list_queries, queries
from legadilo.reading.counts_cache import CACHE
from legadilo.reading.list_queries import ArticleCard, ArticleRef, ListCounters, ListFilter, SortKey, is_id
from legadilo.reading.models import (
    Article,
    Comment,
    FavoriteStatus,
    ForLaterStatus,
    MaxAgeUnit,
    ReadingList,
    ReadingListTag,
    ReadStatus,
    Tag,
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


PAGE_SIZE = 100  # articles per page; the "load more" link continues after the last one


@dataclass(frozen=True)
class ReadingListPage:
    """A page of a list. `total` is given only when it costs nothing (see `show_reading_list`)."""

    reading_list: ReadingList
    reading_lists: list[ReadingList]
    unread_counts: dict[int, int]
    articles: list[ArticleCard]
    next_cursor: str | None
    total: int | None
    timezone: str

    @property
    def unread(self) -> int:
        return self.unread_counts.get(self.reading_list.id, 0)


async def show_reading_list(
    user_id: int,
    slug: str | None,
    *,
    now: datetime,
    after: str | None = None,
    limit: int = PAGE_SIZE,
    timezone: str | None = None,
) -> ReadingListPage:
    """A page of a list (the default one when `slug` is None) in its order, after the cursor `after`.

    Six queries whatever the number of articles and lists: the lists and their tags, the unread counts of
    every list (one statement), the page (limit + 1 rows, keyset), the page's tags, the reader's timezone
    (five when the caller knows the `timezone` already).
    The list's total is not counted (that would scan every matching article on each page view): it is
    known for free when the whole list fits in the first page, or when the list shows only unread articles
    (it is then its unread count); otherwise it is None and the page shows the list's unread count.

    Raises:
        NotFound: no list with that slug for this user, or no default list.
        InvalidInput: a malformed cursor, or a page size outside 1..PAGE_SIZE.
    """
    if not 1 <= limit <= PAGE_SIZE:
        raise InvalidInput(f"a page holds 1 to {PAGE_SIZE} articles")
    cursor = SortKey.decode(after) if after else None
    lists = await list_queries.load_list_filters(user_id)
    chosen = next(((rl, spec) for rl, spec in lists if (rl.slug == slug if slug is not None else rl.is_default)), None)
    if chosen is None:
        raise NotFound("no such reading list" if slug is not None else "this account has no default reading list")
    reading_list, spec = chosen
    unread = await _unread_counts(user_id, [(rl.id, f) for rl, f in lists], now=now)
    articles, next_key = await list_queries.page_of_list(
        user_id, spec, reading_list.order_direction, now=now, after=cursor, limit=limit
    )
    total = None
    if cursor is None and next_key is None:
        total = len(articles)
    elif spec.read_status == ReadStatus.ONLY_UNREAD:
        total = unread[reading_list.id]
    return ReadingListPage(
        reading_list=reading_list,
        reading_lists=[rl for rl, _ in lists],
        unread_counts=unread,
        articles=articles,
        next_cursor=next_key.encode() if next_key else None,
        total=total,
        timezone=timezone or await _timezone(user_id),
    )


async def _unread_counts(user_id: int, filters: list[tuple[int, ListFilter]], *, now: datetime) -> dict[int, int]:
    """The sidebar's counts: from the per-process cache while no article changed (counts_cache), else counted."""
    key = (user_id, tuple(filters))
    unread = CACHE.get(key)
    if unread is None:
        since = CACHE.clock()
        unread = (await list_queries.count_unread(user_id, filters, now=now)).unread
        CACHE.put(key, unread, since=since)
    return unread


async def _timezone(user_id: int) -> str:
    return (await UserSettings.get(user_id=user_id)).timezone


async def _list_of(user_id: int, list_id: int) -> tuple[ReadingList, list[tuple[ReadingList, ListFilter]]]:
    lists = await list_queries.load_list_filters(user_id) if is_id(list_id) else []
    chosen = next((rl for rl, _ in lists if rl.id == list_id), None)
    if chosen is None:
        raise NotFound(f"no reading list {list_id} for this user")
    return chosen, lists


async def unread_counters(user_id: int, *, now: datetime, article_id: int | None = None) -> ListCounters:
    """The unread count of every list of the user (and the lists holding `article_id`): three queries."""
    lists = await list_queries.load_list_filters(user_id)
    return await list_queries.count_unread(user_id, [(rl.id, f) for rl, f in lists], now=now, article_id=article_id)


@dataclass(frozen=True)
class MarkedAsRead:
    marked: int
    counters: ListCounters


async def mark_reading_list_as_read(user_id: int, list_id: int, *, now: datetime) -> MarkedAsRead:
    """Mark every unread article of a list as read (all of them, not only a page), in one UPDATE.

    Raises:
        NotFound: no such list for this user.
    """
    reading_list, lists = await _list_of(user_id, list_id)
    spec = next(f for rl, f in lists if rl.id == reading_list.id)
    marked = await list_queries.mark_list_as_read(user_id, spec, now=now)
    counters = await list_queries.count_unread(user_id, [(rl.id, f) for rl, f in lists], now=now)
    return MarkedAsRead(marked, counters)


@dataclass(frozen=True)
class ArticlePage:
    """The details page: the article (its main feed and group loaded), tags, comments, and the previous and
    next articles of the list it was opened from (None at either end, or without a list)."""

    article: Article
    tags: list[Tag]
    comments: list[Comment]
    reading_list: ReadingList | None
    previous: ArticleRef | None
    next: ArticleRef | None
    timezone: str


async def show_article(
    user_id: int,
    article_id: int,
    *,
    now: datetime,
    list_slug: str | None = None,
    timezone: str | None = None,
    mark_opened: bool = False,
) -> ArticlePage:
    """An article with everything its page shows. An unknown `list_slug` (a list renamed since) only drops
    the previous/next links. With `mark_opened` (the reader opens the page), an article never opened before
    is marked opened and read; later views change nothing (an article marked unread again stays unread).

    Raises:
        NotFound: no such article for this user.
    """
    article = None
    if is_id(article_id):
        article = await Article.get_or_none(id=article_id, user_id=user_id).select_related("main_feed", "group")
    if article is None:
        raise NotFound(f"no article {article_id} for this user")
    if mark_opened and article.opened_at is None:
        await _mark_opened(user_id, article, now)
    tags = await Tag.filter(article_tags__article_id=article.id).order_by("title", "id")
    comments = await Comment.filter(article_id=article.id).order_by("created_at", "id")
    reading_list, previous, following = None, None, None
    if list_slug is not None:
        reading_list = await ReadingList.get_or_none(user_id=user_id, slug=list_slug)
    if reading_list is not None:
        tag_rows = await ReadingListTag.filter(reading_list_id=reading_list.id).values_list("tag_id", "filter_type")
        key = SortKey(article.updated_at or article.published_at or article.obj_created_at, article.id)
        previous, following = await list_queries.neighbours_in_list(
            user_id, ListFilter.of(reading_list, tag_rows), reading_list.order_direction, key, now=now
        )
    return ArticlePage(article, tags, comments, reading_list, previous, following, timezone or await _timezone(user_id))


async def _mark_opened(user_id: int, article: Article, now: datetime) -> None:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        f"UPDATE article SET {list_queries.OPENED_ASSIGNMENT}, obj_updated_at = $3"  # noqa: S608 - a constant
        " WHERE id = $1 AND user_id = $2 AND opened_at IS NULL RETURNING opened_at, read_at",
        [article.id, user_id, now],
    )
    if rows:  # else another request opened it first
        article.opened_at, article.read_at = rows[0]["opened_at"], rows[0]["read_at"]
