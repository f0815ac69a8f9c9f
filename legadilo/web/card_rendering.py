"""Article cards rendered once and reused while nothing they show changes.

A reading list page is 100 cards, and rendering them was about half of the page's CPU. A card's HTML is a
pure function of the card (an immutable `ArticleCard`: every field it shows, its tags, its read/favourite/for
later state), the reader's timezone and the list it is shown in; `article_card` memoises exactly that, keyed
by the whole card, so any change to what a card shows is a different key and a fresh rendering. Nothing has to
be invalidated; the least recently used renderings are dropped beyond `CACHED_CARDS` (a few MB per process).

When templates reload on change (TEMPLATES_AUTO_RELOAD), cards are rendered every time.
"""

from __future__ import annotations

import functools

from jinja2 import Environment
from markupsafe import Markup

from legadilo.reading.list_queries import ArticleCard

CARD_TEMPLATE = "reading/_card.html"
CACHED_CARDS = 2048  # 20 pages of 100 cards; about 3 KB each (the card and its HTML)


class CardRenderer:
    """The `article_card(card, tz, list_slug)` function of the templates."""

    def __init__(self, environment: Environment, *, size: int = CACHED_CARDS) -> None:
        self._environment = environment
        self._cached = functools.lru_cache(maxsize=size)(self._render)

    def __call__(self, card: ArticleCard, tz: str, list_slug: str | None) -> Markup:
        if self._environment.auto_reload:
            return self._render(card, tz, list_slug)
        return self._cached(card, tz, list_slug)

    def _render(self, card: ArticleCard, tz: str, list_slug: str | None) -> Markup:
        template = self._environment.get_template(CARD_TEMPLATE)
        return Markup(template.render(card=card, tz=tz, list_slug=list_slug))  # noqa: S704 - autoescaped template

    def cache_info(self) -> functools._CacheInfo:
        return self._cached.cache_info()
