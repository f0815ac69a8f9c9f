"""Full-text search and bulk actions on its results, on the real database."""

from __future__ import annotations

import dataclasses
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from legadilo.accounts.models import User
from legadilo.core.errors import InvalidInput
from legadilo.feeds.models import Feed, FeedArticle, FeedSource, FeedType
from legadilo.reading import search
from legadilo.reading.list_queries import ListFilter
from legadilo.reading.models import (
    Article,
    ArticleTag,
    ContentType,
    FavoriteStatus,
    ForLaterStatus,
    MaxAgeUnit,
    OrderDirection,
    ReadingTimeOperator,
    ReadStatus,
    Tag,
    TagOperator,
)
from legadilo.reading.search import (
    EMPTY_QUERY_NOTE,
    TRUNCATED_NOTE,
    BulkAction,
    SearchMode,
    SearchOrder,
    SearchPage,
    SearchQuery,
    bulk_update_search_results,
    render_snippet,
    search_articles,
)
from legadilo.runtime import Runtime

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


async def _user(email: str = "alice@example.org") -> int:
    user = await User.create(email=email, password_hash="not-a-hash")
    return int(user.id)


async def _article(user_id: int, slug: str, **fields: Any) -> Article:
    fields.setdefault("title", slug)
    return await Article.create(user_id=user_id, url=f"https://example.org/{slug}", **fields)


async def _search(user_id: int, text: str = "", **options: Any) -> SearchPage:
    return await search_articles(user_id, SearchQuery(text=text, **options), now=NOW)


def _titles(page: SearchPage) -> list[str]:
    return [hit.card.title for hit in page.hits]


async def _all_pages(user_id: int, query: SearchQuery) -> list[int]:
    ids: list[int] = []
    after: str | None = None
    for _ in range(100):
        page = await search_articles(user_id, dataclasses.replace(query, after=after), now=NOW)
        ids += [hit.card.id for hit in page.hits]
        after = page.next_cursor
        if after is None:
            return ids
    raise AssertionError("the pages never end")


# ---------------------------------------------------------------------------------------------------------
# Matching and ranking.


async def test_rank_title_over_summary_over_content_and_authors_over_source(db: Runtime) -> None:
    user = await _user()
    await _article(user, "in-source", main_source_title="Zeppelin weekly")
    await _article(user, "in-content", content="<p>A long story about a zeppelin.</p>")
    await _article(user, "in-title", title="The zeppelin returns")
    await _article(user, "in-summary", summary="<p>Which zeppelin flew first?</p>")
    await _article(user, "unrelated", title="Gardening", content="<p>Tomatoes.</p>")

    page = await _search(user, "zeppelin")

    assert _titles(page) == ["The zeppelin returns", "in-summary", "in-content", "in-source"]
    ranks = [hit.rank for hit in page.hits]
    assert ranks == sorted(ranks, reverse=True) and len(set(ranks)) == 4
    assert page.total == 4 and not page.total_is_capped and page.next_cursor is None and page.note == ""
    assert _titles(await _search(user, "zeppelin", direction=OrderDirection.ASC)) == _titles(page)[::-1]

    await _article(user, "by-author", authors=["Ada Lovelace"])
    assert _titles(await _search(user, "lovelace")) == ["by-author"]


async def test_words_and_phrase(db: Runtime) -> None:
    user = await _user()
    await _article(user, "quick-brown", content="<p>The quick brown fox jumps.</p>")
    await _article(user, "brown-quick", content="<p>A brown dog, quick as a fox.</p>")
    await _article(user, "lazy", content="<p>The lazy dogs sleep.</p>")

    assert set(_titles(await _search(user, "quick brown"))) == {"quick-brown", "brown-quick"}
    assert _titles(await _search(user, "quick brown", mode=SearchMode.PHRASE)) == ["quick-brown"]
    assert _titles(await _search(user, '"quick brown"')) == ["quick-brown"]  # websearch syntax: a quoted phrase
    assert _titles(await _search(user, "fox -jumps")) == ["brown-quick"]
    assert set(_titles(await _search(user, "jumps or sleep"))) == {"quick-brown", "lazy"}
    assert _titles(await _search(user, "dog sleeping")) == ["lazy"]  # english stemming, as the stored vector
    assert _titles(await _search(user, "Quick, brown!", mode=SearchMode.PHRASE)) == ["quick-brown"]


# ---------------------------------------------------------------------------------------------------------
# Filters.


async def _filter_fixture(user: int) -> tuple[int, int]:
    """One article holding "common" per filter, and one without it; the ids of the tags a and b."""
    tags = {slug: await Tag.create(user_id=user, title=slug.upper(), slug=slug) for slug in "ab"}
    specs: dict[str, dict[str, Any]] = {
        "read": {"read_at": NOW - DAY, "published_at": NOW - 2 * DAY},
        "favorite": {"is_favorite": True, "published_at": NOW - 3 * DAY},
        "later": {"is_for_later": True, "published_at": NOW - 40 * DAY},
        "long": {"reading_time": 30},
        "short": {"reading_time": 2, "published_at": NOW - timedelta(hours=5)},
        "tag-a": {},
        "tag-ab": {},
    }
    for slug, fields in specs.items():
        article = await _article(user, slug, content="<p>common word</p>", **fields)
        for tag in slug.removeprefix("tag-") if slug.startswith("tag-") else "":
            await ArticleTag.create(article=article, tag=tags[tag])
    await _article(user, "no-match", content="<p>nothing shared</p>", is_favorite=True, reading_time=30)
    return tags["a"].id, tags["b"].id


ALL_MATCHING = {"read", "favorite", "later", "long", "short", "tag-a", "tag-ab"}
A_B = (-1, -2)  # stand for the ids of the tags a and b


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (ListFilter(), ALL_MATCHING),
        (ListFilter(read_status=ReadStatus.ONLY_READ), {"read"}),
        (ListFilter(read_status=ReadStatus.ONLY_UNREAD), ALL_MATCHING - {"read"}),
        (ListFilter(favorite_status=FavoriteStatus.ONLY_FAVORITE), {"favorite"}),
        (ListFilter(favorite_status=FavoriteStatus.ONLY_NON_FAVORITE), ALL_MATCHING - {"favorite"}),
        (ListFilter(for_later_status=ForLaterStatus.ONLY_FOR_LATER), {"later"}),
        (ListFilter(for_later_status=ForLaterStatus.ONLY_NOT_FOR_LATER), ALL_MATCHING - {"later"}),
        (ListFilter(max_age_value=4, max_age_unit=MaxAgeUnit.DAYS), {"read", "favorite", "short"}),
        (ListFilter(max_age_value=6, max_age_unit=MaxAgeUnit.HOURS), {"short"}),
        (ListFilter(max_age_value=2, max_age_unit=MaxAgeUnit.MONTHS), {"read", "favorite", "later", "short"}),
        (ListFilter(reading_time=10, reading_time_operator=ReadingTimeOperator.MORE_THAN), {"long"}),
        (ListFilter(reading_time=2, reading_time_operator=ReadingTimeOperator.LESS_THAN), ALL_MATCHING - {"long"}),
        (ListFilter(include_tag_ids=A_B, include_operator=TagOperator.ALL), {"tag-ab"}),
        (ListFilter(include_tag_ids=A_B, include_operator=TagOperator.ANY), {"tag-a", "tag-ab"}),
        (ListFilter(exclude_tag_ids=A_B, exclude_operator=TagOperator.ALL), ALL_MATCHING - {"tag-ab"}),
        (ListFilter(exclude_tag_ids=A_B, exclude_operator=TagOperator.ANY), ALL_MATCHING - {"tag-a", "tag-ab"}),
    ],
)
async def test_every_reading_list_filter(db: Runtime, spec: ListFilter, expected: set[str]) -> None:
    user = await _user()
    real = dict(zip(A_B, await _filter_fixture(user), strict=True))
    spec = dataclasses.replace(
        spec,
        include_tag_ids=tuple(real[i] for i in spec.include_tag_ids),
        exclude_tag_ids=tuple(real[i] for i in spec.exclude_tag_ids),
    )

    assert set(_titles(await _search(user, "common", filters=spec))) == expected
    assert set(_titles(await _search(user, "common word", filters=spec, mode=SearchMode.PHRASE))) == expected


async def test_feed_and_external_tag_filters(db: Runtime) -> None:
    user = await _user()
    feed_a, feed_b = [
        await Feed.create(
            user_id=user,
            source=await FeedSource.create(url=f"https://feeds.example/{name}", next_check_at=NOW),
            title=name,
            feed_type=FeedType.RSS20,
        )
        for name in "AB"
    ]
    main = await _article(user, "main-feed-a", summary="kite", main_feed_id=feed_a.id, external_tags=["Python", "Web"])
    linked = await _article(user, "linked-to-a", summary="kite", main_feed_id=feed_b.id, external_tags=["rust"])
    await FeedArticle.create(feed=feed_a, article=linked, entry_key="e1")
    await FeedArticle.create(feed=feed_a, article=main, entry_key="e2")  # no duplicate through two paths
    await _article(user, "no-feed", summary="kite", external_tags=["Pythonic"])

    assert set(_titles(await _search(user, "kite", feed_ids=(feed_a.id,)))) == {"main-feed-a", "linked-to-a"}
    assert _titles(await _search(user, "kite", feed_ids=(feed_b.id,))) == ["linked-to-a"]
    assert _titles(await _search(user, "kite", feed_ids=(feed_b.id + 100,))) == []
    assert _titles(await _search(user, "kite", external_tags=("PYTHON",))) == ["main-feed-a"]  # whole tag, any case
    assert set(_titles(await _search(user, "kite", external_tags=(" web ", "Rust")))) == {"main-feed-a", "linked-to-a"}
    assert _titles(await _search(user, "kite", external_tags=("", "  "))) != []  # blank tags filter nothing
    page = await _search(user, "", feed_ids=(feed_a.id,), external_tags=("rust",))
    assert _titles(page) == ["linked-to-a"] and page.total == 1


# ---------------------------------------------------------------------------------------------------------
# Order and pages.


async def test_orders_by_dates_with_fallbacks(db: Runtime) -> None:
    user = await _user()
    await _article(user, "old-but-updated", summary="kite", published_at=NOW - 9 * DAY, updated_at=NOW - DAY)
    await _article(user, "recent", summary="kite", published_at=NOW - 2 * DAY)
    await _article(user, "undated", summary="kite")  # dated by its arrival (now, the latest)
    await _article(user, "middle", summary="kite", published_at=NOW - 5 * DAY)

    published = await _search(user, "kite", order=SearchOrder.PUBLISHED)
    assert _titles(published) == ["undated", "recent", "middle", "old-but-updated"]
    updated = await _search(user, "kite", order=SearchOrder.UPDATED, direction=OrderDirection.ASC)
    assert _titles(updated) == ["middle", "recent", "old-but-updated", "undated"]
    # Without text every rank is 0: the rank order is the date order of the reading lists.
    assert _titles(await _search(user, "")) == ["undated", "old-but-updated", "recent", "middle"]


@pytest.mark.parametrize(
    ("order", "direction"),
    [
        (SearchOrder.RANK, OrderDirection.DESC),
        (SearchOrder.RANK, OrderDirection.ASC),
        (SearchOrder.PUBLISHED, OrderDirection.DESC),
        (SearchOrder.UPDATED, OrderDirection.ASC),
    ],
)
async def test_keyset_pages_cover_every_result_once(db: Runtime, order: SearchOrder, direction: OrderDirection) -> None:
    user = await _user()
    articles = [
        Article(
            user_id=user,
            url=f"https://example.org/{i}",
            title=f"kite {i}" if i % 3 == 0 else f"article {i}",  # three rank levels, many ties inside each
            summary="kite kite" if i % 3 == 1 else "kite",
            published_at=NOW - (i % 4) * DAY,  # ties on the dates too
        )
        for i in range(23)
    ]
    await Article.bulk_create(articles)
    await _article(user, "unrelated", summary="nothing")
    query = SearchQuery(text="kite", order=order, direction=direction, page_size=5)

    paged = await _all_pages(user, query)
    whole = await search_articles(user, dataclasses.replace(query, page_size=100), now=NOW)

    assert paged == [hit.card.id for hit in whole.hits]
    assert len(paged) == len(set(paged)) == 23 == whole.total


async def test_page_cursors_are_checked(db: Runtime) -> None:
    user = await _user()
    for i in range(3):
        await _article(user, f"a{i}", summary="kite")
    first = await _search(user, "kite", page_size=1)
    assert first.next_cursor is not None

    for bad in ("garbage", "rank:nan:1", "rank:inf:1", "rank:0.5:-1", "rank:0.5:x", "rank:" + "9" * 90 + ":1"):
        with pytest.raises(InvalidInput, match="cursor"):
            await _search(user, "kite", page_size=1, after=bad)
    with pytest.raises(InvalidInput, match="cursor"):  # a cursor of the rank order, given to a date order
        await _search(user, "kite", page_size=1, after=first.next_cursor, order=SearchOrder.PUBLISHED)
    second = await _search(user, "kite", page_size=1, after=first.next_cursor)
    assert _titles(second) != _titles(first)


@pytest.mark.parametrize(
    "options",
    [
        {"page_size": 0},
        {"page_size": 201},
        {"mode": "FUZZY"},
        {"order": "RANDOM"},
        {"direction": "SIDEWAYS"},
        {"feed_ids": tuple(range(1, 1002))},
        {"feed_ids": ("1; DROP TABLE article",)},
        {"feed_ids": (0,)},
        {"feed_ids": (2**63,)},
        {"external_tags": ("x",) * 1001},
    ],
)
def test_query_values_out_of_range_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput):
        SearchQuery(text="kite", **options)


def test_query_values_given_as_form_strings_are_taken() -> None:
    query = SearchQuery(mode="PHRASE", order="PUBLISHED", direction="ASC", feed_ids=("12",))  # type: ignore[arg-type]
    assert (query.mode, query.order, query.direction, query.feed_ids) == (
        SearchMode.PHRASE, SearchOrder.PUBLISHED, OrderDirection.ASC, (12,)
    )  # fmt: skip


async def test_total_is_capped(db: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    user = await _user()
    for i in range(7):
        await _article(user, f"a{i}", summary="kite")
    monkeypatch.setattr(search, "COUNT_CAP", 5)

    page = await _search(user, "kite", page_size=2)

    assert (page.total, page.total_is_capped, len(page.hits)) == (5, True, 2)


# ---------------------------------------------------------------------------------------------------------
# Snippets.


async def test_snippets_highlight_matches_and_escape_everything_else(db: Runtime) -> None:
    user = await _user()
    await _article(
        user, "html-summary", summary="<p>Le &lt;script&gt;alert(1)&lt;/script&gt; <b>zeppelin</b> &amp; co \ue000x</p>"
    )
    await _article(
        user,
        "plain-content",
        content='a < b && c > "d" <script>alert(1)</script> zeppelin <img src=x onerror=alert(1)>',
        content_type=ContentType.PLAIN,
    )
    await _article(
        user,
        "content-match",
        summary="<p>An unrelated summary.</p>",
        content='<p>Intro.</p><a title="a>b" href="https://x.example">zeppelin</a> flight',
    )
    page = await _search(user, "zeppelin")
    snippets = {hit.card.title: hit.snippet_html for hit in page.hits}

    assert snippets["html-summary"] == "Le &lt;script&gt;alert(1)&lt;/script&gt; <mark>zeppelin</mark> &amp; co x"
    assert "a &lt; b &amp;&amp; c &gt; &quot;d&quot;" in snippets["plain-content"]
    assert "<mark>zeppelin</mark> &lt;img src=x onerror=alert(1)&gt;" in snippets["plain-content"]
    assert snippets["content-match"] == "Intro. <mark>zeppelin</mark> flight"  # the summary did not match
    for snippet in snippets.values():
        assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


async def test_snippet_prefers_the_summary_and_cuts_long_texts(db: Runtime) -> None:
    user = await _user()
    await _article(user, "zeppelin", summary="<p>Nothing about it here.</p>", content="<p>Nor here.</p>")
    await _article(user, "long", content="<p>" + "zeppelin " * 5000 + "</p>")
    await _article(user, "both", summary="<p>Summary: a zeppelin.</p>", content="<p>Content: a zeppelin.</p>")
    page = await _search(user, "zeppelin")
    snippets = {hit.card.title: hit.snippet_html for hit in page.hits}

    assert snippets["zeppelin"] == "Nothing about it here."
    assert snippets["both"] == "Summary: a <mark>zeppelin</mark>."
    assert snippets["long"].startswith("<mark>zeppelin</mark> <mark>zeppelin</mark>")
    assert len(snippets["long"]) < 2000


@pytest.mark.parametrize(
    ("headline", "is_html", "expected"),
    [
        ("a \ue000b\ue001 c", False, "a <mark>b</mark> c"),
        ("a&amp;\ue000b&lt;\ue001", True, "a&amp;<mark>b&lt;</mark>"),
        ("a&amp;\ue000b\ue001", False, "a&amp;amp;<mark>b</mark>"),  # plain text shows its `&amp;` as typed
        ("&#xe000;x&#xe001;", True, "x"),  # markers smuggled as entities are dropped, never highlights
        ("  spaced\n\tout  ", False, "spaced out"),
        ("\ue000unclosed", False, "<mark>unclosed</mark>"),
        ("", True, ""),
    ],
)
def test_render_snippet(headline: str, is_html: bool, expected: str) -> None:
    assert render_snippet(headline, is_html=is_html) == expected


def test_render_snippet_is_bounded() -> None:
    snippet = render_snippet("\ue000" + "x" * 5000 + "\ue001 tail", is_html=False)
    assert snippet == "<mark>" + "x" * search.SNIPPET_MAX_CHARS + "</mark>…"


# ---------------------------------------------------------------------------------------------------------
# Hostile queries.


@pytest.mark.parametrize(
    ("text", "expected", "note"),
    [
        ('"unbalanced', ["unbalanced-quote"], ""),
        ('unbalanced"', ["unbalanced-quote"], ""),
        ('"', [], EMPTY_QUERY_NOTE),
        ("-", [], EMPTY_QUERY_NOTE),
        ("or", [], EMPTY_QUERY_NOTE),
        ("!(&|):*", [], EMPTY_QUERY_NOTE),
        ("the and of", [], EMPTY_QUERY_NOTE),
        ("😀🎉", [], EMPTY_QUERY_NOTE),
        ("\ud800", [], EMPTY_QUERY_NOTE),
        ("'\\", [], EMPTY_QUERY_NOTE),
        ("it's", [], EMPTY_QUERY_NOTE),  # "it" and "s" are stop words
        ("\x00", ["apostrophe", "zeppelin", "unbalanced-quote"], ""),  # nothing left: the filters only
        ("zepp\x00elin", [], ""),  # a NUL splits the word: "zepp" and "elin" match nothing
        ("zeppelin\x00", ["zeppelin"], ""),
        ("zeppelin -", ["zeppelin"], ""),
        ("zeppelin or", ["zeppelin"], ""),
        ("zeppelin 😀", ["zeppelin"], ""),
        ("zeppelin " + "x" * 10_000, ["zeppelin"], TRUNCATED_NOTE),
        ("zeppelin " + "and " * 3000, ["zeppelin"], TRUNCATED_NOTE),
        ("zeppelin " + " ".join(f"w{i}" for i in range(2000)), [], TRUNCATED_NOTE),
        ("w" * 10_000, [], TRUNCATED_NOTE),
        ("中" * 10_000, [], EMPTY_QUERY_NOTE),  # 1,000 characters, too many bytes for a lexeme
    ],
)
@pytest.mark.parametrize("mode", [SearchMode.WORDS, SearchMode.PHRASE])
async def test_bad_queries_never_error(
    db: Runtime, text: str, expected: list[str], note: str, mode: SearchMode
) -> None:
    user = await _user()
    await _article(user, "unbalanced-quote", summary="An unbalanced sentence.")
    await _article(user, "zeppelin", summary="A zeppelin.")
    await _article(user, "apostrophe", summary="It's here.")

    page = await _search(user, text, mode=mode)

    assert (_titles(page), page.note) == (expected, note)
    assert page.total == len(expected)


async def test_empty_text_searches_with_the_filters_only(db: Runtime) -> None:
    user = await _user()
    await _article(user, "read", read_at=NOW)
    await _article(user, "unread")
    for text in ("", "   \n\t"):
        page = await _search(user, text, filters=ListFilter(read_status=ReadStatus.ONLY_UNREAD))
        assert (_titles(page), page.note, page.hits[0].rank, page.hits[0].snippet_html) == (["unread"], "", 0.0, "")


async def test_another_users_articles_are_never_found_nor_changed(db: Runtime) -> None:
    alice, bob = await _user(), await _user("bob@example.org")
    source = await FeedSource.create(url="https://feeds.example/b", next_check_at=NOW)
    bobs_feed = await Feed.create(user_id=bob, source=source, title="Bob", feed_type=FeedType.RSS20)
    bobs_tag = await Tag.create(user_id=bob, title="Secret", slug="secret")
    bobs = await _article(bob, "bobs", summary="zeppelin", main_feed_id=bobs_feed.id, external_tags=["x"])
    await ArticleTag.create(article=bobs, tag=bobs_tag)
    await FeedArticle.create(feed=bobs_feed, article=bobs, entry_key="e")
    await _article(alice, "alices", summary="zeppelin")

    assert _titles(await _search(alice, "zeppelin")) == ["alices"]
    assert _titles(await _search(alice, "", feed_ids=(bobs_feed.id,))) == []
    assert _titles(await _search(alice, "", external_tags=("x",))) == []
    tagged = ListFilter(include_tag_ids=(bobs_tag.id,), include_operator=TagOperator.ANY)
    assert _titles(await _search(alice, "", filters=tagged)) == []
    for action in (BulkAction.MARK_AS_READ, BulkAction.MARK_AS_FAVORITE, BulkAction.MARK_AS_FOR_LATER):
        assert await bulk_update_search_results(alice, SearchQuery("zeppelin"), action, now=NOW) == 1
    assert (
        await bulk_update_search_results(alice, SearchQuery(""), BulkAction.REMOVE_TAGS, now=NOW, tags=["Secret"]) == 0
    )
    assert await bulk_update_search_results(alice, SearchQuery(""), BulkAction.ADD_TAGS, now=NOW, tags=["mine"]) == 1

    await bobs.refresh_from_db()
    assert (bobs.read_at, bobs.is_favorite, bobs.is_for_later) == (None, False, False)
    assert await ArticleTag.filter(article_id=bobs.id).values_list("tag_id", flat=True) == [bobs_tag.id]


# ---------------------------------------------------------------------------------------------------------
# Bulk actions.


async def _bulk_fixture(user: int, matching: int) -> None:
    await Article.bulk_create(
        [Article(user_id=user, url=f"https://example.org/m{i}", title=f"m{i}", summary="kite") for i in range(matching)]
        + [Article(user_id=user, url=f"https://example.org/o{i}", title=f"o{i}", summary="other") for i in range(5)]
    )


async def test_bulk_flags_apply_to_every_result_beyond_the_first_page(db: Runtime) -> None:
    user = await _user()
    await _bulk_fixture(user, 120)
    query = SearchQuery(text="kite", page_size=10)
    assert len((await search_articles(user, query, now=NOW)).hits) == 10

    for action, column, changed_value in [
        (BulkAction.MARK_AS_READ, "read_at", NOW),
        (BulkAction.MARK_AS_FAVORITE, "is_favorite", True),
        (BulkAction.MARK_AS_FOR_LATER, "is_for_later", True),
    ]:
        assert await bulk_update_search_results(user, query, action, now=NOW) == 120
        assert await bulk_update_search_results(user, query, action, now=NOW) == 0  # nothing left to change
        assert await Article.filter(user_id=user, **{column: changed_value}).count() == 120
        assert await Article.filter(user_id=user, summary="other", **{column: changed_value}).count() == 0

    read_later = SearchQuery(text="kite", filters=ListFilter(read_status=ReadStatus.ONLY_READ))
    assert await bulk_update_search_results(user, read_later, BulkAction.MARK_AS_UNREAD, now=NOW) == 120
    assert await bulk_update_search_results(user, query, BulkAction.UNMARK_AS_FAVORITE, now=NOW) == 120
    assert await bulk_update_search_results(user, query, BulkAction.UNMARK_AS_FOR_LATER, now=NOW) == 120
    assert await Article.filter(user_id=user, read_at__isnull=False).count() == 0
    assert await Article.filter(user_id=user, is_favorite=True).count() == 0


async def test_bulk_read_keeps_the_first_read_date(db: Runtime) -> None:
    user = await _user()
    early = await _article(user, "early", summary="kite", read_at=NOW - DAY)
    await _article(user, "fresh", summary="kite")

    assert await bulk_update_search_results(user, SearchQuery("kite"), BulkAction.MARK_AS_READ, now=NOW) == 1
    await early.refresh_from_db()
    assert early.read_at == NOW - DAY


async def test_bulk_tags(db: Runtime) -> None:
    user = await _user()
    await _bulk_fixture(user, 60)
    await Tag.create(user_id=user, title="Existing", slug="existing")
    query = SearchQuery(text="kite", page_size=5)

    assert (
        await bulk_update_search_results(user, query, BulkAction.ADD_TAGS, now=NOW, tags=["Existing", "Brand new"])
        == 60
    )
    assert await bulk_update_search_results(user, query, BulkAction.ADD_TAGS, now=NOW, tags=["brand-new"]) == 0
    assert [tag.slug for tag in await Tag.filter(user_id=user).order_by("slug")] == ["brand-new", "existing"]
    assert await ArticleTag.filter(article__summary="kite").count() == 120
    assert await ArticleTag.filter(article__summary="other").count() == 0

    assert await bulk_update_search_results(user, query, BulkAction.REMOVE_TAGS, now=NOW, tags=["BRAND NEW"]) == 60
    assert await bulk_update_search_results(user, query, BulkAction.REMOVE_TAGS, now=NOW, tags=["unknown"]) == 0
    assert await Tag.filter(user_id=user, slug="unknown").count() == 0  # removing never creates
    assert await ArticleTag.filter(article__summary="kite").count() == 60


@pytest.mark.parametrize(
    ("action", "tags", "message"),
    [
        ("DELETE_EVERYTHING", (), "unknown bulk action"),
        (BulkAction.MARK_AS_READ, ("x",), "takes no tags"),
        (BulkAction.ADD_TAGS, (), "at least one tag"),
        (BulkAction.REMOVE_TAGS, ("  ", "\t"), "at least one tag"),
        (BulkAction.ADD_TAGS, tuple(f"t{i}" for i in range(1001)), "at most"),
    ],
)
async def test_bulk_refuses_bad_input_and_changes_nothing(
    db: Runtime, action: str, tags: tuple[str, ...], message: str
) -> None:
    user = await _user()
    await _bulk_fixture(user, 3)
    with pytest.raises(InvalidInput, match=message):
        await bulk_update_search_results(user, SearchQuery("kite"), action, now=NOW, tags=tags)  # type: ignore[arg-type]
    assert await Article.filter(user_id=user, read_at__isnull=False).count() == 0
    assert await Tag.filter(user_id=user).count() == 0


@pytest.mark.parametrize("text", ["the and of", '"', "😀"])
async def test_bulk_on_an_empty_tsquery_changes_nothing(db: Runtime, text: str) -> None:
    user = await _user()
    await _bulk_fixture(user, 3)
    assert await bulk_update_search_results(user, SearchQuery(text), BulkAction.MARK_AS_READ, now=NOW) == 0
    assert await Article.filter(user_id=user, read_at__isnull=False).count() == 0


# ---------------------------------------------------------------------------------------------------------
# Query count.


async def _queries_of_a_search(caplog: pytest.LogCaptureFixture, user: int, query: SearchQuery) -> int:
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        page = await search_articles(user, query, now=NOW)
    assert page.hits
    return len([record for record in caplog.records if record.name == "tortoise.db_client"])


async def test_the_number_of_queries_does_not_grow_with_the_results(
    db: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    counts = []
    for size, email in ((10, "small@example.org"), (200, "large@example.org")):
        user = await _user(email)
        tags = [await Tag.create(user_id=user, title=f"T{i}", slug=f"t{i}") for i in range(3)]
        await _bulk_fixture(user, size)
        ids = await Article.filter(user_id=user).values_list("id", flat=True)
        await ArticleTag.bulk_create([ArticleTag(article_id=i, tag_id=tag.id) for i in ids for tag in tags])
        query = SearchQuery(
            text="kite",
            page_size=200,
            filters=ListFilter(include_tag_ids=(tags[0].id,), read_status=ReadStatus.ONLY_UNREAD),
        )
        page = await search_articles(user, query, now=NOW)
        assert len(page.hits) == size and all(len(hit.card.tags) == 3 for hit in page.hits)
        counts.append(await _queries_of_a_search(caplog, user, query))

    assert counts == [3, 3]  # count, page with snippets, tags of the page
