"""The search form read from the URL (or from the bulk form's hidden fields): every field checked, an
unknown value an error of its field (never an exception), and the choices the form offers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from legadilo.feeds.models import Feed
from legadilo.reading.list_queries import ListFilter
from legadilo.reading.models import (
    FavoriteStatus,
    ForLaterStatus,
    MaxAgeUnit,
    OrderDirection,
    ReadingTimeOperator,
    ReadStatus,
    Tag,
    TagOperator,
)
from legadilo.reading.search import BulkAction, SearchMode, SearchOrder, SearchQuery

QUERY_FIELDS = (
    "q", "mode", "order", "direction", "read_status", "favorite_status", "for_later_status", "max_age_value",
    "max_age_unit", "reading_time", "reading_time_operator", "tags", "include_operator", "exclude_tags",
    "exclude_operator", "feeds", "external_tags",
)  # fmt: skip
MAX_NUMBER = 1_000_000
MAX_TAGS = 100
BULK_LABELS = {
    BulkAction.MARK_AS_READ: "Mark as read",
    BulkAction.MARK_AS_UNREAD: "Mark as unread",
    BulkAction.MARK_AS_FAVORITE: "Mark as favourite",
    BulkAction.UNMARK_AS_FAVORITE: "Remove from favourites",
    BulkAction.MARK_AS_FOR_LATER: "Mark for later",
    BulkAction.UNMARK_AS_FOR_LATER: "Remove from for later",
    BulkAction.ADD_TAGS: "Add tags",
    BulkAction.REMOVE_TAGS: "Remove tags",
}


@dataclass
class Parsed:
    """A search form read from the URL (or the bulk form's hidden fields): the query, or the errors by field."""

    values: MultiDict[str, str]
    query: SearchQuery | None = None
    errors: dict[str, str] = field(default_factory=dict)


def _choice(values: MultiDict[str, str], name: str, kind: Any, default: Any, errors: dict[str, str]) -> Any:
    raw = values.get(name, "").strip()
    if not raw:
        return default
    try:
        return kind(raw)
    except ValueError:
        errors[name] = f"Unknown choice: {raw[:40]}"
        return default


def _number(values: MultiDict[str, str], name: str, errors: dict[str, str]) -> int:
    raw = values.get(name, "").strip()
    if not raw:
        return 0
    if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_NUMBER:
        errors[name] = f"Give a whole number between 0 and {MAX_NUMBER:,}."
        return 0
    return int(raw)


async def _tag_ids(user_id: int, slugs: list[str], name: str, errors: dict[str, str]) -> tuple[int, ...]:
    wanted = {slug.strip() for slug in slugs if slug.strip()}
    if not wanted:
        return ()
    found = dict(await Tag.filter(user_id=user_id, slug__in=list(wanted)).values_list("slug", "id"))
    if len(wanted) > MAX_TAGS or set(found) != wanted:
        errors[name] = "Choose tags among your own tags."
    return tuple(sorted(int(tag_id) for tag_id in found.values()))


async def _feed_ids(user_id: int, raw: list[str], errors: dict[str, str]) -> tuple[int, ...]:
    wanted = {value.strip() for value in raw if value.strip()}
    if not wanted:
        return ()
    if not all(value.isascii() and value.isdigit() and len(value) < 19 for value in wanted):
        errors["feeds"] = "Choose feeds among your own feeds."
        return ()
    ids = {int(value) for value in wanted}
    found = {int(row["id"]) for row in await Feed.filter(user_id=user_id, id__in=list(ids)).values("id")}
    if found != ids:
        errors["feeds"] = "Choose feeds among your own feeds."
    return tuple(sorted(found))


async def parse_query(user_id: int, values: MultiDict[str, str]) -> Parsed:
    """The search of the form's values; an unknown value becomes an error of its field, never an exception."""
    errors: dict[str, str] = {}
    age = _number(values, "max_age_value", errors)
    age_unit = _choice(values, "max_age_unit", MaxAgeUnit, MaxAgeUnit.UNSET, errors)
    if bool(age) != (age_unit != MaxAgeUnit.UNSET):
        errors.setdefault("max_age_value", "Give both a maximum age and its unit, or neither.")
    time = _number(values, "reading_time", errors)
    operator = _choice(values, "reading_time_operator", ReadingTimeOperator, ReadingTimeOperator.UNSET, errors)
    if operator == ReadingTimeOperator.UNSET and time:
        errors.setdefault("reading_time", "Choose “more than” or “less than” for the reading time.")
    filters = ListFilter(
        read_status=_choice(values, "read_status", ReadStatus, ReadStatus.ALL, errors),
        favorite_status=_choice(values, "favorite_status", FavoriteStatus, FavoriteStatus.ALL, errors),
        for_later_status=_choice(values, "for_later_status", ForLaterStatus, ForLaterStatus.ALL, errors),
        max_age_value=age,
        max_age_unit=age_unit,
        reading_time=time,
        reading_time_operator=operator,
        include_tag_ids=await _tag_ids(user_id, values.getlist("tags"), "tags", errors),
        include_operator=_choice(values, "include_operator", TagOperator, TagOperator.ALL, errors),
        exclude_tag_ids=await _tag_ids(user_id, values.getlist("exclude_tags"), "exclude_tags", errors),
        exclude_operator=_choice(values, "exclude_operator", TagOperator, TagOperator.ALL, errors),
    )
    external = tuple(tag.strip() for tag in values.get("external_tags", "").split(",") if tag.strip())
    if len(external) > MAX_TAGS:
        errors["external_tags"] = f"At most {MAX_TAGS} external tags."
    query = SearchQuery(
        text=values.get("q", ""),
        mode=_choice(values, "mode", SearchMode, SearchMode.WORDS, errors),
        filters=filters,
        feed_ids=await _feed_ids(user_id, values.getlist("feeds"), errors),
        external_tags=external,
        order=_choice(values, "order", SearchOrder, SearchOrder.RANK, errors),
        direction=_choice(values, "direction", OrderDirection, OrderDirection.DESC, errors),
        after=values.get("after") or None,
    )
    return Parsed(values, None if errors else query, errors)


def query_items(values: MultiDict[str, str]) -> list[tuple[str, str]]:
    """The search fields of `values` (no cursor, no empty value), to repeat in a link or hidden fields."""
    return [(name, value) for name in QUERY_FIELDS for value in values.getlist(name) if value.strip()]


OPTIONS: dict[str, list[tuple[str, str]]] = {
    "modes": [(SearchMode.WORDS, "Words"), (SearchMode.PHRASE, "Exact phrase")],
    "orders": [(SearchOrder.RANK, "Relevance"), (SearchOrder.UPDATED, "Last update"),
               (SearchOrder.PUBLISHED, "Publication date")],
    "read": [(ReadStatus.ALL, "Any"), (ReadStatus.ONLY_UNREAD, "Unread"), (ReadStatus.ONLY_READ, "Read")],
    "favorite": [(FavoriteStatus.ALL, "Any"), (FavoriteStatus.ONLY_FAVORITE, "Favourite"),
                 (FavoriteStatus.ONLY_NON_FAVORITE, "Not favourite")],
    "later": [(ForLaterStatus.ALL, "Any"), (ForLaterStatus.ONLY_FOR_LATER, "For later"),
              (ForLaterStatus.ONLY_NOT_FOR_LATER, "Not for later")],
    "units": [(MaxAgeUnit.UNSET, "—"), *((unit, unit.value.lower()) for unit in list(MaxAgeUnit)[1:])],
    "time_ops": [(ReadingTimeOperator.UNSET, "—"), (ReadingTimeOperator.MORE_THAN, "more than"),
                 (ReadingTimeOperator.LESS_THAN, "less than")],
    "bulk": list(BULK_LABELS.items()),
}  # fmt: skip


def split_tags(raw: str) -> list[str]:
    """Comma-separated tag titles as typed, trimmed, the empty ones dropped."""
    return [tag.strip() for tag in raw.split(",") if tag.strip()]
