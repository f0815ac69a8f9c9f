"""The page that saves a page by its URL (/reading/articles/add, endpoints `search.add_article_page` and
`search.add_article`, attached by web/search.py): fetch it, extract the article, tag it, open it."""

from __future__ import annotations

from quart import flash, redirect, render_template, request, url_for
from quart.typing import ResponseReturnValue

from legadilo.core.errors import InvalidInput
from legadilo.reading.saving import SavedArticle, save_article_by_url
from legadilo.web.article_links import article_link
from legadilo.web.auth import login_required
from legadilo.web.context import require_user, runtime
from legadilo.web.routes import RouteTable
from legadilo.web.search_form import MAX_TAGS, split_tags

routes = RouteTable()
NO_STORE = {"Cache-Control": "no-cache, no-store, must-revalidate, max-age=0"}


async def _render_add(url: str = "", tags: str = "", error: str = "", status: int = 200) -> ResponseReturnValue:
    html = await render_template("search/add_article.html", url=url, tags=tags, error=error)
    return html, status, NO_STORE


@routes.get("/reading/articles/add")
@login_required
async def add_article_page() -> ResponseReturnValue:
    return await _render_add(url=request.args.get("url", "")[:2048])


@routes.post("/reading/articles/add")
@login_required
async def add_article() -> ResponseReturnValue:
    user = require_user()
    form = await request.form
    url, tags_text = form.get("url", "").strip(), form.get("tags", "")
    tags = split_tags(tags_text)
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
