"""The small normalisers behind every entry field (legadilo.parsing.normalize)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from legadilo.parsing import normalize


@pytest.mark.parametrize(
    ("value", "base", "expected"),
    [
        pytest.param("https://example.org/a#frag", "", "https://example.org/a", id="fragment-dropped"),
        pytest.param("  http://example.org/a  ", "", "http://example.org/a", id="stripped"),
        pytest.param("/b?x=1", "https://example.org/a/", "https://example.org/b?x=1", id="relative"),
        pytest.param("c", "https://example.org/a/", "https://example.org/a/c", id="relative-path"),
        pytest.param("//cdn.example.net/x", "http://example.org/", "http://cdn.example.net/x", id="scheme-relative"),
        pytest.param("//cdn.example.net/x", "", "https://cdn.example.net/x", id="scheme-relative-no-base"),
        pytest.param('https://example.org/a b"<c>', "", "https://example.org/a%20b%22%3Cc%3E", id="unsafe-quoted"),
        pytest.param("https://example.org/café?q=é", "", "https://example.org/caf%C3%A9?q=%C3%A9", id="iri"),
        pytest.param("https://example.org/a%20b", "", "https://example.org/a%20b", id="escapes-kept"),
        pytest.param("javascript:alert(1)", "https://example.org/", "", id="javascript"),
        pytest.param("mailto:a@example.org", "", "", id="mailto"),
        pytest.param("ftp://example.org/f", "", "", id="ftp"),
        pytest.param("data:text/html,x", "", "", id="data"),
        pytest.param("relative/only", "", "", id="relative-without-base"),
        pytest.param("https:///no-host", "", "", id="no-host"),
        pytest.param('https://exa"mple.org/', "", "", id="quote-in-host"),
        pytest.param("http://[::1", "", "", id="broken-ipv6"),
        pytest.param("http://example.org:99999/", "", "", id="bad-port"),
        pytest.param("", "https://example.org/", "", id="empty"),
    ],
)
def test_http_url(value: str, base: str, expected: str) -> None:
    assert normalize.http_url(value, base) == expected


def _absolute_url_variants() -> list[str]:
    """Absolute URLs around the shortcut's edges: schemes, hosts, ports, every path and query character."""
    characters = "".join(chr(code) for code in range(0x21, 0x7F)) + " é\t"
    urls = [
        f"{scheme}://{host}{port}/"
        for scheme in ("http", "https", "HTTP", "Https", "ftp")
        for host in ("example.org", "EXAMPLE.org", "a-b.example", ".", "-", "..", "x_y.example", "user@h.example")
        for port in ("", ":", ":0", ":00", ":1", ":80", ":080", ":65535", ":65536", ":99999", ":123456", ":8a")
    ]
    urls += [f"http://example.org/a{c}b" for c in characters]
    urls += [f"http://example.org/a?q={c}" for c in characters]
    urls += [f"http://example.org{tail}" for tail in ("", "?", "?x", "/?", "//", "//x", "/a/../b", "/./a", "?a?b")]
    urls += [f"http://example.org/a{tail}" for tail in ("#", "#f", ";", ";p", "?#", "?q#f", "/%", "/%zz", "%2F")]
    return urls


@pytest.mark.parametrize("base", ["", "http://base.example/dir/page", "https://base.example/"])
def test_the_plain_url_shortcut_gives_what_the_full_normalisation_gives(base: str) -> None:
    for url in _absolute_url_variants():
        assert normalize.http_url(url, base) == normalize._http_url(url.strip(), base), url


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("fr", "fr", id="two-letters"),
        pytest.param("EN", "en", id="upper"),
        pytest.param("en-US", "en-us", id="region"),
        pytest.param("pt_BR", "pt-br", id="underscore"),
        pytest.param(" de-de ", "de-de", id="spaces"),
        pytest.param("eng", "", id="three-letters"),
        pytest.param("zh-Hant", "", id="script"),
        pytest.param("en-US-x-private", "", id="extensions"),
        pytest.param("e", "", id="one-letter"),
        pytest.param("<script>", "", id="markup"),
        pytest.param("", "", id="empty"),
        pytest.param(None, "", id="none"),
    ],
)
def test_language(value: str | None, expected: str) -> None:
    assert normalize.language(value) == expected


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        pytest.param(["b, a", "c"], ("a", "b", "c"), id="split-and-sorted"),
        pytest.param(["x", "x", " x ", "X"], ("X", "x"), id="deduplicated"),
        pytest.param(["<b>bold</b>", "a &amp; b", ", ,"], ("a & b", "bold"), id="plain-text-no-empties"),
        pytest.param([], (), id="none"),
    ],
)
def test_tags(terms: list[str], expected: tuple[str, ...]) -> None:
    assert normalize.tags(terms) == expected


def test_texts_keep_order_and_drop_duplicates() -> None:
    assert normalize.texts(["Bob", "<i>Alice</i>", "Bob", ""]) == ("Bob", "Alice")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2024-05-07T09:30:00+02:00", datetime(2024, 5, 7, 7, 30, tzinfo=UTC), id="offset"),
        pytest.param("2024-05-07T09:30:00Z", datetime(2024, 5, 7, 9, 30, tzinfo=UTC), id="zulu"),
        pytest.param("2024-05-07T09:30:00", datetime(2024, 5, 7, 9, 30, tzinfo=UTC), id="naive-is-utc"),
        pytest.param("2024-05-07", datetime(2024, 5, 7, tzinfo=UTC), id="date-only"),
        pytest.param("1969-12-31T23:59:59Z", None, id="too-old"),
        pytest.param("2101-01-01T00:00:00Z", None, id="too-far"),
        pytest.param("May 7th", None, id="garbage"),
        pytest.param(1715068200, None, id="number"),
        pytest.param(None, None, id="none"),
    ],
)
def test_from_iso8601(value: object, expected: datetime | None) -> None:
    assert normalize.from_iso8601(value) == expected


def test_from_struct_time() -> None:
    assert normalize.from_struct_time(time.strptime("2024-02-29 12:34:56", "%Y-%m-%d %H:%M:%S")) == datetime(
        2024, 2, 29, 12, 34, 56, tzinfo=UTC
    )
    assert normalize.from_struct_time(time.strptime("1900", "%Y")) is None
    assert normalize.from_struct_time("2024-02-29") is None


def test_sane_datetime_converts_to_utc() -> None:
    paris = timezone(timedelta(hours=2))

    assert normalize.sane_datetime(datetime(2024, 6, 1, 12, tzinfo=paris)) == datetime(2024, 6, 1, 10, tzinfo=UTC)
    assert normalize.sane_datetime(datetime(2024, 6, 1, 12)) is None  # naive: unknown instant


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("A <b>bold</b>  title", "A bold title", id="plain"),
        pytest.param("x" * 400, "x" * 300, id="cut"),
        pytest.param("word " * 70, ("word " * 60).strip(), id="cut-then-stripped"),
    ],
)
def test_text_field(value: str, expected: str) -> None:
    assert normalize.text_field(value, 300) == expected


@pytest.mark.parametrize(
    ("url", "host", "root"),
    [
        pytest.param("https://user:pw@Example.ORG:8443/x", "example.org", "https://Example.ORG:8443", id="full"),
        pytest.param("http://example.org", "example.org", "http://example.org", id="bare"),
        pytest.param("ftp://example.org/", "example.org", "", id="not-http"),
        pytest.param("not a url", "", "", id="garbage"),
    ],
)
def test_host_and_site_root(url: str, host: str, root: str) -> None:
    assert (normalize.host(url), normalize.site_root(url)) == (host, root)


@pytest.mark.parametrize(
    ("charset", "expected"),
    [
        pytest.param("UTF-8", "utf-8", id="utf8"),
        pytest.param('"latin1"', "iso8859-1", id="quoted-alias"),
        pytest.param("no-such-charset", None, id="unknown"),
        pytest.param("", None, id="empty"),
        pytest.param(None, None, id="none"),
    ],
)
def test_known_charset(charset: str | None, expected: str | None) -> None:
    assert normalize.known_charset(charset) == expected
