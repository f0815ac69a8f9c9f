"""The reading pages: a reading list (its cards, "load more", mark all as read)."""

from __future__ import annotations

from quart import Blueprint, flash, redirect, render_template, request, url_for
from quart.typing import ResponseReturnValue

from legadilo.reading import services as reading
from legadilo.web.auth import login_required
from legadilo.web.context import page_layout, require_user, runtime

blueprint = Blueprint("reading", __name__, url_prefix="/reading")

NO_STORE = {"Cache-Control": "no-cache, no-store, must-revalidate, max-age=0", "Pragma": "no-cache"}


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


@blueprint.get("/")
@blueprint.get("/lists/<slug>/")
@login_required
async def show_reading_list(slug: str | None = None) -> ResponseReturnValue:
    user = require_user()
    after = request.args.get("after") or None
    timezone = (await page_layout()).timezone
    page = await reading.show_reading_list(user.id, slug, now=runtime().clock.now(), after=after, timezone=timezone)
    template = "reading/_more_cards.html" if after and is_htmx() else "reading/show_reading_list.html"
    html = await render_template(template, page=page, user=user)
    return html, 200, NO_STORE


@blueprint.post("/lists/<int:list_id>/mark-as-read/")
@login_required
async def mark_list_as_read(list_id: int) -> ResponseReturnValue:
    user = require_user()
    marked = await reading.mark_reading_list_as_read(user.id, list_id, now=runtime().clock.now())
    await flash(f"{marked.marked} article{'' if marked.marked == 1 else 's'} marked as read.")
    slug = (await request.form).get("list") or None
    return redirect(url_for("reading.show_reading_list", slug=slug) if slug else url_for("reading.show_reading_list"))
