"""Every supported format, read from realistic hand-written fixtures: exact values, field by field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from legadilo.parsing.feeds import parse_feed
from tests.parsing.helpers import entry, feed_bytes


def test_rss20_feed_fields() -> None:
    feed = parse_feed(feed_bytes("rss20.xml"), "https://blog.example.org/feed.xml")

    assert feed.feed_type == "rss20"
    assert feed.title == "The Example & Co. Blog"
    assert feed.description == "Notes on Python, the web and feeds."
    assert feed.site_url == "https://blog.example.org/"
    assert feed.language == "en-us"
    assert feed.ttl_minutes == 90
    assert [item.key for item in feed.entries] == [
        "blog.example.org-post-1042",
        "https://blog.example.org/2024/03/weekly-links-12/",
        "blog.example.org-post-1038",
    ]


def test_rss20_entry_with_namespaces() -> None:
    feed = parse_feed(feed_bytes("rss20.xml"), "https://blog.example.org/feed.xml")
    post = entry(feed, "blog.example.org-post-1042")

    assert post.url == "https://blog.example.org/2024/03/cafe-croissants/"
    assert post.title == "Café & croissants: a field guide"
    assert post.authors == ("Jane Doe",)
    assert post.contributors == ()
    assert post.tags == ("Food", "Paris", "Travel")
    assert post.published_at == datetime(2024, 3, 12, 7, 15, tzinfo=UTC)
    assert post.updated_at is None
    assert post.language == "en-us"
    assert post.preview_picture_url == "https://cdn.example.org/thumbs/croissant.jpg"
    assert post.summary == (
        '<p>Where to find the best croissants in <a href="https://blog.example.org/tags/paris/" '
        'rel="noopener noreferrer">Paris</a>.</p>'
    )
    assert post.content_type == "text/html"
    assert '<h2 id="before-you-go">Before you go</h2>' in post.content
    assert (
        '<a href="https://blog.example.org/2023/11/bakeries/" rel="noopener noreferrer">last year\'s list</a>'
        in post.content
    )
    assert '<img src="https://blog.example.org/images/croissant.jpg" alt="A golden croissant">' in post.content
    assert '<img src="https://blog.example.org/images/map.png" alt="Map">' in post.content  # was lazy
    assert "data:image/gif" not in post.content
    assert 'class="lazy"' not in post.content
    assert post.table_of_content == (
        {
            "id": "before-you-go",
            "text": "Before you go",
            "level": 2,
            "children": [
                {"id": "what-to-order", "text": "What to order", "level": 3},
                {"id": "what-to-order-2", "text": "What to order", "level": 3},
            ],
        },
        {"id": "map", "text": "On the map", "level": 2, "children": []},
    )
    assert post.word_count == 31


def test_rss20_entry_with_permalink_guid_author_and_enclosure() -> None:
    feed = parse_feed(feed_bytes("rss20.xml"), "https://blog.example.org/feed.xml")
    links = entry(feed, "https://blog.example.org/2024/03/weekly-links-12/")

    assert links.url == "https://blog.example.org/2024/03/weekly-links-12/"
    assert links.authors == ("Jane Doe",)
    assert links.published_at == datetime(2024, 3, 4, 23, 0, tzinfo=UTC)
    assert links.summary == "Twelve links worth your time &amp; attention."
    assert (links.content, links.content_type) == ("", "text/plain")
    assert links.preview_picture_url == "https://cdn.example.org/covers/links-12.png"
    assert links.word_count == 7  # from the summary, as there is no content


def test_rss20_entry_without_title_with_fragment_and_absurd_date() -> None:
    feed = parse_feed(feed_bytes("rss20.xml"), "https://blog.example.org/feed.xml")
    untitled = entry(feed, "blog.example.org-post-1038")

    assert untitled.title == "blog.example.org"
    assert untitled.url == "https://blog.example.org/2024/02/untitled/"
    assert untitled.published_at is None  # year 1800
    assert untitled.summary == "A post without a title."


def test_rss10_rdf() -> None:
    feed = parse_feed(feed_bytes("rss10.rdf"), "https://planet.example.net/rss10.xml")

    assert (feed.feed_type, feed.title, feed.language) == ("rss10", "Planet Example", "fr-fr")
    assert feed.site_url == "https://planet.example.net/"
    alice, bob = feed.entries
    assert alice.key == alice.url == "https://alice.example.net/posts/rdf-is-not-dead"
    assert alice.content == "<p>RSS 1.0 is <strong>RDF</strong>.</p>"
    assert alice.summary == "Why RSS 1.0 still matters."
    assert (alice.authors, alice.tags) == (("Alice",), ("rdf",))
    assert alice.updated_at == datetime(2024, 1, 20, 9, 0, tzinfo=UTC)  # dc:date
    assert bob.title == "Hello from Bob"
    assert bob.updated_at == datetime(2024, 1, 15, 8, 30, tzinfo=UTC)


def test_rss091_netscape() -> None:
    feed = parse_feed(feed_bytes("rss091.xml"), "http://oldschool.example.com/rss.xml")

    assert (feed.feed_type, feed.title, feed.language) == ("rss091n", "Old School News", "en")
    assert feed.site_url == "http://oldschool.example.com/"
    assert [(item.key, item.title, item.summary) for item in feed.entries] == [
        ("http://oldschool.example.com/y2k.html", "Y2K is coming", "Are your systems ready?"),
        ("http://oldschool.example.com/nn47.html", "Netscape 4.7 released", "Download it now."),
    ]


def test_atom10_feed_and_xhtml_entry() -> None:
    feed = parse_feed(feed_bytes("atom10.xml"), "https://marie.example.fr/atom.xml")

    assert (feed.feed_type, feed.title) == ("atom10", "Le Journal de Marie")
    assert feed.description == "Carnet de notes sur le développement web"
    assert (feed.site_url, feed.language, feed.ttl_minutes) == ("https://marie.example.fr/", "fr-fr", None)
    post = entry(feed, "tag:marie.example.fr,2024-04-01:/flux-atom")
    assert post.url == "https://marie.example.fr/2024/04/flux-atom"
    assert post.title == "Écrire un flux Atom à la main"
    assert post.authors == ("Marie Curie-Dupont", "Paul Martin")
    assert post.contributors == ("Relecteur Anonyme",)
    assert post.tags == ("atom", "xml")
    assert post.content_type == "application/xhtml+xml"
    assert "<p>Tout commence par l'élément <code>&lt;feed&gt;</code>.</p>" in post.content
    assert post.summary == "Un flux &lt;feed&gt; minimal, pas à pas."  # type="text": escaped, not stripped
    assert post.language == "fr"  # the content's xml:lang wins over the feed's
    assert post.preview_picture_url == "https://marie.example.fr/media/atom-cover.webp"
    assert post.published_at == datetime(2024, 4, 1, 7, 30, tzinfo=UTC)
    assert post.updated_at == datetime(2024, 4, 2, 7, 0, tzinfo=UTC)
    assert post.table_of_content == (
        {
            "id": "le-squelette",
            "text": "Le squelette",
            "level": 1,
            "children": [{"id": "les-entrees", "text": "Les entrées", "level": 2}],
        },
    )


def test_atom10_text_and_html_entries() -> None:
    feed = parse_feed(feed_bytes("atom10.xml"), "https://marie.example.fr/atom.xml")

    notes = entry(feed, "tag:marie.example.fr,2024-03-20:/notes")
    assert notes.content_type == "text/plain"
    assert notes.content == "Première ligne.\n    Deuxième ligne avec <balise> littérale."  # raw text, escaped later
    assert notes.summary == "Première ligne.\n    Deuxième ligne avec &lt;balise&gt; littérale."
    assert notes.language == "fr-fr"
    assert notes.updated_at == datetime(2024, 3, 20, 21, 45, 10, tzinfo=UTC)
    assert notes.word_count == 7
    guide = entry(feed, "tag:marie.example.fr,2024-02-10:/guide")
    assert guide.title == "Guide HTML"
    assert guide.content == guide.summary == "<p>An <strong>English</strong> entry.</p>"
    assert guide.language == "en-gb"


def test_atom03() -> None:
    feed = parse_feed(feed_bytes("atom03.xml"), "https://legacy.example.com/atom.xml")

    assert (feed.feed_type, feed.title, feed.language) == ("atom03", "Legacy Atom Weblog", "en")
    assert feed.description == "Still on Atom 0.3 since 2004"
    (post,) = feed.entries
    assert post.key == "tag:legacy.example.com,2005:someday"
    assert post.content == (
        '<p>The spec is <a href="https://legacy.example.com/atom10.html" rel="noopener noreferrer">final</a>.</p>'
    )
    assert post.summary == post.content  # made from the content
    assert post.published_at == datetime(2005, 6, 15, 5, 0, tzinfo=UTC)  # <issued>
    assert post.updated_at == datetime(2005, 6, 15, 8, 0, tzinfo=UTC)  # <modified>


def test_youtube_media_group() -> None:
    feed = parse_feed(feed_bytes("youtube.xml"), "https://www.youtube.com/feeds/videos.xml?channel_id=UCx")

    assert (feed.feed_type, feed.title) == ("atom10", "Example Woodworking")
    assert feed.site_url == "https://www.youtube.com/channel/UCxExampleChannel0000000"
    (video,) = feed.entries
    assert video.key == "yt:video:dQw4w9WgXcQ"
    assert video.url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert video.title == "Building a dovetail drawer"
    assert video.summary == "Hand-cut dovetails, start to finish.\nTools used: saw, chisels, marking gauge."
    assert video.preview_picture_url == "https://i2.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"
    assert video.authors == ("Example Woodworking",)
    assert video.published_at == datetime(2024, 3, 8, 17, 0, tzinfo=UTC)
    assert video.updated_at == datetime(2024, 3, 14, 18, 49, 15, tzinfo=UTC)


def test_jsonfeed11() -> None:
    feed = parse_feed(feed_bytes("jsonfeed11.json"), "https://maya.example.blog/feed.json", "application/feed+json")

    assert (feed.feed_type, feed.title, feed.language) == ("json11", "Maya's Microblog", "en-gb")
    assert (feed.description, feed.site_url) == ("Short notes, longer essays.", "https://maya.example.blog/")
    assert [item.key for item in feed.entries] == [
        "https://maya.example.blog/2024/05/07/essay",
        "note-2024-05-06",
        "42",
    ]
    essay, note, link_post = feed.entries
    assert essay.url == "https://maya.example.blog/2024/05/07/essay"
    assert essay.title == "On slow software"
    assert essay.summary == "Software got slow &amp; I want to know why."
    assert '<a href="https://maya.example.blog/2023/notes" rel="noopener noreferrer">my notes</a>' in essay.content
    assert '<img src="https://maya.example.blog/media/chart.png" alt="chart">' in essay.content
    assert essay.preview_picture_url == "https://maya.example.blog/media/essay-cover.jpg"
    assert essay.authors == ("Maya Okafor", "Guest Writer")
    assert essay.tags == ("essays", "performance", "software")
    assert essay.published_at == datetime(2024, 5, 7, 7, 30, tzinfo=UTC)
    assert essay.updated_at == datetime(2024, 5, 8, 10, 0, tzinfo=UTC)
    assert [item["id"] for item in essay.table_of_content] == ["why"]
    assert (note.content_type, note.content) == ("text/plain", "Just a short note.\nSecond line & more.")
    assert note.summary == "Just a short note.\nSecond line &amp; more."
    assert note.title == "maya.example.blog"
    assert note.authors == ("Maya Okafor",)  # inherited from the feed
    assert link_post.url == "https://elsewhere.example.org/interesting"  # external_url
    assert link_post.published_at is None  # "not a date"


def test_jsonfeed10() -> None:
    feed = parse_feed(feed_bytes("jsonfeed10.json"), "https://podcast.example.com/feed.json")

    assert (feed.feed_type, feed.title, feed.site_url) == ("json10", "Podcast Notes", "https://podcast.example.com")
    (episode,) = feed.entries
    assert (episode.key, episode.title) == ("ep-101", "Episode 101: Feeds")
    assert episode.authors == ("Sam Host",)
    assert episode.preview_picture_url == "https://podcast.example.com/art/101.png"  # banner_image
    assert episode.published_at == datetime(2023, 11, 1, 13, 0, tzinfo=UTC)
    assert episode.tags == ("podcast",)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        pytest.param("application/json", b'{"version": "https://jsonfeed.org/version/1", "items": []}', id="json"),
        pytest.param(
            "application/feed+json; charset=utf-8", b'{"version": "https://jsonfeed.org/version/1"}', id="feed"
        ),
        pytest.param("", b'  \n{"version": "http://jsonfeed.org/version/1.1/", "items": []}', id="sniffed-http"),
        pytest.param("text/plain", b'\xef\xbb\xbf{"version": "https://jsonfeed.org/version/1.1"}', id="bom"),
    ],
)
def test_json_feed_detection(content_type: str, body: bytes) -> None:
    feed = parse_feed(body, "https://json.example.org/feed", content_type)

    assert feed.feed_type in {"json10", "json11"}
    assert (feed.title, feed.site_url, feed.entries) == ("json.example.org", "https://json.example.org", ())
