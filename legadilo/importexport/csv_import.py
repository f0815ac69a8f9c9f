"""Import of the custom CSV format (reference §6.4, `CSV_HEADER_FIELDS`): the Django system's export, or any
file with its columns. Streamed: memory stays flat whatever the file size (only the distinct feeds of the file
are remembered).

One line: sniff the encoding → decode incrementally into physical lines → csv rows → check the header → per
record (numbered from 1, line = the physical line where it starts): category, feed or article, validated →
every ~500 records (or ~16 MB of text) a batch, prepared in the parse pool then written in one transaction
(categories, feeds created without fetching and due at once, articles through `save_articles`, then the
checkpoint) while the next batch is read; batches are written one at a time, in file order (batch_import).

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

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import IO, Any

from tortoise.backends.base.client import BaseDBAsyncClient

from legadilo.core.errors import InvalidInput
from legadilo.importexport.article_preparation import ArticleRow
from legadilo.importexport.article_writer import lock_user_imports
from legadilo.importexport.batch_import import Batch, BatchImport, Problem, ReadingStopped
from legadilo.importexport.csv_format import CSV_HEADER_FIELDS
from legadilo.importexport.csv_lines import CELL_LIMIT, CsvLines
from legadilo.importexport.csv_rows import CsvRecord, InvalidCell, read_record
from legadilo.importexport.reports import Checkpoint, CountingReader, ImportReport, ProgressCallback
from legadilo.importexport.subscriptions import NewCategory, NewFeed, feed_ids_by_url, insert_categories, insert_feeds
from legadilo.runtime import Runtime

BATCH_RECORDS = 500

csv.field_size_limit(max(csv.field_size_limit(), CELL_LIMIT))


@dataclass
class _Batch(Batch):
    """A batch's articles, and the categories and feeds its rows name."""

    categories: dict[str, NewCategory] = field(default_factory=dict)
    feeds: dict[str, NewFeed] = field(default_factory=dict)
    feed_rows: list[tuple[int, str]] = field(default_factory=list)  # (line, url) of feed rows
    article_feeds: list[str | None] = field(default_factory=list)  # the feed URL of each article

    def add(self, line: int, record: CsvRecord) -> None:
        if record.category:
            self.categories.setdefault(record.category.slug, record.category)
        if record.feed:
            self.feeds.setdefault(record.feed.url, record.feed)
        if record.article:
            self.add_article(line, record.article)
            self.article_feeds.append(record.feed.url if record.feed else None)


@dataclass
class _CsvImport(BatchImport[_Batch]):
    url_field = "article_url"

    lines: CsvLines
    feed_lines: dict[str, int] = field(default_factory=dict)  # feed URL -> line of its first feed row

    def new_batch(self) -> _Batch:
        return _Batch()

    def batch_records(self) -> int:
        return BATCH_RECORDS

    def notes(self) -> list[str]:
        return self.lines.notes()

    def handle_malformed(self, line: int, reason: str) -> None:
        if self.count():
            self.batch.problems.append((line, True, "", reason))

    def handle(self, line: int, cells: dict[str, str]) -> None:
        """Read one record into the batch (records up to `resume_after` only into the duplicate feed check)."""
        counted = self.count()
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

    async def save(
        self,
        connection: BaseDBAsyncClient,
        batch: _Batch,
        rows: list[tuple[int, ArticleRow]],
        problems: list[Problem],
    ) -> None:
        """Categories and feeds (created without fetching, due at once), then the articles with their feed."""
        if not (batch.categories or batch.feeds or rows):
            return
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
        articles: list[ArticleRow] = []
        for index, row in rows:
            url = batch.article_feeds[index]
            articles.append(replace(row, main_feed_id=feed_ids.get(url)) if url else row)
        await self.save_articles(connection, articles, now)


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
    lines = CsvLines(reader)
    state = _CsvImport(
        rt, user_id, report or ImportReport(kind="csv"), resume_after, checkpoint, on_progress, reader, lines
    )
    rows = csv.reader(lines, strict=False)
    header = _header(rows)
    return await state.run(lambda: _read_records(state, rows, header))


async def _read_records(state: _CsvImport, rows: Any, header: list[str]) -> None:
    """Every record after the header into batches, each handed to the write queue when full.

    Raises:
        ReadingStopped: a record cut by the end of the file, or a line the csv module cannot read.
    """
    width = len(header)
    while True:
        start = rows.line_num + 1
        try:
            cells = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            raise _stopped(state, start, str(error)) from None
        if not cells:
            continue
        if len(cells) == width:
            state.handle(start, dict(zip(header, cells, strict=True)))
        elif len(cells) < width and state.lines.exhausted:
            raise _stopped(state, start, "the file ends in the middle of this record (truncated?)")
        else:
            state.handle_malformed(start, f"{len(cells)} cells where the header has {width}")
        await state.after_record()


def _stopped(state: _CsvImport, line: int, reason: str) -> ReadingStopped:
    return ReadingStopped(f"line {line}: {reason}; the {state.number} records before it were processed")
