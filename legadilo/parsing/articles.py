"""A fetched web page made into an article: main content, title, authors, dates, language, picture, tags.

Pure: nothing here fetches. The main content is found by readability-lxml (chosen by measurement, see
docs/article-extraction.md), the metadata by `_page_meta` (Open Graph, `article:*`, JSON-LD…); the content is
then sanitised like a feed entry's (`sanitize_html`), with its table of contents and word count.

One line: decode (BOM, HTTP charset, `<meta charset>`, UTF-8, else Windows-1252) → meta refresh? (the caller
fetches the target) → metadata → main content → sanitise → table of contents, summary, word count.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import lxml.etree  # type: ignore[import-untyped]
import lxml.html  # type: ignore[import-untyped]
from readability import Document  # type: ignore[import-untyped]
from readability.readability import Unparseable  # type: ignore[import-untyped]

from legadilo.parsing import _tree, normalize, strings
from legadilo.parsing._page_meta import PageMeta, read_meta
from legadilo.parsing.html import count_words, sanitize_html, summary_from_content
from legadilo.parsing.toc import HEADINGS, table_of_content_and_word_count
from legadilo.parsing.types import ParseError

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPE = "text/plain"
SNIFFED_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream", "application/unknown"})
TEXT_TITLE_MAX_LENGTH = 150  # a longer first line is a paragraph, not a title
# Labels that browsers decode with a wider codec (WHATWG Encoding Standard), as Python names them.
_WHATWG_CODECS = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
}
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_SNIFF_BYTES = 4096
_HTML_START = re.compile(rb"\s*(?:<!doctype\s+html|<html|<head|<body|<!--|<meta|<title|<p[\s>]|<div)", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")  # lxml refuses a declaration in a str
_REFRESH_URL = re.compile(r"""^\s*[;,]?\s*(?:url\s*=\s*)?["']?([^"']*)["']?\s*$""", re.IGNORECASE)
_PARSER = lxml.html.HTMLParser(recover=True, no_network=True, remove_comments=True, remove_pis=True)


class UnsupportedContent(ParseError):
    """Neither an HTML page nor plain text (a PDF, an image, an archive…)."""


@dataclass(frozen=True)
class ExtractedArticle:
    url: str  # the page's canonical URL when it names one on the same site, else the URL fetched
    title: str  # plain text, at most 300 chars, never empty (falls back to the URL)
    content: str  # sanitised HTML, or the stripped text when content_type is text/plain
    content_type: str  # "text/html" or "text/plain"
    summary: str  # sanitised HTML without img/pre: the page's description, else the start of the content
    authors: tuple[str, ...]
    published_at: datetime | None
    updated_at: datetime | None
    language: str  # "xx", "xx-yy" or ""
    preview_picture_url: str
    preview_picture_alt: str
    external_tags: tuple[str, ...]
    source_title: str  # the site's name, else its host
    table_of_content: tuple[dict[str, Any], ...]
    word_count: int


@dataclass(frozen=True)
class Refresh:
    """The page is a `<meta http-equiv="refresh">` redirect to `url` (absolute, http(s))."""

    url: str


def read_page(
    body: bytes, *, url: str, content_type: str, charset: str | None = None, headers: Mapping[str, str] | None = None
) -> ExtractedArticle | Refresh:
    """The article of a fetched page, or where its meta refresh leads (one parse for both questions).

    Raises:
        UnsupportedContent: neither HTML nor plain text.
    """
    if page_kind(body, content_type) == TEXT_TYPE:
        return _text_article(decode_page(body, charset, scan_meta=False), url, headers or {})
    text = strings.clean(decode_page(body, charset))
    document = _parse_document(text)
    target = _refresh_target(document, url) if document is not None else None
    if target is not None:
        return Refresh(target)
    return _html_article(text, document, url, headers or {})


def extract_article(
    body: bytes | str,
    *,
    url: str,
    content_type: str = "text/html",
    charset: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> ExtractedArticle:
    """The article of a page (`body` decoded with `charset` when it is bytes), whatever its meta refresh says.

    Raises:
        UnsupportedContent: neither HTML nor plain text.
    """
    start = body[:_SNIFF_BYTES].encode("utf-8", "replace") if isinstance(body, str) else body
    if page_kind(start, content_type) == TEXT_TYPE:
        text = body if isinstance(body, str) else decode_page(body, charset, scan_meta=False)
        return _text_article(text, url, headers or {})
    text = strings.clean(body if isinstance(body, str) else decode_page(body, charset))
    return _html_article(text, _parse_document(text), url, headers or {})


def meta_refresh_target(body: bytes | str, *, url: str, charset: str | None = None) -> str | None:
    """Where a `<meta http-equiv="refresh" content="N; url=…">` of the page leads (also inside `<noscript>`):
    an absolute http(s) URL other than the page's own, or None."""
    text = body if isinstance(body, str) else decode_page(body, charset)
    document = _parse_document(strings.clean(text))
    return None if document is None else _refresh_target(document, url)


def page_kind(body: bytes, content_type: str) -> str:
    """ "text/html" or "text/plain": what the body is read as. A missing or generic type is sniffed.

    Raises:
        UnsupportedContent: PDF, images, archives… (named by their media type).
    """
    media_type = content_type.split(";", maxsplit=1)[0].strip().lower()
    start = body[:_SNIFF_BYTES]
    if start.lstrip().startswith(b"%PDF-"):
        media_type = "application/pdf"
    elif media_type in SNIFFED_TYPES:
        if _HTML_START.match(start):
            return "text/html"
        if b"\x00" not in start:
            return TEXT_TYPE
    if media_type in HTML_TYPES:
        return "text/html"
    if media_type == TEXT_TYPE:
        return TEXT_TYPE
    what = media_type or "binary data"
    raise UnsupportedContent(f"the page is {what}: only HTML pages and plain text can be saved")


def decode_page(body: bytes, charset: str | None, *, scan_meta: bool = True) -> str:
    """The body as text: a byte order mark wins, then the HTTP charset, then `<meta charset>` (HTML only),
    then UTF-8 when the body is valid UTF-8, else Windows-1252 (what browsers assume). Bad bytes become U+FFFD."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, errors="replace")
    declared = _codec(charset)
    if declared is None and scan_meta:
        match = _META_CHARSET.search(body[:_SNIFF_BYTES])
        declared = _codec(match.group(1).decode("ascii", "replace")) if match else None
        if declared is not None and declared.startswith(("utf-16", "utf-32")):
            declared = "utf-8"  # a text that can be scanned as ASCII is not UTF-16
    if declared is not None:
        return body.decode(declared, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


def _codec(charset: str | None) -> str | None:
    known = normalize.known_charset(charset)
    return _WHATWG_CODECS.get(known, known) if known else None


def _parse_document(text: str) -> Any:
    """The <html> element of the page (lxml.html), None when there is nothing to parse. `text` is clean
    (`strings.clean`)."""
    markup = _XML_DECLARATION.sub("", text, count=1)
    if not markup.strip():
        return None
    try:
        return lxml.html.document_fromstring(markup, parser=_PARSER)
    except (lxml.etree.ParserError, ValueError):
        return None


def _refresh_target(document: Any, url: str) -> str | None:
    for meta in document.iter("meta"):
        if (meta.get("http-equiv") or "").strip().lower() != "refresh":
            continue
        delay, _, rest = (meta.get("content") or "").strip().partition(";")
        if not rest and "," in delay:
            delay, _, rest = delay.partition(",")
        match = _REFRESH_URL.match(rest)
        if not delay.strip().replace(".", "", 1).isdigit() or match is None or not match.group(1).strip():
            continue
        target = normalize.http_url(match.group(1), _base_url(document, url))
        if target and target != normalize.http_url(url):
            return target
    return None


def _base_url(document: Any, url: str) -> str:
    base = document.find(".//base[@href]")
    return (normalize.http_url(base.get("href"), url) if base is not None else "") or url


def url_title(url: str) -> str:
    """The title of a page known only by its URL: the URL without its scheme (what the reference did)."""
    return normalize.text_field(re.sub(r"^https?://", "", url, flags=re.IGNORECASE), normalize.TITLE_MAX_LENGTH)


def _html_article(text: str, document: Any, url: str, headers: Mapping[str, str]) -> ExtractedArticle:
    base_url = _base_url(document, url) if document is not None else url
    meta = read_meta(document, base_url) if document is not None else _EMPTY_META
    main = _main_content(text, base_url) if document is not None else ""
    title = normalize.text_field(meta.title, normalize.TITLE_MAX_LENGTH) or url_title(url)
    body = _without_title_heading(sanitize_html(main, base_url=base_url), title)
    content, toc, words = table_of_content_and_word_count(body)
    if meta.description:
        summary = sanitize_html(html.escape(meta.description), base_url=base_url, for_summary=True)
    else:
        summary = summary_from_content(content)
    return ExtractedArticle(
        url=_canonical(meta.canonical_url, url),
        title=title,
        content=content,
        content_type="text/html",
        summary=summary,
        authors=meta.authors,
        published_at=normalize.sane_datetime(meta.published_at),
        updated_at=normalize.sane_datetime(meta.updated_at),
        language=meta.language or _header_language(headers),
        preview_picture_url=meta.picture_url,
        preview_picture_alt=normalize.text_field(meta.picture_alt, normalize.TITLE_MAX_LENGTH),
        external_tags=meta.tags,
        source_title=normalize.text_field(meta.site_name, normalize.TITLE_MAX_LENGTH) or normalize.host(url),
        table_of_content=toc,
        word_count=words,
    )


def _main_content(text: str, base_url: str) -> str:
    """The main content's HTML according to readability-lxml ("" when it finds none)."""
    try:
        content: str = Document(text, url=base_url).summary(html_partial=True)
    except (Unparseable, lxml.etree.ParserError, ValueError):
        return ""
    return content


def _without_title_heading(content: str, title: str) -> str:
    """The content without its first heading when that heading opens it (no text before) and repeats the
    title (readability keeps an article's <h1>): the page shows the title already, and the table of contents
    would start with it."""
    if "<h" not in content and "<H" not in content:
        return content
    body = _tree.parse_fragment(content)
    heading = next(body.iter(*HEADINGS), None) if body is not None else None
    if heading is None:
        return content
    heading_text = " ".join(_tree.text_of(heading).split())
    if not heading_text or heading_text.casefold() != " ".join(title.split()).casefold():
        return content
    if not " ".join(_tree.text_of(body).split()).startswith(heading_text):
        return content  # text comes before it: it is not the article's own title
    _tree.drop_tree(heading)
    return _tree.serialize(body)


def _canonical(canonical: str, url: str) -> str:
    """The canonical URL when it is on the fetched URL's site (a page may not claim another site's URL)."""
    if not canonical:
        return normalize.http_url(url) or url
    same_site = normalize.host(canonical).removeprefix("www.") == normalize.host(url).removeprefix("www.")
    return canonical if same_site else normalize.http_url(url) or url


def _header_language(headers: Mapping[str, str]) -> str:
    return normalize.language(headers.get("content-language", "").split(",")[0])


def _text_article(text: str, url: str, headers: Mapping[str, str]) -> ExtractedArticle:
    """A plain-text document, kept as text (rendered escaped in a <pre>): never turned into HTML."""
    content = strings.clean(text).strip()
    first_line = next((line.strip(" #=*-\t") for line in content.splitlines() if line.strip(" #=*-\t")), "")
    title = first_line if len(first_line) <= TEXT_TITLE_MAX_LENGTH else ""
    return ExtractedArticle(
        url=normalize.http_url(url) or url,
        title=normalize.text_field(html.escape(title), normalize.TITLE_MAX_LENGTH) or url_title(url),
        content=content,
        content_type=TEXT_TYPE,
        summary=summary_from_content(html.escape(content)) if content else "",
        authors=(),
        published_at=None,
        updated_at=None,
        language=_header_language(headers),
        preview_picture_url="",
        preview_picture_alt="",
        external_tags=(),
        source_title=normalize.host(url),
        table_of_content=(),
        word_count=count_words(content),
    )


_EMPTY_META = PageMeta("", "", "", (), None, None, "", "", "", (), "")
