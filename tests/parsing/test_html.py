"""Sanitising, plain text, word counts, tables of contents and summaries (legadilo.parsing.html)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from legadilo.parsing import _tree
from legadilo.parsing.html import count_words, plain_text, sanitize_html, summary_from_content, table_of_content
from legadilo.parsing.toc import table_of_content_and_word_count
from tests.parsing.helpers import html_corpus

BASE = "https://site.example.org/blog/post.html"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param("<p>Hi<script>alert(1)</script></p>", "<p>Hi</p>", id="script"),
        pytest.param('<script src="https://evil.example/x.js"></script>ok', "ok", id="external-script"),
        pytest.param("<style>p { color: red }</style><p>x</p>", "<p>x</p>", id="style"),
        pytest.param('<p style="color: red">x</p>', "<p>x</p>", id="style-attribute"),
        pytest.param('<iframe src="https://evil.example/">fallback</iframe>x', "x", id="iframe"),
        pytest.param('<form action="/steal"><p>in form</p></form>', "<p>in form</p>", id="form-unwrapped"),
        pytest.param('<input type="text" name="q" value="v"><button>Go</button>x', "x", id="inputs"),
        pytest.param("<textarea><b>t</b></textarea><select><option>o</option></select>x", "x", id="textarea"),
        pytest.param('<object data="x.swf"><embed src="x.swf"></object>x', "x", id="object-embed"),
        pytest.param('<svg onload="alert(1)"><text>t</text></svg>x', "x", id="svg"),
        pytest.param("<noscript><img src=a.png></noscript>x", "x", id="noscript"),
        pytest.param(
            '<meta http-equiv="refresh" content="0;url=/x"><base href="https://evil.example/">x', "x", id="meta"
        ),
        pytest.param(
            '<img src="a.png" onerror="alert(1)">', '<img src="https://site.example.org/blog/a.png">', id="onerror"
        ),
        pytest.param('<p onclick="x()" onmouseover="y()">p</p>', "<p>p</p>", id="handlers"),
        pytest.param('<a href="javascript:alert(1)">j</a>', '<a rel="noopener noreferrer">j</a>', id="javascript"),
        pytest.param('<a href="JaVaScRiPt:alert(1)">j</a>', '<a rel="noopener noreferrer">j</a>', id="javascript-case"),
        pytest.param(
            '<a href="java&#x09;script:alert(1)">j</a>', '<a rel="noopener noreferrer">j</a>', id="javascript-tab"
        ),
        pytest.param(
            '<a href="&#14; javascript:alert(1)">j</a>', '<a rel="noopener noreferrer">j</a>', id="javascript-ctl"
        ),
        pytest.param('<a href="vbscript:msgbox(1)">v</a>', '<a rel="noopener noreferrer">v</a>', id="vbscript"),
        pytest.param(
            '<a href="data:text/html,<script>x</script>">d</a>', '<a rel="noopener noreferrer">d</a>', id="data-link"
        ),
        pytest.param('<img src="javascript:alert(1)" alt="a">', "", id="javascript-image"),
        pytest.param(
            '<img src="data:image/png;base64,iVBO" alt="p">',
            '<img src="data:image/png;base64,iVBO" alt="p">',
            id="data-image",
        ),
        pytest.param('<img src="data:text/html;base64,PHM+" alt="p">', "", id="data-not-image"),
        pytest.param(
            '<a href="mailto:me@example.org">m</a>',
            '<a href="mailto:me@example.org" rel="noopener noreferrer">m</a>',
            id="mailto",
        ),
        pytest.param('<a href="ftp://example.org/f">f</a>', '<a rel="noopener noreferrer">f</a>', id="ftp"),
        pytest.param("<!-- secret --><p>x</p>", "<p>x</p>", id="comments"),
        pytest.param(
            '<a href="/about" rel="nofollow" target="_blank">a</a>',
            '<a href="https://site.example.org/about" rel="noopener noreferrer">a</a>',
            id="rel",
        ),
        pytest.param(
            '<a href="../x">x</a>',
            '<a href="https://site.example.org/x" rel="noopener noreferrer">x</a>',
            id="relative",
        ),
        pytest.param(
            '<a href="//cdn.example.net/f">f</a>',
            '<a href="https://cdn.example.net/f" rel="noopener noreferrer">f</a>',
            id="scheme-relative",
        ),
        pytest.param('<a href="#notes">n</a>', '<a href="#notes" rel="noopener noreferrer">n</a>', id="fragment-kept"),
        pytest.param(
            '<img src="x.png" width="10" height="5" class="c" alt="x">',
            '<img src="https://site.example.org/blog/x.png" alt="x">',
            id="img-src-alt-only",
        ),
        pytest.param(
            '<img src="data:image/gif;base64,R0l" data-src="/real.jpg" alt="l">',
            '<img src="https://site.example.org/real.jpg" alt="l">',
            id="lazy-data-src",
        ),
        pytest.param(
            '<img data-lazy-src="lazy.jpg">',
            '<img src="https://site.example.org/blog/lazy.jpg">',
            id="lazy-data-lazy-src",
        ),
        pytest.param(
            '<img src="blank.gif" data-original="orig.jpg">',
            '<img src="https://site.example.org/blog/orig.jpg">',
            id="lazy-data-original",
        ),
        pytest.param(
            '<img srcset="small.jpg 1x, big.jpg 2x">',
            '<img src="https://site.example.org/blog/small.jpg">',
            id="srcset-only",
        ),
        pytest.param(
            '<img data-srcset="s.jpg 480w, b.jpg 1080w" alt="s">',
            '<img alt="s" src="https://site.example.org/blog/s.jpg">',
            id="data-srcset",
        ),
        pytest.param("<img alt='no source'>", "", id="img-without-src"),
        pytest.param(
            '<h2 id="kept" class="c" lang="fr" title="t">T</h2>',
            '<h2 id="kept" lang="fr" title="t">T</h2>',
            id="generic-attributes",
        ),
        pytest.param('<p id="a"><span id="b">x</span></p>', '<p id="a"><span id="b">x</span></p>', id="ids-everywhere"),
        pytest.param(
            '<blockquote cite="https://q.example/">q</blockquote>',
            '<blockquote cite="https://q.example/">q</blockquote>',
            id="cite",
        ),
        pytest.param(
            "<table><tr><td colspan=2>c</td></tr></table>",
            '<table><tbody><tr><td colspan="2">c</td></tr></tbody></table>',
            id="table",
        ),
        pytest.param("<p>unclosed <b>bold", "<p>unclosed <b>bold</b></p>", id="balanced"),
        pytest.param(
            "<p>a</p></body><p>after the body</p></html>", "<p>a</p><p>after the body</p>", id="stray-body-end"
        ),
        pytest.param(
            "<pre>code</pre><custom-tag>text</custom-tag>", "<pre>code</pre>text", id="unknown-tags-unwrapped"
        ),
        pytest.param("", "", id="empty"),
        pytest.param("   ", "", id="blank"),
    ],
)
def test_sanitize_html(html: str, expected: str) -> None:
    assert sanitize_html(html, base_url=BASE) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param('<p>Text <img src="a.png"></p><pre>code</pre>', "<p>Text </p>code", id="no-img-no-pre"),
        pytest.param("<p>Hi<script>x()</script></p>", "<p>Hi</p>", id="script"),
        pytest.param(
            '<a href="/x">x</a>', '<a href="https://site.example.org/x" rel="noopener noreferrer">x</a>', id="links"
        ),
    ],
)
def test_sanitize_html_for_summary(html: str, expected: str) -> None:
    assert sanitize_html(html, base_url=BASE, for_summary=True) == expected


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        pytest.param("", '<a href="rel/x" rel="noopener noreferrer">x</a>', id="no-base"),
        pytest.param("file:///etc/", '<a href="rel/x" rel="noopener noreferrer">x</a>', id="non-http-base"),
        pytest.param(
            "http://h.example/d/", '<a href="http://h.example/d/rel/x" rel="noopener noreferrer">x</a>', id="http"
        ),
    ],
)
def test_sanitize_html_base_url(base_url: str, expected: str) -> None:
    assert sanitize_html('<a href="rel/x">x</a>', base_url=base_url) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param("Caf&eacute; &amp; <b>croissants</b>", "Café & croissants", id="entities-and-tags"),
        pytest.param("<p>Hello world.</p><p>Next</p>", "Hello world. Next", id="blocks-separated"),
        pytest.param("Line<br>break", "Line break", id="br"),
        pytest.param("  lots \n\t of   space  ", "lots of space", id="whitespace"),
        pytest.param("<script>alert(1)</script><style>p{}</style>visible", "visible", id="invisible-content"),
        pytest.param("a &lt;b&gt; tag, literally", "a <b> tag, literally", id="escaped-markup-is-text"),
        pytest.param("Tom & Jerry <3", "Tom & Jerry <3", id="bare-ampersand"),
        pytest.param("&j;", "&j;", id="unknown-entity"),
        pytest.param("<!-- c -->text", "text", id="comment"),
        pytest.param("", "", id="empty"),
    ],
)
def test_plain_text(html: str, expected: str) -> None:
    assert plain_text(html) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", 0, id="empty"),
        pytest.param("one", 1, id="one"),
        pytest.param("  two\twords\n", 2, id="whitespace"),
        pytest.param("l'élément, c'est ça — voilà", 5, id="punctuation"),
    ],
)
def test_count_words(text: str, expected: int) -> None:
    assert count_words(text) == expected


@pytest.mark.parametrize(
    ("html", "expected_html", "expected_toc"),
    [
        pytest.param("<p>No headings</p>", "<p>No headings</p>", (), id="none"),
        pytest.param(
            "<h1>Intro</h1><h2>A</h2><h3>Too deep</h3><h2 id='b'>B</h2><h1>End</h1>",
            '<h1 id="intro">Intro</h1><h2 id="a">A</h2><h3 id="too-deep">Too deep</h3><h2 id="b">B</h2>'
            '<h1 id="end">End</h1>',
            (
                {
                    "id": "intro",
                    "text": "Intro",
                    "level": 1,
                    "children": [{"id": "a", "text": "A", "level": 2}, {"id": "b", "text": "B", "level": 2}],
                },
                {"id": "end", "text": "End", "level": 1, "children": []},
            ),
            id="nesting",
        ),
        pytest.param(
            "<h3>Small</h3><h2>Bigger</h2><h4>Skipped</h4><h3>Child</h3>",
            '<h3 id="small">Small</h3><h2 id="bigger">Bigger</h2>'
            '<h4 id="skipped">Skipped</h4><h3 id="child">Child</h3>',
            (
                {"id": "small", "text": "Small", "level": 3, "children": []},
                {
                    "id": "bigger",
                    "text": "Bigger",
                    "level": 2,
                    "children": [{"id": "child", "text": "Child", "level": 3}],
                },
            ),
            id="starts-deep",
        ),
        pytest.param(
            "<h2>Same</h2><h2>Same</h2><p id='same-3'>taken</p><h2>Same</h2><h2>  Ça   va ?</h2><h2></h2>",
            '<h2 id="same">Same</h2><h2 id="same-2">Same</h2><p id="same-3">taken</p><h2 id="same-4">Same</h2>'
            '<h2 id="ca-va">  Ça   va ?</h2><h2 id="section"></h2>',
            (
                {"id": "same", "text": "Same", "level": 2, "children": []},
                {"id": "same-2", "text": "Same", "level": 2, "children": []},
                {"id": "same-4", "text": "Same", "level": 2, "children": []},
                {"id": "ca-va", "text": "Ça va ?", "level": 2, "children": []},
            ),
            id="unique-slugs",
        ),
        pytest.param(
            "<h2>Title <em>with</em> <a href='https://x.example/'>markup</a></h2>",
            '<h2 id="title-with-markup">Title <em>with</em> <a href="https://x.example/">markup</a></h2>',
            ({"id": "title-with-markup", "text": "Title with markup", "level": 2, "children": []},),
            id="markup-in-heading",
        ),
    ],
)
def test_table_of_content(html: str, expected_html: str, expected_toc: tuple[dict[str, Any], ...]) -> None:
    assert table_of_content(html) == (expected_html, expected_toc)


@pytest.mark.parametrize(
    ("html", "words", "expected"),
    [
        pytest.param("<p>one two</p>", 4, "<p>one two</p>", id="short"),
        pytest.param("<p>one two <b>three four</b> five</p>", 3, "<p>one two <b>three…</b></p>", id="inside-child"),
        pytest.param(
            "<p>one two <b>three four</b> five</p><p>six</p>",
            4,
            "<p>one two <b>three four…</b></p>",
            id="limit-at-end-of-child",
        ),
        pytest.param("<p>one <b>two</b> three four five</p>", 3, "<p>one <b>two</b> three…</p>", id="in-tail"),
        pytest.param("<p>one</p><p>two</p><p>three</p>", 2, "<p>one</p><p>two…</p>", id="drops-following"),
        pytest.param(
            "<p>a <img src='https://i.example/x.png'> b</p><pre>c d</pre>", 10, "<p>a  b</p>c d", id="no-img-pre"
        ),
        pytest.param(
            "<script>one two three</script><p>four five six</p>", 2, "<p>four five…</p>", id="script-not-counted"
        ),
        pytest.param("", 5, "", id="empty"),
    ],
)
def test_summary_from_content(html: str, words: int, expected: str) -> None:
    assert summary_from_content(html, words) == expected


def test_summary_from_content_defaults_to_255_words() -> None:
    html = "<p>" + " ".join(f"w{index}" for index in range(300)) + "</p>"

    summary = summary_from_content(html)

    assert count_words(plain_text(summary)) == 255
    assert summary.endswith("w254…</p>")


@pytest.mark.parametrize(
    "function",
    [
        pytest.param(lambda html: sanitize_html(html, base_url=BASE), id="sanitize"),
        pytest.param(plain_text, id="plain-text"),
        pytest.param(table_of_content, id="table-of-content"),
        pytest.param(summary_from_content, id="summary"),
    ],
)
def test_deeply_nested_markup_stays_fast(function: Any) -> None:
    started = time.perf_counter()
    function("<div>" * 200_000 + "<h2>deep</h2>" + "</div>" * 200_000)

    assert time.perf_counter() - started < 2


def test_counting_the_words_of_sanitised_html_without_a_tree_counts_what_the_tree_shows() -> None:
    for html in html_corpus():
        sanitised = sanitize_html(html, base_url=BASE)
        body = _tree.parse_fragment(sanitised)
        assert _tree.sanitized_word_count(sanitised) == (0 if body is None else _tree.word_count(body)), html


def test_a_summary_from_content_is_the_sanitised_cut_of_the_content() -> None:
    """summary_from_content sends the cut straight to nh3: the same as sanitising it again from the start."""
    for html in html_corpus():
        content, _, _ = table_of_content_and_word_count(sanitize_html(html, base_url=BASE))
        for words in (3, 255):
            cut = _tree.truncate_words(content, words)
            assert summary_from_content(content, words) == sanitize_html(cut, base_url="", for_summary=True), html
