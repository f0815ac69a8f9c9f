"""What a web page says about itself: Open Graph, Twitter cards, `article:*`, `<meta name>`, schema.org JSON-LD,
`<html lang>`, `<link rel=canonical>`. Pure: reads an lxml document, fetches nothing.

Every value found is raw (untrusted) text: `legadilo.parsing.articles` normalises it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from legadilo.parsing import normalize

MAX_JSON_LD_CHARS = 512 * 1024  # larger scripts are application state, not metadata
ARTICLE_TYPES = frozenset(
    {"article", "newsarticle", "blogposting", "reportagenewsarticle", "techarticle", "scholarlyarticle", "report"}
)
TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " » ", " · ")


@dataclass(frozen=True)
class PageMeta:
    title: str
    site_name: str
    description: str
    authors: tuple[str, ...]
    published_at: datetime | None
    updated_at: datetime | None
    language: str
    picture_url: str
    picture_alt: str
    tags: tuple[str, ...]
    canonical_url: str


class _Metas:
    """`<meta>` contents by lower-cased `property`, `name` or `itemprop`, in document order."""

    def __init__(self, document: Any) -> None:
        self.values: dict[str, list[str]] = {}
        for meta in document.iter("meta"):
            content = meta.get("content")
            if content is None or not content.strip():
                continue
            for attribute in ("property", "name", "itemprop", "http-equiv"):
                for key in (meta.get(attribute) or "").lower().split():  # RDFa allows several properties
                    self.values.setdefault(key, []).append(content.strip())

    def first(self, *keys: str) -> str:
        for key in keys:
            if self.values.get(key):
                return self.values[key][0]
        return ""

    def all(self, key: str) -> list[str]:
        return self.values.get(key, [])


def read_meta(document: Any, base_url: str) -> PageMeta:
    """The metadata of a parsed page (an lxml.html document); URLs absolute against `base_url`."""
    metas = _Metas(document)
    ld = _json_ld_article(document)
    site_name = metas.first("og:site_name", "application-name") or _ld_name(ld.get("publisher"))
    picture_url, picture_alt = _picture(metas, ld, base_url)
    return PageMeta(
        title=_title(document, metas, ld, site_name),
        site_name=site_name,
        description=metas.first("og:description", "description", "twitter:description") or _text(ld.get("description")),
        authors=_authors(document, metas, ld),
        published_at=_date(
            metas.first("article:published_time", "og:article:published_time", "datepublished", "pubdate"),
            _text(ld.get("datePublished")),
            metas.first("date", "dc.date.issued", "dc.date", "dcterms.created"),
            _time_element(document, "datePublished"),
        ),
        updated_at=_date(
            metas.first("article:modified_time", "og:updated_time", "datemodified"),
            _text(ld.get("dateModified")),
            metas.first("dcterms.modified"),
        ),
        language=normalize.language(document.get("lang"))
        or normalize.language(metas.first("content-language", "og:locale", "dc.language", "language"))
        or normalize.language(_text(ld.get("inLanguage"))),
        picture_url=picture_url,
        picture_alt=picture_alt,
        tags=_tags(metas, ld),
        canonical_url=_canonical(document, base_url),
    )


def _title(document: Any, metas: _Metas, ld: dict[str, Any], site_name: str) -> str:
    title = metas.first("og:title", "twitter:title") or _text(ld.get("headline"))
    if not title:
        element = document.find(".//title")
        title = element.text_content() if element is not None else ""
    if not title.strip():
        heading = document.find(".//h1")
        title = heading.text_content() if heading is not None else ""
    return _without_site_name(" ".join(title.split()), site_name)


def _without_site_name(title: str, site_name: str) -> str:
    """ "The article | The site" -> "The article" (only when the site's name is known)."""
    site_name = " ".join(site_name.split())
    if site_name:
        for separator in TITLE_SEPARATORS:
            if title.endswith(separator + site_name) and len(title) > len(separator + site_name):
                return title[: -len(separator + site_name)].strip()
    return title


def _authors(document: Any, metas: _Metas, ld: dict[str, Any]) -> tuple[str, ...]:
    found = _ld_names(ld.get("author"))
    found += metas.all("author") + metas.all("dc.creator") + metas.all("parsely-author")
    found += [value for value in metas.all("article:author") if not normalize.is_http_url(value)]
    if not found:
        found = [link.text_content() for link in document.iterfind(".//a[@rel='author']")]
    return normalize.texts(found)


def _tags(metas: _Metas, ld: dict[str, Any]) -> tuple[str, ...]:
    tags = metas.all("article:tag")
    if not tags:
        keywords = ld.get("keywords")
        tags = [str(k) for k in keywords] if isinstance(keywords, list) else [_text(keywords)]
    if not any(tags):
        tags = metas.all("keywords") or metas.all("news_keywords")
    return normalize.tags(tags)


def _picture(metas: _Metas, ld: dict[str, Any], base_url: str) -> tuple[str, str]:
    candidates = [
        (metas.first("og:image:secure_url", "og:image:url", "og:image"), metas.first("og:image:alt")),
        (metas.first("twitter:image", "twitter:image:src"), metas.first("twitter:image:alt")),
        (metas.first("image", "thumbnailurl"), ""),
        (_ld_url(ld.get("image")), ""),
    ]
    for url, alt in candidates:
        absolute = normalize.http_url(url, base_url)
        if absolute:
            return absolute, alt
    return "", ""


def _canonical(document: Any, base_url: str) -> str:
    for link in document.iterfind(".//link[@href]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            return normalize.http_url(link.get("href"), base_url)
    return ""


def _time_element(document: Any, itemprop: str) -> str:
    for element in document.iterfind(f".//time[@itemprop='{itemprop}']"):
        return str(element.get("datetime") or "")
    return ""


def _date(*candidates: str) -> datetime | None:
    for candidate in candidates:
        parsed = normalize.from_iso8601(candidate)
        if parsed is not None:
            return parsed
    return None


def _json_ld_article(document: Any) -> dict[str, Any]:
    """The first schema.org article object of the page's JSON-LD scripts, {} when there is none."""
    for script in document.iterfind(".//script[@type]"):
        if script.get("type", "").strip().lower() != "application/ld+json":
            continue
        text = script.text or ""
        if len(text) > MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            continue
        for item in _objects(data):
            types = item.get("@type")
            names = types if isinstance(types, list) else [types]
            if any(isinstance(name, str) and name.lower() in ARTICLE_TYPES for name in names):
                return item
    return {}


def _objects(data: Any) -> Iterator[dict[str, Any]]:
    """Top-level objects, items of a top-level list and of an `@graph` (not deeper: bounded work)."""
    items = data if isinstance(data, list) else [data]
    for item in items:
        if isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                yield from (node for node in graph if isinstance(node, dict))


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _ld_name(value: Any) -> str:
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _ld_names(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [name for name in (_ld_name(item) for item in values) if name]


def _ld_url(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        return _text(value.get("url")) or _text(value.get("contentUrl"))
    return _text(value)
