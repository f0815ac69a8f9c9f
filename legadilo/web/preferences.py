"""User settings, the reading-list editor and the tags admin."""

from __future__ import annotations

from quart import Blueprint

blueprint = Blueprint("preferences", __name__, url_prefix="/settings")
