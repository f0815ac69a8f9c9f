"""Fixture access and checks shared by the parsing tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from legadilo.parsing.types import ParsedEntry, ParsedFeed

FIXTURES = Path(__file__).parent.parent / "fixtures"
FEEDS = FIXTURES / "feeds"
PAGES = FIXTURES / "pages"


def feed_bytes(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def page_bytes(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def entry(feed: ParsedFeed, key: str) -> ParsedEntry:
    matches = [item for item in feed.entries if item.key == key]
    assert len(matches) == 1, f"{key!r} not in {[item.key for item in feed.entries]}"
    return matches[0]


def text_values(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string inside a parsed result (dataclasses, tuples, dicts), with where it was found."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from text_values(getattr(value, field.name), f"{path}.{field.name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from text_values(item, f"{path}[{key!r}]")
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            yield from text_values(item, f"{path}[{index}]")
    elif isinstance(value, str):
        yield path, value
