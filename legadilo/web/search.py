"""The search page (its form's values live in the URL; bulk actions apply to every result) and, on the same
blueprint (endpoints `search.*`), the page that saves a page by URL (web/save_page.py). The blueprint has no
prefix: its routes are /reading/search/… and /reading/articles/add."""

from __future__ import annotations

from urllib.parse import urlencode

from quart import Blueprint, flash, redirect, render_template, request, url_for
from quart.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from legadilo.core.errors import InvalidInput
from legadilo.feeds.models import Feed
from legadilo.reading.list_queries import ListFilter
from legadilo.reading.models import OrderDirection, Tag
from legadilo.reading.search import (
    BulkAction,
    SearchOrder,
    SearchPage,
    bulk_update_search_results,
    search_articles,
)
from legadilo.web import save_page
from legadilo.web.article_links import article_link
from legadilo.web.auth import login_required
from legadilo.web.context import page_layout, require_user, runtime
from legadilo.web.search_form import BULK_LABELS, OPTIONS, Parsed, parse_query, query_items, split_tags

blueprint = Blueprint("search", __name__)
save_page.routes.attach_to(blueprint)

NO_STORE = {"Cache-Control": "no-cache, no-store, must-revalidate, max-age=0"}


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
    tags = split_tags(form.get("bulk_tags", "")) if action in (BulkAction.ADD_TAGS, BulkAction.REMOVE_TAGS) else []
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
