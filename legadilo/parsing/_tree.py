"""lxml work on HTML fragments: parsing without network, serialising, lazy images, URLs, text, truncation.

libxml2 also bounds the nesting depth (256 levels; deeper content is dropped), which keeps the sanitiser
(html5ever checks scopes along the stack of open elements) linear on hostile, deeply nested markup.
"""

from __future__ import annotations

import html as html_module
import re
from typing import Any
from urllib.parse import urljoin

import lxml.etree  # type: ignore[import-untyped]
import lxml.html  # type: ignore[import-untyped]

from legadilo.parsing import strings

Element = Any  # lxml.html.HtmlElement (lxml ships no type information)

_PARSER = lxml.html.HTMLParser(
    recover=True,
    no_network=True,
    remove_comments=True,
    remove_pis=True,
    default_doctype=False,
    collect_ids=False,
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


def parse_fragment(html: str) -> Element | None:
    """The <body> element holding the parsed fragment; None when lxml cannot make anything of it."""
    if not html.strip():
        return None
    try:
        document = lxml.html.document_fromstring(
            "<html><body>" + _DOCUMENT_TAGS.sub("", strings.clean(html)) + "</body></html>", parser=_PARSER
        )
    except (lxml.etree.ParserError, ValueError):
        return None
    return document.find("body")


def serialize(body: Element) -> str:
    """The inner HTML of `body`."""
    markup: str = lxml.html.tostring(body, encoding="unicode")
    if markup.startswith("<body>") and markup.endswith("</body>"):  # one C call instead of one per child
        return markup[len("<body>") : -len("</body>")]
    parts = [html_module.escape(body.text or "", quote=False)]
    parts.extend(lxml.html.tostring(child, encoding="unicode", with_tail=True) for child in body)
    return "".join(parts)


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
            image.drop_tree()
    for link in body.iter("a"):
        href = link.get("href")
        if href is not None:
            link.set("href", _absolute(base_url, href))
    return serialize(body)


def text_content(html: str) -> str:
    """The visible text, block elements separated by spaces, whitespace collapsed."""
    body = parse_fragment(html)
    if body is None:
        return ""
    _drop_invisible(body)
    for element in body.iter(lxml.etree.Element):
        if element.tag in BLOCKS:
            element.text = " " + (element.text or "")
            element.tail = " " + (element.tail or "")
    return " ".join(body.text_content().split())


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
        element.drop_tree()


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
    try:
        return urljoin(base_url, url)
    except ValueError:
        return ""
