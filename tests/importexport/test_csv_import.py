"""The custom CSV importer on the database: the Django system's export, merges, concurrency, resumption,
hostile and broken files."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Awaitable, Iterable
from pathlib import Path
from typing import Any

import pytest
from tortoise.backends.base.client import BaseDBAsyncClient

from legadilo.core.errors import InvalidInput
from legadilo.feeds.models import Feed, FeedArticle, FeedCategory, FeedSource, FeedUpdate
from legadilo.importexport import csv_import
from legadilo.importexport.csv_format import CSV_HEADER_FIELDS
from legadilo.importexport.csv_import import import_csv
from legadilo.importexport.reports import ImportReport, Rejected
from legadilo.reading.models import Article, ArticlesGroup, ArticleTag, Comment, ContentType, SourceType, Tag
from legadilo.runtime import Runtime
from legadilo.signup.services import register_user
from tests.conftest import TEST_PASSWORD

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "csv"
DJANGO_EXPORT = FIXTURES / "django_export.csv"


async def new_user(email: str = "alice@example.org") -> int:
    user_id: int = (await register_user(email, TEST_PASSWORD)).id
    return user_id


def csv_text(rows: list[dict[str, str]], header: tuple[str, ...] = CSV_HEADER_FIELDS) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, header)
    writer.writeheader()
    writer.writerows([{name: row.get(name, "") for name in header} for row in rows])
    return buffer.getvalue()


def csv_bytes(rows: list[dict[str, str]], encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(csv_text(rows).encode(encoding))


def article(number: int, **cells: str) -> dict[str, str]:
    return {
        "article_id": str(number),
        "article_title": f"Article {number}",
        "article_url": f"https://example.org/{number}",
        **cells,
    }


async def import_file(rt: Runtime, user_id: int, path: Path = DJANGO_EXPORT, **options: Any) -> ImportReport:
    with path.open("rb") as source:
        return await import_csv(rt, user_id, source, **options)


async def strings(query: Awaitable[Iterable[Any]]) -> list[str]:
    return [str(value) for value in await query]


async def snapshot(user_id: int) -> dict[str, Any]:
    """Everything an import writes for a user, without ids."""
    articles = await Article.filter(user_id=user_id).order_by("url").prefetch_related("main_feed", "group")
    return {
        "articles": [
            (
                a.url,
                a.title,
                a.content,
                a.summary,
                a.read_at,
                a.is_favorite,
                a.external_article_id,
                a.group.title if a.group else None,
                a.main_feed.title if a.main_feed else None,
                sorted(await Tag.filter(article_tags__article_id=a.id).values_list("title", flat=True)),
                list(await Comment.filter(article_id=a.id).order_by("id").values_list("text", flat=True)),
            )
            for a in articles
        ],
        "group_orders": {
            group.title: list(
                await Article.filter(group_id=group.id).order_by("group_order").values_list("url", flat=True)
            )
            for group in await ArticlesGroup.filter(user_id=user_id)
        },
        "tags": sorted(await Tag.filter(user_id=user_id).values_list("title", flat=True)),
        "categories": sorted(await FeedCategory.filter(user_id=user_id).values_list("title", flat=True)),
        "feeds": sorted(await Feed.filter(user_id=user_id).values_list("title", flat=True)),
        "links": await FeedArticle.filter(feed__user_id=user_id).count(),
    }


async def test_the_django_export_is_imported_with_every_column(db: Runtime) -> None:
    user_id = await new_user()

    report = await import_file(db, user_id)

    assert report.created == {"categories": 2, "feeds": 2, "articles": 3, "tags": 3, "groups": 1, "comments": 2}
    assert (report.rows_done, report.invalid, report.skipped, report.rejected) == (7, 0, 0, 0 * [])
    assert report.bytes_read == DJANGO_EXPORT.stat().st_size
    feed = await Feed.get(user_id=user_id, title="Example Feed").prefetch_related("category", "source")
    assert feed.category is not None and feed.category.title == "Tech"
    assert (feed.source.url, feed.site_url) == ("https://example.org/feed.xml", "https://example.org/")
    assert feed.source.next_check_at <= db.clock.now()  # due at once, never fetched at import
    assert await FeedUpdate.all().count() == 0
    assert (await Feed.get(title="Other")).category_id is None  # type: ignore[attr-defined]
    assert await FeedCategory.filter(user_id=user_id, title="News").exists()

    first = await Article.get(url="https://example.org/posts/1")
    assert first.title == "First post"
    assert "<script" not in first.content and "onerror" not in first.content and "alert" not in first.content
    assert '<h1 id="intro">Intro</h1>' in first.content and 'src="https://example.org/img.png"' in first.content
    assert first.table_of_content == [{"id": "intro", "text": "Intro", "level": 1, "children": []}]
    assert first.summary.startswith('<h1 id="intro">Intro</h1>') and "img" not in first.summary
    assert (first.published_at.isoformat(), first.updated_at.isoformat(), first.read_at.isoformat()) == (  # type: ignore[union-attr]
        "2024-06-23T12:00:00+00:00",
        "2024-06-24T08:30:00+00:00",
        "2024-06-25T10:00:00+00:00",
    )
    assert first.is_favorite and first.language == "en" and first.authors == ["Ann Author"]
    assert (first.external_article_id, first.main_source_type, first.main_source_title) == (
        "custom_csv:10",
        SourceType.FEED,
        "Example Feed",
    )
    assert first.main_feed_id == feed.id  # type: ignore[attr-defined]
    assert await FeedArticle.filter(feed_id=feed.id).count() == 2

    second = await Article.get(url="https://example.org/posts/2")
    assert (second.content, second.content_type) == ("Plain text\nover three\nlines with <tags>", ContentType.PLAIN)
    assert second.read_at is None and not second.is_favorite and second.updated_at is None

    saved = await Article.get(url="https://blog.example.com/x")
    assert (saved.main_source_type, saved.main_source_title, saved.main_feed_id) == (  # type: ignore[attr-defined]
        SourceType.MANUAL,
        "blog.example.com",
        None,
    )

    state = await snapshot(user_id)
    assert state["tags"] == ["Python", "Series", "Web"]  # "python" is the same tag as "Python"
    assert [row[9] for row in state["articles"]] == [[], ["Python", "Web"], ["Python"]]
    assert [row[10] for row in state["articles"]] == [[], ["Great read", "Second *comment*"], []]
    assert state["group_orders"] == {"Python series": ["https://example.org/posts/1", "https://example.org/posts/2"]}
    group = await ArticlesGroup.get(user_id=user_id)
    assert group.description == "<p>All about <em>Python</em></p>"
    assert [t.title for t in await Tag.filter(articles_group_tags__articles_group_id=group.id)] == ["Series"]


async def test_importing_the_same_file_again_creates_nothing(db: Runtime) -> None:
    user_id = await new_user()
    await import_file(db, user_id)
    before = await snapshot(user_id)
    rows = (await Comment.all().count(), await ArticleTag.all().count(), await FeedSource.all().count())

    again = await import_file(db, user_id)

    assert again.created == {} and again.updated == 0
    assert [(r.line, r.reason) for r in again.rejected] == [(4, "already subscribed"), (5, "already subscribed")]
    assert await snapshot(user_id) == before
    assert (await Comment.all().count(), await ArticleTag.all().count(), await FeedSource.all().count()) == rows


async def test_two_imports_of_the_same_file_at_once_leave_one_copy(db: Runtime) -> None:
    alone = await new_user("alone@example.org")
    await import_file(db, alone)
    user_id = await new_user()

    first, second = await asyncio.gather(import_file(db, user_id), import_file(db, user_id))

    assert first.created.get("articles", 0) + second.created.get("articles", 0) == 3
    assert first.created.get("comments", 0) + second.created.get("comments", 0) == 2
    expected = await snapshot(alone)
    assert await snapshot(user_id) == expected
    assert await Article.filter(user_id=user_id).count() == 3
    assert await ArticlesGroup.filter(user_id=user_id).count() == 1
    assert await Comment.filter(article__user_id=user_id).count() == 2


async def test_a_batch_rolled_back_to_break_a_deadlock_is_written_again_and_counted_once(
    db: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_id = await new_user()
    original = csv_import._CsvImport.save
    calls = 0

    async def save_then_lose_a_deadlock(self: Any, connection: BaseDBAsyncClient, *args: Any) -> None:
        """The first attempt writes everything, then PostgreSQL aborts it (SQLSTATE 40P01)."""
        nonlocal calls
        calls += 1
        await original(self, connection, *args)
        if calls == 1:
            await connection.execute_query(
                "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '40P01', MESSAGE = 'deadlock detected'; END $$"
            )

    monkeypatch.setattr(csv_import._CsvImport, "save", save_then_lose_a_deadlock)
    report = await import_file(db, user_id)
    monkeypatch.undo()

    alone = await new_user("alone@example.org")
    expected = await import_file(db, alone)
    assert calls == 2
    assert report.as_dict() == expected.as_dict()  # nothing of the aborted attempt counted
    assert report.created["articles"] == 3
    assert await snapshot(user_id) == await snapshot(alone)


def big_file(count: int) -> bytes:
    rows = [{"category_title": "Cat", "feed_title": "Feed", "feed_url": "https://example.org/feed"}]
    for number in range(1, count + 1):
        rows.append(
            article(
                number % (count - 5) + 1,  # the last URLs come back: merged, never duplicated
                article_content=f"<h2>Part {number}</h2><p>text {number}</p>",
                article_tags=json.dumps([f"tag{number % 7}"]),
                article_comments=json.dumps([f"comment {number}"]),
                article_is_favorite="True" if number % 3 == 0 else "False",
                article_read_at="2024-01-01T00:00:00+00:00" if number % 4 == 0 else "",
                group_title=f"Group {number % 2}",
                feed_url="https://example.org/feed",
                category_title="Cat",
            )
        )
    rows.insert(40, {"article_url": "not a url", "article_title": "bad"})
    return csv_text(rows).encode()


async def test_an_interrupted_import_resumed_gives_the_same_result_as_one_run(
    db: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_import, "BATCH_RECORDS", 40)
    data = big_file(130)
    straight = await new_user("straight@example.org")
    straight_report = await import_csv(db, straight, io.BytesIO(data))
    user_id = await new_user()
    stored: list[dict[str, Any]] = []
    progress: list[int] = []

    async def crash_on_third_batch(connection: BaseDBAsyncClient, report: ImportReport) -> None:
        if len(stored) == 2:
            raise RuntimeError("killed")
        stored.append(json.loads(json.dumps(report.as_dict())))

    with pytest.raises(RuntimeError, match="killed"):
        await import_csv(db, user_id, io.BytesIO(data), checkpoint=crash_on_third_batch)
    saved = stored[-1]
    assert saved["rows_done"] == 80
    assert await Article.filter(user_id=user_id).count() == 78  # 80 records: a feed, an invalid row, 78 articles
    resumed = await import_csv(
        db,
        user_id,
        io.BytesIO(data),
        resume_after=saved["rows_done"],
        report=ImportReport.from_dict(saved),
        on_progress=lambda report: progress.append(report.rows_done),
    )

    assert await snapshot(user_id) == await snapshot(straight)
    assert resumed.as_dict() == straight_report.as_dict()
    assert resumed.rows_done == 132 and progress == [120, 132]
    assert resumed.rejected == [Rejected(42, "not a url", "article_url: not an http(s) URL")]


async def test_records_up_to_resume_after_are_read_but_not_written(db: Runtime) -> None:
    user_id = await new_user()
    data = csv_bytes([article(1), article(2), article(3, article_url="bad"), article(4)])

    report = await import_csv(db, user_id, data, resume_after=3, report=ImportReport(kind="csv", rows_done=3))

    assert await strings(Article.filter(user_id=user_id).values_list("url", flat=True)) == ["https://example.org/4"]
    assert (report.rows_done, report.created, report.invalid) == (4, {"articles": 1}, 0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty: expected a CSV header with the Legadilo columns"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a Legadilo CSV file: the header lacks the column(s) group_id,"),
        (b"url,title\nhttps://example.org,x\n", "not a Legadilo CSV file: the header lacks the column(s) group_id,"),
        (
            csv_text(
                [article(1)], tuple(f for f in CSV_HEADER_FIELDS if f not in {"group_tags", "article_comments"})
            ).encode(),
            "not a Legadilo CSV file: the header lacks the column(s) group_tags, article_comments",
        ),
    ],
)
async def test_a_file_that_is_not_the_format_writes_nothing(db: Runtime, data: bytes, message: str) -> None:
    user_id = await new_user()

    with pytest.raises(InvalidInput) as error:
        await import_csv(db, user_id, io.BytesIO(data))

    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)
    assert await Article.all().count() == await Feed.all().count() == await FeedCategory.all().count() == 0


async def test_extra_columns_and_any_column_order_are_accepted(db: Runtime) -> None:
    user_id = await new_user()
    header = ("row_number", *reversed(CSV_HEADER_FIELDS))
    data = csv_text([{"row_number": "1", **article(1)}], header).encode()

    report = await import_csv(db, user_id, io.BytesIO(data))

    assert report.created == {"articles": 1}
    assert (await Article.get(user_id=user_id)).external_article_id == "custom_csv:1"


async def test_bad_cells_reject_their_row_with_line_and_reason_and_the_rest_goes_on(db: Runtime) -> None:
    user_id = await new_user()
    text = csv_text(
        [
            article(1, article_content="multi\nline\ncontent"),  # lines 2-4
            article(2, article_url="javascript:alert(1)"),
            article(3, article_read_at="yesterday"),
            article(4, article_date_published="2024-13-45"),
            article(5, article_is_favorite="maybe"),
            article(6, article_tags='{"not": "a list"}'),
            article(7, article_authors="[1, 2]"),
            article(8, article_comments="not json"),
            article(9, article_content_type="image/png"),
            {"article_title": "no url"},
            {"feed_url": "ftp://example.org/feed", "feed_title": "FTP"},
            article(10, feed_url="javascript:x"),
            article(11, article_url="https://example.org/" + "x" * 1100),
            article(12),
        ]
    )
    text += "too,few,cells\r\n" + csv_text([article(13)]).split("\r\n", 1)[1]

    report = await import_csv(db, user_id, io.BytesIO(text.encode()))

    assert [(r.line, r.reason) for r in report.rejected] == [
        (5, "article_url: not an http(s) URL"),
        (6, "article_read_at: not an ISO 8601 date ('yesterday')"),
        (7, "article_date_published: not an ISO 8601 date ('2024-13-45')"),
        (8, "article_is_favorite: not a boolean (True or False, got 'maybe')"),
        (9, "article_tags: not a JSON list of strings"),
        (10, "article_authors: not a JSON list of strings"),
        (11, "article_comments: not a JSON list of strings"),
        (12, "article_content_type: not one of application/xhtml+xml, text/html, text/plain"),
        (13, "article_url: missing"),
        (14, "feed_url: not an http(s) URL (scheme 'ftp')"),
        (15, "feed_url: not an http(s) URL (scheme 'javascript')"),
        (16, "article_url: not an absolute http(s) URL of at most 1024 characters"),
        (18, "3 cells where the header has 23"),
    ]
    assert report.invalid == 13 and report.rows_done == 16
    urls = set(await strings(Article.filter(user_id=user_id).values_list("url", flat=True)))
    assert urls == {"https://example.org/1", "https://example.org/12", "https://example.org/13"}
    assert await Feed.all().count() == 0


async def test_duplicate_feed_rows_are_skipped_with_the_first_line(db: Runtime) -> None:
    user_id = await new_user()
    feed = {"feed_url": "https://example.org/feed", "feed_title": "Feed"}

    report = await import_csv(db, user_id, csv_bytes([feed, {**feed, "feed_title": "Again"}]))

    assert report.rejected == [Rejected(3, "https://example.org/feed", "duplicate of line 2")]
    assert [f.title for f in await Feed.filter(user_id=user_id)] == ["Feed"]


async def test_a_ten_megabyte_cell_is_imported(db: Runtime) -> None:
    user_id = await new_user()
    content = ("<p>" + "word " * 100 + "</p>") * 20_000  # 10 MB

    report = await import_csv(db, user_id, csv_bytes([article(1, article_content=content)]))

    assert report.created == {"articles": 1}
    stored = await Article.get(user_id=user_id)
    assert stored.content == content
    assert stored.reading_time == 2_000_000 // 200


async def test_a_ten_megabyte_paragraph_is_imported_whole(db: Runtime) -> None:
    """One text node over libxml2's default 10,000,000-character limit (it used to come out empty)."""
    user_id = await new_user()
    content = "<p>" + "word " * 2_100_000 + "</p>"  # 10.5 MB in one text node

    report = await import_csv(db, user_id, csv_bytes([article(1, article_content=content)]))

    assert report.created == {"articles": 1}
    stored = await Article.get(user_id=user_id)
    assert stored.content == content
    assert stored.reading_time == 2_100_000 // 200


async def test_nul_bytes_are_removed_with_a_note(db: Runtime) -> None:
    user_id = await new_user()
    data = csv_text([article(1, article_title="Nul\x00title", article_comments='["a\x00b"]')]).encode()

    report = await import_csv(db, user_id, io.BytesIO(data))

    stored = await Article.get(user_id=user_id)
    assert stored.title == "Nultitle"
    assert await strings(Comment.filter(article_id=stored.id).values_list("text", flat=True)) == ["ab"]
    assert report.notes == ["NUL characters were removed from the cells (PostgreSQL text cannot hold them)"]


@pytest.mark.parametrize(
    ("encoding", "prefix", "note"),
    [
        ("utf-8", b"", None),
        ("utf-8", b"\xef\xbb\xbf", None),
        ("utf-16", b"", None),  # Python writes a byte order mark
        ("utf-16-be", b"\xfe\xff", None),
        ("utf-16-le", b"", "no byte order mark but NUL bytes every other byte: read as UTF-16-LE"),
        ("cp1252", b"", "the file is not UTF-8: read as Windows-1252 (Latin-1)"),
    ],
)
async def test_encodings(db: Runtime, encoding: str, prefix: bytes, note: str | None) -> None:
    user_id = await new_user()
    rows = [article(n) for n in range(1, 2000)] + [article(2000, article_title="Café “quoted” œuvre")]
    data = prefix + csv_text(rows).encode(encoding)

    report = await import_csv(db, user_id, io.BytesIO(data))

    assert report.created == {"articles": 2000}
    assert (await Article.get(url="https://example.org/2000")).title == "Café “quoted” œuvre"
    assert report.notes == ([note] if note else [])


async def test_corrupt_bytes_in_a_utf8_file_are_replaced_with_a_note(db: Runtime) -> None:
    user_id = await new_user()
    data = csv_text([article(1, article_title="Crème"), article(2, article_title="BAD")]).encode()
    data = data.replace(b"BAD", b"B\xffD")

    report = await import_csv(db, user_id, io.BytesIO(data))

    assert (await Article.get(url="https://example.org/1")).title == "Crème"
    assert (await Article.get(url="https://example.org/2")).title == "B\ufffdD"
    assert report.notes == ["bytes that are not UTF-8 were replaced by U+FFFD (the file is partly corrupt)"]


async def test_a_truncated_file_keeps_what_came_before_and_says_where_it_stopped(db: Runtime) -> None:
    user_id = await new_user()
    data = DJANGO_EXPORT.read_bytes()
    cut = data[: data.index(b"over three")]  # in the middle of the multi-line cell of the record at line 7

    with pytest.raises(InvalidInput) as error:
        await import_csv(db, user_id, io.BytesIO(cut))

    assert str(error.value) == (
        "line 7: the file ends in the middle of this record (truncated?); the 5 records before it were processed"
    )
    assert await strings(Article.filter(user_id=user_id).values_list("url", flat=True)) == [
        "https://example.org/posts/1"
    ]
    assert await Feed.filter(user_id=user_id).count() == 2


async def test_another_users_data_is_untouched(db: Runtime) -> None:
    other = await new_user("bob@example.org")
    await import_csv(
        db, other, csv_bytes([article(1, article_title="Bob's", article_tags='["Mine"]', article_content="<p>bob</p>")])
    )
    before = await snapshot(other)
    user_id = await new_user()

    await import_csv(
        db,
        user_id,
        csv_bytes(
            [
                article(
                    1,
                    article_title="Alice's",
                    article_tags='["Mine"]',
                    article_is_favorite="True",
                    article_date_updated="2030-01-01",
                )
            ]
        ),
    )

    assert await snapshot(other) == before
    assert (await Article.get(user_id=user_id)).title == "Alice's"


async def test_empty_none_and_null_cells_mean_no_value_and_empty_rows_are_skipped(db: Runtime) -> None:
    user_id = await new_user()
    text = csv_text(
        [
            article(1, article_read_at="None", article_is_favorite="null", article_tags="null", article_authors=""),
            {},
            article(2, article_is_favorite="yes", article_read_at="2024-05-01 10:00:00"),
        ]
    )

    report = await import_csv(db, user_id, io.BytesIO(text.encode()))

    assert report.rejected == [Rejected(3, "", "empty row")] and report.invalid == 0
    first, second = await Article.filter(user_id=user_id).order_by("url")
    assert (first.read_at, first.is_favorite, first.authors) == (None, False, [])
    assert (
        second.is_favorite and second.read_at is not None and second.read_at.isoformat() == "2024-05-01T10:00:00+00:00"
    )
