"""The reading pages: a reading list and its articles."""

from __future__ import annotations

from quart import Blueprint, render_template, request
from quart.typing import ResponseReturnValue

from legadilo.reading import services as reading
from legadilo.web.auth import login_required
from legadilo.web.context import require_user, runtime

blueprint = Blueprint("reading", __name__, url_prefix="/reading")

NO_STORE = {"Cache-Control": "no-cache, no-store, must-revalidate, max-age=0"}


@blueprint.get("/")
@blueprint.get("/lists/<slug>/")
@login_required
async def show_reading_list(slug: str | None = None) -> ResponseReturnValue:
    user = require_user()
    after = request.args.get("after") or None
    page = await reading.show_reading_list(user.id, slug, now=runtime().clock.now(), after=after)
    html = await render_template("reading/show_reading_list.html", page=page, user=user)
    return html, 200, NO_STORE
