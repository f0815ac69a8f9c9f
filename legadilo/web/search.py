"""Search and saving pages by URL."""

from __future__ import annotations

from quart import Blueprint

blueprint = Blueprint("search", __name__, url_prefix="/reading/search")
