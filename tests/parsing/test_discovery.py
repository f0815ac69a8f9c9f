"""Feed discovery: links advertised by HTML pages, and YouTube pages rewritten to their feeds."""

from __future__ import annotations

import pytest

from legadilo.parsing.discovery import find_feed_links, rewrite_youtube_url
from legadilo.parsing.types import FeedLink
from tests.parsing.helpers import feed_bytes, page_bytes


def test_page_with_one_feed() -> None:
    links = find_feed_links(page_bytes("one_feed.html"), "https://kitchen.example.org/recipes/")

    assert links == (FeedLink(url="https://kitchen.example.org/feed.xml", title="Jane's Kitchen Notes » Feed"),)


def test_page_with_several_feeds() -> None:
    links = find_feed_links(page_bytes("several_feeds.html"), "https://multi.example.net/blog/")

    assert links == (
        FeedLink(url="https://multi.example.net/atom.xml", title="Posts (Atom)"),
        FeedLink(
            url="https://multi.example.net/category/python/atom.xml",
            title="https://multi.example.net/category/python/atom.xml",
        ),
        FeedLink(url="https://multi.example.net/rss.xml", title="Posts (RSS)"),
        FeedLink(url="https://comments.multi.example.net/rss.xml", title="Comments"),
        FeedLink(url="https://multi.example.net/tags/python/rss.xml", title="Tags: python"),
        FeedLink(url="https://multi.example.net/blog/feed.json", title="Posts (JSON Feed)"),
        FeedLink(url="https://micro.multi.example.net/feed.json", title="Microblog"),
    )


def test_scheme_relative_links_become_https_even_on_http_pages() -> None:
    html = b'<link rel="alternate" type="application/rss+xml" href="//feeds.example.org/rss">'

    assert find_feed_links(html, "http://example.org/") == (
        FeedLink(url="https://feeds.example.org/rss", title="https://feeds.example.org/rss"),
    )


def test_page_with_a_base_element_and_a_latin1_charset() -> None:
    links = find_feed_links(page_bytes("base_href.html"), "https://base.example.com/page")

    assert links == (
        FeedLink(url="https://static.base.example.com/blog/atom.xml", title="Café crème"),
        FeedLink(url="https://static.base.example.com/rss/", title="Été"),
    )


def test_utf8_page_without_declared_charset() -> None:
    html = '<link rel="alternate" type="application/atom+xml" title="Ça, c\'est l\'été" href="/a">'.encode()

    assert find_feed_links(html, "https://utf8.example.org/") == (
        FeedLink(url="https://utf8.example.org/a", title="Ça, c'est l'été"),
    )


def test_xhtml_page_with_an_xml_declaration() -> None:
    html = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"'
        b' "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml"><head>'
        b'<link rel="alternate" type="application/rss+xml" title="XHTML" href="/rss" /></head><body/></html>'
    )

    assert find_feed_links(html, "https://xhtml.example.org/") == (
        FeedLink(url="https://xhtml.example.org/rss", title="XHTML"),
    )


@pytest.mark.parametrize(
    "html",
    [
        pytest.param(page_bytes("no_feed.html"), id="no-feed"),
        pytest.param(b"", id="empty"),
        pytest.param(b"   ", id="blank"),
        pytest.param(b"\x00\xff\xfe garbage \x01", id="garbage"),
        pytest.param(feed_bytes("rss20.xml"), id="a-feed-not-a-page"),
        pytest.param(b'<link rel="alternate" type="application/rss+xml" href="  ">', id="blank-href"),
        pytest.param(b'<link rel="alternate" type="text/html" href="/other">', id="other-type"),
        pytest.param(b'<link rel="feed" type="application/rss+xml" href="/rss">', id="other-rel"),
    ],
)
def test_pages_without_feeds(html: bytes) -> None:
    assert find_feed_links(html, "https://nofeed.example.com/") == ()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param(
            "https://www.youtube.com/channel/UCxExampleChannel0000000",
            "https://www.youtube.com/feeds/videos.xml?channel_id=UCxExampleChannel0000000",
            id="channel",
        ),
        pytest.param(
            "https://m.youtube.com/channel/UC123/videos?view=0",
            "https://www.youtube.com/feeds/videos.xml?channel_id=UC123",
            id="channel-tab-mobile",
        ),
        pytest.param(
            "https://www.youtube.com/playlist?list=PLabc123",
            "https://www.youtube.com/feeds/videos.xml?playlist_id=PLabc123",
            id="playlist",
        ),
        pytest.param(
            "https://youtu.be/dQw4w9WgXcQ?list=PLxyz",
            "https://www.youtube.com/feeds/videos.xml?playlist_id=PLxyz",
            id="short-link-in-playlist",
        ),
        pytest.param(
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=PL%26odd",
            "https://www.youtube.com/feeds/videos.xml?playlist_id=PL%26odd",
            id="playlist-escaped",
        ),
        pytest.param(
            "https://www.youtube.com/feeds/videos.xml?channel_id=UC1",
            "https://www.youtube.com/feeds/videos.xml?channel_id=UC1",
            id="channel-feed-kept",
        ),
        pytest.param(
            "http://youtube.com/feeds/videos.xml?playlist_id=PL1",
            "http://youtube.com/feeds/videos.xml?playlist_id=PL1",
            id="playlist-feed-kept",
        ),
        pytest.param("https://www.youtube.com/@somehandle", "https://www.youtube.com/@somehandle", id="handle"),
        pytest.param("https://www.youtube.com/watch?v=abc", "https://www.youtube.com/watch?v=abc", id="video"),
        pytest.param("https://www.youtube.com/channel/", "https://www.youtube.com/channel/", id="channel-no-id"),
        pytest.param(
            "https://notyoutube.com/channel/UC1?list=PL1",
            "https://notyoutube.com/channel/UC1?list=PL1",
            id="other-host",
        ),
        pytest.param("https://blog.example.org/feed.xml", "https://blog.example.org/feed.xml", id="not-youtube"),
        pytest.param("http://[::1", "http://[::1", id="invalid"),
    ],
)
def test_rewrite_youtube_url(url: str, expected: str) -> None:
    assert rewrite_youtube_url(url) == expected
