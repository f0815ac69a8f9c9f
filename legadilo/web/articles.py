"""Article pages and article actions."""

from __future__ import annotations

from quart import Blueprint

blueprint = Blueprint("articles", __name__, url_prefix="/reading/articles")
