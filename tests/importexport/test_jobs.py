"""Import jobs on the database: run to the end, fail clearly, resume after a kill without duplicates, leases,
cancellation, a stop that hands the job back, orphan files."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, cast

import pytest
from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from legadilo.accounts.models import Notification
from legadilo.core.errors import InvalidInput, NotFound
from legadilo.feeds.models import Feed, FeedCategory
from legadilo.importexport import job_store, jobs
from legadilo.importexport.csv_format import CSV_HEADER_FIELDS
from legadilo.importexport.models import ImportJob, ImportKind, ImportStatus
from legadilo.importexport.reports import Checkpoint, CountingReader, ImportReport, ProgressCallback
from legadilo.importexport.uploads import imports_folder
from legadilo.runtime import Runtime
from legadilo.signup.services import register_user
from tests.conftest import TEST_PASSWORD

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "opml"


async def _job(rt: Runtime, user_id: int, content: bytes, kind: ImportKind = ImportKind.OPML) -> ImportJob:
    path = imports_folder(rt.settings) / f"test-{os.urandom(6).hex()}.{kind.value.lower()}"
    path.write_bytes(content)
    return await jobs.create_job(rt, user_id, kind, path, len(content), "subscriptions.opml")


async def _user(email: str = "alice@example.org") -> int:
    user_id: int = (await register_user(email, TEST_PASSWORD)).id
    return user_id


async def _expire_leases() -> None:
    """What time does to the lease of a killed process."""
    await Tortoise.get_connection("default").execute_query(
        "UPDATE import_job SET leased_until = now() - interval '1 second' WHERE status = 'RUNNING'"
    )


def _exists(path: str) -> bool:
    return Path(path).exists()


def _delete(path: str) -> None:
    Path(path).unlink()


class _Killed(BaseException):
    """Stands for SIGKILL: nothing below the process catches it, nothing is cleaned up."""


async def test_an_opml_job_runs_to_done_notifies_and_deletes_its_file(db: Runtime) -> None:
    alice = await _user()
    job = await _job(db, alice, (FIXTURES / "ttrss.opml").read_bytes())

    processed = await jobs.process_pending(db)

    assert [done.id for done in processed] == [job.id]
    job = await ImportJob.get(id=job.id)
    assert job.status is ImportStatus.DONE
    assert (job.created_count, job.skipped_count, job.invalid_count) == (5, 2, 0)  # 3 feeds + 2 categories
    assert job.rows_done == 5 and job.bytes_read == (FIXTURES / "ttrss.opml").stat().st_size
    assert job.rejected[0] == {"line": 15, "url": "", "reason": "Tiny Tiny RSS prefs outline, not a feed"}
    assert job.checkpoint is not None and job.checkpoint["created"] == {"feeds": 3, "categories": 2}
    assert (job.lease_owner, job.leased_until, job.error_message) == ("", None, "")
    assert job.finished_at is not None and job.started_at is not None
    assert await Feed.filter(user_id=alice).count() == 3
    assert not _exists(job.file_path)
    notification = await Notification.get(user_id=alice)
    assert notification.title == "Import finished"
    assert (
        notification.content == "OPML import of subscriptions.opml: created 3 feeds, 2 categories; 2 skipped, 0 invalid"
    )
    assert notification.info_link == f"/import-export/imports/{job.id}/"
    assert await jobs.process_pending(db) == []  # nothing due any more


@pytest.mark.parametrize(
    ("fixture", "message"),
    [("not_opml.xml", "not an OPML file"), ("xxe.opml", "DOCTYPE"), ("malformed.opml", "malformed XML at line 6")],
)
async def test_a_bad_file_fails_with_one_clear_line_and_writes_nothing(db: Runtime, fixture: str, message: str) -> None:
    alice = await _user()
    job = await _job(db, alice, (FIXTURES / fixture).read_bytes())

    await jobs.process_pending(db)

    job = await ImportJob.get(id=job.id)
    assert job.status is ImportStatus.FAILED
    assert message in job.error_message and "\n" not in job.error_message
    assert await Feed.all().count() == 0 and await FeedCategory.all().count() == 0
    assert not _exists(job.file_path)
    notification = await Notification.get(user_id=alice)
    assert notification.title == "Import failed"
    assert notification.content.startswith("OPML import of subscriptions.opml failed: ")
    assert message in notification.content and "before that" not in notification.content


async def test_a_missing_file_fails_the_job(db: Runtime) -> None:
    job = await _job(db, await _user(), b"<opml/>")
    _delete(job.file_path)

    await jobs.process_pending(db)

    job = await ImportJob.get(id=job.id)
    assert (job.status, job.error_message) == (ImportStatus.FAILED, "the uploaded file is gone; upload it again")


async def test_another_users_job_is_not_found_and_cancel_ends_a_pending_job(db: Runtime) -> None:
    alice, bob = await _user(), await _user("bob@example.org")
    job = await _job(db, alice, (FIXTURES / "ttrss.opml").read_bytes())

    with pytest.raises(NotFound):
        await jobs.get_job(bob, job.id)
    with pytest.raises(NotFound):
        await jobs.cancel_job(db, bob, job.id)
    assert (await jobs.get_job(alice, job.id)).status is ImportStatus.PENDING

    cancelled = await jobs.cancel_job(db, alice, job.id)

    assert cancelled.status is ImportStatus.CANCELLED and cancelled.finished_at is not None
    assert not _exists(job.file_path)
    with pytest.raises(InvalidInput, match="already ended"):
        await jobs.cancel_job(db, alice, job.id)
    assert await jobs.process_pending(db) == []
    assert await Feed.all().count() == 0
    assert [listed.id for listed in await jobs.list_jobs(alice)] == [job.id]
    assert await jobs.list_jobs(bob) == []


async def test_process_job_refuses_an_ended_a_running_and_an_unknown_job(db: Runtime) -> None:
    alice = await _user()
    job = await _job(db, alice, (FIXTURES / "ttrss.opml").read_bytes())
    await jobs.process_job(db, job.id)
    running = await _job(db, alice, (FIXTURES / "ttrss.opml").read_bytes())
    await Tortoise.get_connection("default").execute_query(
        "UPDATE import_job SET status = 'RUNNING', lease_owner = 'elsewhere',"
        " leased_until = now() + interval '1 minute' WHERE id = $1",
        [running.id],
    )

    with pytest.raises(InvalidInput, match="already ended"):
        await jobs.process_job(db, job.id)
    with pytest.raises(InvalidInput, match="being processed by elsewhere"):
        await jobs.process_job(db, running.id)
    with pytest.raises(NotFound):
        await jobs.process_job(db, 999_999)
    assert await jobs.process_pending(db) == []  # a live lease is never taken over


async def test_two_jobs_of_the_same_file_at_once_create_each_feed_once(db: Runtime) -> None:
    alice = await _user()
    content = (FIXTURES / "ttrss.opml").read_bytes()
    first, second = await _job(db, alice, content), await _job(db, alice, content)

    batches = await asyncio.gather(jobs.process_pending(db), jobs.process_pending(db))

    assert sorted(job.id for batch in batches for job in batch) == [first.id, second.id]  # each claimed once
    ended = await ImportJob.filter(id__in=[first.id, second.id]).order_by("id")
    assert [job.status for job in ended] == [ImportStatus.DONE, ImportStatus.DONE]
    assert await Feed.filter(user_id=alice).count() == 3
    assert await FeedCategory.filter(user_id=alice).count() == 2
    created = [cast(dict[str, int], job.checkpoint["created"]) for job in ended if job.checkpoint]
    assert sum(counts.get("feeds", 0) for counts in created) == 3


async def test_an_opml_job_killed_after_its_batch_resumes_without_writing_twice(
    db: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = await _user()
    job = await _job(db, alice, (FIXTURES / "ttrss.opml").read_bytes())
    finish = jobs._finish

    async def killed(*args: object, **kwargs: object) -> None:
        raise _Killed

    monkeypatch.setattr(jobs, "_finish", killed)
    with pytest.raises(_Killed):
        await jobs.process_pending(db)
    interrupted = await ImportJob.get(id=job.id)
    assert (interrupted.status, interrupted.rows_done) == (ImportStatus.RUNNING, 5)
    assert await jobs.process_pending(db) == []  # its lease still runs

    monkeypatch.setattr(jobs, "_finish", finish)
    await _expire_leases()
    await jobs.process_pending(db)

    resumed = await ImportJob.get(id=job.id)
    assert resumed.status is ImportStatus.DONE
    assert resumed.checkpoint is not None and resumed.checkpoint["created"] == {"feeds": 3, "categories": 2}
    assert await Feed.filter(user_id=alice).count() == 3
    assert await Notification.filter(user_id=alice).count() == 1


async def test_an_opml_job_writes_its_feeds_in_the_transaction_of_its_checkpoint(
    db: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = await _user()
    job = await _job(db, alice, (FIXTURES / "ttrss.opml").read_bytes())

    async def killed(*args: object, **kwargs: object) -> bool:
        raise _Killed

    monkeypatch.setattr(job_store, "save_progress", killed)
    with pytest.raises(_Killed):
        await jobs.process_job(db, job.id)

    assert (await ImportJob.get(id=job.id)).rows_done == 0
    assert await Feed.all().count() == 0 and await FeedCategory.all().count() == 0  # rolled back with it


# --- the job machinery with a batched importer (two records per batch), as the CSV and Wallabag ones are -----


class LinesImporter:
    """One category per line, two lines per batch, following the shared contract; `pause_after` batches, it
    waits for `gate` (to cancel or stop a job mid-way)."""

    def __init__(self, pause_after: int | None = None) -> None:
        self.pause_after = pause_after
        self.gate = asyncio.Event()
        self.paused = asyncio.Event()

    async def __call__(
        self,
        rt: Runtime,
        user_id: int,
        source: IO[bytes],
        *,
        resume_after: int = 0,
        report: ImportReport | None = None,
        checkpoint: Checkpoint | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> ImportReport:
        report = report or ImportReport(kind="lines")
        reader = CountingReader(source)
        lines = [(number, line.strip().decode()) for number, line in enumerate(reader, start=1)]
        batches = 0
        for start in range(0, len(lines), 2):
            batch = [(number, title) for number, title in lines[start : start + 2] if number > resume_after]
            if not batch:
                continue
            if self.pause_after is not None and batches == self.pause_after:
                self.paused.set()
                await self.gate.wait()
            async with in_transaction() as connection:
                await _insert_categories(connection, user_id, [title for _, title in batch])
                report.rows_done = batch[-1][0]
                report.bytes_read = reader.count
                report.add_created("categories", len(batch))
                if checkpoint is not None:
                    await checkpoint(connection, report)
            batches += 1
            if on_progress is not None:
                on_progress(report)
        return report


async def _insert_categories(connection: BaseDBAsyncClient, user_id: int, titles: list[str]) -> None:
    await connection.execute_query(
        "INSERT INTO feed_category (user_id, title, slug, created_at, updated_at)"
        " SELECT $1, t, t, now(), now() FROM unnest($2::text[]) AS t",  # a duplicate would violate (user, slug)
        [user_id, titles],
    )


LINES = b"".join(f"category-{number}\n".encode() for number in range(1, 8))  # 7 records, 4 batches


def _use(monkeypatch: pytest.MonkeyPatch, importer: Callable[..., object]) -> None:
    monkeypatch.setattr(jobs, "importer_for", lambda kind: importer)


async def _titles(user_id: int) -> list[str]:
    return sorted(await FeedCategory.filter(user_id=user_id).values_list("title", flat=True))  # type: ignore[arg-type]


async def test_a_job_killed_mid_batch_resumes_after_its_last_checkpoint_without_duplicates(
    db: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob = await _user(), await _user("bob@example.org")
    _use(monkeypatch, LinesImporter())
    uninterrupted = await _job(db, bob, LINES)
    await jobs.process_job(db, uninterrupted.id)
    job = await _job(db, alice, LINES)
    saves = 0
    save_progress = job_store.save_progress

    async def dies_in_the_second_batch(*args: object, **kwargs: object) -> bool:
        nonlocal saves
        saves += 1
        if saves == 2:
            raise _Killed
        return await save_progress(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(job_store, "save_progress", dies_in_the_second_batch)
    with pytest.raises(_Killed):
        await jobs.process_job(db, job.id)
    monkeypatch.setattr(job_store, "save_progress", save_progress)
    interrupted = await ImportJob.get(id=job.id)
    assert (interrupted.status, interrupted.rows_done, interrupted.created_count) == (ImportStatus.RUNNING, 2, 2)
    assert await _titles(alice) == ["category-1", "category-2"]  # the second batch was rolled back

    await _expire_leases()
    await jobs.process_pending(db)

    resumed, reference = await ImportJob.get(id=job.id), await ImportJob.get(id=uninterrupted.id)
    assert resumed.status is ImportStatus.DONE
    assert await _titles(alice) == await _titles(bob) == [f"category-{number}" for number in range(1, 8)]
    assert (
        (resumed.rows_done, resumed.created_count, resumed.bytes_read)
        == (
            reference.rows_done,
            reference.created_count,
            reference.bytes_read,
        )
        == (7, 7, len(LINES))
    )


async def test_cancelling_a_running_job_rolls_back_its_batch_in_flight_and_stops_it(
    db: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = await _user()
    importer = LinesImporter(pause_after=1)
    _use(monkeypatch, importer)
    job = await _job(db, alice, LINES)

    running = asyncio.ensure_future(jobs.process_job(db, job.id))
    await asyncio.wait_for(importer.paused.wait(), 5)
    cancelled = await jobs.cancel_job(db, alice, job.id)
    importer.gate.set()
    ended = await asyncio.wait_for(running, 5)

    assert cancelled.status is ended.status is ImportStatus.CANCELLED
    assert ended.rows_done == 2
    assert await _titles(alice) == ["category-1", "category-2"]
    assert not _exists(job.file_path)
    assert await Notification.filter(user_id=alice).count() == 0


async def test_a_stopped_worker_hands_its_job_back_and_the_next_one_finishes_it(
    db: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = await _user()
    importer = LinesImporter(pause_after=2)
    _use(monkeypatch, importer)
    job = await _job(db, alice, LINES)
    stop = asyncio.Event()

    worker = asyncio.ensure_future(jobs.run_import_worker(db, stop, poll_seconds=0.05))
    await asyncio.wait_for(importer.paused.wait(), 5)
    stop.set()
    await asyncio.wait_for(worker, 5)

    handed_back = await ImportJob.get(id=job.id)
    assert (handed_back.status, handed_back.rows_done, handed_back.lease_owner) == (ImportStatus.PENDING, 4, "")
    _use(monkeypatch, LinesImporter())
    await jobs.process_pending(db)
    assert (await ImportJob.get(id=job.id)).status is ImportStatus.DONE
    assert await _titles(alice) == [f"category-{number}" for number in range(1, 8)]


async def test_a_lost_lease_stops_the_import_without_writing(db: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    alice = await _user()
    importer = LinesImporter(pause_after=1)
    _use(monkeypatch, importer)
    job = await _job(db, alice, LINES)

    running = asyncio.ensure_future(jobs.process_job(db, job.id, owner="slow"))
    await asyncio.wait_for(importer.paused.wait(), 5)
    await _expire_leases()
    _use(monkeypatch, LinesImporter())
    taken_over = await jobs.process_pending(db, owner="fast")  # the slow one looks dead: its job is resumed
    importer.gate.set()
    await asyncio.wait_for(running, 5)

    assert [taken.status for taken in taken_over] == [ImportStatus.DONE]
    assert await _titles(alice) == [f"category-{number}" for number in range(1, 8)]  # the slow one wrote nothing
    assert (await ImportJob.get(id=job.id)).status is ImportStatus.DONE


async def test_orphan_files_are_swept_and_files_of_unfinished_jobs_kept(db: Runtime) -> None:
    job = await _job(db, await _user(), LINES)
    folder = imports_folder(db.settings)
    orphan, fresh = folder / ".upload-dead.part", folder / ".upload-receiving.part"
    orphan.write_bytes(b"x")
    fresh.write_bytes(b"x")
    old = time.time() - jobs.ORPHAN_AFTER_SECONDS - 60
    os.utime(orphan, (old, old))
    os.utime(job.file_path, (old, old))

    await jobs.sweep_orphan_files(db)

    assert not orphan.exists()
    assert fresh.exists() and _exists(job.file_path)
    fresh.unlink()


# --- CSV jobs (the real importer, batches of 500 records) ------------------------------------------------


def make_csv(articles: int, *, invalid_every: int = 97) -> bytes:
    """A Legadilo CSV: 3 categories, 3 feeds, then `articles` article rows (groups, tags, read and favourite
    states; every `invalid_every`-th article has a bad URL)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_HEADER_FIELDS, lineterminator="\n")
    writer.writeheader()
    feeds = [
        (f"Category {n}", f"Feed {n}", f"https://feeds{n}.example.org/rss", f"https://feeds{n}.example.org/")
        for n in range(3)
    ]
    for category, _, _, _ in feeds:
        writer.writerow({"category_title": category})
    for category, title, url, site in feeds:
        writer.writerow({"category_title": category, "feed_title": title, "feed_url": url, "feed_site_url": site})
    for number in range(1, articles + 1):
        category, title, url, site = feeds[number % 3]
        writer.writerow(
            {
                "group_title": f"Series {number % 7}" if number % 4 == 0 else "",
                "group_tags": json.dumps(["series"]) if number % 4 == 0 else "[]",
                "category_title": category,
                "feed_title": title,
                "feed_url": url,
                "feed_site_url": site,
                "article_id": str(number),
                "article_title": f"Article {number}",
                "article_url": "not a url" if number % invalid_every == 0 else f"https://blog.example.org/{number}",
                "article_content": f"<p>Body of article {number}</p>",
                "article_content_type": "text/html",
                "article_date_published": f"2024-01-{1 + number % 28:02d}T10:00:00+00:00",
                "article_authors": json.dumps([f"Author {number % 5}"]),
                "article_tags": json.dumps([f"tag{number % 3}"]),
                "article_read_at": "2024-02-01T00:00:00+00:00" if number % 2 else "",
                "article_is_favorite": "True" if number % 5 == 0 else "False",
                "article_lang": "en",
                "article_comments": json.dumps([f"comment on {number}"] if number % 10 == 0 else []),
            }
        )
    return out.getvalue().encode()


async def snapshot(user_id: int) -> dict[str, list[str]]:
    """What a user has after an import, by natural keys (ids and technical timestamps left out)."""
    connection = Tortoise.get_connection("default")
    queries = {
        "categories": "SELECT to_jsonb(c) - ARRAY['id', 'user_id', 'parent_id', 'created_at', 'updated_at']"
        " || jsonb_build_object('parent', p.title) AS r FROM feed_category c"
        " LEFT JOIN feed_category p ON p.id = c.parent_id WHERE c.user_id = $1",
        "feeds": "SELECT to_jsonb(f) - ARRAY['id', 'user_id', 'source_id', 'category_id', 'created_at', 'updated_at']"
        " || jsonb_build_object('url', s.url, 'category', c.title) AS r FROM feed f"
        " JOIN feed_source s ON s.id = f.source_id LEFT JOIN feed_category c ON c.id = f.category_id"
        " WHERE f.user_id = $1",
        "groups": "SELECT to_jsonb(g) - ARRAY['id', 'user_id', 'created_at', 'updated_at'] AS r"
        " FROM articles_group g WHERE g.user_id = $1",
        "articles": "SELECT to_jsonb(a) - ARRAY['id', 'user_id', 'main_feed_id', 'group_id', 'obj_created_at',"
        " 'obj_updated_at', 'search_vector', 'tag_ids'] || jsonb_build_object('group', g.title, 'feed', s.url) AS r"
        " FROM article a LEFT JOIN articles_group g ON g.id = a.group_id LEFT JOIN feed f ON f.id = a.main_feed_id"
        " LEFT JOIN feed_source s ON s.id = f.source_id WHERE a.user_id = $1",
        "tags": "SELECT jsonb_build_object('article', a.url, 'tag', t.title) AS r FROM article_tag x"
        " JOIN article a ON a.id = x.article_id JOIN tag t ON t.id = x.tag_id WHERE a.user_id = $1",
        "comments": "SELECT to_jsonb(c) - ARRAY['id', 'article_id', 'user_id', 'created_at', 'updated_at']"
        " || jsonb_build_object('article', a.url) AS r FROM comment c JOIN article a ON a.id = c.article_id"
        " WHERE a.user_id = $1",
    }
    return {
        name: sorted(str(row["r"]) for row in await connection.execute_query_dict(sql, [user_id]))
        for name, sql in queries.items()
    }


def _outcome(job: ImportJob) -> tuple[object, ...]:
    return (
        job.status,
        job.rows_done,
        job.bytes_read,
        job.created_count,
        job.skipped_count,
        job.invalid_count,
        job.rejected,
    )


async def test_a_csv_job_killed_after_its_first_batch_ends_like_an_uninterrupted_one(
    db: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob = await _user(), await _user("bob@example.org")
    content = make_csv(1200)
    reference = await jobs.process_job(db, (await _job(db, bob, content, ImportKind.CSV)).id)
    job = await _job(db, alice, content, ImportKind.CSV)
    saves = 0
    save_progress = job_store.save_progress

    async def dies_in_the_second_batch(*args: object, **kwargs: object) -> bool:
        nonlocal saves
        saves += 1
        if saves == 2:
            raise _Killed
        return await save_progress(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(job_store, "save_progress", dies_in_the_second_batch)
    with pytest.raises(_Killed):
        await jobs.process_job(db, job.id)
    monkeypatch.setattr(job_store, "save_progress", save_progress)
    interrupted = await ImportJob.get(id=job.id)
    assert (interrupted.status, interrupted.rows_done) == (ImportStatus.RUNNING, 500)

    await _expire_leases()
    await jobs.process_pending(db)

    resumed = await ImportJob.get(id=job.id)
    assert reference.status is ImportStatus.DONE and reference.rows_done == 1206
    assert _outcome(resumed) == _outcome(reference)
    assert await snapshot(alice) == await snapshot(bob)
    assert len((await snapshot(alice))["articles"]) == 1200 - 1200 // 97


async def test_a_truncated_csv_keeps_its_committed_batches_and_fails_naming_where_it_stopped(db: Runtime) -> None:
    alice = await _user()
    content = make_csv(800)
    start = content.index(b"https://blog.example.org/700,")
    cut = content[: content.index(b'"[""Author', start) + 5]  # in a quoted cell of article 700

    job = await jobs.process_job(db, (await _job(db, alice, cut, ImportKind.CSV)).id)

    assert job.status is ImportStatus.FAILED, job.rejected[-1:]
    assert "line 707: the file ends in the middle of this record" in job.error_message  # record 706, after the header
    articles = len((await snapshot(alice))["articles"])
    assert articles == 699 - 699 // 97  # every complete record before the cut
    assert job.rows_done == 705 and not _exists(job.file_path)


async def test_two_csv_jobs_of_the_same_file_at_once_write_each_article_once(db: Runtime) -> None:
    alice, bob = await _user(), await _user("bob@example.org")
    content = make_csv(600)
    await jobs.process_job(db, (await _job(db, bob, content, ImportKind.CSV)).id)
    first, second = await _job(db, alice, content, ImportKind.CSV), await _job(db, alice, content, ImportKind.CSV)

    await asyncio.gather(jobs.process_pending(db), jobs.process_pending(db))

    ended = await ImportJob.filter(id__in=[first.id, second.id])
    assert [job.status for job in ended] == [ImportStatus.DONE, ImportStatus.DONE]
    state = await snapshot(alice)
    assert state == await snapshot(bob)  # as if imported once
    assert len(state["articles"]) == 600 - 600 // 97 and len(state["comments"]) == 60
