"""The search page (its form's values live in the URL; bulk actions apply to every result) and the page that
saves a page by URL. The blueprint has no prefix: its routes are /reading/search/… and /reading/articles/add."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from quart import Blueprint, flash, redirect, render_template, request, url_for
from quart.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict
from werkzeug.routing import BuildError

from legadilo.core.errors import InvalidInput
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
from legadilo.reading.saving import SavedArticle, save_article_by_url
from legadilo.reading.search import (
    BulkAction,
    SearchMode,
    SearchOrder,
    SearchPage,
    SearchQuery,
    bulk_update_search_results,
    search_articles,
)
from legadilo.web.auth import login_required
from legadilo.web.context import page_layout, require_user, runtime

blueprint = Blueprint("search", __name__)

NO_STORE = {"Cache-Control": "no-cache, no-store, must-revalidate, max-age=0"}
QUERY_FIELDS = (
    "q", "mode", "order", "direction", "read_status", "favorite_status", "for_later_status", "max_age_value",
    "max_age_unit", "reading_time", "reading_time_operator", "tags", "include_operator", "exclude_tags",
    "exclude_operator", "feeds", "external_tags",
)  # fmt: skip
MULTI_FIELDS = frozenset({"tags", "exclude_tags", "feeds"})
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


async def _render_search(
    parsed: Parsed, page: SearchPage | None = None, *, bulk_error: str = "", status: int = 200
) -> ResponseReturnValue:
    user = require_user()
    tags = await Tag.filter(user_id=user.id).order_by("title", "id").values_list("slug", "title")
    feeds = await Feed.filter(user_id=user.id).order_by("title", "id").values_list("id", "title")
    items = query_items(parsed.values)
    more = None
    if page and page.next_cursor:
        more = url_for("search.search_page") + "?" + urlencode([*items, ("after", page.next_cursor)])
    query = parsed.query
    refined = query is None or (query.filters, query.feed_ids, query.external_tags, query.order, query.direction) != (
        ListFilter(),
        (),
        (),
        SearchOrder.RANK,
        OrderDirection.DESC,
    )
    html = await render_template(
        "search/search.html",
        refined=refined,
        v=parsed.values, errors=parsed.errors, page=page, items=items, more=more, tags=tags, feeds=feeds,
        options=OPTIONS, bulk_error=bulk_error, timezone=await _timezone(), article_link=article_link,
    )  # fmt: skip
    return html, status, NO_STORE


async def _timezone() -> str:
    return (await page_layout()).timezone


def article_link(article_id: int, slug: str, url: str) -> str:
    """The article page (built by the articles blueprint when it has one), else the original page."""
    candidates: list[tuple[str, dict[str, Any]]] = [("articles.show_article_by_id", {"article_id": article_id})]
    if slug:
        candidates.insert(0, ("articles.show_article", {"article_id": article_id, "slug": slug}))
    for endpoint, values in candidates:
        try:
            return url_for(endpoint, **values)
        except BuildError:
            continue
    return url


@blueprint.get("/reading/search/")
@login_required
async def search_page() -> ResponseReturnValue:
    user = require_user()
    parsed = await parse_query(user.id, request.args)
    if parsed.query is None:
        return await _render_search(parsed, status=400)
    if not query_items(request.args) and "after" not in request.args:
        return await _render_search(parsed)  # the empty form: nothing searched yet
    try:
        page = await search_articles(user.id, parsed.query, now=runtime().clock.now())
    except InvalidInput as error:
        parsed.errors["after"] = error.message
        return await _render_search(parsed, status=400)
    return await _render_search(parsed, page)


@blueprint.post("/reading/search/bulk")
@login_required
async def bulk_update() -> ResponseReturnValue:
    """Apply an action to every result of the search in the hidden fields, then back to that search."""
    user = require_user()
    form = await request.form
    values: MultiDict[str, str] = MultiDict(query_items(form))
    parsed = await parse_query(user.id, values)
    if parsed.query is None:
        return await _render_search(parsed, status=400)
    action = form.get("bulk_action", "")
    tags = _split_tags(form.get("bulk_tags", "")) if action in (BulkAction.ADD_TAGS, BulkAction.REMOVE_TAGS) else []
    try:
        if action not in BULK_LABELS:
            raise InvalidInput("Choose an action to apply.")
        changed = await bulk_update_search_results(
            user.id, parsed.query, BulkAction(action), now=runtime().clock.now(), tags=tags
        )
    except InvalidInput as error:  # the form again, with the results it applies to
        page = await search_articles(user.id, parsed.query, now=runtime().clock.now())
        return await _render_search(parsed, page, bulk_error=error.message, status=400)
    await flash(f"{changed} article{'' if changed == 1 else 's'} updated.")
    return redirect(url_for("search.search_page") + "?" + urlencode(query_items(values)))


def _split_tags(raw: str) -> list[str]:
    return [tag.strip() for tag in raw.split(",") if tag.strip()]


# ---------------------------------------------------------------------------------------------------------
# Saving a page by URL.


async def _render_add(url: str = "", tags: str = "", error: str = "", status: int = 200) -> ResponseReturnValue:
    html = await render_template("search/add_article.html", url=url, tags=tags, error=error)
    return html, status, NO_STORE


@blueprint.get("/reading/articles/add")
@login_required
async def add_article_page() -> ResponseReturnValue:
    return await _render_add(url=request.args.get("url", "")[:2048])


@blueprint.post("/reading/articles/add")
@login_required
async def add_article() -> ResponseReturnValue:
    user = require_user()
    form = await request.form
    url, tags_text = form.get("url", "").strip(), form.get("tags", "")
    tags = _split_tags(tags_text)
    try:
        if not url:
            raise InvalidInput("Give the address of the page to save.")
        if len(tags) > MAX_TAGS:
            raise InvalidInput(f"At most {MAX_TAGS} tags at once.")
        saved = await save_article_by_url(runtime(), user.id, url, tags=tags, own_origins=_own_origins())
    except InvalidInput as error:
        return await _render_add(url[:2048], tags_text[:2048], error.message, 400)
    await flash(_saved_message(saved))
    target = article_link(saved.article_id, "", "")
    return redirect(target or url_for("reading.show_reading_list"))


def _own_origins() -> list[str]:
    return [request.host_url]


def _saved_message(saved: SavedArticle) -> str:
    title = saved.title if len(saved.title) <= 120 else saved.title[:120] + "…"
    if saved.fetch_error:
        return f"Saved “{title}”, but its content could not be fetched: {saved.fetch_error}."
    if saved.created:
        return f"Saved “{title}”."
    return f"“{title}” was already saved: it is unread again and the tags were merged."
