"""What every import reports, how it resumes and how it shows progress: shared by the CSV, Wallabag and OPML
importers, the CLI, the web and the import jobs.

An importer reads records (CSV rows, Wallabag entries, OPML outlines) numbered from 1 in file order and writes
them in batches, one transaction per batch. Inside each batch's transaction it awaits `checkpoint(connection,
report)`: an import job stores `report.rows_done` there, atomically with the batch, so that a process killed
mid-way resumes after the last committed record (`resume_after`) without writing anything twice. Outside the
transaction it calls `on_progress(report)` (progress bars, job status pages).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field, replace
from typing import IO, Any, Protocol

from tortoise.backends.base.client import BaseDBAsyncClient

MAX_REJECTED = 1000  # records kept with their reason; beyond, only the counts grow


@dataclass(frozen=True)
class Rejected:
    """A record that was not imported: its line (or entry number) in the file, its URL if any, and why."""

    line: int
    url: str
    reason: str


@dataclass
class ImportReport:
    """Counts and rejected records of one import; `created` counts by kind ("articles", "feeds", …)."""

    kind: str
    dry_run: bool = False
    rows_done: int = 0  # records read, valid or not
    bytes_read: int = 0
    created: dict[str, int] = field(default_factory=dict)
    updated: int = 0
    skipped: int = 0
    invalid: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add_created(self, what: str, count: int = 1) -> None:
        if count:
            self.created[what] = self.created.get(what, 0) + count

    def skip(self, line: int, url: str, reason: str) -> None:
        self.skipped += 1
        self._keep(Rejected(line, url[:300], reason))

    def reject(self, line: int, url: str, reason: str) -> None:
        self.invalid += 1
        self._keep(Rejected(line, url[:300], reason))

    def _keep(self, rejected: Rejected) -> None:
        if len(self.rejected) < MAX_REJECTED:
            self.rejected.append(rejected)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def copy(self) -> ImportReport:
        """An independent copy (to put back with `restore` when a batch's transaction is rolled back)."""
        return replace(self, created=dict(self.created), rejected=list(self.rejected), notes=list(self.notes))

    def restore(self, saved: ImportReport) -> None:
        """This report made equal to `saved` again, in place (others hold it)."""
        fresh = saved.copy()
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(fresh, name))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        """The inverse of `as_dict` (an import job stores its report as JSON)."""
        values = dict(data)
        values["rejected"] = [Rejected(**row) for row in values.get("rejected", [])]
        return cls(**values)


class Checkpoint(Protocol):
    """Awaited inside each batch's transaction, after the batch is written."""

    def __call__(self, connection: BaseDBAsyncClient, report: ImportReport) -> Awaitable[None]: ...


ProgressCallback = Callable[[ImportReport], None]


class CountingReader:
    """A binary file wrapper counting the bytes read through it (for progress and `bytes_read`)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.count += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self.raw.readline(size)
        self.count += len(data)
        return data

    def readable(self) -> bool:
        return True

    def __iter__(self) -> CountingReader:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line
