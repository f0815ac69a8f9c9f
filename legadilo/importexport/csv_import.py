"""Import of the custom CSV format (reference §6.4, `CSV_HEADER_FIELDS`): the Django system's export, or any
file with its columns. Streamed: memory stays flat whatever the file size (only the distinct feeds of the file
are remembered).

One line: sniff the encoding → decode incrementally into physical lines → csv rows → check the header → per
record (numbered from 1, line = the physical line where it starts): category, feed or article, validated →
every ~500 records (or ~16 MB of text) a batch, prepared in the parse pool then written in one transaction
(categories, feeds created without fetching and due at once, articles through `save_articles`, then the
checkpoint) while the next batch is read; batches are written one at a time, in file order.

Encodings (the byte order mark and UTF-16 are decided on the first 64 KiB):
- a UTF-8 byte order mark: UTF-8; a UTF-16 one (LE or BE): UTF-16;
- no mark but a NUL in most even (odd) positions of the first block: UTF-16-BE (LE) without a mark (noted);
- otherwise UTF-8. At the first byte sequence that is not UTF-8: when everything before it was ASCII, the
  file is read as Windows-1252 (Latin-1 with the Windows characters; ASCII reads the same in both), noted in the
  report; when valid non-ASCII UTF-8 came before, the file is UTF-8 with some corrupt bytes: they become U+FFFD,
  noted in the report. Decoding never stops an import.
NUL characters (which PostgreSQL text cannot hold) are removed from the cells, noted once in the report; other
control characters are removed from text fields.

A row is a category row (only category columns), a feed row (feed columns, no article), or an article row
(article columns; its category and feed are created when missing, its feed becomes the article's main feed).
A bad URL, date, boolean, content type or list cell rejects the row with its line and the column at fault; the
rest goes on. Empty cells, `None` and `null` are "no value"; a row of empty cells is skipped. A last record cut
short by the end of the file is a truncated file: the records before it are kept, and InvalidInput says where it
stopped.
"""

from __future__ import annotations

import asyncio
import codecs
import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import IO, Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from legadilo.core.errors import InvalidInput
from legadilo.core.text import slugify
from legadilo.feeds.models import FeedType
from legadilo.importexport.article_preparation import ArticleRow, ImportedArticle, ImportedGroup, prepare_batch
from legadilo.importexport.article_writer import lock_user_imports, save_articles
from legadilo.importexport.csv_format import CSV_HEADER_FIELDS
from legadilo.importexport.reports import Checkpoint, CountingReader, ImportReport, ProgressCallback
from legadilo.importexport.subscriptions import (
    CATEGORY_TITLE_MAX_LENGTH,
    FEED_TITLE_MAX_LENGTH,
    NewCategory,
    NewFeed,
    feed_ids_by_url,
    feed_url,
    insert_categories,
    insert_feeds,
    site_url,
)
from legadilo.importexport.write_queue import WriteQueue
from legadilo.parsing import normalize
from legadilo.reading.models import ContentType, SourceType
from legadilo.runtime import Runtime

BATCH_RECORDS = 500
BATCH_CHARACTERS = 16 * 1024 * 1024
CELL_LIMIT = 64 * 1024 * 1024  # characters: a 10 MB article fits, a runaway quote does not eat the memory
LINE_LIMIT = CELL_LIMIT  # characters on one physical line
SNIFF_BYTES = 64 * 1024
_CHUNK_BYTES = 256 * 1024
_TRUE = frozenset({"true", "1", "t", "yes", "y"})
_FALSE = frozenset({"false", "0", "f", "no", "n"})
_EMPTY = frozenset({"", "none", "null"})
_CONTENT_TYPES = frozenset(content_type.value for content_type in ContentType)
_NEWLINE = re.compile(r"\r\n|\r|\n")

csv.field_size_limit(max(csv.field_size_limit(), CELL_LIMIT))


# --- decoding -------------------------------------------------------------------------------------------


class SniffingDecoder:
    """Bytes to text under the module's encoding rule (also used for Wallabag files); `notes` says what was
    guessed or repaired. Give it the first block of the file (at least 64 KiB when there is that much)."""

    def __init__(self, head: bytes) -> None:
        self.notes: list[str] = []
        self.fallback = False  # UTF-8 without a mark: may still turn into Windows-1252 or repaired UTF-8
        self.seen_non_ascii = False
        if head.startswith(codecs.BOM_UTF8):
            encoding, self.seen_non_ascii = "utf-8-sig", True
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        elif (guess := _utf16_without_mark(head)) is not None:
            encoding = guess
            self.notes.append(f"no byte order mark but NUL bytes every other byte: read as {guess.upper()}")
        else:
            encoding, self.fallback = "utf-8", True
        errors = "strict" if self.fallback else "replace"
        self.decoder = codecs.getincrementaldecoder(encoding)(errors)

    def decode(self, data: bytes, final: bool) -> str:
        if not self.fallback:
            return self.decoder.decode(data, final)
        pending = self.decoder.getstate()[0]
        try:
            text = self.decoder.decode(data, final)
        except UnicodeDecodeError:
            return self._switch(pending + data, final)
        self.seen_non_ascii = self.seen_non_ascii or not text.isascii()
        return text

    def _switch(self, data: bytes, final: bool) -> str:
        """The first byte sequence that is not UTF-8: Windows-1252 from now on, or UTF-8 with repairs."""
        self.fallback = False
        before_is_ascii = True
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            before_is_ascii = data[: error.start].isascii()
        if before_is_ascii and not self.seen_non_ascii:
            self.notes.append("the file is not UTF-8: read as Windows-1252 (Latin-1)")
            self.decoder = codecs.getincrementaldecoder("cp1252")("replace")
        else:
            self.notes.append("bytes that are not UTF-8 were replaced by U+FFFD (the file is partly corrupt)")
            self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        return self.decoder.decode(data, final)


def _utf16_without_mark(head: bytes) -> str | None:
    sample = head[: len(head) // 2 * 2]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.7 and even < half * 0.1:
        return "utf-16-le"
    if even > half * 0.7 and odd < half * 0.1:
        return "utf-16-be"
    return None


@dataclass
class _Lines:
    """Physical lines (universal line endings, kept) of a binary stream, decoded incrementally."""

    reader: CountingReader
    decoder: SniffingDecoder | None = None
    exhausted: bool = False  # the last line was read: a record still open then was cut by the end of the file
    nul_lines: int = 0
    first_nul_line: int = 0
    count: int = 0

    def __iter__(self) -> Iterator[str]:
        head = self.reader.read(SNIFF_BYTES)
        self.decoder = SniffingDecoder(head)
        parts: list[str] = []
        pending = 0  # characters in parts
        carry = ""
        data = head
        while True:
            final = not data
            text = carry + self.decoder.decode(data, final)
            carry = ""
            if text.endswith("\r") and not final:  # maybe the first half of "\r\n"
                text, carry = text[:-1], "\r"
            start = 0
            for match in _NEWLINE.finditer(text):
                parts.append(text[start : match.end()])
                start = match.end()
                yield self._line("".join(parts))
                parts, pending = [], 0
            if start < len(text):
                parts.append(text[start:])
                pending += len(text) - start
                if pending > LINE_LIMIT:
                    raise csv.Error(f"line {self.count + 1} is longer than {LINE_LIMIT} characters")
            if final:
                break
            data = self.reader.read(_CHUNK_BYTES)
        if parts:
            yield self._line("".join(parts))
        self.exhausted = True

    def _line(self, line: str) -> str:
        self.count += 1
        if "\x00" in line:
            self.nul_lines += 1
            self.first_nul_line = self.first_nul_line or self.count
            return line.replace("\x00", "")
        return line


# --- rows -----------------------------------------------------------------------------------------------


class _Invalid(Exception):
    def __init__(self, reason: str, url: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.url = url


def _date(cells: dict[str, str], name: str) -> datetime | None:
    value = cells[name].strip()
    if value.lower() in _EMPTY:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _Invalid(f"{name}: not an ISO 8601 date ({value[:40]!r})") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _bool(cells: dict[str, str], name: str) -> bool:
    value = cells[name].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE or value in _EMPTY:
        return False
    raise _Invalid(f"{name}: not a boolean (True or False, got {cells[name][:20]!r})")


def _strings(cells: dict[str, str], name: str) -> tuple[str, ...]:
    value = cells[name].strip()
    if value.lower() in _EMPTY:
        return ()
    try:
        items = json.loads(value)
    except ValueError:
        raise _Invalid(f"{name}: not a JSON list of strings") from None
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise _Invalid(f"{name}: not a JSON list of strings")
    return tuple(items)


def _content_type(cells: dict[str, str]) -> str:
    value = cells["article_content_type"].strip().lower()
    if not value:
        return ContentType.HTML.value
    if value not in _CONTENT_TYPES:
        raise _Invalid(f"article_content_type: not one of {', '.join(sorted(_CONTENT_TYPES))}")
    return value


@dataclass(frozen=True)
class _Record:
    category: NewCategory | None
    feed: NewFeed | None
    article: ImportedArticle | None


def _category(cells: dict[str, str]) -> NewCategory | None:
    title = normalize.text_field(cells["category_title"], CATEGORY_TITLE_MAX_LENGTH)
    if not title:
        return None
    return NewCategory(slugify(title, max_length=CATEGORY_TITLE_MAX_LENGTH), title, None, 0)


def _feed(cells: dict[str, str], category: NewCategory | None) -> NewFeed | None:
    raw = cells["feed_url"].strip()
    if not raw:
        return None
    try:
        url = feed_url(raw)
    except InvalidInput as error:
        raise _Invalid(f"feed_url: {error.message}", raw) from None
    title = normalize.text_field(cells["feed_title"], FEED_TITLE_MAX_LENGTH) or url[:FEED_TITLE_MAX_LENGTH]
    site = site_url(cells["feed_site_url"].strip())
    return NewFeed(url, title, site, FeedType.RSS, category.slug if category else None)


def _article(cells: dict[str, str], feed: NewFeed | None) -> ImportedArticle | None:
    raw = cells["article_url"].strip()
    if not raw:
        if any(cells[name].strip() for name in ("article_id", "article_title", "article_content")):
            raise _Invalid("article_url: missing")
        return None
    url = normalize.http_url(raw)
    if not url:
        raise _Invalid("article_url: not an http(s) URL", raw)
    group_title = cells["group_title"].strip()
    article_id = cells["article_id"].strip()
    return ImportedArticle(
        url=url,
        title=cells["article_title"],
        content=cells["article_content"],
        content_type=_content_type(cells),
        authors=_strings(cells, "article_authors"),
        tags=_strings(cells, "article_tags"),
        comments=_strings(cells, "article_comments"),
        published_at=_date(cells, "article_date_published"),
        updated_at=_date(cells, "article_date_updated"),
        read_at=_date(cells, "article_read_at"),
        is_favorite=_bool(cells, "article_is_favorite"),
        language=cells["article_lang"],
        external_article_id=f"custom_csv:{article_id}" if article_id else "",
        source_title=feed.title if feed else "",
        source_type=SourceType.FEED if feed else SourceType.MANUAL,
        group=ImportedGroup(group_title, cells["group_description"], _strings(cells, "group_tags"))
        if group_title
        else None,
    )


def _record(cells: dict[str, str]) -> _Record:
    """Raises:
    _Invalid: a cell that cannot be read."""
    category = _category(cells)
    feed = _feed(cells, category)
    return _Record(category, feed, _article(cells, feed))


# --- batches --------------------------------------------------------------------------------------------


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

    def add(self, line: int, record: _Record) -> None:
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
            record = _record(cells)
        except _Invalid as invalid:
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
    lines = _Lines(reader)
    rows = csv.reader(lines, strict=False)
    header = _header(rows)
    try:
        try:
            await _read_records(state, rows, lines, header)
        except _Stopped as stopped:
            await state.submit(_notes(lines))
            await state.queue.drain()
            raise InvalidInput(
                f"line {stopped.line}: {stopped.reason}; the {state.number} records before it were processed"
            ) from None
        await state.submit(_notes(lines))
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


async def _read_records(state: _CsvImport, rows: Any, lines: _Lines, header: list[str]) -> None:
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
            await state.submit(_notes(lines))
        elif state.number % 16 == 0:
            await asyncio.sleep(0)  # let the write of the previous batch go on


def _notes(lines: _Lines) -> list[str]:
    """What the decoding guessed or repaired so far (the report keeps each note once)."""
    notes = list(lines.decoder.notes) if lines.decoder is not None else []
    if lines.nul_lines:
        notes.append("NUL characters were removed from the cells (PostgreSQL text cannot hold them)")
    return notes
