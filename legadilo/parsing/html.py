"""HTML, made safe (nh3) and measured: sanitised fragments, plain text, summaries, word counts.

Stored HTML is always the output of `sanitize_html`. Nothing here fetches anything: lxml runs with network
access off and never resolves entities from a DTD.
"""

from __future__ import annotations

import re

import nh3

from legadilo.parsing import _tree
from legadilo.parsing.toc import table_of_content

__all__ = ["count_words", "plain_text", "sanitize_html", "summary_from_content", "table_of_content"]

SUMMARY_WORDS = 255
URL_SCHEMES = frozenset({"http", "https", "mailto", "data"})
CONTENT_TAGS = frozenset(nh3.ALLOWED_TAGS)
SUMMARY_TAGS = CONTENT_TAGS - {"img", "pre"}
# Removed together with everything inside them (other unknown tags are unwrapped: their text stays).
REMOVED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "noframes",
        "object",
        "embed",
        "applet",
        "button",
        "noembed",
        "noscript",
        "template",
        "textarea",
        "select",
        "svg",
        "xmp",
        "title",
    }
)
GENERIC_ATTRIBUTES = frozenset({"id", "lang", "title"})
ATTRIBUTES: dict[str, set[str]] = {
    **{tag: set(attributes) for tag, attributes in nh3.ALLOWED_ATTRIBUTES.items()},
    "img": {"src", "alt"},
    "*": set(GENERIC_ATTRIBUTES),
}


def _only_image_data_urls(tag: str, attribute: str, value: str) -> str | None:
    """`data:` stays only as an image source of an image type (a `data:text/html` link is a phishing page)."""
    if not value.lstrip().lower().startswith("data:"):
        return value
    if tag == "img" and attribute == "src" and value.lstrip().lower().startswith("data:image/"):
        return value
    return None


_CLEANER_OPTIONS: dict[str, object] = {
    "clean_content_tags": set(REMOVED_WITH_CONTENT),
    "attributes": ATTRIBUTES,
    "strip_comments": True,
    "link_rel": "noopener noreferrer",
    "url_schemes": set(URL_SCHEMES),
}
# Built once: nh3.clean converts its options to Rust on every call (about 30 µs each time).
_CLEANERS = {
    (for_summary, filtered): nh3.Cleaner(
        tags=set(SUMMARY_TAGS if for_summary else CONTENT_TAGS),
        attribute_filter=_only_image_data_urls if filtered else None,
        **_CLEANER_OPTIONS,  # type: ignore[arg-type]
    )
    for for_summary in (False, True)
    for filtered in (False, True)
}
# Plain text that lxml and nh3 would give back as it is (but for ">" escaped and whitespace stripped).
# An "&" starts a character reference only when a letter, a digit or "#" follows it.
_PLAIN_ASCII = re.compile(r"(?:[^<&\x00-\x08\x0b-\x1f\x7f]|&(?![0-9A-Za-z#]))*")


def sanitize_html(html: str, *, base_url: str, for_summary: bool = False) -> str:
    """Safe HTML from untrusted HTML.

    lxml first gives lazy images a real `src` (`data-src`, `data-lazy-src`, `data-original`, else the first
    `srcset` candidate) and makes `a href` / `img src` absolute against `base_url` (fragment-only links stay
    as they are); then nh3 keeps ammonia's default tags (without img and pre for a
    summary), their default attributes plus `id`/`lang`/`title` everywhere, img src/alt only, and URLs in
    http, https, mailto or data (data only as an image source); links get `rel="noopener noreferrer"`; comments,
    scripts, styles, frames, forms, embedded objects and event handlers are gone.
    """
    if html.isascii() and _PLAIN_ASCII.fullmatch(html):  # no markup, no entity: no tree to build
        return html.replace("&", "&amp;").replace(">", "&gt;").strip()
    html = _tree.prepare_for_sanitizer(html, base_url if _is_http(base_url) else "")
    if not html:
        return ""
    return _CLEANERS[for_summary, "data:" in html.lower()].clean(html).strip()


def plain_text(html: str) -> str:
    """The visible text: tags removed (scripts, styles, frames… with their content), entities decoded,
    blocks separated by a space, whitespace collapsed. Plain text, to be escaped when rendered."""
    if html.isascii() and _PLAIN_ASCII.fullmatch(html):  # no markup, no entity: no tree to build
        return " ".join(html.split())
    return _tree.text_content(html)


def count_words(text: str) -> int:
    """Whitespace-separated words of a plain text."""
    return len(text.split())  # str.split and the regex \\S+ agree on what whitespace is


def summary_from_content(html: str, words: int = SUMMARY_WORDS) -> str:
    """A summary made of the first `words` words of `html`: sanitised, without img or pre, still valid HTML.

    `html` is expected to be sanitised content already (its URLs are absolute); an ellipsis marks a cut.
    """
    # The cut is serialised by lxml from sanitised content: preparing it for the sanitiser again (lazy images,
    # URLs against no base) would parse it to serialise the same markup. Straight to nh3.
    cut = _tree.truncate_words(html, words)
    return _CLEANERS[True, "data:" in cut.lower()].clean(cut).strip() if cut else ""


def _is_http(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))
