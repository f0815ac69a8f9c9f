"""Hostile feeds: entity bombs, external entities, XSS in every field, pathological markup."""

from __future__ import annotations

import random
import re
import socket
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from legadilo.parsing.feeds import parse_feed
from legadilo.parsing.types import ParsedFeed, ParseError
from tests.parsing.helpers import FEEDS, entry, feed_bytes, text_values

MAX_FIELD = 10_000

# Python-level I/O seen while `_guard` is on (expat and feedparser go through Python to load anything).
_IO_EVENTS = ("open", "os.open", "socket.", "urllib.Request", "subprocess.", "os.system", "http.client.")
_guard: dict[str, Any] = {"on": False, "events": []}


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _guard["on"] and event.startswith(_IO_EVENTS):
        _guard["events"].append((event, repr(args)[:200]))


sys.addaudithook(_audit)


@pytest.fixture
def no_io() -> Iterator[list[tuple[str, str]]]:
    """The I/O events that happen inside the `with` body of the test (warm the lazy imports first)."""
    parse_feed(feed_bytes("rss20.xml"), "https://warm.example.org/")  # feedparser imports expat lazily
    _guard["events"] = []
    _guard["on"] = True
    try:
        yield _guard["events"]
    finally:
        _guard["on"] = False


def test_the_io_guard_sees_file_access(no_io: list[tuple[str, str]], tmp_path: Path) -> None:
    (tmp_path / "x").write_text("x")
    assert no_io and no_io[0][0] == "open"


@pytest.mark.parametrize(
    ("name", "title", "entry_title"),
    [
        pytest.param("billion_laughs.xml", "Laughs &j;", "&j;", id="billion-laughs"),
        pytest.param("billion_laughs_markup.xml", "Markup laughs &m;", "&i;", id="laughs-hidden-behind-markup"),
        pytest.param("external_entity.xml", "Test attack &pw;", "Read this &pw;", id="external-entities"),
    ],
)
def test_entity_attacks_are_not_expanded(name: str, title: str, entry_title: str, no_io: list[tuple[str, str]]) -> None:
    body = feed_bytes(name)
    _guard["events"].clear()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        feed = parse_feed(body, "https://attack.example.com/feed")
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert elapsed < 2, f"{elapsed:.2f} s"
    assert peak < 5_000_000, f"{peak / 1e6:.1f} MB allocated: entities were expanded"
    assert no_io == []
    assert (feed.title, feed.entries[0].title) == (title, entry_title)
    for where, value in text_values(feed):
        assert len(value) < MAX_FIELD, where
        assert "lollol" not in value, where
        assert "root:" not in value and "/bin/" not in value, where


def test_billion_laughs_fields() -> None:
    feed = parse_feed(feed_bytes("billion_laughs.xml"), "https://laughs.example.org/rss")

    (laugh,) = feed.entries
    assert (feed.feed_type, feed.description) == ("rss20", "&j;")
    assert (laugh.key, laugh.authors, laugh.tags, laugh.summary) == ("&j;", ("&j;",), ("&j;",), "&amp;j;")


def test_external_entity_fields() -> None:
    feed = parse_feed(feed_bytes("external_entity.xml"), "https://attack.example.com/atom")

    (read_this,) = feed.entries
    assert feed.feed_type == "atom03"
    assert read_this.summary == "&amp;ee;"
    assert read_this.content == "before &amp;pw; after"
    assert read_this.key == "tag:attack.example.com,2024:&pw;"


def test_external_entities_are_never_loaded(tmp_path: Path, no_io: list[tuple[str, str]]) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-MARKER-4242")
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.setblocking(False)
        host, port = server.getsockname()
        body = (
            feed_bytes("external_entity.xml")
            .replace(b"http://www.python.org/some.xml", f"http://{host}:{port}/some.xml".encode())
            .replace(b"http://attacker.example.net/evil.dtd", f"http://{host}:{port}/evil.dtd".encode())
            .replace(b"file:///etc/passwd", secret.as_uri().encode())
        )
        _guard["events"].clear()
        feed = parse_feed(body, "https://attack.example.com/atom")
        with pytest.raises(BlockingIOError):
            server.accept()  # nobody connected

    assert no_io == []
    assert all("SECRET-MARKER" not in value for _, value in text_values(feed))


HOSTILE_MARKERS = re.compile(
    r"<script|<iframe|<form|<input|<button|<style|<object|<embed|<svg|<link|<meta|<base|\bon[a-z]+\s*=|"
    r"javascript:|vbscript:|data:text|expression\(",
    re.IGNORECASE,
)
TAG = re.compile(r"<[a-z!/?]", re.IGNORECASE)
XSS_FEEDS = [
    pytest.param("xss.xml", "", id="rss"),
    pytest.param("xss_atom.xml", "", id="atom"),
    pytest.param("xss.json", "application/feed+json", id="json-feed"),
]


def _parse(name: str, content_type: str) -> ParsedFeed:
    return parse_feed(feed_bytes(name), "https://xss.example.com/feed", content_type)


@pytest.mark.parametrize(("name", "content_type"), XSS_FEEDS)
def test_no_script_anywhere(name: str, content_type: str) -> None:
    feed = _parse(name, content_type)

    assert feed.entries
    for where, value in text_values(feed):
        assert not HOSTILE_MARKERS.search(value), f"{where}: {value!r}"


@pytest.mark.parametrize(("name", "content_type"), XSS_FEEDS)
def test_text_fields_hold_no_tags(name: str, content_type: str) -> None:
    feed = _parse(name, content_type)

    text_fields = [feed.title, feed.description, feed.language]
    for item in feed.entries:
        text_fields += [item.key, item.title, item.preview_picture_alt, item.language, *item.authors]
        text_fields += [*item.contributors, *item.tags, *(heading["text"] for heading in item.table_of_content)]
    assert [value for value in text_fields if TAG.search(value)] == []


@pytest.mark.parametrize(("name", "content_type"), XSS_FEEDS)
def test_urls_are_http_only(name: str, content_type: str) -> None:
    feed = _parse(name, content_type)

    assert feed.site_url == "https://xss.example.com"  # the feed's javascript: link is not used
    for item in feed.entries:
        assert item.url.startswith("https://xss.example.com/")
        assert item.preview_picture_url == "" or item.preview_picture_url.startswith("https://")
        assert "<img" not in item.summary and "<pre" not in item.summary


def test_xss_rss_values() -> None:
    feed = _parse("xss.xml", "")

    assert (feed.title, feed.description, feed.language, feed.ttl_minutes) == (
        "Evil Feed",
        "Hostile description",
        "",
        None,
    )
    assert [item.key for item in feed.entries] == ["xss-1", "xss-4"]  # javascript: and data: links skipped
    hostile = entry(feed, "xss-1")
    assert hostile.title == "Hostile title"
    assert hostile.authors == ("Mallory",)
    assert hostile.tags == ("hacking",)
    assert hostile.summary == '<p>Summary <a rel="noopener noreferrer">click</a></p>'
    assert hostile.preview_picture_url == ""  # thumbnail, media and enclosure all javascript:
    assert '<img src="https://xss.example.com/ok.png" alt="ok">' in hostile.content
    assert '<a href="https://xss.example.com/safe" rel="noopener noreferrer">a safe link</a>' in hostile.content
    assert "<p>Paragraph <b>bold</b></p>" in hostile.content  # style and handlers gone, text kept
    assert "iframe fallback" not in hostile.content
    assert hostile.table_of_content == ({"id": "heading", "text": "Heading", "level": 2, "children": []},)
    media = entry(feed, "xss-4")
    assert media.preview_picture_url == "https://xss.example.com/media/cover.jpg%22%3E%3Cscript%3Ealert(1)%3C/script%3E"


def test_xss_atom_values() -> None:
    feed = _parse("xss_atom.xml", "")

    (item,) = feed.entries
    assert (feed.title, feed.description) == ("Atom attack", "Subtitle")
    assert (item.title, item.authors, item.contributors, item.tags) == ("XHTML title", ("Eve",), ("Trudy",), ("xss",))
    assert item.content == '<p>Body <a rel="noopener noreferrer">x</a></p>'
    assert item.summary == '<p>Sum <a rel="noopener noreferrer">link</a></p>pre'


def test_xss_json_values() -> None:
    feed = _parse("xss.json", "application/feed+json")

    (item,) = feed.entries
    assert (feed.title, feed.description, feed.language) == ("JSON attack", "Desc", "")
    assert (item.key, item.title, item.authors, item.tags) == ("json-1", "JSON title", ("Eve",), ("bold", "ok"))
    assert item.content == '<p>Body</p><a rel="noopener noreferrer">x</a>'
    assert item.summary == "&lt;script&gt;alert('summary')&lt;/script&gt; summary"  # plain text, escaped
    assert (item.preview_picture_url, item.published_at, item.language) == ("", None, "")


@pytest.mark.parametrize(
    "markup",
    [
        pytest.param("<div>" * 200_000 + "deep", id="nested-divs"),
        pytest.param("<a href=x>" * 50_000, id="nested-links"),
        pytest.param("<table><tr><td>" * 50_000, id="nested-tables"),
        pytest.param("<p>" * 100_000, id="unclosed-paragraphs"),
        pytest.param("<b><i><u><s><em>" * 40_000, id="formatting-elements"),
    ],
)
def test_pathological_markup_parses_quickly(markup: str) -> None:
    body = (
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>P</title>'
        f"<item><link>https://patho.example.org/a</link><content:encoded><![CDATA[{markup}]]></content:encoded>"
        "</item></channel></rss>"
    ).encode()

    started = time.perf_counter()
    (item,) = parse_feed(body, "https://patho.example.org/rss").entries

    assert time.perf_counter() - started < 5
    assert item.url == "https://patho.example.org/a"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param("&#55357;&#56832; smile", "😀 smile", id="surrogate-pair-references"),
        pytest.param("&#xD83D;&#xDE00;", "😀", id="hex-surrogate-pair"),
        pytest.param("lone &#55357; high", "lone \ufffd high", id="lone-surrogate"),
        pytest.param("big &#99999999999999999999999999; ref", "big \ufffd ref", id="overflowing-reference"),
        pytest.param("nul &#0; ref", "nul \ufffd ref", id="nul-reference"),
        pytest.param("&#233;t&#xE9;", "été", id="ordinary-references"),
    ],
)
def test_character_references_are_repaired(title: str, expected: str) -> None:
    body = f'<rss version="2.0"><channel><title>{title}</title></channel></rss>'.encode()

    assert parse_feed(body, "https://refs.example.org/rss").title == expected


def test_broken_encoding_declaration_is_ignored() -> None:
    body = (
        b'<?xml version="1.0" encoding="\xff\xfe\x00bad"?><rss version="2.0"><channel><title>Ok</title></channel></rss>'
    )

    assert parse_feed(body, "https://decl.example.org/rss").title == "Ok"


def test_json_control_characters_and_lone_surrogates_are_cleaned() -> None:
    body = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "A\\u0000B\\ud800C", "items": [{"id": "x\\u0000",'
        b' "url": "https://json.example.org/\\u0000a", "content_text": "t\\u000bu\\udfff"}]}'
    )
    feed = parse_feed(body, "https://json.example.org/feed.json")

    (item,) = feed.entries
    assert feed.title == "AB\ufffdC"
    assert (item.key, item.url, item.content) == ("x", "https://json.example.org/a", "tu\ufffd")


def test_mutated_fixtures_never_crash() -> None:
    """A small seeded fuzz: mutated fixtures give a feed or a ParseError, and clean strings only."""
    rng = random.Random(20241127)
    bodies = [path.read_bytes() for path in sorted(FEEDS.iterdir())]
    for _ in range(400):
        body = bytearray(rng.choice(bodies))
        for _ in range(rng.randrange(1, 6)):
            position = rng.randrange(len(body) + 1)
            body[position:position] = rng.choice(MUTATIONS)
        try:
            feed = parse_feed(bytes(body), "https://fuzz.example.org/feed", rng.choice(["", "application/json"]))
        except ParseError:
            continue
        for where, value in text_values(feed):
            assert "\x00" not in value, where
            value.encode("utf-8")  # no lone surrogate


MUTATIONS = [
    b"<",
    b"&",
    b"]]>",
    b"<![CDATA[",
    b"\x00",
    b"\xff\xfe",
    b"&#xD800;",
    b"&#99999999999;",
    b"<!ENTITY x 'y'>",
    b'"',
    b"<!--",
    b"</item>",
    b"<item>",
    b"\\u0000",
    b"\\ud800",
    b"{",
    b"\x0b",
    b"<a href='javascript:x'>",
]
