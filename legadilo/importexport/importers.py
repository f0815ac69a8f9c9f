"""The importer of each kind of import job, all with the shared signature (legadilo.importexport.reports)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import IO, Protocol, cast

from tortoise.transactions import in_transaction

from legadilo.importexport import csv_import, services, wallabag
from legadilo.importexport.models import ImportKind
from legadilo.importexport.reports import Checkpoint, CountingReader, ImportReport, ProgressCallback
from legadilo.runtime import Runtime


class Importer(Protocol):
    """The shared importer signature (see legadilo.importexport.reports)."""

    def __call__(
        self,
        rt: Runtime,
        user_id: int,
        source: IO[bytes],
        *,
        resume_after: int = 0,
        report: ImportReport | None = None,
        checkpoint: Checkpoint | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> Awaitable[ImportReport]: ...


async def import_opml_report(
    rt: Runtime,
    user_id: int,
    source: IO[bytes],
    *,
    resume_after: int = 0,
    report: ImportReport | None = None,
    checkpoint: Checkpoint | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportReport:
    """OPML with the shared importer signature. OPML files are small: the whole file is one batch, written in
    one transaction with its checkpoint; a job that resumes after that batch has nothing left to write."""
    if resume_after > 0 and report is not None:
        return report
    report = ImportReport(kind="opml")
    counted = CountingReader(source)
    async with in_transaction() as connection:  # import_opml's own transaction nests in this one
        summary = await services.import_opml(rt, user_id, cast(IO[bytes], counted))
        report.add_created("feeds", summary.feeds_created)
        report.add_created("categories", summary.categories_created)
        for row in summary.skipped:
            report.skip(row.line, row.url, row.reason)
        for row in summary.invalid:
            report.reject(row.line, row.url, row.reason)
        report.rejected.sort(key=lambda row: row.line)
        report.notes.extend(summary.notes)
        report.rows_done = summary.feeds_created + report.skipped + report.invalid
        report.bytes_read = counted.count
        if checkpoint is not None:
            await checkpoint(connection, report)
    if on_progress is not None:
        on_progress(report)
    return report


def importer_for(kind: ImportKind) -> Importer:
    if kind is ImportKind.OPML:
        return import_opml_report
    if kind is ImportKind.CSV:
        return csv_import.import_csv
    return wallabag.import_wallabag
