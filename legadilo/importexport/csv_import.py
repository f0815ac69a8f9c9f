"""Import of the custom CSV format (reference §6.4, `CSV_HEADER_FIELDS`): the Django system's export, or any
file with its columns. Streamed: memory stays flat whatever the file size (only the distinct feeds of the file
are remembered).

One line: sniff the encoding → decode incrementally into physical lines → csv rows → check the header → per
record (numbered from 1, line = the physical line where it starts): category, feed or article, validated →
every ~500 records (or ~16 MB of text) a batch, prepared in the parse pool then written in one transaction
(categories, feeds created without fetching and due at once, articles through `save_articles`, then the
checkpoint) while the next batch is read; batches are written one at a time, in file order.

Encodings: see text_decoding (a byte order mark, UTF-16, Windows-1252 or repaired UTF-8, each noted in the
report; decoding never stops an import). NUL characters (which PostgreSQL text cannot hold) are removed from the
cells, noted once in the report; other control characters are removed from text fields.

A row is a category row (only category columns), a feed row (feed columns, no article), or an article row
(article columns; its category and feed are created when missing, its feed becomes the article's main feed).
A bad URL, date, boolean, content type or list cell rejects the row with its line and the column at fault; the
rest goes on. Empty cells, `None` and `null` are "no value"; a row of empty cells is skipped. A last record cut
short by the end of the file is a truncated file: the records before it are kept, and InvalidInput says where it
stopped.
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import IO, Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from legadilo.core.errors import InvalidInput
from legadilo.importexport.article_preparation import ArticleRow, ImportedArticle, prepare_batch
from legadilo.importexport.article_writer import lock_user_imports, save_articles
from legadilo.importexport.csv_format import CSV_HEADER_FIELDS
from legadilo.importexport.csv_lines import CELL_LIMIT, CsvLines
from legadilo.importexport.csv_rows import CsvRecord, InvalidCell, read_record
from legadilo.importexport.reports import Checkpoint, CountingReader, ImportReport, ProgressCallback
from legadilo.importexport.subscriptions import NewCategory, NewFeed, feed_ids_by_url, insert_categories, insert_feeds
from legadilo.importexport.write_queue import WriteQueue
from legadilo.runtime import Runtime

BATCH_RECORDS = 500
BATCH_CHARACTERS = 16 * 1024 * 1024

csv.field_size_limit(max(csv.field_size_limit(), CELL_LIMIT))


@dataclass
class _Batch:
    """Records read, waiting to be prepared and written (problems and notes reach the report when written)."""

    categories: dict[str, NewCategory] = field(default_factory=dict)
    feeds: dict[str, NewFeed] = field(default_factory=dict)
    feed_rows: list[tuple[int, str]] = field(default_factory=list)  # (line, url) of feed rows
    articles: list[ImportedArticle] = field(default_factory=list)
    article_lines: list[int] = field(default_factory=list)
    article_feeds: list[str | None] = field(default_factory=list)  # the feed URL of each article
    problems: list[tuple[int, bool, str, str]] = field(default_factory=list)  # (line, invalid?, url, reason)
    notes: list[str] = field(default_factory=list)
    records: int = 0
    weight: int = 0
    rows_done: int = 0
    bytes_read: int = 0

    def add(self, line: int, record: CsvRecord) -> None:
        if record.category:
            self.categories.setdefault(record.category.slug, record.category)
        if record.feed:
            self.feeds.setdefault(record.feed.url, record.feed)
        if record.article:
            self.articles.append(record.article)
            self.article_lines.append(line)
            self.article_feeds.append(record.feed.url if record.feed else None)
            self.weight += len(record.article.content) + 512

    @property
    def full(self) -> bool:
        return self.records >= BATCH_RECORDS or self.weight >= BATCH_CHARACTERS


@dataclass
class _CsvImport:
    rt: Runtime
    user_id: int
    report: ImportReport
    resume_after: int
    checkpoint: Checkpoint | None
    on_progress: ProgressCallback | None
    reader: CountingReader
    feed_lines: dict[str, int] = field(default_factory=dict)  # feed URL -> line of its first feed row
    batch: _Batch = field(default_factory=_Batch)
    queue: WriteQueue = field(default_factory=WriteQueue)
    number: int = 0  # records read

    def handle_malformed(self, line: int, reason: str) -> None:
        self.number += 1
        if self.number > self.resume_after:
            self.batch.records += 1
            self.batch.problems.append((line, True, "", reason))

    def handle(self, line: int, cells: dict[str, str]) -> None:
        """Read one record into the batch (records up to `resume_after` only into the duplicate feed check)."""
        self.number += 1
        counted = self.number > self.resume_after
        self.batch.records += counted
        try:
            record = read_record(cells)
        except InvalidCell as invalid:
            if counted:
                url = invalid.url or cells["article_url"] or cells["feed_url"]
                self.batch.problems.append((line, True, url, invalid.reason))
            return
        if record.article is None and record.feed is not None:
            first = self.feed_lines.setdefault(record.feed.url, line)
            if counted and first != line:
                self.batch.problems.append((line, False, record.feed.url, f"duplicate of line {first}"))
                return
            if counted:
                self.batch.feed_rows.append((line, record.feed.url))
        if not counted:
            return
        if record.article is None and record.feed is None and record.category is None:
            self.batch.problems.append((line, False, "", "empty row"))
            return
        self.batch.add(line, record)

    async def submit(self, notes: list[str]) -> None:
        """Hand the batch to the write queue (it is written once the previous one is)."""
        batch, self.batch = self.batch, _Batch()
        batch.rows_done, batch.bytes_read, batch.notes = self.number, self.reader.count, notes
        await self.queue.put(lambda: self._write(batch))

    async def _write(self, batch: _Batch) -> None:
        """Prepare the articles, then write everything in one transaction, with the checkpoint."""
        prepared = await prepare_batch(self.rt, batch.articles)
        problems = list(batch.problems)
        rows: list[tuple[ArticleRow, str | None]] = []
        for row, line, article, feed in zip(
            prepared, batch.article_lines, batch.articles, batch.article_feeds, strict=True
        ):
            if isinstance(row, str):
                problems.append((line, True, article.url, f"article_url: {row}"))
            else:
                rows.append((row, feed))
        async with in_transaction() as connection:
            if batch.categories or batch.feeds or rows:
                await self._save(connection, batch, rows, problems)
            _report(self.report, problems, batch.notes)
            self.report.rows_done, self.report.bytes_read = batch.rows_done, batch.bytes_read
            if self.checkpoint is not None:
                await self.checkpoint(connection, self.report)
        if self.on_progress is not None:
            self.on_progress(self.report)

    async def _save(
        self,
        connection: BaseDBAsyncClient,
        batch: _Batch,
        rows: list[tuple[ArticleRow, str | None]],
        problems: list[tuple[int, bool, str, str]],
    ) -> None:
        now = self.rt.clock.now()
        await lock_user_imports(connection, self.user_id)
        created_categories: set[str] = set()
        category_ids = await insert_categories(connection, self.user_id, batch.categories, now, created_categories)
        created_feeds = await insert_feeds(connection, self.user_id, list(batch.feeds.values()), category_ids, now)
        self.report.add_created("categories", len(created_categories))
        self.report.add_created("feeds", len(created_feeds))
        problems.extend(
            (line, False, url, "already subscribed") for line, url in batch.feed_rows if url not in created_feeds
        )
        feed_ids = await feed_ids_by_url(connection, self.user_id, sorted(batch.feeds))
        articles = [replace(row, main_feed_id=feed_ids.get(url)) if url else row for row, url in rows]
        result = await save_articles(connection, self.user_id, articles, now)
        for what, count in result.created.items():
            self.report.add_created(what, count)
        self.report.updated += result.updated


def _report(report: ImportReport, problems: list[tuple[int, bool, str, str]], notes: list[str]) -> None:
    """A batch's rejected and skipped records, in file order, and its notes (each note once)."""
    for line, invalid, url, reason in sorted(problems, key=lambda problem: problem[0]):
        (report.reject if invalid else report.skip)(line, url, reason)
    for note in notes:
        if note not in report.notes:
            report.notes.append(note)


def _header(reader: Iterator[list[str]]) -> list[str]:
    """Raises:
    InvalidInput: no header, or a header without every column of the format."""
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput("the file is empty: expected a CSV header with the Legadilo columns") from None
    except csv.Error as error:
        raise InvalidInput(f"not a CSV file: {error}") from None
    header = [name.strip().lstrip("\ufeff").strip() for name in header]
    missing = [name for name in CSV_HEADER_FIELDS if name not in header]
    if missing:
        shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
        raise InvalidInput(f"not a Legadilo CSV file: the header lacks the column(s) {shown}")
    return header


async def import_csv(
    rt: Runtime,
    user_id: int,
    source: IO[bytes],
    *,
    resume_after: int = 0,
    report: ImportReport | None = None,
    checkpoint: Checkpoint | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import a custom CSV file for a user (see the module doc for the line it follows and the rules).

    Raises:
        InvalidInput: not a CSV file with the Legadilo header (nothing written); a file truncated or unreadable
            mid-way (the batches before are kept, the message says where it stopped).
    """
    reader = CountingReader(source)
    state = _CsvImport(rt, user_id, report or ImportReport(kind="csv"), resume_after, checkpoint, on_progress, reader)
    lines = CsvLines(reader)
    rows = csv.reader(lines, strict=False)
    header = _header(rows)
    try:
        try:
            await _read_records(state, rows, lines, header)
        except _Stopped as stopped:
            await state.submit(lines.notes())
            await state.queue.drain()
            raise InvalidInput(
                f"line {stopped.line}: {stopped.reason}; the {state.number} records before it were processed"
            ) from None
        await state.submit(lines.notes())
        await state.queue.drain()
    finally:
        await state.queue.settle()
    return state.report


class _Stopped(Exception):
    """The file cannot be read past this record."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


async def _read_records(state: _CsvImport, rows: Any, lines: CsvLines, header: list[str]) -> None:
    """Every record after the header into batches, each handed to the write queue when full.

    Raises:
        _Stopped: a record cut by the end of the file, or a line the csv module cannot read.
    """
    width = len(header)
    while True:
        start = rows.line_num + 1
        try:
            cells = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            raise _Stopped(start, str(error)) from None
        if not cells:
            continue
        if len(cells) == width:
            state.handle(start, dict(zip(header, cells, strict=True)))
        elif len(cells) < width and lines.exhausted:
            raise _Stopped(start, "the file ends in the middle of this record (truncated?)")
        else:
            state.handle_malformed(start, f"{len(cells)} cells where the header has {width}")
        if state.batch.full:
            await state.submit(lines.notes())
        elif state.number % 16 == 0:
            await asyncio.sleep(0)  # let the write of the previous batch go on
