"""slugify: the ASCII slug titles always had when it is not empty (stored slugs stay the slugs of their titles),
else letters and digits of any script (lower-cased, NFKC), every other run one dash; the fallback only when
nothing is left; the slugs survive a round trip through a URL."""

from __future__ import annotations

from urllib.parse import quote, unquote

import pytest

from legadilo.core.text import slugify


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Hello, World!", "hello-world"),
        ("  --Python 3.13 -- release--  ", "python-3-13-release"),
        ("Привет, мир!", "привет-мир"),
        ("Новости ИТ", "новости-ит"),
        ("東京 2024", "東京-2024"),
        ("日本語のニュース", "日本語のニュース"),
        ("한국어 뉴스", "한국어-뉴스"),
        ("الأخبار العربية", "الأخبار-العربية"),
        ("Ελληνικά Νέα", "ελληνικά-νέα"),
        ("हिन्दी समाचार", "हिन्दी-समाचार"),  # the vowel signs (combining marks) stay
        ("Café au lait", "cafe-au-lait"),  # as before: a tag stored as `cafe` is still found by "Café"
        ("Cafe\u0301", "cafe"),
        ("Straße", "strae"),  # the slug it always had (ß has no ASCII folding)
        ("ＦＵＬＬ　ｗｉｄｔｈ １２", "full-width-12"),  # compatibility forms fold
        ("Rust 🦀 et Python 🐍", "rust-et-python"),
        ("Mixed: Москва / 北京 & Paris", "mixed-paris"),  # Latin letters: the ASCII slug, as before
        ("a/b?c#d%e&f=g+h", "a-b-c-d-e-f-g-h"),
        ("snake_case", "snake-case"),
        ("Москва 1980", "москва-1980"),  # digits alone would not tell it from "Киев 1980"
        ("1980", "1980"),
    ],
)
def test_slugs_keep_letters_and_digits_of_every_script(title: str, slug: str) -> None:
    assert slugify(title) == slug


@pytest.mark.parametrize(
    "title", ["", "🎉🎉", "❤️", "👍🏽", "👨\u200d👩\u200d👧", "!!! ??? ...", " \t\n", "\u0301\u0301"]
)
def test_the_fallback_only_when_nothing_is_left(title: str) -> None:
    assert slugify(title) == "no-slug"
    assert slugify(title, fallback="section") == "section"


def test_different_scripts_give_different_slugs() -> None:
    titles = ["Новости", "Спорт", "新闻", "体育", "أخبار", "رياضة"]
    assert len({slugify(title) for title in titles}) == len(titles)


def test_the_length_is_cut_without_a_trailing_dash() -> None:
    assert slugify("Привет мир", max_length=7) == "привет"
    assert len(slugify("я" * 400)) == 300
    assert slugify("数" * 80, max_length=50) == "数" * 50


def test_titles_with_latin_letters_keep_the_slugs_stored_before() -> None:
    """The slug the previous version gave (ASCII only) for every title where it was not the fallback."""
    import re
    import unicodedata

    def previous(value: str) -> str:
        folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
        return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")

    titles = ["Café", "Général", "naïve", "Straße", "Łódź 2024", "Ça va ?", "Москва Paris 1980", "C++ & Rust", "2024"]
    assert [slugify(title) for title in titles] == [previous(title) for title in titles]


@pytest.mark.parametrize("title", ["Привет, мир!", "東京 2024", "الأخبار العربية", "Café", "हिन्दी समाचार"])
def test_a_slug_survives_percent_encoding_in_a_path(title: str) -> None:
    slug = slugify(title)
    encoded = quote(slug, safe="")
    assert encoded.isascii() and "/" not in encoded and "?" not in encoded and "#" not in encoded
    assert unquote(encoded) == slug
    assert slugify(slug) == slug  # a slug is its own slug
