"""Fixture access and checks shared by the parsing tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from legadilo.parsing.types import ParsedEntry, ParsedFeed

FIXTURES = Path(__file__).parent.parent / "fixtures"
FEEDS = FIXTURES / "feeds"
PAGES = FIXTURES / "pages"


def feed_bytes(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def page_bytes(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def entry(feed: ParsedFeed, key: str) -> ParsedEntry:
    matches = [item for item in feed.entries if item.key == key]
    assert len(matches) == 1, f"{key!r} not in {[item.key for item in feed.entries]}"
    return matches[0]


def text_values(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string inside a parsed result (dataclasses, tuples, dicts), with where it was found."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from text_values(getattr(value, field.name), f"{path}.{field.name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from text_values(item, f"{path}[{key!r}]")
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            yield from text_values(item, f"{path}[{index}]")
    elif isinstance(value, str):
        yield path, value


_FRAGMENTS = (
    "<h2>Title</h2>",
    "<h2 id='x'>X</h2>",
    "<p>a b</p>",
    "<section id='t'>s</section>",
    "<script>x y</script>",
    "<table>t<tr><td>c d</td></tr></table>",
    "<td>cell</td><td>other cell</td>",
    "<h3><h4>n</h4></h3>",
    "<main>m n</main>",
    "<p><h2>in p</h2></p>",
    "<ul><li>i<h2>h</h2></li></ul>",
    "plain text ",
    "<b>bold<h2>x</b>y</h2>",
    "<noscript><h2>ns</h2></noscript>",
    "<svg><h2>s</h2></svg>",
    "<img data-src='/a.png' alt='lazy > image'>",
    '<a href="/r" title="a &quot;quoted&quot; > title">link</a>',
    "&nbsp;x&amp;y&#160;z &lt;tag&gt;",
    "<pre>\ncode  block</pre>",
    "word<br>word",
    "<div id='t-2'>d</div>",
    "<button>b<h2>in button</h2></button>",
    "<template><h2>t</h2></template>",
    "<center>c</center><font>f</font>",
    "<details><summary>s</summary>d</details>",
    "<blockquote>q<p>r</p></blockquote>",
    "<img src='data:image/png;base64,AAAA'>",
    "<em>emphasis</em>glued",
    "<dl><dt>term</dt><dd>definition here</dd></dl>",
    "<address>a b</address>",
)


def html_corpus(count: int = 600) -> list[str]:
    """HTML fragments, well-formed and not (deterministic): the fixture feeds' and pages' markup, and random
    sequences of tricky pieces (misnested headings, cells without table, removed elements, quoted ">")."""
    import random

    corpus = [path.read_text(errors="replace") for path in sorted(PAGES.glob("*.html"))]
    corpus += [path.read_text(errors="replace") for path in sorted((FIXTURES / "articles").glob("*.html"))]
    randomly = random.Random(20261127)
    corpus += ["".join(randomly.choices(_FRAGMENTS, k=randomly.randint(1, 8))) for _ in range(count)]
    return corpus
