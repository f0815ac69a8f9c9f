"""Small text helpers shared by every domain."""

from __future__ import annotations

import unicodedata

_KEPT = frozenset("LN")  # letters and digits, of any script
_MARK = "M"  # combining marks (accents, vowel signs…) stay with the letter or digit they follow


def slugify(value: str, *, max_length: int = 300, fallback: str = "no-slug") -> str:
    """Lower-case letters and digits of any script (NFKC), every other run of characters one `-`;
    `fallback` when nothing is left (a title made of emoji or punctuation).

    `Привет, мир!` → `привет-мир`, `東京 2024` → `東京-2024`, `Café` → `café`. A slug holds no character that
    has a meaning in a URL (`/ ? # % &`…), so a route's `<slug>` matches it once percent-encoded.
    """
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).lower())
    kept: list[str] = []
    for char in text:
        category = unicodedata.category(char)[0]
        if category in _KEPT or (category == _MARK and kept and kept[-1] != "-"):
            kept.append(char)
        elif kept and kept[-1] != "-":
            kept.append("-")
    slug = "".join(kept).strip("-")[:max_length].rstrip("-")
    return slug or fallback
