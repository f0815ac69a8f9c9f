"""The reading lists in SQL: filters, unread counts of every list, keyset pages of cards, previous/next,
mark-all-read. `user_id` always explicit.

A list's filters (reference §4.1) become one SQL condition with bound parameters (`filter_sql`), the same
meaning as `queries.reading_list_filter` (a test keeps them equal), so that the unread counts of every list fit
in one statement of conditional aggregates and the page, mark-all-read and previous/next share one code.
Pages are keyset-paginated on (sort date, id): no OFFSET, served by article_user_sort_idx.
"""

# Statements are assembled from this module's constant fragments; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient

from legadilo.core.errors import InvalidInput
from legadilo.db import retrying_deadlocks
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
from legadilo.reading.queries import list_reading_lists, max_age_cutoff

# The filters apply to `article a`; tags through `a.tag_ids`, the article's tag ids kept by triggers on
# article_tag (migration 3), which article_unread_counts_idx covers with the other filtered columns.
SORT_KEY = "COALESCE(a.updated_at, a.published_at, a.obj_created_at)"  # the expression of article_user_sort_idx


def _db() -> BaseDBAsyncClient:
    return Tortoise.get_connection("default")


def is_id(value: object) -> bool:
    """A value that can be a row id (a BIGINT above 0): anything else names nothing, and must never reach
    the driver (a number too large for BIGINT would fail there)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


@dataclass(frozen=True)
class ListFilter:
    """Everything of a reading list that selects articles."""

    read_status: ReadStatus = ReadStatus.ALL
    favorite_status: FavoriteStatus = FavoriteStatus.ALL
    for_later_status: ForLaterStatus = ForLaterStatus.ALL
    max_age_value: int = 0
    max_age_unit: MaxAgeUnit = MaxAgeUnit.UNSET
    reading_time: int = 0
    reading_time_operator: ReadingTimeOperator = ReadingTimeOperator.UNSET
    include_tag_ids: tuple[int, ...] = ()
    include_operator: TagOperator = TagOperator.ALL
    exclude_tag_ids: tuple[int, ...] = ()
    exclude_operator: TagOperator = TagOperator.ALL

    @classmethod
    def of(cls, reading_list: ReadingList, tag_rows: Iterable[tuple[int, str]] = ()) -> ListFilter:
        """From a list and its (tag id, INCLUDE/EXCLUDE) rows."""
        rows = list(tag_rows)
        return cls(
            read_status=reading_list.read_status,
            favorite_status=reading_list.favorite_status,
            for_later_status=reading_list.for_later_status,
            max_age_value=reading_list.articles_max_age_value,
            max_age_unit=reading_list.articles_max_age_unit,
            reading_time=reading_list.articles_reading_time,
            reading_time_operator=reading_list.articles_reading_time_operator,
            include_tag_ids=tuple(sorted(tag for tag, kind in rows if kind == TagFilterType.INCLUDE)),
            include_operator=reading_list.include_tag_operator,
            exclude_tag_ids=tuple(sorted(tag for tag, kind in rows if kind == TagFilterType.EXCLUDE)),
            exclude_operator=reading_list.exclude_tag_operator,
        )


class SqlParams:
    """The positional parameters ($1, $2…) of a statement being assembled."""

    def __init__(self, *values: object) -> None:
        self.values: list[object] = list(values)

    def __call__(self, value: object, cast: str = "") -> str:
        self.values.append(value)
        return f"${len(self.values)}{cast}"


_STATUS_SQL: dict[object, str] = {
    ReadStatus.ONLY_READ: "a.read_at IS NOT NULL",
    ReadStatus.ONLY_UNREAD: "a.read_at IS NULL",
    FavoriteStatus.ONLY_FAVORITE: "a.is_favorite",
    FavoriteStatus.ONLY_NON_FAVORITE: "NOT a.is_favorite",
    ForLaterStatus.ONLY_FOR_LATER: "a.is_for_later",
    ForLaterStatus.ONLY_NOT_FOR_LATER: "NOT a.is_for_later",
}


def filter_sql(spec: ListFilter, param: SqlParams, *, now: datetime, unread_only: bool = False) -> str:
    """The list's condition on `article a`.

    Tag rules as arrays: include ALL = has every tag (@>), ANY = has one (&&); exclude ALL = dropped only when
    it has every excluded tag, exclude ANY = dropped when it has one. With `unread_only`, the condition is
    meant for unread articles only and never names `read_at` (so that it can be read from
    article_unread_counts_idx alone)."""
    if unread_only and spec.read_status == ReadStatus.ONLY_READ:
        return "FALSE"
    statuses = (ReadStatus.ALL if unread_only else spec.read_status, spec.favorite_status, spec.for_later_status)
    parts = [_STATUS_SQL[status] for status in statuses if status in _STATUS_SQL]
    if spec.reading_time_operator == ReadingTimeOperator.MORE_THAN:
        parts.append(f"a.reading_time >= {param(spec.reading_time, '::int')}")
    elif spec.reading_time_operator == ReadingTimeOperator.LESS_THAN:
        parts.append(f"a.reading_time <= {param(spec.reading_time, '::int')}")
    cutoff = max_age_cutoff(spec.max_age_unit, spec.max_age_value, now)
    if cutoff is not None:
        parts.append(f"a.published_at > {param(cutoff, '::timestamptz')}")
    for ids, operator, keep in (
        (spec.include_tag_ids, spec.include_operator, ""),
        (spec.exclude_tag_ids, spec.exclude_operator, "NOT "),
    ):
        if ids:
            test = "@>" if operator == TagOperator.ALL else "&&"
            parts.append(f"{keep}(a.tag_ids {test} {param(list(ids), '::bigint[]')})")
    return " AND ".join(parts) or "TRUE"


async def load_list_filters(user_id: int) -> list[tuple[ReadingList, ListFilter]]:
    """Every list of the user in display order, with its filter (two queries)."""
    lists = await list_reading_lists(user_id)
    rows = await ReadingListTag.filter(reading_list__user_id=user_id).values_list(
        "reading_list_id", "tag_id", "filter_type"
    )
    tags_of: dict[int, list[tuple[int, str]]] = {}
    for list_id, tag_id, kind in rows:
        tags_of.setdefault(list_id, []).append((tag_id, kind))
    return [(rl, ListFilter.of(rl, tags_of.get(rl.id, ()))) for rl in lists]


@dataclass(frozen=True)
class ListCounters:
    """Unread articles per list id; with an article given, the ids of the lists that article belongs to."""

    unread: dict[int, int]
    containing: frozenset[int] = frozenset()


async def count_unread(
    user_id: int, filters: Sequence[tuple[int, ListFilter]], *, now: datetime, article_id: int | None = None
) -> ListCounters:
    """The unread count of every list in one statement: one `count(*) FILTER (WHERE <list>)` per list over
    the user's unread articles, an index-only scan of article_unread_counts_idx (and, for `article_id`, one
    boolean per list telling whether that article is in it, from a lookup of the article by id)."""
    if not filters:
        return ListCounters({})
    param = SqlParams(user_id)
    counts = ", ".join(
        f"count(*) FILTER (WHERE {filter_sql(spec, param, now=now, unread_only=True)}) AS c{i}"
        for i, (_, spec) in enumerate(filters)
    )
    sql = f"SELECT {counts} FROM article a WHERE a.user_id = $1 AND a.read_at IS NULL"
    if article_id is not None:
        the_article = param(article_id, "::bigint")
        members = ", ".join(f"({filter_sql(spec, param, now=now)}) AS m{i}" for i, (_, spec) in enumerate(filters))
        sql = (
            f"SELECT * FROM ({sql}) counts LEFT JOIN LATERAL"
            f" (SELECT {members} FROM article a WHERE a.id = {the_article} AND a.user_id = $1) member ON TRUE"
        )
    [row] = await _db().execute_query_dict(sql, param.values)
    return ListCounters(
        unread={list_id: row[f"c{i}"] for i, (list_id, _) in enumerate(filters)},
        containing=frozenset(list_id for i, (list_id, _) in enumerate(filters) if row.get(f"m{i}")),
    )


# ---------------------------------------------------------------------------------------------------------
# Article cards and keyset pages.

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, order=True)
class SortKey:
    """Where an article sits in a list: its sort date, ties broken by id. Encoded as `<epoch µs>.<id>`."""

    date: datetime
    id: int

    def encode(self) -> str:
        return f"{(self.date - _EPOCH) // timedelta(microseconds=1)}.{self.id}"

    @classmethod
    def decode(cls, raw: str) -> SortKey:
        """Raises:
        InvalidInput: not a cursor made by `encode`."""
        micros, _, article_id = raw.partition(".")
        try:
            key = cls(_EPOCH + timedelta(microseconds=int(micros)), int(article_id))
        except (ValueError, OverflowError):
            raise InvalidInput("this page cursor is not valid") from None
        if not is_id(key.id) or len(raw) > 60:
            raise InvalidInput("this page cursor is not valid")
        return key


@dataclass(frozen=True)
class TagRef:
    id: int
    title: str
    slug: str


@dataclass(frozen=True)
class ArticleCard:
    """What a list shows of an article (everything but its content)."""

    id: int
    title: str
    slug: str
    url: str
    summary: str
    authors: tuple[str, ...]
    external_tags: tuple[str, ...]
    reading_time: int
    language: str
    preview_picture_url: str
    preview_picture_alt: str
    read_at: datetime | None
    opened_at: datetime | None
    is_favorite: bool
    is_for_later: bool
    main_source_type: str
    main_source_title: str
    main_feed_id: int | None
    feed_title: str | None
    open_original_by_default: bool
    group_id: int | None
    group_title: str | None
    published_at: datetime | None
    updated_at: datetime | None
    sort_key: SortKey
    has_content: bool
    tags: tuple[TagRef, ...] = ()

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def opens_original(self) -> bool:
        """The title link goes to the original page (no content, or the feed says so), else to the details."""
        return not self.has_content or self.open_original_by_default


def _text_array(column: str) -> str:
    """A JSON list column as text[] (asyncpg decodes it natively): its non-null items, as text; empty when the
    column holds anything but a list."""
    return (
        f"ARRAY(SELECT item FROM jsonb_array_elements_text(CASE jsonb_typeof({column}) WHEN 'array' THEN {column}"
        f" ELSE '[]' END) AS item WHERE item IS NOT NULL)"
    )


CARD_COLUMNS = f"""a.id, a.title, a.slug, a.url, a.summary, {_text_array("a.authors")} AS authors,
 {_text_array("a.external_tags")} AS external_tags, a.reading_time, a.language,
 a.preview_picture_url, a.preview_picture_alt, a.read_at, a.opened_at, a.is_favorite, a.is_for_later,
 a.main_source_type, a.main_source_title, a.main_feed_id, f.title AS feed_title,
 coalesce(f.open_original_url_by_default, false) AS open_original_by_default, a.group_id, g.title AS group_title,
 a.published_at, a.updated_at, {SORT_KEY} AS sort_date, octet_length(a.content) > 0 AS has_content"""
CARD_JOINS = "LEFT JOIN feed f ON f.id = a.main_feed_id LEFT JOIN articles_group g ON g.id = a.group_id"


def card_of(row: dict[str, Any], tags: Sequence[TagRef] = ()) -> ArticleCard:
    fields = {name: row[name] for name in _CARD_FIELDS}
    return ArticleCard(
        **fields,
        authors=tuple(row["authors"]),
        external_tags=tuple(row["external_tags"]),
        sort_key=SortKey(row["sort_date"], row["id"]),
        tags=tuple(tags),
    )


_CARD_FIELDS = [
    name for name in ArticleCard.__dataclass_fields__ if name not in {"authors", "external_tags", "sort_key", "tags"}
]


async def tags_of_articles(article_ids: Sequence[int]) -> dict[int, list[TagRef]]:
    """The tags of many articles in one query, by title."""
    if not article_ids:
        return {}
    rows = await _db().execute_query_dict(
        "SELECT at.article_id, t.id, t.title, t.slug FROM article_tag at JOIN tag t ON t.id = at.tag_id"
        " WHERE at.article_id = ANY($1::bigint[]) ORDER BY t.title, t.id",
        [list(article_ids)],
    )
    tags: dict[int, list[TagRef]] = {}
    for row in rows:
        tags.setdefault(row["article_id"], []).append(TagRef(row["id"], row["title"], row["slug"]))
    return tags


async def with_tags(rows: Sequence[dict[str, Any]]) -> list[ArticleCard]:
    tags = await tags_of_articles([row["id"] for row in rows])
    return [card_of(row, tags.get(row["id"], ())) for row in rows]


def _after(key: SortKey, direction: OrderDirection, param: SqlParams) -> str:
    """Strictly after `key` in the list's order (a row comparison the sort index serves)."""
    op = "<" if direction == OrderDirection.DESC else ">"
    return f"({SORT_KEY}, a.id) {op} ({param(key.date, '::timestamptz')}, {param(key.id, '::bigint')})"


def _order(direction: OrderDirection) -> str:
    return f"ORDER BY {SORT_KEY} {direction.value}, a.id {direction.value}"


def _reverse(direction: OrderDirection) -> OrderDirection:
    return OrderDirection.ASC if direction == OrderDirection.DESC else OrderDirection.DESC


async def page_of_list(
    user_id: int,
    spec: ListFilter,
    direction: OrderDirection,
    *,
    now: datetime,
    after: SortKey | None,
    limit: int,
) -> tuple[list[ArticleCard], SortKey | None]:
    """`limit` cards after `after` in the list's order (tags included: two queries), and the key to continue
    from when more follow."""
    param = SqlParams(user_id)
    where = f"a.user_id = $1 AND {filter_sql(spec, param, now=now)}"
    if after is not None:
        where += f" AND {_after(after, direction, param)}"
    rows = await _db().execute_query_dict(
        f"SELECT {CARD_COLUMNS} FROM article a {CARD_JOINS} WHERE {where} {_order(direction)}"
        f" LIMIT {param(limit + 1, '::int')}",
        param.values,
    )
    cards = await with_tags(rows[:limit])
    return cards, cards[-1].sort_key if len(rows) > limit else None


async def card_by_id(user_id: int, article_id: int) -> ArticleCard | None:
    rows = await _db().execute_query_dict(
        f"SELECT {CARD_COLUMNS} FROM article a {CARD_JOINS} WHERE a.id = $1 AND a.user_id = $2", [article_id, user_id]
    )
    return (await with_tags(rows))[0] if rows else None


@dataclass(frozen=True)
class ArticleRef:
    id: int
    slug: str
    title: str


async def neighbours_in_list(
    user_id: int, spec: ListFilter, direction: OrderDirection, key: SortKey, *, now: datetime
) -> tuple[ArticleRef | None, ArticleRef | None]:
    """The articles of the list just before and just after `key` in its order (two small keyset queries)."""
    found: list[ArticleRef | None] = []
    for way in (_reverse(direction), direction):
        param = SqlParams(user_id)
        where = f"a.user_id = $1 AND {filter_sql(spec, param, now=now)} AND {_after(key, way, param)}"
        rows = await _db().execute_query_dict(
            f"SELECT a.id, a.slug, a.title FROM article a WHERE {where} {_order(way)} LIMIT 1", param.values
        )
        found.append(ArticleRef(rows[0]["id"], rows[0]["slug"], rows[0]["title"]) if rows else None)
    return found[0], found[1]


# Opening an article (its original page, or its page from a list) marks it opened and read, each keeping its
# first date ($3 is now): the SET clause of every statement that does it.
OPENED_ASSIGNMENT = "opened_at = COALESCE(opened_at, $3), read_at = COALESCE(read_at, $3)"


async def mark_list_as_read(user_id: int, spec: ListFilter, *, now: datetime) -> int:
    """Every unread article of the list (not only a page) marked read in one UPDATE; how many."""
    param = SqlParams(user_id, now)
    condition = filter_sql(spec, param, now=now)
    statement = f"""WITH marked AS (
              UPDATE article SET read_at = $2, obj_updated_at = $2
              WHERE user_id = $1 AND read_at IS NULL AND id IN (
                SELECT a.id FROM article a WHERE a.user_id = $1 AND a.read_at IS NULL AND {condition})
              RETURNING 1)
            SELECT count(*) AS n FROM marked"""
    rows = await retrying_deadlocks(lambda: _db().execute_query_dict(statement, param.values))
    return int(rows[0]["n"])
