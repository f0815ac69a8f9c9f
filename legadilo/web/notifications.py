"""The notifications page (/feeds/notifications/, endpoints `feeds.*`, attached by web/feeds.py): the latest
ones, unread first; mark one or all read. The header bell's count comes with the page layout."""

from __future__ import annotations

from quart import flash, redirect, render_template, url_for
from quart.typing import ResponseReturnValue

from legadilo.accounts.notifications import list_notifications, mark_all_read, mark_read
from legadilo.web.auth import login_required
from legadilo.web.context import forget_layout, page_layout, require_user, runtime
from legadilo.web.routes import RouteTable

routes = RouteTable()
NO_STORE = {"Cache-Control": "no-cache, no-store, must-revalidate, max-age=0"}


@routes.get("/notifications/")
@login_required
async def show_notifications() -> ResponseReturnValue:
    user = require_user()
    listed = await list_notifications(user.id)
    page = await render_template(
        "notifications/list.html", notifications=listed, timezone=(await page_layout()).timezone
    )
    return page, 200, NO_STORE


@routes.post("/notifications/<int:notification_id>/read")
@login_required
async def mark_notification_read(notification_id: int) -> ResponseReturnValue:
    await mark_read(require_user().id, notification_id, runtime().clock.now())
    forget_layout()
    return redirect(url_for(".show_notifications"), 303)


@routes.post("/notifications/read")
@login_required
async def mark_all_notifications_read() -> ResponseReturnValue:
    marked = await mark_all_read(require_user().id, runtime().clock.now())
    forget_layout()
    await flash(f"{marked} notification{'s' if marked != 1 else ''} marked as read.")
    return redirect(url_for(".show_notifications"), 303)
