"""Article extraction from fetched pages: main text kept, boilerplate dropped, metadata, encodings, plain text,
meta refresh, hostile markup."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from legadilo.parsing.articles import (
    ExtractedArticle,
    Refresh,
    UnsupportedContent,
    decode_page,
    extract_article,
    meta_refresh_target,
    page_kind,
    read_page,
)
from legadilo.parsing.html import plain_text
from tests.parsing.helpers import FIXTURES

ARTICLES = FIXTURES / "articles"


def extract(name: str, url: str, **options: object) -> ExtractedArticle:
    return extract_article((ARTICLES / name).read_bytes(), url=url, **options)  # type: ignore[arg-type]


def html_page(head: str = "", body: str = "") -> bytes:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>".encode()


SENTENCE = "A sentence long enough to count as the story of this page."
STORY = "<article><p>" + " ".join([SENTENCE] * 12) + "</p></article>"

PAGES = [
    (
        "news_yonhap.html",
        "https://en.yna.co.kr/view/AEN20190820002300325",
        ["North Korea's official newspaper blasted South Korea on Tuesday", 'calling it a "senseless" hope'],
        ["Lee Sun-kyun laid to rest", "Korean Newspaper Headlines", "URL is copied"],
    ),
    (
        "news_ultimahora_es.html",
        "http://ultimahora.es/mallorca/noticia/noticias/local/fiscalia-anticorrupcion-estudia-recurre-imputacion-infanta.html",
        ["El fiscal Pedro Horrach está perfilando", "Ya lo hizo en abril, pero la Audiencia anuló su decisión."],
        ["Normas de uso y aviso legal", "el cocido Madrileño", "Matas evita la cárcel", "Contratar Publicidad"],
    ),
    (
        "news_time.html",
        "https://time.com/6330957/james-hansen-climate-warning-geoengineering-study/",
        ["James Hansen first warned Congress of the threat from climate change in 1988.", "framework for global"],
        ["Sign Up for Our Ideas Newsletter", "More Must-Reads From TIME", "Personal Finance by TIME Stamped"],
    ),
    (
        "news_afpbb_shift_jis.html",
        "http://www.afpbb.com/articles/-/3178894",
        ["ナイジェリア北東部ボルノ（Borno）州で16日夜", "大量の死傷者を出す攻撃を行う意図と作戦能力を維持している"],
        ["サイトポリシー", "現在JavaScriptが無効になっています", "広告掲載に関するお問い合わせ"],
    ),
    (
        "blog_code.html",
        "https://notebook.example.org/2024/03/05/parsing-json-faster-with-simd/",
        ["A SIMD parser reads sixty-four bytes at once", "_mm512_loadu_si512", "The lesson is not that everyone"],
        ["Have you tried the same trick on ARM", "Proudly powered by WordPress", "Leave a Reply", "Counting bits"],
    ),
    (
        "docs_page.html",
        "https://widgetizer.example.org/en/3.2/guide/configuration.html",
        ["Widgetizer reads its settings from a TOML file", "How many worker processes render widgets in parallel."],
        ["Quick search", "Release history", "Documentation overview", "Powered by"],
    ),
    (
        "lazy_images.html",
        "https://carnets.example.fr/voyages/lisbonne-trois-jours/",
        ["Lisbonne se visite à pied, à condition d'aimer les escaliers.", "Une ancienne filature transformée"],
        ["Nous utilisons des cookies", "Un week-end à Porto", "Inscrivez-vous à notre lettre", "Mentions légales"],
    ),
]


@pytest.mark.parametrize(("name", "url", "kept", "dropped"), PAGES, ids=[page[0] for page in PAGES])
def test_the_story_is_kept_and_the_page_around_it_dropped(
    name: str, url: str, kept: list[str], dropped: list[str]
) -> None:
    article = extract(name, url)

    text = plain_text(article.content).replace("\u2019", "'")
    for sentence in kept:
        assert sentence in text, sentence
    for noise in dropped:
        assert noise not in text, noise
    assert article.content_type == "text/html"
    assert "\ufffd" not in text


def test_metadata_of_a_blog_post() -> None:
    article = extract("blog_code.html", "https://notebook.example.org/2024/03/05/parsing-json-faster-with-simd/?utm=x")

    assert article.title == "Parsing JSON faster with SIMD"
    assert article.url == "https://notebook.example.org/2024/03/05/parsing-json-faster-with-simd/"  # canonical
    assert article.authors == ("Ada Byron",)
    assert article.published_at == datetime(2024, 3, 5, 8, 30, tzinfo=UTC)
    assert article.updated_at == datetime(2024, 3, 7, 17, 0, tzinfo=UTC)
    assert article.language == "en-gb"
    assert article.preview_picture_url == "https://notebook.example.org/wp-content/uploads/2024/03/simd-cover.png"
    assert article.external_tags == ("JSON", "performance")
    assert article.source_title == "Ada's notebook"
    assert article.summary == "How a parser can look at 64 bytes at once, and what it costs."
    assert [(item["text"], [child["text"] for child in item["children"]]) for item in article.table_of_content] == [
        ("Stage one: finding the structure", []),
        ("Stage two: walking the tape", ["Why the tape matters"]),
        ("Results", []),
    ]
    assert 'id="stage-one-finding-the-structure"' in article.content
    assert 300 < article.word_count < 400


_STORY = "<p>" + "The airship crossed the northern sea in three days with twelve passengers aboard. " * 6 + "</p>"


@pytest.mark.parametrize(
    ("before", "heading", "kept"),
    [
        ("", "<h1>Zeppelins over  the LAKE</h1>", False),  # the title again: dropped (spaces, case ignored)
        ("", "<h1>Another heading</h1>", True),
        ("<p>Intro words first.</p>", "<h1>Zeppelins over the lake</h1>", True),  # text before it: kept
    ],
)
def test_a_heading_repeating_the_title_at_the_top_of_the_content_is_dropped(
    before: str, heading: str, kept: bool
) -> None:
    page = (
        "<html><head><title>Zeppelins over the lake</title></head><body><nav>Home · About</nav>"
        f"<article>{before}{heading}{_STORY}<h2>The landing</h2>{_STORY}</article></body></html>"
    )
    article = extract_article(page, url="https://example.org/zeppelins")

    assert article.title == "Zeppelins over the lake"
    assert ("<h1" in article.content) is kept
    toc = [(item["text"], [child["text"] for child in item["children"]]) for item in article.table_of_content]
    assert toc == ([(plain_text(heading), ["The landing"])] if kept else [("The landing", [])])
    assert "crossed the northern sea" in article.content


def test_code_blocks_and_images_survive_sanitising() -> None:
    article = extract("blog_code.html", "https://notebook.example.org/2024/03/05/parsing-json-faster-with-simd/")

    assert "<pre>" in article.content
    assert "prefix_xor(quotes &amp; ~escaped(block)); /* bits set inside strings when i &lt; n */" in article.content
    assert (
        '<img src="https://notebook.example.org/wp-content/uploads/2024/03/throughput.png" '
        'alt="Throughput of both parsers in gigabytes per second">' in article.content
    )


def test_lazy_images_get_their_real_sources_and_relative_metadata_urls_become_absolute() -> None:
    article = extract("lazy_images.html", "https://carnets.example.fr/voyages/lisbonne-trois-jours/")

    for source in ("tram-28.jpg", "pasteis.jpg", "tage-800.jpg"):
        assert f'src="https://carnets.example.fr/media/2025/05/{source}"' in article.content
    assert "data:image/gif" not in article.content
    assert "placeholder.svg" not in article.content
    assert article.preview_picture_url == "https://carnets.example.fr/media/2025/05/lisbonne-couverture.jpg"
    assert article.preview_picture_alt == "Le tram 28 dans une rue en pente de l'Alfama"
    assert (article.title, article.authors, article.language) == (
        "Trois jours à Lisbonne, sans voiture",
        ("Camille Martin",),
        "fr-fr",
    )
    assert article.external_tags == ("Portugal", "city trip", "tramway")


def test_news_metadata_from_open_graph_and_json_ld() -> None:
    time = extract("news_time.html", "https://time.com/6330957/james-hansen-climate-warning-geoengineering-study/")
    yonhap = extract("news_yonhap.html", "https://en.yna.co.kr/view/AEN20190820002300325?section=nk/nk")

    assert time.authors == ("Alejandro de la Garza",)  # JSON-LD
    assert time.published_at == datetime(2023, 11, 2, 19, 53, 52, tzinfo=UTC)
    assert time.source_title == "TIME"
    assert yonhap.title == "N. Korea slams S. Korea for joint military drill, warns of consequences"  # site name cut
    assert yonhap.url == "https://en.yna.co.kr/view/AEN20190820002300325"
    assert yonhap.published_at == datetime(2019, 8, 20, 0, 31, 1, tzinfo=UTC)  # +09:00 in the page


def test_a_shift_jis_page_is_decoded_from_its_meta_charset() -> None:
    article = extract("news_afpbb_shift_jis.html", "http://www.afpbb.com/articles/-/3178894")

    assert article.title == "動画：ナイジェリアで少女らによる自爆攻撃、ロケット弾も撃ち込まれ31人死亡"
    assert article.language == "ja"
    assert "\ufffd" not in article.content + article.title + article.summary


@pytest.mark.parametrize(
    ("body", "charset", "expected"),
    [
        (b'<meta charset="utf-8"><p>caf\xe9</p>', "iso-8859-1", "café"),  # the HTTP charset wins over the page
        (b"<p>caf\xe9 \x93quoted\x94</p>", None, "café “quoted”"),  # not UTF-8, undeclared: Windows-1252
        (b"<p>caf\xc3\xa9</p>", None, "café"),  # valid UTF-8, undeclared
        (b'\xef\xbb\xbf<meta charset="iso-8859-1"><p>caf\xc3\xa9</p>', "iso-8859-1", "café"),  # the BOM wins
        (b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251"><p>\xcc\xee\xf1</p>', None, "Мос"),
        (b'<meta charset="utf-16"><p>caf\xc3\xa9</p>', None, "café"),  # a page readable as ASCII is not UTF-16
        (b'<meta charset="no-such-codec"><p>caf\xe9</p>', "also-unknown", "café"),
    ],
)
def test_decoding(body: bytes, charset: str | None, expected: str) -> None:
    assert expected in decode_page(body, charset)


def test_plain_text_is_kept_as_text_never_escaped_twice() -> None:
    raw = (ARTICLES / "plain.txt").read_bytes()

    article = extract_article(
        raw, url="https://release.example.org/notes.txt", content_type="text/plain", headers={"content-language": "en"}
    )

    assert article.content_type == "text/plain"
    assert article.content == raw.decode().strip()
    assert "Characters such as <b>, & and &amp; are kept exactly" in article.content
    assert article.title == "Notes on comparing versions"
    assert article.table_of_content == ()
    assert article.language == "en"
    assert "&lt;b&gt;, &amp; and &amp;amp;" in article.summary  # the summary is HTML: the text shows as written
    assert "<b>" not in article.summary
    assert article.word_count == len(raw.split())


def test_xss_in_every_field_is_neutralised() -> None:
    page = html_page(
        '<title>Safe title<script>alert(1)</script></title><meta property="og:image" content="javascript:alert(2)">'
        '<meta name="description" content="<img src=x onerror=alert(3)>"><link rel="canonical" href="javascript:x">'
        '<meta name="author" content="<b onmouseover=alert(4)>Eve</b>">',
        STORY.replace(
            "</article>",
            '<p><a href="javascript:alert(5)">link</a><img src="x.png" onerror="alert(6)">'
            '<iframe src="https://evil.example/"></iframe><svg onload="alert(7)"></svg>'
            '<a href="data:text/html;base64,PHNjcmlwdD4=">data</a><b style="background:url(javascript:alert(8))">s</b>'
            "<script>alert(9)</script></p></article>",
        ),
    )

    article = extract_article(page, url="https://victim.example/post")

    assert article.title == "Safe title"
    assert article.authors == ("Eve",)
    assert article.preview_picture_url == ""
    assert article.url == "https://victim.example/post"
    for dangerous in ("<script", "onerror", "javascript:", "<iframe", "onload", "data:text", "style="):
        assert dangerous not in article.content, dangerous
    assert 'src="https://victim.example/x.png"' in article.content
    assert article.summary == "&lt;img src=x onerror=alert(3)&gt;"  # a description is text: shown, never run


def test_a_canonical_url_on_another_site_is_ignored() -> None:
    page = html_page('<link rel="canonical" href="https://other.example/story">', STORY)
    same_site = html_page('<link rel="canonical" href="https://www.news.example/story">', STORY)

    assert extract_article(page, url="https://news.example/story?ref=feed").url == "https://news.example/story?ref=feed"
    assert extract_article(same_site, url="https://news.example/story?ref=1").url == "https://www.news.example/story"


@pytest.mark.parametrize(
    ("head", "body", "title"),
    [
        ('<meta property="og:site_name" content="The Site"><title>The Story – The Site</title>', "", "The Story"),
        ("<title>Only a title | Somewhere</title>", "", "Only a title | Somewhere"),  # no site name: kept whole
        ("", "<h1>The heading</h1>", "The heading"),
        ("<title>   </title>", "<p>text</p>", "news.example/a/b"),  # nothing: the URL without its scheme
        ('<meta property="og:title" content="' + "x" * 400 + '">', "", "x" * 300),
    ],
)
def test_title_fallbacks(head: str, body: str, title: str) -> None:
    assert extract_article(html_page(head, body), url="https://news.example/a/b").title == title


def test_json_ld_graph_authors_and_bad_json_ld_ignored() -> None:
    head = (
        '<script type="application/ld+json">{not json</script>'
        '<script type="application/ld+json">{"@graph": [{"@type": "WebSite", "name": "Site"},'
        '{"@type": ["NewsArticle"], "headline": "From JSON-LD", "author": [{"name": "Ann"}, {"name": "Bob"}, "Cy"],'
        '"datePublished": "2021-02-03T04:05:06Z", "dateModified": "1500-01-01", "keywords": "a, b",'
        '"image": {"url": "/i.png"}, "publisher": {"name": "The Publisher"}, "inLanguage": "de-AT"}]}</script>'
    )

    article = extract_article(html_page(head, STORY), url="https://news.example/a")

    assert article.title == "From JSON-LD"
    assert article.authors == ("Ann", "Bob", "Cy")
    assert article.published_at == datetime(2021, 2, 3, 4, 5, 6, tzinfo=UTC)
    assert article.updated_at is None  # an absurd date is dropped
    assert article.external_tags == ("a", "b")
    assert article.preview_picture_url == "https://news.example/i.png"
    assert article.source_title == "The Publisher"
    assert article.language == "de-at"


@pytest.mark.parametrize(
    ("meta", "target"),
    [
        ('<meta http-equiv="refresh" content="0; url=/next">', "https://site.example/next"),
        ("<META HTTP-EQUIV=Refresh CONTENT=\"5;URL='https://other.example/x'\">", "https://other.example/x"),
        ('<noscript><meta http-equiv="refresh" content="0;url=https://js.example/"></noscript>', "https://js.example/"),
        ('<meta http-equiv="refresh" content="3, https://comma.example/">', "https://comma.example/"),
        ('<meta http-equiv="refresh" content="30">', None),  # reload the same page
        ('<meta http-equiv="refresh" content="0; url=https://site.example/page#top">', None),  # itself
        ('<meta http-equiv="refresh" content="0; url=javascript:alert(1)">', None),
        ('<meta http-equiv="refresh" content="soon; url=https://x.example/">', None),
        ('<meta name="refresh" content="0; url=https://x.example/">', None),
    ],
)
def test_meta_refresh_target(meta: str, target: str | None) -> None:
    page = html_page(meta, "<p>Redirecting…</p>")

    assert meta_refresh_target(page, url="https://site.example/page") == target
    expected = Refresh(target) if target else None
    result = read_page(page, url="https://site.example/page", content_type="text/html")
    assert (result if isinstance(result, Refresh) else None) == expected


@pytest.mark.parametrize(
    ("body", "content_type", "kind"),
    [
        (b"<html><p>hi</p></html>", "text/html", "text/html"),
        (b"<html><p>hi</p></html>", "application/xhtml+xml", "text/html"),
        (b"  <!DOCTYPE html><p>hi", "application/octet-stream", "text/html"),
        (b"just words", "", "text/plain"),
        (b"just words", "text/plain", "text/plain"),
        (b"%PDF-1.7\n...", "application/pdf", None),
        (b"%PDF-1.7\n...", "text/html", None),  # the magic number wins over a wrong type
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png", None),
        (b"\x00\x01binary", "", None),
        (b'{"a": 1}', "application/json", None),
    ],
)
def test_page_kind(body: bytes, content_type: str, kind: str | None) -> None:
    if kind is None:
        with pytest.raises(UnsupportedContent, match="only HTML pages and plain text can be saved"):
            page_kind(body, content_type)
    else:
        assert page_kind(body, content_type) == kind


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"", 0),
        (b"   ", 0),
        (b"\x00\x00<<<>>>", 1),
        (b"<?xml version='1.0' encoding='utf-8'?><html><body></body></html>", 0),
    ],
)
def test_empty_or_junk_html_still_gives_an_article_named_after_its_url(body: bytes, words: int) -> None:
    article = extract_article(body, url="https://empty.example/page", content_type="text/html")

    assert article.title == "empty.example/page"
    assert article.source_title == "empty.example"
    assert article.word_count == words
    assert "\x00" not in article.content


def test_an_xhtml_page_with_an_xml_declaration_is_read() -> None:
    page = (
        b'<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml" lang="nl">'
        b"<head><title>Het verhaal</title></head><body>" + STORY.encode() + b"</body></html>"
    )

    article = extract_article(page, url="https://nl.example/", content_type="application/xhtml+xml")

    assert (article.title, article.language) == ("Het verhaal", "nl")
    assert "A sentence long enough" in article.content
