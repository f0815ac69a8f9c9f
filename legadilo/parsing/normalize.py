"""Small normalisers shared by the feed adapters: URLs, text fields, languages, dates, lists."""

from __future__ import annotations

import codecs
import functools
import re
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import quote, urldefrag, urljoin, urlsplit, urlunsplit

from legadilo.parsing.html import plain_text

TITLE_MAX_LENGTH = 300
KEY_MAX_LENGTH = 512
MIN_YEAR = 1970
MAX_YEAR = 2100
MAX_TTL_MINUTES = 7 * 24 * 60

_LANGUAGE = re.compile(r"([a-z]{2})(?:[-_]([a-z]{2}))?", re.IGNORECASE)
_INTEGER = re.compile(r"\d{1,9}")
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"
_REMEMBERED_URL_LENGTH = 2048
_UNSAFE_IN_HOST = re.compile(r"[\s\"'<>`{}|\\^/]")
# An absolute http(s) URL that `_http_url` gives back unchanged: lower-case scheme, a plain host name, a port
# (checked below), then only characters `_quoted` keeps, without fragment, parameters (";") or empty query.
_PLAIN_HTTP_URL = re.compile(
    r"https?://[A-Za-z0-9.-]+(?::([0-9]{1,5}))?(?:/[A-Za-z0-9._~!$&'()*+,/:=@%-]*)?(?:\?[A-Za-z0-9._~!$&'()*+,/:=@%?-]+)?"
)
_MAX_PORT = 65535


def http_url(value: str, base: str = "") -> str:
    """`value` made absolute against `base`, without its fragment; "" unless it is an http(s) URL with a host.

    A scheme-relative `//host/path` becomes https when there is no http(s) base to borrow the scheme from.
    """
    value = value.strip()
    if not value:
        return ""
    plain = _PLAIN_HTTP_URL.fullmatch(value)
    if plain is not None and (plain.group(1) is None or 0 < int(plain.group(1)) <= _MAX_PORT):
        return value  # what _http_url would give, without its six parses (an entry link, most of the time)
    if len(value) + len(base) <= _REMEMBERED_URL_LENGTH:  # every entry of a feed resolves the same base
        return _remembered_http_url(value, base)
    return _http_url(value, base)


@functools.lru_cache(maxsize=512)
def _remembered_http_url(value: str, base: str) -> str:
    return _http_url(value, base)


def _http_url(value: str, base: str) -> str:
    if value.startswith("//") and not is_http_url(base):
        value = "https:" + value
    try:
        absolute = urldefrag(urljoin(base, value) if base else value).url
        return _quoted(absolute) if is_http_url(absolute) else ""
    except ValueError:  # an invalid IPv6 literal, a port out of range…
        return ""


def is_http_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
        return (
            parts.scheme in {"http", "https"}
            and bool(parts.hostname)
            and not _UNSAFE_IN_HOST.search(parts.netloc)
            and parts.port != 0
        )
    except ValueError:
        return False


def _quoted(url: str) -> str:
    """Characters that may not appear in a URL (quotes, spaces, <, >, non-ASCII…) percent-encoded in its
    path and query; existing escapes kept."""
    parts = urlsplit(url)
    path, query = quote(parts.path, safe=_URL_SAFE), quote(parts.query, safe=_URL_SAFE)
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def host(url: str) -> str:
    """The host name of `url` (no credentials, no port), "" when there is none."""
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def site_root(url: str) -> str:
    """scheme://host[:port] of an http(s) URL, "" otherwise."""
    if not is_http_url(url):
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def text_field(value: str, max_length: int | None = None) -> str:
    """Plain text from a feed field that may hold HTML: tags dropped, entities decoded, whitespace collapsed."""
    text = plain_text(value) if value else ""
    if max_length is not None and len(text) > max_length:
        text = text[:max_length].rstrip()
    return text


def texts(values: Iterable[str], max_length: int = TITLE_MAX_LENGTH) -> tuple[str, ...]:
    """Plain-text items, empty ones dropped, duplicates removed (first one kept), in their order."""
    return unique(text_field(value, max_length) for value in values)


def tags(terms: Iterable[str]) -> tuple[str, ...]:
    """Categories: each split on commas, made plain text, deduplicated and sorted."""
    pieces = (piece for term in terms for piece in term.split(","))
    return tuple(sorted(texts(pieces)))


def unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))


def language(value: str | None) -> str:
    """`xx`, `xx-yy` or `xx_yy` (any case) as lower-case `xx` / `xx-yy`; "" for anything else."""
    match = _LANGUAGE.fullmatch((value or "").strip())
    if not match:
        return ""
    primary, region = match.groups()
    return f"{primary}-{region}".lower() if region else primary.lower()


def from_struct_time(value: object) -> datetime | None:
    """A UTC struct_time (what feedparser gives) as an aware datetime; None when absent or absurd."""
    if not isinstance(value, time.struct_time):
        return None
    try:
        return sane_datetime(datetime(*value[:6], tzinfo=UTC))
    except (TypeError, ValueError, OverflowError):
        return None


def from_iso8601(value: object) -> datetime | None:
    """An RFC 3339 date (JSON Feed) as an aware UTC datetime; naive ones are taken as UTC."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return sane_datetime(parsed)


def sane_datetime(value: datetime | None) -> datetime | None:
    """An aware datetime between 1970 and 2100, in UTC; None otherwise."""
    if value is None or value.tzinfo is None or not MIN_YEAR <= value.year <= MAX_YEAR:
        return None
    return value.astimezone(UTC)


def known_charset(charset: str | None) -> str | None:
    """The codec's canonical name, None when absent or unknown to Python."""
    if not charset:
        return None
    try:
        return codecs.lookup(charset.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None


def ttl_minutes(value: object) -> int | None:
    """RSS <ttl> (minutes) when it is a whole number between 1 and a week."""
    text = str(value).strip() if value is not None else ""
    if not _INTEGER.fullmatch(text):
        return None
    minutes = int(text)
    return minutes if 1 <= minutes <= MAX_TTL_MINUTES else None
