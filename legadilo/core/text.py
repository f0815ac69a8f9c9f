"""Small text helpers shared by every domain."""

from __future__ import annotations

import re
import unicodedata

_NOT_ASCII_SLUG = re.compile(r"[^a-z0-9]+")
_KEPT = frozenset("LN")  # letters and digits, of any script
_MARK = "M"  # combining marks (accents, vowel signs…) stay with the letter or digit they follow


def slugify(value: str, *, max_length: int = 300, fallback: str = "no-slug") -> str:
    """A URL-safe identifier of a title: tags and categories are found by the slug of the title typed.

    Titles with Latin letters keep the slug they always had (ASCII, accents folded, lower-case, dash-separated:
    `Café au lait` → `cafe-au-lait`), so that the slugs stored before stay the slugs of their titles. A title
    without (Cyrillic, CJK, Arabic…), which used to give `fallback` or its digits alone and so share them with
    every other such title, keeps its letters and digits of any script instead (`unicode_slug`):
    `Привет, мир!` → `привет-мир`, `東京 2024` → `東京-2024`. `fallback` only when nothing is left.
    """
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_ASCII_SLUG.sub("-", folded.lower()).strip("-")[:max_length].rstrip("-")
    if any(char.isalpha() for char in slug):
        return slug
    return unicode_slug(value, max_length=max_length) or slug or fallback


def unicode_slug(value: str, *, max_length: int = 300) -> str:
    """Lower-case letters and digits of any script (NFKC), every other run of characters one `-`; empty when
    nothing is left. `東京 2024` → `東京-2024`. It holds no character that has a meaning in a URL
    (`/ ? # % &`…), so a route's `<slug>` matches it once percent-encoded."""
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).lower())
    kept: list[str] = []
    for char in text:
        category = unicodedata.category(char)[0]
        if category in _KEPT or (category == _MARK and kept and kept[-1] != "-"):
            kept.append(char)
        elif kept and kept[-1] != "-":
            kept.append("-")
    return "".join(kept).strip("-")[:max_length].rstrip("-")
