"""lxml work on HTML fragments: parsing without network, serialising, lazy images, URLs, text, truncation.

The parser runs with libxml2's "huge" option: without it, a single text node over 10,000,000 characters (one
long paragraph of an imported article) is silently dropped. libxml2 still bounds the nesting depth (2,048
levels with that option; deeper content is dropped), which keeps the sanitiser (html5ever checks scopes along
the stack of open elements) linear on hostile, deeply nested markup; input sizes are capped upstream (15 MiB
fetched bodies, bounded import cells).
"""

from __future__ import annotations

import functools
import html as html_module
import re
from typing import Any
from urllib.parse import urljoin

import lxml.etree  # type: ignore[import-untyped]

from legadilo.parsing import strings

Element = Any  # lxml.etree._Element (lxml ships no type information)

# lxml.etree's parser, not lxml.html's: plain elements, without lxml.html's element class lookup (a Python
# call for every element lxml hands over). What this module needs of lxml.html is below (same behaviour).
_PARSER = lxml.etree.HTMLParser(
    recover=True,
    no_network=True,
    remove_comments=True,
    remove_pis=True,
    default_doctype=False,
    collect_ids=False,
    huge_tree=True,
)
_DOCUMENT_TAGS = re.compile(r"</?\s*(?:html|body)\b[^>]*>", re.IGNORECASE)
_LAZY_SOURCES = ("data-src", "data-lazy-src", "data-original")
_SRCSETS = ("data-srcset", "srcset")
_WORD = re.compile(r"\S+")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
_INVISIBLE = frozenset({"script", "style", "template", "noscript", "iframe", "object", "textarea", "select", "svg"})
BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt", "figcaption"),
        *("figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p"),
        *("pre", "section", "summary", "table", "td", "th", "tr", "ul"),
    }
)
ELLIPSIS = "…"
_META_MARKER = '<meta http-equiv="Content-Type"'
_META_CONTENT_TYPE = re.compile(_META_MARKER + "[^>]*>")  # what lxml.html.tostring removes
_STRING = lxml.etree.XPath("string()")
_REMEMBERED_URL_LENGTH = 2048


def parse_fragment(html: str) -> Element | None:
    """The <body> element holding the parsed fragment; None when lxml cannot make anything of it."""
    if not html.strip():
        return None
    try:
        document = lxml.etree.fromstring(
            "<html><body>" + _DOCUMENT_TAGS.sub("", strings.clean(html)) + "</body></html>", parser=_PARSER
        )
    except (lxml.etree.ParserError, ValueError):
        return None
    return None if document is None else document.find("body")


def serialize(body: Element) -> str:
    """The inner HTML of `body`."""
    markup = _to_html(body)
    if markup.startswith("<body>") and markup.endswith("</body>"):  # one C call instead of one per child
        return markup[len("<body>") : -len("</body>")]
    parts = [html_module.escape(body.text or "", quote=False)]
    parts.extend(_to_html(child) for child in body)
    return "".join(parts)


def _to_html(element: Element) -> str:
    """lxml.html.tostring(element, encoding="unicode"): HTML with the tail, Content-Type meta tags removed."""
    markup: str = lxml.etree.tostring(element, method="html", encoding="unicode", with_tail=True)
    return _META_CONTENT_TYPE.sub("", markup) if _META_MARKER in markup else markup


def text_of(element: Element) -> str:
    """lxml.html's text_content(): the text of `element` and of its descendants."""
    return str(_STRING(element))


def drop_tree(element: Element) -> None:
    """lxml.html's drop_tree(): `element` and its content removed, its tail kept."""
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + element.tail
        else:
            previous.tail = (previous.tail or "") + element.tail
    parent.remove(element)


def prepare_for_sanitizer(html: str, base_url: str) -> str:
    """Lazy images get a real `src`; `a href` and `img src` become absolute against `base_url`."""
    body = parse_fragment(html)
    if body is None:
        return ""
    for image in list(body.iter("img")):
        source = _absolute(base_url, _image_source(image))
        if _is_image_source(source):
            image.set("src", source)
        else:  # nothing to show: no source, or one the sanitiser would remove (javascript:…)
            drop_tree(image)
    for link in body.iter("a"):
        href = link.get("href")
        if href is not None:
            link.set("href", _absolute(base_url, href))
    return serialize(body)


def text_content(html: str) -> str:
    """The visible text, block elements separated by spaces, whitespace collapsed."""
    body = parse_fragment(html)
    return "" if body is None else " ".join(_visible_words(body))


def word_count(body: Element) -> int:
    """The words of `text_content` of the fragment in `body` (which it alters: serialise before)."""
    return len(_visible_words(body))


# Tags in serialised HTML: attribute values may hold ">" (quoted: the serialisers of lxml and html5ever quote
# every value, and escape "<" and "&" in text).
_ATTRIBUTES = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
_BLOCK_TAG = re.compile(rf"</?(?:{'|'.join(sorted(BLOCKS))})(?:\s{_ATTRIBUTES})?/?>", re.IGNORECASE)
_ANY_TAG = re.compile(rf"<{_ATTRIBUTES}>")


def sanitized_word_count(html: str) -> int:
    """`word_count` of sanitised HTML (no script, style, frame… left: nothing invisible), without building a tree:
    block tags separate words, other tags do not, entities are decoded."""
    return len(html_module.unescape(_ANY_TAG.sub("", _BLOCK_TAG.sub(" ", html))).split())


def _visible_words(body: Element) -> list[str]:
    _drop_invisible(body)
    for element in body.iter(*BLOCKS):  # body.iter() filters in C: no proxy for other elements
        element.text = " " + (element.text or "")
        element.tail = " " + (element.tail or "")
    words: list[str] = text_of(body).split()
    return words


def truncate_words(html: str, words: int) -> str:
    """The fragment cut after `words` words (an ellipsis marks the cut); its tags stay balanced."""
    body = parse_fragment(html)
    if body is None:
        return ""
    _drop_invisible(body)
    remaining, last = words, None
    for event, element in lxml.etree.iterwalk(body, events=("start", "end")):
        in_text = event == "start"
        text = element.text if in_text else (element.tail if element is not body else None)
        count = sum(1 for _ in _WORD.finditer(text or ""))
        if not count:
            continue
        if count > remaining:
            if remaining == 0 and last is not None:  # the limit fell at the end of the previous text
                _cut(*last)
            else:
                _cut(element, in_text=in_text, keep_words=remaining)
            return serialize(body)
        remaining, last = remaining - count, (element, in_text, count)
    return serialize(body)


def _cut(element: Element, in_text: bool, keep_words: int) -> None:
    """Cut the text (or tail) of `element` after `keep_words` words and drop everything that follows."""
    if in_text:
        element.text = _first_words(element.text, keep_words)
        for child in list(element):
            element.remove(child)
        node = element
    else:
        element.tail = _first_words(element.tail, keep_words)
        _remove_following_siblings(element)
        node = element.getparent()
    while node is not None and node.getparent() is not None:
        node.tail = None
        _remove_following_siblings(node)
        node = node.getparent()


def _first_words(text: str, count: int) -> str:
    matches = list(_WORD.finditer(text))
    end = matches[count - 1].end() if count > 0 else 0
    return text[:end].rstrip() + ELLIPSIS


def _remove_following_siblings(element: Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    for sibling in list(element.itersiblings()):
        parent.remove(sibling)


def _drop_invisible(body: Element) -> None:
    for element in list(body.iter(*_INVISIBLE)):
        drop_tree(element)


def _image_source(image: Element) -> str:
    for attribute in _LAZY_SOURCES:
        value = (image.get(attribute) or "").strip()
        if value:
            return value
    source = (image.get("src") or "").strip()
    if source:
        return source
    for attribute in _SRCSETS:
        candidates = (image.get(attribute) or "").strip()
        if candidates:
            return candidates.split(",")[0].split()[0]
    return ""


def _is_image_source(url: str) -> bool:
    scheme, colon, _ = url.partition(":")
    if not colon or "/" in scheme:  # relative (only when there is no base URL to resolve against)
        return bool(url)
    return scheme.lower() in {"http", "https"} or url.lower().startswith("data:image/")


def _absolute(base_url: str, url: str) -> str:
    """`url` against `base_url`; control characters removed (browsers ignore them: `java\tscript:`)."""
    url = _CONTROL_CHARACTERS.sub("", url).strip()
    if not url or not base_url or url.startswith("#") or url[:8].lower().startswith(("http://", "https://")):
        return url
    if len(base_url) + len(url) <= _REMEMBERED_URL_LENGTH:  # bounded memory, even on hostile documents
        return _remembered_join(base_url, url)
    return _join(base_url, url)


@functools.lru_cache(maxsize=1024)
def _remembered_join(base_url: str, url: str) -> str:
    """urljoin (slow) remembered: articles repeat the same relative links against the same base."""
    return _join(base_url, url)


def _join(base_url: str, url: str) -> str:
    try:
        return urljoin(base_url, url)
    except ValueError:
        return ""
