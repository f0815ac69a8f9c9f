"""What the CSV and Wallabag importers share: the records of a file read into batches (every ~500 records or
~16 MB of text), each batch's articles prepared in the parse pool then written in one transaction with the
checkpoint (see reports.py), while the next batch is read; batches are written one at a time, in file order
(`WriteQueue`).

A format gives its own reading loop and record mapping (it calls `count` for each record, adds what it holds to
the batch, then `after_record`), the size of a full batch, the notes of its decoding, and, when a batch holds
more than articles, what to write besides them (`save`).
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, Generic, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from legadilo.core.errors import InvalidInput
from legadilo.db import retrying_deadlocks
from legadilo.importexport.article_preparation import ArticleRow, ImportedArticle, prepare_batch
from legadilo.importexport.article_writer import save_articles
from legadilo.importexport.reports import Checkpoint, CountingReader, ImportReport, ProgressCallback
from legadilo.importexport.write_queue import WriteQueue
from legadilo.runtime import Runtime

BATCH_CHARACTERS = 16 * 1024 * 1024

# A record not imported: (line or entry number, invalid?, URL, reason); invalid ones are rejected, others skipped.
Problem = tuple[int, bool, str, str]


@dataclass
class Batch:
    """Records read, waiting to be prepared and written (problems and notes reach the report when written)."""

    articles: list[ImportedArticle] = field(default_factory=list)
    article_lines: list[int] = field(default_factory=list)  # the line (entry number) of each article
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    records: int = 0
    weight: int = 0
    rows_done: int = 0
    bytes_read: int = 0

    def add_article(self, line: int, article: ImportedArticle) -> None:
        self.articles.append(article)
        self.article_lines.append(line)
        self.weight += len(article.content) + 512


class ReadingStopped(Exception):
    """The file cannot be read past a record: the batches before it are written, then InvalidInput(message)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


BatchT = TypeVar("BatchT", bound=Batch)


@dataclass
class BatchImport(ABC, Generic[BatchT]):
    """One import of one file for one user, from its first record to its last batch written."""

    url_field: ClassVar[str]  # the field named when an article's URL is refused by `prepare`

    rt: Runtime
    user_id: int
    report: ImportReport
    resume_after: int
    checkpoint: Checkpoint | None
    on_progress: ProgressCallback | None
    reader: CountingReader
    batch: BatchT = field(init=False)
    queue: WriteQueue = field(init=False, default_factory=WriteQueue)
    number: int = field(init=False, default=0)  # records read

    def __post_init__(self) -> None:
        self.batch = self.new_batch()

    @abstractmethod
    def new_batch(self) -> BatchT:
        """An empty batch."""

    @abstractmethod
    def batch_records(self) -> int:
        """How many records make a full batch (asked at each record: the format module's constant)."""

    @abstractmethod
    def notes(self) -> list[str]:
        """What the decoding guessed or repaired so far (the report keeps each note once)."""

    def count(self) -> bool:
        """One more record read; whether it is to import (after `resume_after`: counted in the batch)."""
        self.number += 1
        counted = self.number > self.resume_after
        self.batch.records += counted
        return counted

    async def after_record(self) -> None:
        """Hand a full batch to the write queue; else, now and then, let the write of the previous batch go on."""
        if self.batch.records >= self.batch_records() or self.batch.weight >= BATCH_CHARACTERS:
            await self.submit()
        elif self.number % 16 == 0:
            await asyncio.sleep(0)

    async def submit(self) -> None:
        """Hand the batch to the write queue (it is written once the previous one is)."""
        batch, self.batch = self.batch, self.new_batch()
        batch.rows_done, batch.bytes_read, batch.notes = self.number, self.reader.count, self.notes()
        await self.queue.put(lambda: self._write(batch))

    async def run(self, read: Callable[[], Awaitable[None]]) -> ImportReport:
        """Read every record with `read`, then write the last batch and wait for every write.

        Raises:
            InvalidInput: `read` stopped mid-way (ReadingStopped); the batches before are written.
        """
        try:
            try:
                await read()
            except ReadingStopped as stopped:
                await self._finish()
                raise InvalidInput(stopped.message) from None
            await self._finish()
        finally:
            await self.queue.settle()
        return self.report

    async def _finish(self) -> None:
        await self.submit()
        await self.queue.drain()

    async def _write(self, batch: BatchT) -> None:
        """Prepare the articles, then write everything in one transaction, with the checkpoint (again when
        PostgreSQL aborts it to break a deadlock)."""
        prepared = await prepare_batch(self.rt, batch.articles)
        problems = list(batch.problems)
        rows: list[tuple[int, ArticleRow]] = []  # (index in the batch, row)
        for index, (row, line, article) in enumerate(zip(prepared, batch.article_lines, batch.articles, strict=True)):
            if isinstance(row, str):
                problems.append((line, True, article.url, f"{self.url_field}: {row}"))
            else:
                rows.append((index, row))
        await retrying_deadlocks(lambda: self._write_prepared(batch, rows, problems))
        if self.on_progress is not None:
            self.on_progress(self.report)

    async def _write_prepared(self, batch: BatchT, rows: list[tuple[int, ArticleRow]], problems: list[Problem]) -> None:
        """One attempt at the batch's transaction. Rolled back (PostgreSQL chose it to break a deadlock with a
        feed refresh or a bulk action, say), it leaves the report as it was, so that it can be run again."""
        before = self.report.copy()
        attempt_problems = list(problems)  # `save` may add some
        try:
            async with in_transaction() as connection:
                await self.save(connection, batch, rows, attempt_problems)
                _report(self.report, attempt_problems, batch.notes)
                self.report.rows_done, self.report.bytes_read = batch.rows_done, batch.bytes_read
                if self.checkpoint is not None:
                    await self.checkpoint(connection, self.report)
        except BaseException:
            self.report.restore(before)
            raise

    async def save(
        self,
        connection: BaseDBAsyncClient,
        batch: BatchT,
        rows: list[tuple[int, ArticleRow]],
        problems: list[Problem],
    ) -> None:
        """Write the batch's prepared articles (by their index in the batch) in the batch's transaction; a
        format with more to write overrides it, and may add problems."""
        if rows:
            await self.save_articles(connection, [row for _, row in rows], self.rt.clock.now())

    async def save_articles(self, connection: BaseDBAsyncClient, rows: list[ArticleRow], now: datetime) -> None:
        """`save_articles`, counted in the report."""
        result = await save_articles(connection, self.user_id, rows, now)
        for what, count in result.created.items():
            self.report.add_created(what, count)
        self.report.updated += result.updated


def _report(report: ImportReport, problems: list[Problem], notes: list[str]) -> None:
    """A batch's rejected and skipped records, in file order, and its notes (each note once)."""
    for line, invalid, url, reason in sorted(problems, key=lambda problem: problem[0]):
        (report.reject if invalid else report.skip)(line, url, reason)
    for note in notes:
        if note not in report.notes:
            report.notes.append(note)
