"""Full-text search over a user's articles (reference §5) and bulk actions on all its results (§4.5).

`search_articles` draws one line: clean the text → one statement that counts the matches (capped) and tells
whether the text made an empty tsquery → one statement for the page (keyset on the order key and the id, no
OFFSET; ranked with ts_rank_cd on the stored vector `article_search.vector` (migration 4); ts_headline computed in
an outer query for the page's rows only) → one query for the page's tags. Three queries whatever the number of
results.

The text becomes a tsquery with the vector's configuration ('english'): `websearch_to_tsquery` for words,
`phraseto_tsquery` for a phrase; neither ever errors on quotes or operators. A text made only of stop words,
punctuation or symbols gives an empty tsquery: no results and a note. An empty text searches with the filters
only. The filters are the reading lists' (`list_queries.filter_sql`), plus feeds and external tags.
"""

# ruff: noqa: S608 - statements are assembled from constant fragments; every value is a bound parameter.

from __future__ import annotations

import html
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient

from legadilo.core.errors import InvalidInput
from legadilo.core.text import slugify
from legadilo.db import retrying_deadlocks
from legadilo.reading import queries
from legadilo.reading.list_queries import (
    CARD_COLUMNS,
    CARD_JOINS,
    SORT_KEY,
    ArticleCard,
    ListFilter,
    SqlParams,
    filter_sql,
    with_tags,
)
from legadilo.reading.models import OrderDirection, Tag

MAX_TEXT_LENGTH = 1000  # characters of search text used; the rest is dropped with a note
MAX_PAGE_SIZE = 200
MAX_VALUES = 1000  # feed ids, external tags, tags of a bulk action
# The stored weighted vector of each article (its own table, kept by triggers on article: migration 4).
SEARCH_JOIN = "JOIN article_search x ON x.article_id = a.id"
COUNT_CAP = 10_000  # the total is exact up to this, "at least" beyond
SNIPPET_SOURCE_CHARS = 20_000  # the prefix of the content ts_headline reads
SNIPPET_MAX_CHARS = 600

EMPTY_QUERY_NOTE = "Nothing to search for: these are only very common words, punctuation or symbols."
TRUNCATED_NOTE = f"Only the first {MAX_TEXT_LENGTH:,} characters of the search were used."

# Highlight markers: private-use characters removed from the text before ts_headline, so that every marker in
# its output is one of ours; the output is then escaped and the markers become <mark> tags.
_START, _STOP = "\ue000", "\ue001"
# A short text is shown whole; a longer one as (at most) two fragments around the matches.
SHORT_TEXT_CHARS = 400
_MARKERS = f'StartSel="{_START}", StopSel="{_STOP}"'
_WHOLE_TEXT = f"{_MARKERS}, HighlightAll=true"
_FRAGMENTS = f'{_MARKERS}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "'
_HTML_TAG = r"""<(?:[^>"']|"[^"]*"|'[^']*')*(?:>|$)"""  # a tag, or a tag cut by left()
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class SearchMode(StrEnum):
    WORDS = "WORDS"
    PHRASE = "PHRASE"


class SearchOrder(StrEnum):
    RANK = "RANK"
    PUBLISHED = "PUBLISHED"  # publication date, else arrival
    UPDATED = "UPDATED"  # the reading lists' date: source update, else publication, else arrival


class BulkAction(StrEnum):
    MARK_AS_READ = "MARK_AS_READ"
    MARK_AS_UNREAD = "MARK_AS_UNREAD"
    MARK_AS_FAVORITE = "MARK_AS_FAVORITE"
    UNMARK_AS_FAVORITE = "UNMARK_AS_FAVORITE"
    MARK_AS_FOR_LATER = "MARK_AS_FOR_LATER"
    UNMARK_AS_FOR_LATER = "UNMARK_AS_FOR_LATER"
    ADD_TAGS = "ADD_TAGS"
    REMOVE_TAGS = "REMOVE_TAGS"


_TSQUERY = {
    SearchMode.WORDS: "websearch_to_tsquery('english'::regconfig, {})",
    SearchMode.PHRASE: "phraseto_tsquery('english'::regconfig, {})",
}
_DATE_KEYS = {SearchOrder.PUBLISHED: "COALESCE(a.published_at, a.obj_created_at)", SearchOrder.UPDATED: SORT_KEY}
# The SET clause of each action ($2 is now) and the rows it changes.
_BULK_SET = {
    BulkAction.MARK_AS_READ: ("read_at = $2", "read_at IS NULL"),
    BulkAction.MARK_AS_UNREAD: ("read_at = NULL", "read_at IS NOT NULL"),
    BulkAction.MARK_AS_FAVORITE: ("is_favorite = true", "NOT is_favorite"),
    BulkAction.UNMARK_AS_FAVORITE: ("is_favorite = false", "is_favorite"),
    BulkAction.MARK_AS_FOR_LATER: ("is_for_later = true", "NOT is_for_later"),
    BulkAction.UNMARK_AS_FOR_LATER: ("is_for_later = false", "is_for_later"),
}


_E = TypeVar("_E", bound=StrEnum)


def _enum(kind: type[_E], value: object, what: str) -> _E:
    try:
        return kind(str(value))
    except ValueError:
        raise InvalidInput(f"unknown {what}: {str(value)[:40]}") from None


def _ids(values: Sequence[object]) -> tuple[int, ...]:
    try:
        ids = tuple(int(value) for value in values)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise InvalidInput("ids must be whole numbers") from None
    if not all(0 < value < 2**63 for value in ids):
        raise InvalidInput("an id is out of range")
    return ids


@dataclass(frozen=True)
class SearchQuery:
    """A search: text, the reading-list filters (reference §4.1), feeds, external tags, order and page.

    `after` is the `next_cursor` of the previous page. Raises InvalidInput on values out of range."""

    text: str = ""
    mode: SearchMode = SearchMode.WORDS
    filters: ListFilter = field(default_factory=ListFilter)
    feed_ids: tuple[int, ...] = ()
    external_tags: tuple[str, ...] = ()  # any of them, case-insensitive
    order: SearchOrder = SearchOrder.RANK
    direction: OrderDirection = OrderDirection.DESC
    after: str | None = None
    page_size: int = 50

    def __post_init__(self) -> None:
        object.__setattr__(self, "feed_ids", _ids(self.feed_ids))
        object.__setattr__(self, "mode", _enum(SearchMode, self.mode, "search mode"))
        object.__setattr__(self, "order", _enum(SearchOrder, self.order, "search order"))
        object.__setattr__(self, "direction", _enum(OrderDirection, self.direction, "order direction"))
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise InvalidInput(f"the page size must be between 1 and {MAX_PAGE_SIZE}")
        if len(self.feed_ids) > MAX_VALUES or len(self.external_tags) > MAX_VALUES:
            raise InvalidInput(f"at most {MAX_VALUES} feeds and {MAX_VALUES} external tags")


@dataclass(frozen=True)
class SearchHit:
    card: ArticleCard
    rank: float  # 0 without search text
    snippet_html: str  # escaped text whose only tags are <mark>…</mark> around the matches; "" without text


@dataclass(frozen=True)
class SearchPage:
    hits: list[SearchHit]
    total: int  # every result, not only this page; at most COUNT_CAP
    total_is_capped: bool  # there are more than `total`
    next_cursor: str | None  # `SearchQuery.after` for the next page, None on the last one
    note: str = ""  # why the search was changed or gave nothing (empty tsquery, text cut)


def clean_text(text: str) -> tuple[str, str]:
    """The text PostgreSQL can take (no NUL, no lone surrogate, at most MAX_TEXT_LENGTH characters cut at a
    space), and the note to show when it had to be cut."""
    cleaned = text.replace("\x00", " ").encode("utf-8", "replace").decode("utf-8").strip()
    if len(cleaned) <= MAX_TEXT_LENGTH:
        return cleaned, ""
    cut = cleaned[:MAX_TEXT_LENGTH]
    if not cleaned[MAX_TEXT_LENGTH].isspace() and len(cut.split()) > 1:
        cut = cut.rsplit(maxsplit=1)[0]
    return cut.strip(), TRUNCATED_NOTE


@dataclass(frozen=True)
class _Match:
    """The SQL of "the query's results", built into one statement's parameters."""

    tsquery: str | None  # None without search text
    source: str  # FROM … WHERE … over `article a`


def _match(query: SearchQuery, text: str, param: SqlParams, *, now: datetime) -> _Match:
    """$1 is the user in every statement."""
    parts = ["a.user_id = $1", filter_sql(query.filters, param, now=now)]
    tsquery = _TSQUERY[query.mode].format(param(text, "::text")) if text else None
    joins = ""
    if tsquery:
        parts.append(f"x.vector @@ {tsquery}")
        joins = SEARCH_JOIN
    if query.feed_ids:
        feeds = param(list(query.feed_ids), "::bigint[]")
        parts.append(
            f"(a.main_feed_id = ANY({feeds}) OR EXISTS (SELECT 1 FROM feed_article fa"
            f" WHERE fa.article_id = a.id AND fa.feed_id = ANY({feeds})))"
        )
    external = sorted({" ".join(tag.split()).lower() for tag in query.external_tags} - {""})
    if external:  # `?|`: one of the strings is an element of the (lower-cased) JSON array
        parts.append(f"(lower(a.external_tags::text)::jsonb ?| {param(external, '::text[]')})")
    return _Match(tsquery, f"FROM article a {joins} WHERE {' AND '.join(parts)}")


def _db() -> BaseDBAsyncClient:
    return Tortoise.get_connection("default")


# ---------------------------------------------------------------------------------------------------------
# Search.


def _effective_order(query: SearchQuery, text: str) -> SearchOrder:
    """Without text every rank is 0: the rank order falls back to the reading lists' date order."""
    return query.order if text or query.order != SearchOrder.RANK else SearchOrder.UPDATED


def _encode_cursor(order: SearchOrder, key: float | datetime, article_id: int) -> str:
    if isinstance(key, datetime):
        return f"{order.value.lower()}:{(key - _EPOCH) // timedelta(microseconds=1)}:{article_id}"
    return f"{order.value.lower()}:{key!r}:{article_id}"


def _decode_cursor(raw: str, order: SearchOrder) -> tuple[float | datetime, int]:
    """Raises:
    InvalidInput: not a cursor of this order made by `_encode_cursor`."""
    kind, _, rest = raw[:81].partition(":")
    key_text, _, id_text = rest.partition(":")
    try:
        if len(raw) > 80 or kind != order.value.lower():
            raise ValueError
        article_id = int(id_text)
        key = float(key_text) if order == SearchOrder.RANK else _EPOCH + timedelta(microseconds=int(key_text))
        if article_id <= 0 or (isinstance(key, float) and not math.isfinite(key)):
            raise ValueError
    except (ValueError, OverflowError):
        raise InvalidInput("this page cursor is not valid") from None
    return key, article_id


async def _count(user_id: int, query: SearchQuery, text: str, *, now: datetime) -> tuple[int, bool]:
    """(matches up to COUNT_CAP + 1, whether the tsquery has any lexeme) in one statement."""
    param = SqlParams(user_id)
    match = _match(query, text, param, now=now)
    nodes = f"numnode({match.tsquery}) > 0" if match.tsquery else "true"
    [row] = await _db().execute_query_dict(
        f"SELECT {nodes} AS searchable, (SELECT count(*) FROM (SELECT 1 {match.source} LIMIT {COUNT_CAP + 1}) m) AS n",
        param.values,
    )
    return int(row["n"]), bool(row["searchable"])


def _snippet_columns(tsquery: str | None, param: SqlParams) -> tuple[str, str]:
    """(the columns `rank_of_page, snippet, snippet_is_html`, the lateral joins they need) for the page's rows.

    The text is the summary, unless only the content matches (told by the weights of the stored vector: B is
    the summary, C the content); HTML is turned to text with tags dropped and entities left to `render_snippet`."""
    if tsquery is None:
        return "0::float8 AS rank_of_page, '' AS snippet, false AS snippet_is_html", ""
    tag, markers = param(_HTML_TAG, "::text"), param(_START + _STOP, "::text")
    head = f"left(a.content, {SNIPPET_SOURCE_CHARS})"
    joins = f"""{SEARCH_JOIN} CROSS JOIN LATERAL (SELECT
          translate(regexp_replace(a.summary, {tag}, ' ', 'g'), {markers}, '') AS summary_text,
          translate(CASE WHEN a.content_type = 'text/plain' THEN {head}
                    ELSE regexp_replace({head}, {tag}, ' ', 'g') END, {markers}, '') AS content_text) s
        CROSS JOIN LATERAL (SELECT s.summary_text ~ '[^[:space:]]'
          AND (ts_filter(x.vector, '{{b}}') @@ {tsquery} OR NOT ts_filter(x.vector, '{{c}}') @@ {tsquery})
          AS from_summary) d
        CROSS JOIN LATERAL (SELECT CASE WHEN d.from_summary THEN s.summary_text ELSE s.content_text END AS text) h"""
    options = (
        f"CASE WHEN length(h.text) <= {SHORT_TEXT_CHARS} THEN {param(_WHOLE_TEXT, '::text')}"
        f" ELSE {param(_FRAGMENTS, '::text')} END"
    )
    columns = f"""ts_rank_cd(x.vector, {tsquery})::float8 AS rank_of_page,
        ts_headline('english'::regconfig, h.text, {tsquery}, {options}) AS snippet,
        d.from_summary OR a.content_type <> 'text/plain' AS snippet_is_html"""
    return columns, joins


async def _page_rows(
    user_id: int, query: SearchQuery, text: str, order: SearchOrder, *, now: datetime
) -> list[dict[str, Any]]:
    """page_size + 1 rows of cards with `search_key`, `rank_of_page`, `snippet` and `snippet_is_html`."""
    param = SqlParams(user_id)
    match = _match(query, text, param, now=now)
    key = f"ts_rank_cd(x.vector, {match.tsquery})::float8" if order == SearchOrder.RANK else _DATE_KEYS[order]
    source, direction = match.source, query.direction.value
    if query.after:
        after_key, after_id = _decode_cursor(query.after, order)
        op = "<" if query.direction == OrderDirection.DESC else ">"
        cast = "::float8" if order == SearchOrder.RANK else "::timestamptz"
        source += f" AND ({key}, a.id) {op} ({param(after_key, cast)}, {param(after_id, '::bigint')})"
    limit = param(query.page_size + 1, "::int")
    columns, joins = _snippet_columns(match.tsquery, param)
    return list(
        await _db().execute_query_dict(
            f"""SELECT {CARD_COLUMNS}, p.search_key, {columns}
            FROM (SELECT a.id, {key} AS search_key {source} ORDER BY search_key {direction}, a.id {direction}
                  LIMIT {limit}) p
            JOIN article a ON a.id = p.id {CARD_JOINS} {joins}
            ORDER BY p.search_key {direction}, p.id {direction}""",
            param.values,
        )
    )


async def search_articles(user_id: int, query: SearchQuery, *, now: datetime) -> SearchPage:
    """One page of the user's articles matching `query`, with the total and the cursor of the next page.

    Raises:
        InvalidInput: a page cursor not made for this order."""
    text, note = clean_text(query.text)
    order = _effective_order(query, text)
    if query.after:
        _decode_cursor(query.after, order)  # a bad cursor is refused before any query
    total, searchable = await _count(user_id, query, text, now=now)
    if not searchable:
        return SearchPage([], 0, False, None, EMPTY_QUERY_NOTE)
    rows = await _page_rows(user_id, query, text, order, now=now)
    page = rows[: query.page_size]
    cards = await with_tags(page)
    hits = [
        SearchHit(card, float(row["rank_of_page"]), render_snippet(row["snippet"], is_html=row["snippet_is_html"]))
        for card, row in zip(cards, page, strict=True)
    ]
    next_cursor = None
    if len(rows) > query.page_size:
        next_cursor = _encode_cursor(order, page[-1]["search_key"], page[-1]["id"])
    return SearchPage(hits, min(total, COUNT_CAP), total > COUNT_CAP, next_cursor, note)


def _segments(headline: str) -> Iterator[tuple[str, bool]]:
    """(text, highlighted) pieces of a ts_headline output made with our markers."""
    first, *others = headline.split(_START)
    yield first, False
    for piece in others:
        marked, _, rest = piece.partition(_STOP)
        yield marked, True
        yield rest, False


def render_snippet(headline: str, *, is_html: bool) -> str:
    """Escaped text (entities of an HTML source decoded first, so they show once) with <mark> around the
    matches, whitespace collapsed, cut at SNIPPET_MAX_CHARS."""
    parts: list[str] = []
    budget = SNIPPET_MAX_CHARS
    for raw, highlighted in _segments(" ".join(headline.split())):
        text = (html.unescape(raw) if is_html else raw).replace(_START, "").replace(_STOP, "")
        shown = text[:budget]
        budget -= len(shown)
        if shown:
            parts.append(f"<mark>{html.escape(shown)}</mark>" if highlighted else html.escape(shown))
        if len(shown) < len(text):
            parts.append("…")
            break
    return "".join(parts)


# ---------------------------------------------------------------------------------------------------------
# Bulk actions on every result.


async def bulk_update_search_results(
    user_id: int, query: SearchQuery, action: BulkAction, *, now: datetime, tags: Sequence[str] = ()
) -> int:
    """Apply `action` to every result of `query` (not only a page: `after` and `page_size` are ignored) in one
    statement; how many articles it changed. Tags to add are created when missing; tags to remove are the
    user's existing ones.

    Raises:
        InvalidInput: an unknown action, tag actions without tags, tags given to another action."""
    action = _enum(BulkAction, action, "bulk action")
    if action in (BulkAction.ADD_TAGS, BulkAction.REMOVE_TAGS):
        return await _bulk_tags(user_id, query, action, tags, now=now)
    if tags:
        raise InvalidInput(f"{action.value} takes no tags")
    text, _ = clean_text(query.text)
    param = SqlParams(user_id, now)
    match = _match(query, text, param, now=now)
    assignment, changes = _BULK_SET[action]
    statement = f"""WITH changed AS (
              UPDATE article SET {assignment}, obj_updated_at = $2
              WHERE user_id = $1 AND {changes} AND id IN (SELECT a.id {match.source})
              RETURNING 1)
            SELECT count(*) AS n FROM changed"""
    rows = await retrying_deadlocks(lambda: _db().execute_query_dict(statement, param.values))
    return int(rows[0]["n"])


async def _tag_ids(user_id: int, action: BulkAction, tags: Sequence[str]) -> list[int]:
    titles = [" ".join(title.split())[:50] for title in tags]
    titles = [title for title in titles if title]
    if not titles:
        raise InvalidInput("give at least one tag")
    if len(titles) > MAX_VALUES:
        raise InvalidInput(f"at most {MAX_VALUES} tags at once")
    if action == BulkAction.ADD_TAGS:
        return [tag.id for tag in await queries.get_or_create_tags(user_id, titles)]
    slugs = {slugify(title, max_length=50) for title in titles}
    return [tag.id for tag in await Tag.filter(user_id=user_id, slug__in=slugs).only("id")]


async def _bulk_tags(
    user_id: int, query: SearchQuery, action: BulkAction, tags: Sequence[str], *, now: datetime
) -> int:
    """Add (ON CONFLICT DO NOTHING) or remove the tags on every result in one statement; how many articles
    gained or lost a tag."""
    tag_ids = await _tag_ids(user_id, action, tags)
    if not tag_ids:
        return 0
    text, _ = clean_text(query.text)
    param = SqlParams(user_id)
    match = _match(query, text, param, now=now)
    ids = param(tag_ids, "::bigint[]")
    if action == BulkAction.ADD_TAGS:
        statement = f"""INSERT INTO article_tag (article_id, tag_id)
            SELECT m.id, new_tag.id FROM (SELECT a.id {match.source}) m CROSS JOIN unnest({ids}) AS new_tag(id)
            ON CONFLICT (article_id, tag_id) DO NOTHING RETURNING article_id"""
    else:
        statement = f"""DELETE FROM article_tag WHERE tag_id = ANY({ids})
            AND article_id IN (SELECT a.id {match.source}) RETURNING article_id"""
    counted = f"WITH changed AS ({statement}) SELECT count(DISTINCT article_id) AS n FROM changed"
    rows = await retrying_deadlocks(lambda: _db().execute_query_dict(counted, param.values))
    return int(rows[0]["n"])
