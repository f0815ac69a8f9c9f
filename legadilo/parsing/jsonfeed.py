"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), read into the same `ParsedFeed` as RSS/Atom."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from legadilo.parsing import normalize, strings
from legadilo.parsing.entries import TEXT_TYPE, RawEntry, build_entries
from legadilo.parsing.types import NotAFeed, ParsedFeed

JSON_FEED_TYPES = frozenset({"json10", "json11"})
JSON_CONTENT_TYPES = frozenset({"application/feed+json", "application/json"})
_VERSIONS = {"https://jsonfeed.org/version/1": "json10", "https://jsonfeed.org/version/1.1": "json11"}
_LEADING = b"\xef\xbb\xbf \t\r\n"


def looks_like_json(body: bytes, content_type: str) -> bool:
    """A body that starts with "{", or one served as JSON that does not start with "<"."""
    start = body.lstrip(_LEADING)[:1]
    media_type = content_type.split(";", maxsplit=1)[0].strip().lower()
    return start == b"{" or (media_type in JSON_CONTENT_TYPES and start != b"<")


def parse_json_feed(body: bytes, url: str, charset: str | None = None) -> ParsedFeed:
    document = _load(body, charset)
    feed_type = _VERSIONS.get(_version(document.get("version")))
    if feed_type is None:
        raise NotAFeed("The JSON document is not a JSON Feed (no https://jsonfeed.org/version/1 or /1.1).")
    language = _str(document.get("language"))
    authors = _authors(document)
    items = [item for item in _list(document.get("items")) if isinstance(item, dict)]
    raw_entries = (_raw_entry(item, language, authors) for item in items)
    return ParsedFeed(
        feed_type=feed_type,
        title=normalize.text_field(_str(document.get("title")), normalize.TITLE_MAX_LENGTH) or normalize.host(url),
        description=normalize.text_field(_str(document.get("description"))),
        site_url=normalize.http_url(_str(document.get("home_page_url")), url) or normalize.site_root(url),
        language=normalize.language(language),
        ttl_minutes=None,
        entries=build_entries(raw_entries, url),
    )


def _load(body: bytes, charset: str | None) -> dict[str, Any]:
    """The decoded top-level object (the charset decodes the body when given and known)."""
    codec = normalize.known_charset(charset)
    try:
        document = json.loads(body.decode(codec, errors="replace").lstrip("\ufeff") if codec else body)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise NotAFeed("The document is not valid JSON.") from error
    if not isinstance(document, dict):
        raise NotAFeed("The JSON document is not a JSON Feed (not an object).")
    return document


def _version(value: object) -> str:
    version = _str(value).strip().lower().rstrip("/")
    return "https://" + version.removeprefix("http://") if version.startswith("http://") else version


def _raw_entry(item: Mapping[str, Any], feed_language: str, feed_authors: list[str]) -> RawEntry:
    content_html, content_text = _str(item.get("content_html")), _str(item.get("content_text"))
    link = _str(item.get("url")) or _str(item.get("external_url"))
    return RawEntry(
        id=_identifier(item.get("id")),
        link=link,
        title=_str(item.get("title")),
        summary=_str(item.get("summary")),
        summary_is_text=True,  # "a plain text sentence or two"
        content=content_html or content_text,
        content_type="text/html" if content_html else TEXT_TYPE,
        base_url=link,
        authors=_authors(item) or feed_authors,  # items inherit the feed's authors
        tags=[tag for tag in _list(item.get("tags")) if isinstance(tag, str)],
        pictures=[(_str(item.get("image")), ""), (_str(item.get("banner_image")), "")],
        language=_str(item.get("language")) or feed_language,
        published_at=normalize.from_iso8601(item.get("date_published")),
        updated_at=normalize.from_iso8601(item.get("date_modified")),
    )


def _authors(holder: Mapping[str, Any]) -> list[str]:
    """1.1 `authors` (a list), else 1.0 `author` (one object): their names."""
    people = _list(holder.get("authors")) or [holder.get("author")]
    return [_str(person.get("name")) for person in people if isinstance(person, dict) and _str(person.get("name"))]


def _identifier(value: object) -> str:
    """JSON Feed 1.0 allowed numbers as ids: `42` and `"42"` are the same entry."""
    if isinstance(value, bool):
        return ""
    return strings.clean(str(value)) if isinstance(value, str | int | float) else ""


def _str(value: object) -> str:
    return strings.clean(value) if isinstance(value, str) else ""


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []
