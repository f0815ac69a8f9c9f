"""Reads and writes of the reading domain. `user_id` always explicit.

`reading_list_filter` is the ORM form (a Tortoise `Q`) of a reading list's filters; `list_queries.filter_sql`
is its SQL form, with the same meaning (a test keeps them equal).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import datetime, timedelta

from tortoise.expressions import Q, RawSQL, Subquery
from tortoise.queryset import QuerySet

from legadilo.core.text import slugify
from legadilo.reading.models import (
    Article,
    ArticleTag,
    FavoriteStatus,
    ForLaterStatus,
    MaxAgeUnit,
    OrderDirection,
    ReadingList,
    ReadingListTag,
    ReadingTimeOperator,
    ReadStatus,
    Tag,
    TagFilterType,
    TagOperator,
)

# The date an article is sorted by: the source's update date, else its publication, else its arrival.
# The same expression is indexed by the migrations (article_user_sort_idx).
SORT_DATE_SQL = 'COALESCE("article"."updated_at", "article"."published_at", "article"."obj_created_at")'


async def list_reading_lists(user_id: int) -> list[ReadingList]:
    return await ReadingList.filter(user_id=user_id).order_by("order", "id")


def subtract_months(moment: datetime, months: int) -> datetime:
    """Calendar months back; the day is clamped to the target month's length (March 31 - 1 = Feb 28/29)."""
    month_index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def max_age_cutoff(unit: MaxAgeUnit, value: int, now: datetime) -> datetime | None:
    if unit == MaxAgeUnit.UNSET or value <= 0:
        return None
    if unit == MaxAgeUnit.MONTHS:
        return subtract_months(now, value)
    hours = {MaxAgeUnit.HOURS: 1, MaxAgeUnit.DAYS: 24, MaxAgeUnit.WEEKS: 24 * 7}[unit]
    return now - timedelta(hours=hours * value)


def _status_filters(reading_list: ReadingList) -> Q:
    q = Q(user_id=reading_list.user_id)  # type: ignore[attr-defined]
    if reading_list.read_status == ReadStatus.ONLY_READ:
        q &= Q(read_at__isnull=False)
    elif reading_list.read_status == ReadStatus.ONLY_UNREAD:
        q &= Q(read_at__isnull=True)
    if reading_list.favorite_status != FavoriteStatus.ALL:
        q &= Q(is_favorite=reading_list.favorite_status == FavoriteStatus.ONLY_FAVORITE)
    if reading_list.for_later_status != ForLaterStatus.ALL:
        q &= Q(is_for_later=reading_list.for_later_status == ForLaterStatus.ONLY_FOR_LATER)
    if reading_list.articles_reading_time_operator == ReadingTimeOperator.MORE_THAN:
        q &= Q(reading_time__gte=reading_list.articles_reading_time)
    elif reading_list.articles_reading_time_operator == ReadingTimeOperator.LESS_THAN:
        q &= Q(reading_time__lte=reading_list.articles_reading_time)
    return q


def _has_tag(tag_id: int) -> Q:
    return Q(id__in=Subquery(ArticleTag.filter(tag_id=tag_id).values("article_id")))


def _tag_filters(include: list[int], include_op: TagOperator, exclude: list[int], exclude_op: TagOperator) -> Q:
    q = Q()
    if include:
        if include_op == TagOperator.ALL:
            for tag_id in include:
                q &= _has_tag(tag_id)
        else:
            q &= Q(id__in=Subquery(ArticleTag.filter(tag_id__in=include).values("article_id")))
    if exclude:
        if exclude_op == TagOperator.ALL:  # excluded only when it has every excluded tag
            has_all = Q()
            for tag_id in exclude:
                has_all &= _has_tag(tag_id)
            q &= ~has_all
        else:
            q &= ~Q(id__in=Subquery(ArticleTag.filter(tag_id__in=exclude).values("article_id")))
    return q


async def reading_list_filter(reading_list: ReadingList, *, now: datetime) -> Q:
    """Every filter of a reading list (reference §4.1) as one condition on articles."""
    tag_rows = await ReadingListTag.filter(reading_list_id=reading_list.id).values_list("tag_id", "filter_type")
    include = [tag_id for tag_id, kind in tag_rows if kind == TagFilterType.INCLUDE]
    exclude = [tag_id for tag_id, kind in tag_rows if kind == TagFilterType.EXCLUDE]
    q = _status_filters(reading_list) & _tag_filters(
        include, reading_list.include_tag_operator, exclude, reading_list.exclude_tag_operator
    )
    cutoff = max_age_cutoff(reading_list.articles_max_age_unit, reading_list.articles_max_age_value, now)
    if cutoff is not None:
        q &= Q(published_at__gt=cutoff)
    return q


def sorted_articles(condition: Q, direction: OrderDirection) -> QuerySet[Article]:
    sign = "-" if direction == OrderDirection.DESC else ""
    return Article.filter(condition).annotate(sort_date=RawSQL(SORT_DATE_SQL)).order_by(f"{sign}sort_date", f"{sign}id")


async def get_or_create_tags(user_id: int, titles: Sequence[str]) -> list[Tag]:
    """Tags are identified by slug: reuse the user's existing ones, create the others (title as typed)."""
    wanted: dict[str, str] = {}
    for title in titles:
        cleaned = " ".join(title.split())[:50]
        if cleaned:
            wanted.setdefault(slugify(cleaned, max_length=50), cleaned)
    if not wanted:
        return []
    await Tag.bulk_create(
        [Tag(user_id=user_id, slug=slug, title=title) for slug, title in wanted.items()], ignore_conflicts=True
    )
    return await Tag.filter(user_id=user_id, slug__in=list(wanted)).order_by("title", "id")
