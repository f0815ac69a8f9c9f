"""The entry and feed rules: identity, links, encodings, what is not a feed, limits, types, pickling."""

from __future__ import annotations

import multiprocessing
import pickle
import random
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime

import feedparser
import pytest

from legadilo.feeds.models import FeedType
from legadilo.parsing.feeds import FEED_TYPES, parse_feed
from legadilo.parsing.types import NotAFeed, ParsedFeed
from tests.parsing.helpers import FEEDS, feed_bytes


def rss(items: str, channel: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        f"<link>https://rules.example.org/</link>{channel}{items}</channel></rss>"
    ).encode()


def test_xml_base_resolves_links_and_content() -> None:
    feed = parse_feed(feed_bytes("xml_base.xml"), "https://feeds.example.com/relative.xml")

    assert feed.site_url == "https://relative.example.com/blog/"
    first, second = feed.entries
    assert first.url == "https://relative.example.com/blog/posts/relative-entry.html"
    assert first.content == (
        '<p>See <a href="https://relative.example.com/about/" rel="noopener noreferrer">about</a>, '
        '<a href="https://cdn.relative.example.com/file.pdf" rel="noopener noreferrer">the PDF</a> and '
        '<a href="#notes" rel="noopener noreferrer">the notes</a>.</p>'
        '<img src="https://relative.example.com/blog/images/photo.jpg" alt="Photo">'
    )
    assert second.url == "https://other.example.net/absolute-path/entry"
    assert second.content == (
        '<p><a href="https://other.example.net/section/page.html" rel="noopener noreferrer">A page</a></p>'
    )


def test_entries_without_ids_use_their_url() -> None:
    feed = parse_feed(feed_bytes("no_ids.xml"), "https://noids.example.com/rss")

    assert [(item.key, item.url) for item in feed.entries] == [
        ("https://noids.example.com/first?utm_source=rss", "https://noids.example.com/first?utm_source=rss"),
        ("https://noids.example.com/second", "https://noids.example.com/second"),
    ]


def test_entries_without_a_usable_link_are_skipped() -> None:
    feed = parse_feed(feed_bytes("no_links.xml"), "https://nolinks.example.com/rss")

    assert [(item.key, item.title, item.url) for item in feed.entries] == [
        ("item-0003", "The only good one", "https://nolinks.example.com/good")
    ]


def test_duplicate_ids_keep_the_first_entry() -> None:
    feed = parse_feed(feed_bytes("duplicate_ids.xml"), "https://dup.example.org/atom")

    assert [(item.key, item.title) for item in feed.entries] == [("urn:dup:1", "Original"), ("urn:dup:2", "Other")]
    assert feed.site_url == "https://dup.example.org"  # no link in the feed: the feed URL's origin


def test_same_url_without_ids_keeps_the_first_entry() -> None:
    items = "".join(
        f"<item><title>{title}</title><link>https://rules.example.org/a{frag}</link></item>"
        for title, frag in (("First", ""), ("Second", "#again"))
    )
    feed = parse_feed(rss(items), "https://rules.example.org/rss")

    assert [(item.key, item.title) for item in feed.entries] == [("https://rules.example.org/a", "First")]


def test_truncated_document_keeps_the_complete_entries() -> None:
    feed = parse_feed(feed_bytes("truncated.xml"), "https://truncated.example.org/rss")

    assert (feed.feed_type, feed.title) == ("rss20", "Cut short")
    assert [(item.key, item.summary) for item in feed.entries] == [("t-1", "This one arrived whole.")]


@pytest.mark.parametrize(
    ("name", "charset", "title", "entry_title"),
    [
        pytest.param("invalid_encoding.xml", None, "Café crème", "Noël à la crèmerie", id="utf8-declared-latin1-bytes"),
        pytest.param("invalid_encoding.xml", "utf-8", "Café crème", "Noël à la crèmerie", id="wrong-http-charset"),
        pytest.param("invalid_encoding.xml", "windows-1252", "Café crème", "Noël à la crèmerie", id="right-charset"),
        pytest.param("utf16_bom.xml", None, "日本語のブログ", "こんにちは 世界", id="utf16-bom"),
        pytest.param("utf16_bom.xml", "iso-8859-1", "日本語のブログ", "こんにちは 世界", id="bom-beats-charset"),
        pytest.param("rss091.xml", "no-such-charset", "Old School News", "Y2K is coming", id="unknown-charset"),
    ],
)
def test_encodings(name: str, charset: str | None, title: str, entry_title: str) -> None:
    feed = parse_feed(feed_bytes(name), "https://encoding.example.fr/rss", charset=charset)

    assert feed.title == title
    assert feed.entries[0].title == entry_title


def test_utf16_entry_keeps_characters_outside_the_bmp() -> None:
    feed = parse_feed(feed_bytes("utf16_bom.xml"), "https://utf16.example.jp/atom")

    assert feed.entries[0].summary == "Été — 😀"


def test_http_charset_decodes_a_body_without_declaration() -> None:
    body = '<rss version="2.0"><channel><title>Ça marche</title></channel></rss>'.encode("iso-8859-1")

    assert parse_feed(body, "https://charset.example.org/", charset="ISO-8859-1").title == "Ça marche"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param(b"", "", id="empty"),
        pytest.param(b" \r\n\t ", "application/rss+xml", id="whitespace"),
        pytest.param(feed_bytes("empty.xml"), "", id="empty-fixture"),
        pytest.param(feed_bytes("error_page.html"), "text/html", id="error-page"),
        pytest.param(feed_bytes("error_page.html"), "application/rss+xml", id="error-page-served-as-rss"),
        pytest.param(b"<html><body><p>Hello</p></body></html>", "", id="html"),
        pytest.param(b"Just some text, nothing else.", "text/plain", id="text"),
        pytest.param(random.Random(1).randbytes(4096), "application/octet-stream", id="garbage"),
        pytest.param(b'<?xml version="1.0"?><urlset><url><loc>https://x.org/</loc></url></urlset>', "", id="sitemap"),
        pytest.param(b'<?xml version="1.0"?><opml version="2.0"><body/></opml>', "", id="opml"),
        pytest.param(b"[1, 2, 3]", "application/json", id="json-array"),
        pytest.param(b'{"title": "no version"}', "", id="json-without-version"),
        pytest.param(b'{"version": "https://example.org/version/2", "items": []}', "", id="json-other-version"),
        pytest.param(b'{"version": "https://jsonfeed.org/version/1", "items": [', "", id="json-truncated"),
        pytest.param(b"not json at all", "application/feed+json", id="json-garbage"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, "application/json", id="json-too-deep"),
    ],
)
def test_not_a_feed(body: bytes, content_type: str) -> None:
    with pytest.raises(NotAFeed):
        parse_feed(body, "https://nope.example.org/feed", content_type)


def test_rss_served_as_json_is_still_read_as_rss() -> None:
    feed = parse_feed(feed_bytes("rss091.xml"), "http://oldschool.example.com/rss", "application/json")

    assert feed.feed_type == "rss091n"


@pytest.mark.parametrize(
    ("ttl", "expected"),
    [
        pytest.param("<ttl>60</ttl>", 60, id="hour"),
        pytest.param("<ttl> 15 </ttl>", 15, id="spaces"),
        pytest.param("<ttl>1</ttl>", 1, id="minimum"),
        pytest.param("<ttl>10080</ttl>", 10080, id="week"),
        pytest.param("<ttl>10081</ttl>", None, id="over-a-week"),
        pytest.param("<ttl>0</ttl>", None, id="zero"),
        pytest.param("<ttl>-5</ttl>", None, id="negative"),
        pytest.param("<ttl>1.5</ttl>", None, id="decimal"),
        pytest.param("<ttl>soon</ttl>", None, id="text"),
        pytest.param("", None, id="absent"),
    ],
)
def test_ttl(ttl: str, expected: int | None) -> None:
    assert parse_feed(rss("", channel=ttl), "https://rules.example.org/rss").ttl_minutes == expected


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        pytest.param("Wed, 02 Oct 2002 13:00:00 GMT", datetime(2002, 10, 2, 13, 0, tzinfo=UTC), id="gmt"),
        pytest.param("Wed, 02 Oct 2002 15:00:00 +0200", datetime(2002, 10, 2, 13, 0, tzinfo=UTC), id="offset"),
        pytest.param("Thu, 01 Jan 1970 00:00:00 GMT", datetime(1970, 1, 1, tzinfo=UTC), id="epoch"),
        pytest.param("Sun, 31 Dec 2100 23:59:59 GMT", datetime(2100, 12, 31, 23, 59, 59, tzinfo=UTC), id="2100"),
        pytest.param("Wed, 31 Dec 1969 23:59:59 GMT", None, id="before-1970"),
        pytest.param("Fri, 01 Jan 2101 00:00:00 GMT", None, id="after-2100"),
        pytest.param("yesterday", None, id="garbage"),
    ],
)
def test_published_dates(date: str, expected: datetime | None) -> None:
    item = f"<item><link>https://rules.example.org/a</link><pubDate>{date}</pubDate></item>"

    assert parse_feed(rss(item), "https://rules.example.org/rss").entries[0].published_at == expected


def test_long_titles_and_ids_are_cut() -> None:
    guid = f"<guid isPermaLink='false'>{'i' * 600}</guid>"
    item = f"<item><title>{'word ' * 100}</title>{guid}<link>https://rules.example.org/a</link></item>"
    (long_one,) = parse_feed(rss(item), "https://rules.example.org/rss").entries

    assert long_one.title == ("word " * 60).strip()
    assert long_one.key == "i" * 512


def test_summary_made_from_long_content() -> None:
    words = " ".join(f"w{index}" for index in range(400))
    content = f"<p><img src='/a.png'>{words}</p><pre>code</pre>"
    item = f"<item><link>https://rules.example.org/a</link><description><![CDATA[{content}]]></description></item>"
    item = item.replace("description", "content:encoded")
    body = rss(item).replace(b"<rss ", b'<rss xmlns:content="http://purl.org/rss/1.0/modules/content/" ')
    (long_one,) = parse_feed(body, "https://rules.example.org/rss").entries

    expected_words = " ".join(f"w{index}" for index in range(255))
    assert long_one.summary == f"<p>{expected_words}…</p>"
    assert long_one.word_count == 401  # the content's words: 400 + "code"
    assert '<img src="https://rules.example.org/a.png">' in long_one.content


def test_content_hash_follows_what_readers_see() -> None:
    body = feed_bytes("rss20.xml")
    url = "https://blog.example.org/feed.xml"
    original = parse_feed(body, url).entries[0]
    same = parse_feed(body.replace(b"08:15:00 +0100", b"09:15:00 +0100"), url).entries[0]
    retitled = parse_feed(body.replace(b"a &lt;b&gt;field&lt;/b&gt; guide", b"a guide"), url).entries[0]

    assert len(original.content_hash) == 64
    assert same.published_at != original.published_at
    assert same.content_hash == original.content_hash
    assert retitled.title == "Café & croissants: a guide"
    assert retitled.content_hash != original.content_hash


def test_feed_title_falls_back_to_the_host() -> None:
    body = b'<rss version="2.0"><channel><title> <b></b> </title><link>javascript:x()</link></channel></rss>'
    feed = parse_feed(body, "https://user:secret@fallback.example.org:8443/feed.rss")

    assert feed.title == "fallback.example.org"
    assert feed.site_url == "https://fallback.example.org:8443"


def test_feed_types_are_feedparser_versions_plus_json_feed() -> None:
    assert set(feedparser.api.SUPPORTED_VERSIONS) - {""} | {"json10", "json11"} == FEED_TYPES
    assert {member.value for member in FeedType} >= FEED_TYPES


PARSEABLE = sorted(path.name for path in FEEDS.iterdir() if path.name not in {"empty.xml", "error_page.html"})


@pytest.mark.parametrize("name", PARSEABLE)
def test_every_result_survives_pickling(name: str) -> None:
    feed = parse_feed(feed_bytes(name), "https://pickle.example.org/feed")

    assert feed.entries
    assert pickle.loads(pickle.dumps(feed)) == feed


def test_parse_feed_runs_in_a_process_pool() -> None:
    body = feed_bytes("rss20.xml")
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        feed = pool.submit(parse_feed, body, "https://blog.example.org/feed.xml").result(timeout=60)

    assert isinstance(feed, ParsedFeed)
    assert feed == parse_feed(body, "https://blog.example.org/feed.xml")


def test_five_megabytes_of_content_parse_in_reasonable_time() -> None:
    section = (
        "<h2>Part {i}</h2>"
        + '<p>Lorem ipsum <a href="/x/{i}">dolor</a> sit amet, <img src="img/{i}.png" alt="pic"> elit.</p>\n' * 40
    )
    content = "".join(section.replace("{i}", str(index)) for index in range(1300))
    assert len(content) > 5_000_000
    item = f"<item><guid>big</guid><link>https://big.example.org/p</link><content:encoded><![CDATA[{content}]]>"
    body = rss(item + "</content:encoded></item>").replace(
        b"<rss ", b'<rss xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    )

    started = time.perf_counter()
    (big,) = parse_feed(body, "https://big.example.org/feed").entries
    elapsed = time.perf_counter() - started

    assert elapsed < 15, f"{elapsed:.1f} s"
    assert len(big.table_of_content) == 1300
    assert big.table_of_content[-1] == {"id": "part-1299", "text": "Part 1299", "level": 2, "children": []}
    assert big.word_count == 1300 * (2 + 40 * 6)  # "Part N" + "Lorem ipsum dolor sit amet, elit."
    assert '<a href="https://big.example.org/x/1299" rel="noopener noreferrer">dolor</a>' in big.content
    assert big.summary.startswith('<h2 id="part-0">Part 0</h2><p>Lorem ipsum <a href="https://big.example.org/x/0"')
    assert big.summary.endswith("…</p>")
    assert "<img" not in big.summary
