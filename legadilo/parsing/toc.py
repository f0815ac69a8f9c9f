"""Table of contents of an HTML fragment, and the heading ids its links point to."""

from __future__ import annotations

from typing import Any

import lxml.etree  # type: ignore[import-untyped]

from legadilo.core.text import slugify
from legadilo.parsing import _tree

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
ID_MAX_LENGTH = 100
_IDS = lxml.etree.XPath("descendant-or-self::*/@id")  # compiled once; in C, without an element proxy each


def _has_heading(html: str) -> bool:
    return any(f"<{tag}" in html or f"<{tag.upper()}" in html for tag in HEADINGS)


def table_of_content(html: str) -> tuple[str, tuple[dict[str, Any], ...]]:
    """`html` with an id on every heading, and the table of contents built from its headings.

    A heading keeps its id, else gets the slug of its text (made unique in the fragment). A heading starts
    a new top-level item when its level is not deeper than the current top item's; a heading exactly one
    level deeper becomes its child; deeper ones are left out. Headings without text are left out.
    Returns `html` untouched when it has no heading. Give it sanitised HTML: it only adds ids.
    """
    if not _has_heading(html):
        return html, ()
    body = _tree.parse_fragment(html)
    if body is None:
        return html, ()
    return _with_heading_ids(body, html)


def table_of_content_and_word_count(html: str) -> tuple[str, tuple[dict[str, Any], ...], int]:
    """`table_of_content(html)` and the words of its plain text (`count_words(plain_text(...))`), from a single
    parse of `html` (serialising a tree and parsing it again gives the same text), or none at all when it has no
    heading. Give it sanitised HTML."""
    if not _has_heading(html):
        return html, (), _tree.sanitized_word_count(html)
    body = _tree.parse_fragment(html)
    if body is None:
        return html, (), 0
    html, items = _with_heading_ids(body, html)
    return html, items, _tree.word_count(body)


def _with_heading_ids(body: _tree.Element, html: str) -> tuple[str, tuple[dict[str, Any], ...]]:
    """The fragment in `body` with ids on its headings (`html`, the source of `body`, when it has none)."""
    headings = list(body.iter(*HEADINGS))
    if not headings:
        return html, ()
    taken: set[str] = {str(identifier) for identifier in _IDS(body) if identifier}
    items: list[dict[str, Any]] = []
    for heading in headings:
        text = " ".join(_tree.text_of(heading).split())
        identifier = heading.get("id") or _unique_slug(text, taken)
        heading.set("id", identifier)
        if text:
            _place({"id": identifier, "text": text, "level": int(heading.tag[1])}, items)
    return _tree.serialize(body), tuple(items)


def _unique_slug(text: str, taken: set[str]) -> str:
    base = slugify(text, max_length=ID_MAX_LENGTH, fallback="section")
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    taken.add(candidate)
    return candidate


def _place(item: dict[str, Any], items: list[dict[str, Any]]) -> None:
    top = items[-1] if items else None
    if top is None or item["level"] <= top["level"]:
        items.append({**item, "children": []})
    elif item["level"] == top["level"] + 1:
        top["children"].append(item)
