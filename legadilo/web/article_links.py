"""Links to an article from pages of other blueprints."""

from __future__ import annotations

from typing import Any

from quart import url_for
from werkzeug.routing import BuildError


def article_link(article_id: int, slug: str, url: str) -> str:
    """The article page (built by the articles blueprint when it has one), else the original page."""
    candidates: list[tuple[str, dict[str, Any]]] = [("articles.show_article_by_id", {"article_id": article_id})]
    if slug:
        candidates.insert(0, ("articles.show_article", {"article_id": article_id, "slug": slug}))
    for endpoint, values in candidates:
        try:
            return url_for(endpoint, **values)
        except BuildError:
            continue
    return url
