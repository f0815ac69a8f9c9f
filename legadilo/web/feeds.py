"""Feeds, categories and notifications management."""

from __future__ import annotations

from quart import Blueprint

blueprint = Blueprint("feeds", __name__, url_prefix="/feeds")
