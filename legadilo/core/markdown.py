"""Markdown to HTML, as the reference renders comments (§2.5): markdown-it-py with its "gfm-like" preset
(CommonMark, tables, strikethrough, bare URLs turned into links by linkify).

The output is NOT safe to show: like the reference, raw HTML written in the Markdown passes through. Every
caller sanitises it (`legadilo.parsing.html.sanitize_html`); the name of the function says so.
"""

from __future__ import annotations

from markdown_it import MarkdownIt

# Built once (the preset compiles its rules); rendering keeps no state between calls. maxNesting (20 in the
# preset) bounds how deep blockquotes and lists may nest, so a hostile text cannot blow the stack.
_RENDERER = MarkdownIt("gfm-like")


def unsafe_markdown_to_html(text: str) -> str:
    """The HTML of `text`, NOT sanitised (raw HTML kept, `javascript:` links dropped by markdown-it only)."""
    html: str = _RENDERER.render(text)
    return html
