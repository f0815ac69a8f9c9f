"""The /settings blueprint (endpoints `preferences.*`): the settings and password page (settings_pages), the
reading-list editor (list_editor) and the tags admin (tags_admin). Every page works with plain form posts
and redirects; no script is needed.

It also offers `user_theme()` and `unread_notifications()` to every template (an app-wide context processor):
base.html renders `<html data-theme="{{ user_theme() }}">` so the chosen theme applies before the first paint,
and the bell's count. Both come from the page layout loaded with the user (no query of their own).
"""

from __future__ import annotations

from typing import Any

from quart import Blueprint

from legadilo.web import list_editor, settings_pages, tags_admin
from legadilo.web.context import unread_notifications, user_theme

blueprint = Blueprint("preferences", __name__, url_prefix="/settings")
for _module in (settings_pages, list_editor, tags_admin):
    _module.routes.attach_to(blueprint)


@blueprint.app_context_processor
def _layout_context() -> dict[str, Any]:
    return {"user_theme": user_theme, "unread_notifications": unread_notifications}
