"""Feed documents (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1) to a `ParsedFeed`.

`parse_feed` runs in a process pool: it is a top-level function of plain arguments, and its result is
made of frozen dataclasses only.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import feedparser
import feedparser.mixin
import feedparser.urls

from legadilo.parsing import jsonfeed, normalize, strings, xmlprep
from legadilo.parsing.entries import HTML_TYPES, TEXT_TYPE, RawEntry, build_entries
from legadilo.parsing.types import NotAFeed, ParsedFeed, ParseError

# feedparser's versions: with JSON_FEED_TYPES, the values parse_feed may return (all of them are
# legadilo.feeds.models.FeedType values, which also keeps a legacy "json1").
XML_FEED_TYPES = frozenset(
    {
        "rss090",
        "rss091n",
        "rss091u",
        "rss092",
        "rss093",
        "rss094",
        "rss20",
        "rss10",
        "rss",
        "atom01",
        "atom02",
        "atom03",
        "atom10",
        "atom",
        "cdf",
    }
)
FEED_TYPES = XML_FEED_TYPES | jsonfeed.JSON_FEED_TYPES
_CONTENT_TYPES = {"html": "text/html", "xhtml": "application/xhtml+xml", "text": TEXT_TYPE, "plain": TEXT_TYPE}
# feedparser's strict and loose parsers crash on some broken documents (found by fuzzing: a KeyError in
# _end_category, a ValueError on odd namespaces, an OverflowError on huge character references…). These are
# bugs of the parser meeting hostile input: for us, a document that cannot be read.
_FEEDPARSER_CRASHES = (
    ArithmeticError,
    AssertionError,
    AttributeError,
    LookupError,
    RuntimeError,
    TypeError,
    ValueError,
)
_REMEMBERED_URI_LENGTH = 2048
_IMAGE_EXTENSIONS = frozenset(
    ["png", "apng", "avif", "gif", "jpg", "jpeg", "jfif", "pjpeg", "pjp", "svg", "bmp", "tiff", "tif", "webp"]
)


def _remember_base_uris() -> None:
    """feedparser resolves the base URI again at every element start (make_safe_absolute_uri, an urljoin of
    the same strings element after element: 10% of its time once we give it the feed URL). The function is
    pure: its results are remembered (bounded), which changes nothing but the time spent."""
    original = feedparser.urls.make_safe_absolute_uri
    if feedparser.mixin.make_safe_absolute_uri is not original:
        return
    remembered = functools.lru_cache(maxsize=1024)(original)

    def make_safe_absolute_uri(base: Any, rel: Any = None) -> Any:
        if len(base or "") + len(rel or "") <= _REMEMBERED_URI_LENGTH:  # bounded memory on hostile feeds
            return remembered(base, rel)
        return original(base, rel)

    feedparser.mixin.make_safe_absolute_uri = make_safe_absolute_uri


_remember_base_uris()


def parse_feed(body: bytes, url: str, content_type: str = "", charset: str | None = None) -> ParsedFeed:
    """The feed in `body`, fetched from `url` (relative links resolve against it, and xml:base).

    `charset` (from the HTTP Content-Type) decodes the body when given; else feedparser sniffs it.
    Raises NotAFeed for anything that is not a feed: empty bodies, HTML pages, error pages, garbage.
    """
    if not body.strip():
        raise NotAFeed("The document is empty.")
    if jsonfeed.looks_like_json(body, content_type):
        return jsonfeed.parse_json_feed(body, url, charset)
    return _parse_xml_feed(body, url, charset)


def _parse_xml_feed(body: bytes, url: str, charset: str | None) -> ParsedFeed:
    data, charset = xmlprep.prepare(body, charset)
    headers = {"content-location": url}
    if charset:
        headers["content-type"] = f"application/xml; charset={charset}"
    try:
        parsed = feedparser.parse(
            io.BytesIO(data),  # never a str or bytes: feedparser would take those for a URL or a file name
            sanitize_html=False,
            resolve_relative_uris=False,  # done by the sanitiser, against each field's xml:base (much faster)
            response_headers=headers,
        )
    except _FEEDPARSER_CRASHES as error:
        raise ParseError(f"The feed could not be read ({type(error).__name__} in feedparser).") from error
    feed_type = _get(parsed, "version")
    if feed_type not in XML_FEED_TYPES:
        raise NotAFeed("The document is neither RSS, Atom nor JSON Feed.")
    feed = _detail(parsed, "feed")
    language = _get(feed, "language")
    return ParsedFeed(
        feed_type=feed_type,
        title=normalize.text_field(_get(feed, "title"), normalize.TITLE_MAX_LENGTH) or normalize.host(url),
        description=normalize.text_field(_get(feed, "subtitle")),
        site_url=normalize.http_url(_get(feed, "link"), url) or normalize.site_root(url),
        language=normalize.language(language),
        ttl_minutes=normalize.ttl_minutes(_get(feed, "ttl")),
        entries=build_entries((_raw_entry(entry, language) for entry in _dicts(_value(parsed, "entries"))), url),
    )


def _raw_entry(entry: Mapping[str, Any], feed_language: str) -> RawEntry:
    content = _first_content(_value(entry, "content"))
    summary = _detail(entry, "summary_detail")  # absent when feedparser copied the content into `summary`
    authors = [_get(author, "name") for author in _dicts(_value(entry, "authors"))] or [_get(entry, "author")]
    return RawEntry(
        id=_get(entry, "id"),
        link=_get(entry, "link"),
        title=_get(entry, "title"),
        summary=_get(summary, "value"),
        summary_is_text=_get(summary, "type") == TEXT_TYPE,
        content=_get(content, "value"),
        content_type=_content_type(content),
        base_url=_get(content, "base") or _get(summary, "base"),
        authors=authors,
        contributors=[_get(person, "name") for person in _dicts(_value(entry, "contributors"))],
        tags=[_get(tag, "term") for tag in _dicts(_value(entry, "tags"))],
        pictures=_pictures(entry),
        language=_get(content, "language") or _get(entry, "language") or feed_language,
        published_at=normalize.from_struct_time(_value(entry, "published_parsed")),
        updated_at=normalize.from_struct_time(_value(entry, "updated_parsed")),
    )


def _first_content(contents: object) -> Mapping[str, Any]:
    """The first content in HTML, XHTML or plain text (Atom allows others: images, base64 blobs…)."""
    for content in _dicts(contents):
        if _content_type(content) in HTML_TYPES | {TEXT_TYPE}:
            return content
    return {}


def _content_type(content: Mapping[str, Any]) -> str:
    declared = _get(content, "type").lower()
    return _CONTENT_TYPES.get(declared, declared) if content else TEXT_TYPE


def _pictures(entry: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Preview picture candidates: media:thumbnail, then image media:content, then image enclosures."""
    alt = _media_alt(entry)
    candidates = [(_get(thumbnail, "url"), alt) for thumbnail in _dicts(_value(entry, "media_thumbnail"))]
    candidates.extend(
        (_get(media, "url"), alt)
        for media in _dicts(_value(entry, "media_content"))
        if _get(media, "medium") == "image" or _is_image(_get(media, "url"), _get(media, "type"))
    )
    candidates.extend(
        (_get(link, "href"), "")
        for link in _dicts(_value(entry, "links"))
        if _get(link, "rel") == "enclosure" and _is_image(_get(link, "href"), _get(link, "type"))
    )
    return candidates


def _media_alt(entry: Mapping[str, Any]) -> str:
    """feedparser merges media:title and media:description into the entry's title and summary: what is left
    to describe a picture is its media:credit."""
    credits = _dicts(_value(entry, "media_credit"))
    return next((_get(credit, "content") for credit in credits if _get(credit, "content")), "")


def _is_image(url: str, media_type: str) -> bool:
    if media_type.lower().startswith("image/"):
        return True
    try:
        path = urlsplit(url).path
    except ValueError:
        return False
    return path.rpartition(".")[2].lower() in _IMAGE_EXTENSIONS


def _value(mapping: Mapping[str, Any], key: str) -> object:
    """`mapping[key]`, None when absent. FeedParserDict.get would answer for other keys ("updated_parsed"
    with "published_parsed", "url" with "href"…): plain dict lookups only."""
    return dict.get(mapping, key) if isinstance(mapping, dict) else mapping.get(key)


def _detail(entry: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = _value(entry, key)
    return value if isinstance(value, Mapping) else {}


def _dicts(value: object) -> Iterable[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _get(mapping: Mapping[str, Any], key: str) -> str:
    """A string field (feedparser leaves None in some, e.g. tag labels); "" when absent."""
    value = _value(mapping, key)
    return strings.clean(value) if isinstance(value, str) else ""
