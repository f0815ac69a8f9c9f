"""The Wallabag importer on the database: mapping, merges, invalid entries, broken and resumed files."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from tortoise.backends.base.client import BaseDBAsyncClient

from legadilo.core.errors import InvalidInput
from legadilo.importexport import wallabag
from legadilo.importexport.csv_import import import_csv
from legadilo.importexport.reports import ImportReport
from legadilo.importexport.wallabag import import_wallabag
from legadilo.reading.models import Article, SourceType, Tag
from legadilo.runtime import Runtime
from tests.importexport.test_csv_import import article, csv_bytes, new_user, snapshot

EXPORT = Path(__file__).resolve().parents[1] / "fixtures" / "wallabag" / "export.json"


def entry(number: int, **fields: Any) -> dict[str, Any]:
    return {
        "id": number,
        "url": f"https://example.org/{number}",
        "title": f"Entry {number}",
        "content": f"<p>content {number}</p>",
        "is_archived": number % 2,
        "is_starred": 0,
        "tags": [f"tag{number % 3}"],
        "created_at": "2025-01-01T00:00:00+00:00",
        "updated_at": "2025-01-02T00:00:00+00:00",
        **fields,
    }


def json_file(entries: list[Any]) -> io.BytesIO:
    return io.BytesIO(json.dumps(entries, indent=1).encode())


async def tag_titles(article: Article) -> list[str]:
    return sorted(str(t) for t in await Tag.filter(article_tags__article_id=article.id).values_list("title", flat=True))


async def test_an_export_is_imported_with_every_field(db: Runtime) -> None:
    user_id = await new_user()

    with EXPORT.open("rb") as source:
        report = await import_wallabag(db, user_id, source)

    assert report.created == {"articles": 3, "tags": 3}
    assert (report.rows_done, report.invalid, report.bytes_read) == (3, 0, EXPORT.stat().st_size)
    first = await Article.get(url="https://realpython.example/primer-on-python-decorators/")
    assert first.title == "Understanding Python Decorators"
    assert "<script" not in first.content and "onerror" not in first.content
    assert 'src="https://realpython.example/hero.png"' in first.content
    assert first.table_of_content == [{"id": "decorators", "text": "Decorators", "level": 2, "children": []}]
    assert first.read_at == datetime(2025, 3, 20, 14, 22, 10, tzinfo=UTC)  # archived → read when archived
    assert first.is_favorite  # starred
    assert (first.published_at, first.updated_at) == (
        datetime(2024, 11, 1, tzinfo=UTC),
        datetime(2025, 3, 21, 8, tzinfo=UTC),
    )
    assert first.authors == ["Real Python", "Geir Arne"]
    assert (first.language, first.main_source_title, first.main_source_type) == (
        "en-us",
        "realpython.example",
        SourceType.MANUAL,
    )
    assert first.preview_picture_url == "https://realpython.example/images/decorators-hero.jpg"
    assert first.external_article_id == "wallabag:2847"
    annotation: Any = first.annotations[0]
    assert annotation["quote"] == "a simple syntax" and annotation["ranges"][0]["endOffset"] == 27
    assert await tag_titles(first) == ["programming", "python"]

    second = await Article.get(url="https://stateofcss.example/en-US/")
    assert (second.title, second.content, second.read_at, second.is_favorite) == ("The State of CSS", "", None, False)
    assert second.reading_time == 8  # no content to measure: Wallabag's figure
    assert second.published_at == datetime(2025, 6, 28, 14, 45, 12, tzinfo=UTC)  # created_at, in UTC
    assert await tag_titles(second) == ["CSS", "python"]  # "Python" is the tag "python" made by the first entry

    third = await Article.get(url="https://news.example.com/item?id=39012345")
    assert (third.title, third.main_source_title) == ("news.example.com", "news.example.com")
    assert third.read_at == datetime(2025, 6, 10, 22, 15, 44, tzinfo=UTC)  # archived without archived_at


async def test_importing_the_same_export_again_creates_nothing(db: Runtime) -> None:
    user_id = await new_user()
    with EXPORT.open("rb") as source:
        await import_wallabag(db, user_id, source)
    before = await snapshot(user_id)
    annotations = (await Article.get(url="https://realpython.example/primer-on-python-decorators/")).annotations

    with EXPORT.open("rb") as source:
        again = await import_wallabag(db, user_id, source)

    assert again.created == {} and again.updated == 0
    assert await snapshot(user_id) == before
    assert (await Article.get(url="https://realpython.example/primer-on-python-decorators/")).annotations == annotations


async def test_wallabag_merges_into_articles_imported_from_csv(db: Runtime) -> None:
    user_id = await new_user()
    csv_row = article(1, article_tags='["From CSV"]', article_read_at="2024-01-01T00:00:00+00:00")
    await import_csv(db, user_id, csv_bytes([csv_row]))

    report = await import_wallabag(
        db, user_id, json_file([entry(1, is_archived=0, is_starred=1, tags=["From Wallabag"])])
    )

    assert report.created == {"tags": 1} and report.updated == 1
    merged = await Article.get(user_id=user_id)
    assert merged.read_at == datetime(2024, 1, 1, tzinfo=UTC)  # not archived in Wallabag: stays read
    assert merged.is_favorite
    assert merged.external_article_id == "custom_csv:1"
    assert await tag_titles(merged) == ["From CSV", "From Wallabag"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty: expected a Wallabag export (a JSON array of entries)"),
        (b"   \n", "the file is empty: expected a Wallabag export (a JSON array of entries)"),
        (
            b"url,title\nhttps://example.org,x\n",
            "not a Wallabag export: expected a JSON array of entries, the file starts with 'u'",
        ),
        (b'{"entries": []}', "not a Wallabag export: expected a JSON array of entries, the file starts with '{'"),
        (
            b"\x89PNG\r\n\x1a\n",
            "not a Wallabag export: expected a JSON array of entries, the file starts with '\ufffd'",
        ),
        (
            b"[{]",
            "entry 1: invalid JSON (invalid object key (must be a string)); the 0 entries before it were processed",
        ),
        (
            b'[{"url": "https://example.org/1"',
            "entry 1: the file ends in the middle of this entry (truncated?); the 0 entries before it were processed",
        ),
    ],
)
async def test_a_file_that_is_not_a_json_array_writes_nothing(db: Runtime, data: bytes, message: str) -> None:
    user_id = await new_user()

    with pytest.raises(InvalidInput) as error:
        await import_wallabag(db, user_id, io.BytesIO(data))

    assert str(error.value) == message
    assert await Article.all().count() == 0


async def test_invalid_entries_are_rejected_with_their_number_and_the_rest_is_imported(db: Runtime) -> None:
    user_id = await new_user()
    entries: list[Any] = [
        entry(1),
        {key: value for key, value in entry(2).items() if key != "url"},
        entry(3, url="javascript:alert(1)"),
        entry(4, is_archived="yes"),
        entry(5, tags=5),
        entry(6, created_at=123),
        entry(7, updated_at="last tuesday"),
        entry(8, id=[1]),
        entry(9, title={"a": 1}),
        entry(10, published_by=[1]),
        entry(11, annotations="none"),
        entry(12, reading_time=-3),
        "https://example.org/13",
        entry(14, tags=[{"id": 1}]),
        entry(15, url="https://example.org/" + "x" * 1100),
        entry(16),
    ]

    report = await import_wallabag(db, user_id, json_file(entries))

    assert [(r.line, r.reason) for r in report.rejected] == [
        (2, "url: missing"),
        (3, "url: not an http(s) URL"),
        (4, "is_archived: not a boolean (0 or 1)"),
        (5, "tags: not a list of strings or {label} objects"),
        (6, "created_at: not a date"),
        (7, "updated_at: not a date ('last tuesday')"),
        (8, "id: not an integer"),
        (9, "title: not a string"),
        (10, "published_by: not a list of strings"),
        (11, "annotations: not a list"),
        (12, "reading_time: not a number of minutes"),
        (13, "not a JSON object"),
        (14, "tags: not a list of strings or {label} objects"),
        (15, "url: not an absolute http(s) URL of at most 1024 characters"),
    ]
    assert report.rejected[1].url == "javascript:alert(1)"
    imported = await Article.filter(user_id=user_id).values_list("external_article_id", flat=True)
    assert sorted(str(external_id) for external_id in imported) == ["wallabag:1", "wallabag:16"]


async def test_a_truncated_export_keeps_the_batches_before_and_says_where_it_stopped(
    db: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wallabag, "BATCH_ENTRIES", 2)
    user_id = await new_user()
    data = json.dumps([entry(n) for n in range(1, 6)]).encode()
    cut = data[: data.index(b'"https://example.org/5"') + 10]

    with pytest.raises(InvalidInput) as error:
        await import_wallabag(db, user_id, io.BytesIO(cut))

    assert str(error.value) == (
        "entry 5: the file ends in the middle of this entry (truncated?); the 4 entries before it were processed"
    )
    assert await Article.filter(user_id=user_id).count() == 4


async def test_garbage_in_the_middle_stops_there_and_keeps_what_came_before(db: Runtime) -> None:
    user_id = await new_user()
    data = json.dumps([entry(1), entry(2)]).encode().replace(b"}, {", b"} {")

    with pytest.raises(InvalidInput) as error:
        await import_wallabag(db, user_id, io.BytesIO(data))

    assert str(error.value) == (
        "entry 2: invalid JSON (after array element, I expect ',' or ']'); the 1 entries before it were processed"
    )
    assert await Article.filter(user_id=user_id).count() == 1


async def test_an_interrupted_import_resumed_gives_the_same_result_as_one_run(
    db: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wallabag, "BATCH_ENTRIES", 10)
    entries: list[Any] = [entry(n, annotations=[{"text": f"note {n}"}]) for n in range(1, 36)]
    entries[12] = {"title": "no url"}
    data = json.dumps(entries).encode()
    straight = await new_user("straight@example.org")
    straight_report = await import_wallabag(db, straight, io.BytesIO(data))
    user_id = await new_user()
    stored: list[dict[str, Any]] = []

    async def crash_on_second_batch(connection: BaseDBAsyncClient, report: ImportReport) -> None:
        if stored:
            raise RuntimeError("killed")
        stored.append(json.loads(json.dumps(report.as_dict())))

    with pytest.raises(RuntimeError, match="killed"):
        await import_wallabag(db, user_id, io.BytesIO(data), checkpoint=crash_on_second_batch)
    assert await Article.filter(user_id=user_id).count() == 10
    resumed = await import_wallabag(
        db, user_id, io.BytesIO(data), resume_after=stored[0]["rows_done"], report=ImportReport.from_dict(stored[0])
    )

    assert await snapshot(user_id) == await snapshot(straight)
    assert resumed.as_dict() == straight_report.as_dict()
    assert resumed.rows_done == 35 and resumed.invalid == 1


@pytest.mark.parametrize(("encoding", "prefix"), [("utf-8", b"\xef\xbb\xbf"), ("utf-16", b"")])
async def test_a_byte_order_mark_and_utf16_are_read(db: Runtime, encoding: str, prefix: bytes) -> None:
    user_id = await new_user()
    data = prefix + json.dumps([entry(1, title="Crème brûlée")], ensure_ascii=False).encode(encoding)

    report = await import_wallabag(db, user_id, io.BytesIO(data))

    assert report.created["articles"] == 1
    assert (await Article.get(user_id=user_id)).title == "Crème brûlée"


async def test_nul_characters_and_another_users_data(db: Runtime) -> None:
    other = await new_user("bob@example.org")
    await import_wallabag(db, other, json_file([entry(1, title="Bob's", tags=["mine"])]))
    before = await snapshot(other)
    user_id = await new_user()

    report = await import_wallabag(
        db, user_id, json_file([entry(1, title="Nul\u0000", annotations=[{"text": "a\u0000b"}], tags=["mine"])])
    )

    assert report.created == {"articles": 1, "tags": 1}
    mine = await Article.get(user_id=user_id)
    assert (mine.title, mine.annotations) == ("Nul", [{"text": "ab"}])
    assert await snapshot(other) == before
