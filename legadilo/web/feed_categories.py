"""The feed categories page (/feeds/categories/, endpoints `feeds.*`, attached by web/feeds.py): create,
rename, nest, delete."""

from __future__ import annotations

from quart import flash, redirect, render_template, request, url_for
from quart.typing import ResponseReturnValue

from legadilo.core.errors import AlreadyExists, InvalidInput
from legadilo.feeds import management
from legadilo.web.auth import login_required
from legadilo.web.context import require_user
from legadilo.web.routes import RouteTable

routes = RouteTable()
NO_STORE = {"Cache-Control": "no-cache, no-store, must-revalidate, max-age=0"}


def _parent(raw: str | None) -> int | None:
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput("choose a parent category from the list") from None


async def _page(*, error: str = "", error_for: int | None = None, form: dict[str, str] | None = None) -> str:
    user = require_user()
    tree = await management.category_tree(user.id)
    counts = await management.feed_counts_by_category(user.id)
    return await render_template(
        "feeds/categories.html", tree=tree, counts=counts, error=error, error_for=error_for, form=form or {}
    )


@routes.get("/categories/")
@login_required
async def list_categories() -> ResponseReturnValue:
    return await _page(), 200, NO_STORE


@routes.post("/categories/")
@login_required
async def create_category() -> ResponseReturnValue:
    form = (await request.form).to_dict()
    try:
        parent = _parent(form.get("parent"))
        category = await management.create_category(require_user().id, form.get("title", ""), parent)
    except (InvalidInput, AlreadyExists) as exc:
        return await _page(error=exc.message, form=form), 409 if isinstance(exc, AlreadyExists) else 400
    await flash(f"Category {category.title} created.")
    return redirect(url_for(".list_categories"), 303)


@routes.post("/categories/<int:category_id>/")
@login_required
async def update_category(category_id: int) -> ResponseReturnValue:
    user = require_user()
    await management.get_category(user.id, category_id)  # another user's category: 404
    form = (await request.form).to_dict()
    try:
        category = await management.update_category(
            user.id, category_id, form.get("title", ""), _parent(form.get("parent"))
        )
    except (InvalidInput, AlreadyExists) as exc:
        status = 409 if isinstance(exc, AlreadyExists) else 400
        return await _page(error=exc.message, error_for=category_id, form=form), status
    await flash(f"Category {category.title} saved.")
    return redirect(url_for(".list_categories"), 303)


@routes.post("/categories/<int:category_id>/delete")
@login_required
async def delete_category(category_id: int) -> ResponseReturnValue:
    user = require_user()
    category = await management.get_category(user.id, category_id)
    await management.delete_category(user.id, category_id)
    await flash(f"Category {category.title} deleted; its feeds are now uncategorised.")
    return redirect(url_for(".list_categories"), 303)
