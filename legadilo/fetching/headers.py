"""Reading HTTP response headers: caching lifetime, Retry-After, media type, validators, bot challenges.

Pure functions over header mappings whose names are lower-cased (see `lower_headers`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from legadilo.fetching.types import Validators

SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})

_CHALLENGE_MARKERS = (b"just a moment", b"challenge-platform", b"cf-chl", b"_cf_chl")


def lower_headers(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers as a dict with lower-cased names; repeated headers joined with ", "; cookies dropped."""
    headers: dict[str, str] = {}
    for name, value in items:
        key = name.lower()
        if key in SECRET_HEADERS:
            continue
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def parse_http_date(value: str | None) -> datetime | None:
    """An HTTP date (any of the three RFC 9110 formats) as an aware UTC datetime, or None."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def parse_retry_after(value: str | None, *, now: datetime) -> int | None:
    """Seconds to wait from a Retry-After value (delay-seconds or an HTTP date, counted from `now`).

    Returns None when absent or unreadable; never negative.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return int(text)
    when = parse_http_date(text)
    if when is None:
        return None
    return max(0, int((when - now).total_seconds()))


def parse_cache_control(value: str | None) -> dict[str, str]:
    """Cache-Control directives, names lower-cased, values unquoted ("" for a bare directive)."""
    directives: dict[str, str] = {}
    for part in (value or "").split(","):
        name, _, argument = part.partition("=")
        name = name.strip().lower()
        if name:
            directives[name] = argument.strip().strip('"')
    return directives


def parse_max_age(headers: Mapping[str, str], *, now: datetime | None = None) -> int | None:
    """How long the response stays fresh, in seconds, or None when the server does not say.

    Cache-Control `no-cache`/`no-store` -> 0; else `s-maxage` (we are a shared cache), then `max-age`;
    else Expires minus Date (or `now`), where an unreadable Expires such as `0` means already expired.
    """
    directives = parse_cache_control(headers.get("cache-control"))
    if "no-cache" in directives or "no-store" in directives:
        return 0
    for name in ("s-maxage", "max-age"):
        seconds = directives.get(name, "")
        if seconds.isdigit():
            return int(seconds)
    if "expires" not in headers:
        return None
    expires = parse_http_date(headers["expires"])
    if expires is None:
        return 0
    reference = parse_http_date(headers.get("date")) or now or datetime.now(UTC)
    return max(0, int((expires - reference).total_seconds()))


def media_type_and_charset(content_type: str | None) -> tuple[str, str | None]:
    """("application/rss+xml", "utf-8") from 'application/RSS+xml; charset="UTF-8"'; ("", None) if absent."""
    if not content_type:
        return "", None
    media_type, *parameters = content_type.split(";")
    charset = None
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower() or None
    return media_type.strip().lower(), charset


def validators_from(headers: Mapping[str, str]) -> Validators:
    """The ETag and Last-Modified a response carries (lower-cased header names)."""
    return Validators(etag=headers.get("etag", "").strip(), last_modified=headers.get("last-modified", "").strip())


def is_bot_challenge(status: int, headers: Mapping[str, str], body_start: bytes) -> bool:
    """A Cloudflare-style challenge (403/503) instead of the content: the `cf-mitigated: challenge` header,
    or `server: cloudflare` with an HTML body carrying the challenge page markers."""
    if status not in (403, 503):
        return False
    if headers.get("cf-mitigated", "").strip().lower() == "challenge":
        return True
    if "cloudflare" not in headers.get("server", "").lower():
        return False
    if media_type_and_charset(headers.get("content-type"))[0] not in ("text/html", "application/xhtml+xml", ""):
        return False
    lowered = body_start.lower()
    return any(marker in lowered for marker in _CHALLENGE_MARKERS)
