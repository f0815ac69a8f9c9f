"""Small text helpers shared by every domain."""

from __future__ import annotations

import re
import unicodedata

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(value: str, *, max_length: int = 300, fallback: str = "no-slug") -> str:
    """ASCII, lower-case, dash-separated; `fallback` when nothing is left (a title made of emoji)."""
    ascii_only = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_only.lower()).strip("-")[:max_length].rstrip("-")
    return slug or fallback
