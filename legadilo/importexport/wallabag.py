"""Import of a Wallabag export: a JSON array of entries, streamed with ijson (memory stays flat whatever the
file size).

One line: decode (UTF-8, with text_decoding's rule: a byte order mark, UTF-16, Windows-1252 or repaired
UTF-8 are noted) → check the file is a JSON array → per entry (numbered from 1): validate and map,
`prepare` → every ~500 entries (or ~16 MB of text) one transaction: `save_articles`, then the checkpoint
(batch_import).

Mapping: `url` (required), `title`, `content` (sanitised HTML), `is_archived` → read (at `archived_at`, else
`updated_at`, else `created_at`), `is_starred` → favourite, `tags` (strings or `{label}` objects) → the user's
tags, `published_by` → authors, `published_at` (else `created_at`) and `updated_at`, `domain_name` → source
title, `preview_picture`, `language`, `annotations` kept, `reading_time` when there is no content to measure,
`external_article_id = "wallabag:<id>"`, a manual source. Existing articles are merged (see article_writer.py).
An entry with a missing URL or a field of the wrong type is rejected with its number; the rest goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

import ijson  # type: ignore[import-untyped]

from legadilo.core.errors import InvalidInput
from legadilo.importexport.article_preparation import ImportedArticle
from legadilo.importexport.batch_import import Batch, BatchImport, ReadingStopped
from legadilo.importexport.reports import Checkpoint, CountingReader, ImportReport, ProgressCallback
from legadilo.importexport.text_decoding import SNIFF_BYTES, SniffingDecoder
from legadilo.parsing import normalize
from legadilo.reading.models import SourceType
from legadilo.runtime import Runtime

BATCH_ENTRIES = 500
_CHUNK_BYTES = 256 * 1024


class _Utf8Stream:
    """What ijson reads: the file decoded by `SniffingDecoder`, encoded again as UTF-8."""

    def __init__(self, reader: CountingReader) -> None:
        self.reader = reader
        head = reader.read(SNIFF_BYTES)
        self.decoder = SniffingDecoder(head)
        self.buffer = self.decoder.decode(head, not head).encode()
        self.done = not head

    def first_character(self) -> str:
        """The first character that is not whitespace ("" for an empty file)."""
        while not self.buffer.strip() and not self.done:
            self._fill()
        stripped = self.buffer.lstrip()
        return stripped[:1].decode("ascii", "replace") if stripped else ""

    def _fill(self) -> None:
        data = self.reader.read(_CHUNK_BYTES)
        self.done = not data
        self.buffer += self.decoder.decode(data, self.done).encode()

    def read(self, size: int = -1) -> bytes:
        while (size < 0 or len(self.buffer) < size) and not self.done:
            self._fill()
        if size < 0:
            size = len(self.buffer)
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data


class _Invalid(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _text(entry: dict[str, Any], name: str) -> str:
    value = entry.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Invalid(f"{name}: not a string")
    return value


def _flag(entry: dict[str, Any], name: str) -> bool:
    value = entry.get(name)
    if value is None or value in (0, 1):  # Wallabag writes 0/1; True and False are 1 and 0
        return bool(value)
    raise _Invalid(f"{name}: not a boolean (0 or 1)")


def _date(entry: dict[str, Any], name: str) -> datetime | None:
    value = entry.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _Invalid(f"{name}: not a date")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _Invalid(f"{name}: not a date ({value[:40]!r})") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _strings(entry: dict[str, Any], name: str) -> tuple[str, ...]:
    value = entry.get(name)
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _Invalid(f"{name}: not a list of strings")
    return tuple(value)


def _tags(entry: dict[str, Any]) -> tuple[str, ...]:
    """Tag labels: the export writes strings, the API `{id, label, slug}` objects."""
    value = entry.get("tags")
    if value is None:
        return ()
    labels: list[str] = []
    for item in value if isinstance(value, list) else [None]:
        label = item.get("label") if isinstance(item, dict) else item
        if not isinstance(label, str):
            raise _Invalid("tags: not a list of strings or {label} objects")
        labels.append(label)
    return tuple(labels)


def _reading_time(entry: dict[str, Any]) -> int:
    value = entry.get("reading_time")
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise _Invalid("reading_time: not a number of minutes")
    return int(value)


def _annotations(entry: dict[str, Any]) -> tuple[Any, ...]:
    value = entry.get("annotations")
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _Invalid("annotations: not a list")
    return tuple(value)


def _external_id(entry: dict[str, Any]) -> str:
    value = entry.get("id")
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _Invalid("id: not an integer")
    return f"wallabag:{value}"


def _article(entry: object) -> ImportedArticle:
    """Raises:
    _Invalid: not an object, no usable URL, a field of the wrong type."""
    if not isinstance(entry, dict):
        raise _Invalid("not a JSON object")
    raw_url = _text(entry, "url").strip()
    if not raw_url:
        raise _Invalid("url: missing")
    url = normalize.http_url(raw_url)
    if not url:
        raise _Invalid("url: not an http(s) URL")
    created_at, updated_at = _date(entry, "created_at"), _date(entry, "updated_at")
    archived = _flag(entry, "is_archived")
    archived_at = _date(entry, "archived_at")
    return ImportedArticle(
        url=url,
        title=_text(entry, "title"),
        content=_text(entry, "content"),
        authors=_strings(entry, "published_by"),
        tags=_tags(entry),
        published_at=_date(entry, "published_at") or created_at,
        updated_at=updated_at,
        read_at=(archived_at or updated_at or created_at) if archived else None,
        is_favorite=_flag(entry, "is_starred"),
        language=_text(entry, "language"),
        preview_picture_url=_text(entry, "preview_picture"),
        annotations=_annotations(entry),
        external_article_id=_external_id(entry),
        source_title=_text(entry, "domain_name"),
        source_type=SourceType.MANUAL,
        reading_time=_reading_time(entry),
    )


@dataclass
class _WallabagImport(BatchImport[Batch]):
    url_field = "url"

    stream: _Utf8Stream

    def new_batch(self) -> Batch:
        return Batch()

    def batch_records(self) -> int:
        return BATCH_ENTRIES

    def notes(self) -> list[str]:
        return list(self.stream.decoder.notes)

    def handle(self, entry: object) -> None:
        if not self.count():
            return
        try:
            article = _article(entry)
        except _Invalid as invalid:
            self.batch.problems.append((self.number, True, _url_of(entry), invalid.reason))
            return
        self.batch.add_article(self.number, article)


def _url_of(entry: object) -> str:
    url = entry.get("url") if isinstance(entry, dict) else None
    return url if isinstance(url, str) else ""


def _entries(stream: _Utf8Stream) -> Iterator[object]:
    """The array's items.

    Raises:
        InvalidInput: the file is empty or not a JSON array (nothing read yet).
    """
    first = stream.first_character()
    if not first:
        raise InvalidInput("the file is empty: expected a Wallabag export (a JSON array of entries)")
    if first != "[":
        raise InvalidInput(f"not a Wallabag export: expected a JSON array of entries, the file starts with {first!r}")
    return iter(ijson.items(stream, "item", use_float=True))


async def import_wallabag(
    rt: Runtime,
    user_id: int,
    source: IO[bytes],
    *,
    resume_after: int = 0,
    report: ImportReport | None = None,
    checkpoint: Checkpoint | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import a Wallabag JSON export for a user (see the module doc for the line it follows and the mapping).

    Raises:
        InvalidInput: not a JSON array (nothing written); invalid or truncated JSON mid-way (the batches before
            are kept, the message says at which entry it stopped).
    """
    reader = CountingReader(source)
    stream = _Utf8Stream(reader)
    state = _WallabagImport(
        rt, user_id, report or ImportReport(kind="wallabag"), resume_after, checkpoint, on_progress, reader, stream
    )
    entries = _entries(stream)
    return await state.run(lambda: _read_entries(state, entries))


async def _read_entries(state: _WallabagImport, entries: Iterator[object]) -> None:
    """Every entry into batches, each handed to the write queue when full.

    Raises:
        ReadingStopped: invalid or truncated JSON.
    """
    try:
        for entry in entries:
            state.handle(entry)
            await state.after_record()
    except ijson.JSONError as error:
        raise ReadingStopped(_stop_message(state.number, str(error))) from None


def _stop_message(done: int, error: str) -> str:
    reason = error.strip().splitlines()[0] if error.strip() else "invalid JSON"
    if "premature EOF" in reason:
        what = "the file ends in the middle of this entry (truncated?)"
    else:
        what = f"invalid JSON ({reason.removeprefix('parse error: ')})"
    return f"entry {done + 1}: {what}; the {done} entries before it were processed"
