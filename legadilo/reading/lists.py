"""The reading-list editor (reference §4.9): create, update, reorder, make default, delete.

Every write holds the user's reading-list lock (a transaction-level advisory lock) so that two edits of one
user never race on the slug or on the one default list (a partial unique index also guards the latter).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from enum import StrEnum

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from legadilo.core.errors import InvalidInput, NotFound
from legadilo.core.text import slugify
from legadilo.reading.list_queries import is_id
from legadilo.reading.models import (
    FavoriteStatus,
    ForLaterStatus,
    MaxAgeUnit,
    OrderDirection,
    ReadingList,
    ReadingListTag,
    ReadingTimeOperator,
    ReadStatus,
    TagFilterType,
    TagOperator,
)
from legadilo.reading.queries import get_or_create_tags

TITLE_MAX_LENGTH = 255
MAX_AGE_VALUE = 10_000
MAX_READING_TIME = 10_000  # minutes
MAX_AUTO_REFRESH_HOURS = 24 * 30
MAX_TAGS = 100
# pg_advisory_xact_lock(LISTS_LOCK, hashint8(user_id)): one reading-list edit of a user at a time.
LISTS_LOCK = 0x4C_47_52_4C  # "LGRL"


@dataclass(frozen=True)
class ReadingListSettings:
    """Every editable field of a list. Tags are titles or slugs (unknown ones are created)."""

    title: str
    read_status: ReadStatus = ReadStatus.ALL
    favorite_status: FavoriteStatus = FavoriteStatus.ALL
    for_later_status: ForLaterStatus = ForLaterStatus.ALL
    articles_max_age_value: int = 0
    articles_max_age_unit: MaxAgeUnit = MaxAgeUnit.UNSET
    articles_reading_time: int = 0
    articles_reading_time_operator: ReadingTimeOperator = ReadingTimeOperator.UNSET
    include_tags: tuple[str, ...] = ()
    include_tag_operator: TagOperator = TagOperator.ALL
    exclude_tags: tuple[str, ...] = ()
    exclude_tag_operator: TagOperator = TagOperator.ALL
    order_direction: OrderDirection = OrderDirection.DESC
    enable_reading_on_scroll: bool = False
    auto_refresh_interval: int = 0  # hours; 0 = off


_ENUMS: dict[str, type[StrEnum]] = {
    "read_status": ReadStatus,
    "favorite_status": FavoriteStatus,
    "for_later_status": ForLaterStatus,
    "articles_max_age_unit": MaxAgeUnit,
    "articles_reading_time_operator": ReadingTimeOperator,
    "include_tag_operator": TagOperator,
    "exclude_tag_operator": TagOperator,
    "order_direction": OrderDirection,
}
_BOUNDS = {
    "articles_max_age_value": MAX_AGE_VALUE,
    "articles_reading_time": MAX_READING_TIME,
    "auto_refresh_interval": MAX_AUTO_REFRESH_HOURS,
}
_COLUMNS = [f.name for f in fields(ReadingListSettings) if f.name not in {"title", "include_tags", "exclude_tags"}]


def _validated(settings: ReadingListSettings) -> ReadingListSettings:
    """The settings with a clean title and real enum members.

    Raises:
        InvalidInput: an empty or too long title, an unknown choice, a number out of range, too many tags.
    """
    title = " ".join(str(settings.title).split())
    if not title:
        raise InvalidInput("a reading list needs a title")
    if len(title) > TITLE_MAX_LENGTH:
        raise InvalidInput(f"the title is longer than {TITLE_MAX_LENGTH} characters")
    changes: dict[str, object] = {"title": title}
    for name, enum in _ENUMS.items():
        try:
            changes[name] = enum(getattr(settings, name))
        except ValueError:
            shown = str(getattr(settings, name))[:40]
            raise InvalidInput(f"{name.replace('_', ' ')}: {shown!r} is not a choice") from None
    for name, bound in _BOUNDS.items():
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= bound:
            raise InvalidInput(f"{name.replace('_', ' ')} must be a whole number from 0 to {bound}")
    if not isinstance(settings.enable_reading_on_scroll, bool):
        raise InvalidInput("reading on scroll is on or off")
    clean = replace(settings, **changes)  # type: ignore[arg-type]
    if clean.articles_max_age_unit != MaxAgeUnit.UNSET and clean.articles_max_age_value < 1:
        raise InvalidInput("a maximum age needs a value of at least 1")
    if len(clean.include_tags) + len(clean.exclude_tags) > MAX_TAGS:
        raise InvalidInput(f"a reading list filters on at most {MAX_TAGS} tags")
    return clean


async def _locked(connection: BaseDBAsyncClient, user_id: int) -> None:
    await connection.execute_query_dict("SELECT pg_advisory_xact_lock($1, hashint8($2::bigint))", [LISTS_LOCK, user_id])


async def _own_list(user_id: int, list_id: int) -> ReadingList:
    reading_list = await ReadingList.get_or_none(id=list_id, user_id=user_id) if is_id(list_id) else None
    if reading_list is None:
        raise NotFound(f"no reading list {list_id} for this user")
    return reading_list


async def _free_slug(user_id: int, title: str, *, except_id: int | None = None) -> str:
    """The title's slug, with `-2`, `-3`… when another list of the user has it."""
    base = slugify(title, max_length=TITLE_MAX_LENGTH, fallback="list")
    taken_query = ReadingList.filter(user_id=user_id, slug__startswith=base[: TITLE_MAX_LENGTH - 8])
    if except_id is not None:
        taken_query = taken_query.exclude(id=except_id)
    taken = {row[0] for row in await taken_query.values_list("slug")}
    slug, n = base, 1
    while slug in taken:
        n += 1
        suffix = f"-{n}"
        slug = base[: TITLE_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
    return slug


async def _set_tags(reading_list: ReadingList, settings: ReadingListSettings) -> None:
    user_id = reading_list.user_id  # type: ignore[attr-defined]
    include = await get_or_create_tags(user_id, settings.include_tags)
    exclude = await get_or_create_tags(user_id, settings.exclude_tags)
    both = {tag.slug for tag in include} & {tag.slug for tag in exclude}
    if both:
        raise InvalidInput(f"a tag cannot be both included and excluded: {', '.join(sorted(both))}")
    await ReadingListTag.filter(reading_list_id=reading_list.id).delete()
    await ReadingListTag.bulk_create(
        [ReadingListTag(reading_list=reading_list, tag=tag, filter_type=TagFilterType.INCLUDE) for tag in include]
        + [ReadingListTag(reading_list=reading_list, tag=tag, filter_type=TagFilterType.EXCLUDE) for tag in exclude]
    )


async def create_reading_list(user_id: int, settings: ReadingListSettings) -> ReadingList:
    """A new list, placed last, its slug made from the title (suffixed when taken).

    Raises:
        InvalidInput: see `ReadingListSettings`; a tag both included and excluded.
    """
    clean = _validated(settings)
    async with in_transaction() as connection:
        await _locked(connection, user_id)
        last = await ReadingList.filter(user_id=user_id).order_by("-order").first()
        reading_list = await ReadingList.create(
            user_id=user_id,
            title=clean.title,
            slug=await _free_slug(user_id, clean.title),
            order=(last.order + 1) if last else 0,
            **{name: getattr(clean, name) for name in _COLUMNS},
        )
        await _set_tags(reading_list, clean)
    return reading_list


async def update_reading_list(user_id: int, list_id: int, settings: ReadingListSettings) -> ReadingList:
    """Replace every setting of a list (and its tags); a new title gives a new slug.

    Raises:
        NotFound: no such list for this user.
        InvalidInput: see `create_reading_list`.
    """
    clean = _validated(settings)
    async with in_transaction() as connection:
        await _locked(connection, user_id)
        reading_list = await _own_list(user_id, list_id)
        if clean.title != reading_list.title:
            reading_list.slug = await _free_slug(user_id, clean.title, except_id=list_id)
        reading_list.title = clean.title
        for name in _COLUMNS:
            setattr(reading_list, name, getattr(clean, name))
        await reading_list.save()
        await _set_tags(reading_list, clean)
    return reading_list


async def reading_list_settings(user_id: int, list_id: int) -> ReadingListSettings:
    """A list's current settings, as the editor shows them (tags by slug).

    Raises:
        NotFound: no such list for this user.
    """
    reading_list = await _own_list(user_id, list_id)
    rows = await (
        ReadingListTag.filter(reading_list_id=list_id)
        .order_by("tag__title", "tag__id")
        .values_list("tag__slug", "filter_type")
    )
    return ReadingListSettings(
        title=reading_list.title,
        include_tags=tuple(slug for slug, kind in rows if kind == TagFilterType.INCLUDE),
        exclude_tags=tuple(slug for slug, kind in rows if kind == TagFilterType.EXCLUDE),
        **{name: getattr(reading_list, name) for name in _COLUMNS},
    )


async def reorder_reading_lists(user_id: int, ordered_ids: Sequence[int]) -> list[ReadingList]:
    """Put the lists in the given order (orders 1, 2, 3…); lists not named follow, in their previous order.

    Raises:
        InvalidInput: an id given twice.
        NotFound: an id that is not one of the user's lists.
    """
    ids = list(ordered_ids)
    if not all(is_id(i) for i in ids):
        raise InvalidInput("a reading list id is not a valid id")
    if len(set(ids)) != len(ids):
        raise InvalidInput("a reading list appears twice in the new order")
    async with in_transaction() as connection:
        await _locked(connection, user_id)
        current = [
            row[0] for row in await ReadingList.filter(user_id=user_id).order_by("order", "id").values_list("id")
        ]
        unknown = set(ids) - set(current)
        if unknown:
            raise NotFound(f"no reading list {min(unknown)} for this user")
        final = ids + [i for i in current if i not in set(ids)]
        await connection.execute_query_dict(
            """UPDATE reading_list r SET "order" = v.position
               FROM unnest($2::bigint[]) WITH ORDINALITY AS v(id, position)
               WHERE r.id = v.id AND r.user_id = $1""",
            [user_id, final],
        )
    return await ReadingList.filter(user_id=user_id).order_by("order", "id")


async def make_default_reading_list(user_id: int, list_id: int) -> ReadingList:
    """Make a list the default one, in one transaction: the previous default is cleared first, so the
    partial unique index (one default per user) holds at every statement.

    Raises:
        NotFound: no such list for this user.
    """
    async with in_transaction() as connection:
        await _locked(connection, user_id)
        reading_list = await _own_list(user_id, list_id)
        await ReadingList.filter(user_id=user_id, is_default=True).exclude(id=list_id).update(is_default=False)
        await ReadingList.filter(id=list_id).update(is_default=True)
    reading_list.is_default = True
    return reading_list


async def delete_reading_list(user_id: int, list_id: int) -> None:
    """Delete a list that is neither the default one nor the user's last one.

    Raises:
        NotFound: no such list for this user.
        InvalidInput: the default list, or the last list.
    """
    async with in_transaction() as connection:
        await _locked(connection, user_id)
        reading_list = await _own_list(user_id, list_id)
        if reading_list.is_default:
            raise InvalidInput("the default reading list cannot be deleted: make another list the default first")
        if await ReadingList.filter(user_id=user_id).count() <= 1:
            raise InvalidInput("the last reading list cannot be deleted")
        await reading_list.delete()
