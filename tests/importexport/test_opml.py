"""The pure OPML reader and writer: real readers' exports, hostile files, escaping, streaming."""

from __future__ import annotations

import io
import resource
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import listparser
import pytest

from legadilo.importexport.opml import (
    ExportFeed,
    ExportFolder,
    OpmlError,
    OpmlFeed,
    OpmlFolder,
    OpmlIgnored,
    read_opml,
    write_opml,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "opml"
CREATED = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)


def feeds_of(name: str) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(i.url, i.title, i.folders) for i in read_opml(str(FIXTURES / name)) if isinstance(i, OpmlFeed)]


def test_miniflux_folders_and_feeds_in_document_order() -> None:
    items = list(read_opml(str(FIXTURES / "miniflux.opml")))

    assert items[0] == OpmlFolder(line=8, path=("All",))
    assert items[1] == OpmlFeed(
        line=9,
        url="https://feeds.arstechnica.com/arstechnica/index",
        title="Ars Technica",
        site_url="https://arstechnica.com",
        feed_type="",
        folders=("All",),
    )
    assert [(i.line, i.folders) for i in items if isinstance(i, OpmlFeed)] == [
        (9, ("All",)),
        (12, ("Python",)),
        (13, ("Python",)),
    ]


def test_nested_folders_and_ttrss_artefacts_ignored_with_their_subtree() -> None:
    items = list(read_opml(str(FIXTURES / "ttrss.opml")))

    assert feeds_of("ttrss.opml") == [
        ("http://feeds.bbci.co.uk/news/world/rss.xml", "BBC World", ("News", "World")),
        ("https://news.ycombinator.com/rss", "Hacker News", ("News",)),
        ("https://blog.example.org/feed.xml", "Uncategorised blog", ()),
    ]
    ignored = [i for i in items if isinstance(i, OpmlIgnored)]
    assert [(i.line, i.reason) for i in ignored] == [
        (15, "Tiny Tiny RSS prefs outline, not a feed"),
        (19, "Tiny Tiny RSS labels outline, not a feed"),
    ]
    assert [i.path for i in items if isinstance(i, OpmlFolder)] == [("News",), ("News", "World")]


def test_attribute_case_variants_and_title_without_text() -> None:
    assert feeds_of("thunderbird.opml") == [
        ("https://blog.mozilla.org/feed/", "Mozilla Blog", ("Mozilla",)),
        ("https://hacks.mozilla.org/feed/", "Hacks", ()),
    ]
    thunderbird = [i for i in read_opml(str(FIXTURES / "thunderbird.opml")) if isinstance(i, OpmlFeed)]
    assert thunderbird[0].site_url == "https://blog.mozilla.org/"


def test_freshrss_type_entities_and_namespaced_attributes() -> None:
    items = [i for i in read_opml(str(FIXTURES / "freshrss.opml")) if isinstance(i, OpmlFeed)]

    assert items[0].title == "Le Monde & co"
    assert items[0].folders == ("Sans catégorie",)
    assert items[1].feed_type == "atom"


def test_netnewswire_comment_before_root_and_feedly_duplicates_are_read_as_is() -> None:
    assert [f[0] for f in feeds_of("netnewswire.opml")] == [
        "https://daringfireball.net/feeds/main",
        "https://sixcolors.com/feed/",
    ]
    assert len(feeds_of("feedly.opml")) == 3  # the reader reports everything; the service deduplicates


def test_feed_outlines_without_xmlurl_are_reported() -> None:
    items = list(read_opml(str(FIXTURES / "inoreader.opml")))

    assert [(i.line, i.reason, i.url) for i in items if isinstance(i, OpmlIgnored)] == [
        (12, "feed outline without xmlUrl", "https://nourl.example.org")
    ]
    assert [i.url for i in items if isinstance(i, OpmlFeed)][1:] == [
        "",
        "ftp://files.example.org/feed.xml",
        "javascript:alert(1)",
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("malformed.opml", "malformed XML at line 6, column"),
        ("not_opml.xml", "the root element is <rss>"),
        ("no_body.opml", "no <body>"),
        ("billion_laughs.opml", "DOCTYPE"),
        ("xxe.opml", "DOCTYPE"),
    ],
)
def test_bad_files_raise_one_clear_error(name: str, message: str) -> None:
    with pytest.raises(OpmlError) as caught:
        list(read_opml(str(FIXTURES / name)))

    assert message in caught.value.message


def test_empty_input_is_not_opml() -> None:
    with pytest.raises(OpmlError, match="not an OPML file"):
        list(read_opml(io.BytesIO(b"")))


def test_entities_are_never_expanded_even_in_the_root_attributes() -> None:
    laughs = (FIXTURES / "billion_laughs.opml").read_text()
    in_root = laughs.replace('<opml version="2.0">', '<opml version="2.0" title="&lol9;">')
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    with pytest.raises(OpmlError):
        list(read_opml(io.BytesIO(in_root.encode())))

    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # KiB: no gigabyte of "lol"


def test_external_entities_are_never_fetched_nor_read() -> None:
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else "no-hostname"
    with pytest.raises(OpmlError) as caught:
        list(read_opml(str(FIXTURES / "xxe.opml")))

    assert hostname not in caught.value.message


def test_reading_a_big_file_keeps_memory_flat() -> None:
    """Elements are cleared as read: the tree never holds the whole document."""
    feeds = 20_000

    def document() -> io.BytesIO:
        outlines = "".join(
            f'<outline text="F{n}" xmlUrl="https://example.org/{n}.xml" htmlUrl="https://example.org/{n}"/>'
            for n in range(feeds)
        )
        return io.BytesIO(f'<opml version="2.0"><body><outline text="All">{outlines}</outline></body></opml>'.encode())

    seen = 0
    parent_sizes = []
    for item in read_opml(document()):
        if isinstance(item, OpmlFeed):
            seen += 1
    assert seen == feeds
    # A direct look at the tree: the folder never holds more than lxml's read-ahead.
    import lxml.etree  # type: ignore[import-untyped]

    from legadilo.importexport.opml import _Walker

    walker = _Walker()
    folder = None
    for event, element in lxml.etree.iterparse(document(), events=("start", "end")):
        if event == "start":
            walker.start(element)
            if element.get("text") == "All":
                folder = element
        else:
            walker.end(element)
            if folder is not None and element.tag == "outline" and element is not folder:
                parent_sizes.append(len(folder))
    assert max(parent_sizes) < feeds / 10  # only what lxml parsed ahead of the events, not the document


def _export() -> bytes:
    out = io.BytesIO()
    write_opml(
        out,
        [
            ExportFeed("Top & <level> \"quoted\" 'feed'", "https://top.example.org/feed?a=1&b=2", ""),
            ExportFolder(
                "Tech & Science",
                [
                    ExportFeed("Café Åsa — 日本語", "https://cafe.example.org/rss", "https://cafe.example.org/"),
                    ExportFolder(
                        "python", [ExportFeed("PyPI", "https://pypi.org/rss/updates.xml", "https://pypi.org")]
                    ),
                ],
            ),
            ExportFolder("Empty", []),
        ],
        created=CREATED,
    )
    return out.getvalue()


def test_writer_produces_valid_nested_opml_checked_with_elementtree() -> None:
    raw = _export()
    root = ET.fromstring(raw)

    assert raw.startswith(b"<?xml version='1.0' encoding='utf-8'?>") or raw.startswith(b'<?xml version="1.0"')
    assert root.tag == "opml"
    assert root.get("version") == "2.0"
    assert root.findtext("head/title") == "Legadilo feeds export"
    assert root.findtext("head/dateCreated") == "Sun, 01 Nov 2026 10:00:00 +0000"
    body = root.find("body")
    assert body is not None
    top = list(body)
    assert top[0].attrib == {
        "type": "rss",
        "text": "Top & <level> \"quoted\" 'feed'",
        "title": "Top & <level> \"quoted\" 'feed'",
        "xmlUrl": "https://top.example.org/feed?a=1&b=2",
    }
    assert (top[1].get("text"), top[1].get("title")) == ("Tech & Science", "Tech & Science")
    assert top[1][0].get("title") == "Café Åsa — 日本語"
    assert top[1][0].get("htmlUrl") == "https://cafe.example.org/"
    assert top[1][1].get("text") == "python"  # never Title-Cased
    assert top[1][1][0].get("xmlUrl") == "https://pypi.org/rss/updates.xml"
    assert top[2].get("text") == "Empty"
    assert len(top[2]) == 0


def test_writer_output_read_by_listparser_an_independent_parser() -> None:
    result = listparser.parse(_export())

    assert not result.bozo, result.bozo_exception
    by_url = {feed.url: feed for feed in result.feeds}
    assert set(by_url) == {
        "https://top.example.org/feed?a=1&b=2",
        "https://cafe.example.org/rss",
        "https://pypi.org/rss/updates.xml",
    }
    assert by_url["https://cafe.example.org/rss"].title == "Café Åsa — 日本語"
    assert by_url["https://pypi.org/rss/updates.xml"].categories == [["Tech & Science", "python"]]
    assert by_url["https://top.example.org/feed?a=1&b=2"].categories == []


def test_writer_output_read_back_by_our_reader() -> None:
    items = list(read_opml(io.BytesIO(_export())))

    assert [i.path for i in items if isinstance(i, OpmlFolder)] == [
        ("Tech & Science",),
        ("Tech & Science", "python"),
        ("Empty",),
    ]
    assert [(i.title, i.folders) for i in items if isinstance(i, OpmlFeed)] == [
        ("Top & <level> \"quoted\" 'feed'", ()),
        ("Café Åsa — 日本語", ("Tech & Science",)),
        ("PyPI", ("Tech & Science", "python")),
    ]


def test_writer_drops_characters_xml_cannot_carry() -> None:
    out = io.BytesIO()
    write_opml(out, [ExportFeed("bell\x07 and nul\x00", "https://x.example.org/")], created=CREATED)

    assert ET.fromstring(out.getvalue()).find("body/outline").get("title") == "bell and nul"  # type: ignore[union-attr]


def test_writer_streams_as_nodes_are_produced() -> None:
    out = io.BytesIO()
    sizes: list[int] = []

    def nodes() -> Iterator[ExportFeed]:
        for n in range(3):
            sizes.append(len(out.getvalue()))
            yield ExportFeed(f"F{n}", f"https://x.example.org/{n}")

    write_opml(out, nodes(), created=CREATED)

    assert sizes[0] < sizes[1] < sizes[2]  # written before the next node is even produced


def test_a_cycle_in_the_category_parents_never_hides_categories_from_an_export() -> None:
    from legadilo.importexport.services import _category_tree

    rows: list[dict[str, Any]] = [
        {"id": 1, "parent_id": 2, "title": "A"},
        {"id": 2, "parent_id": 1, "title": "B"},
        {"id": 3, "parent_id": 3, "title": "Self"},
        {"id": 4, "parent_id": None, "title": "Top"},
        {"id": 5, "parent_id": 4, "title": "Child"},
    ]

    tree = _category_tree(rows)

    reachable, pending = set(), [None]
    while pending:
        for row in tree.get(pending.pop(), []):
            if row["id"] not in reachable:
                reachable.add(row["id"])
                pending.append(row["id"])
    assert reachable == {1, 2, 3, 4, 5}
    assert [row["id"] for row in tree[4]] == [5]
