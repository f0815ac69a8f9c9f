"""What every `import` command shows: its input, a progress bar on stderr (terminals only) fed by the
importer's `on_progress`, and a summary table on stdout at the end (or the report as JSON with `--json`)."""

from __future__ import annotations

import json
import os
import stat
import sys
import unicodedata
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType
from typing import IO

import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from cli._run import fail
from legadilo.importexport.reports import ImportReport, Rejected
from legadilo.importexport.services import OpmlImportSummary

SHOWN_REJECTED = 50
_PIPE_WIDTH = 200  # summary width when stdout is a file or a pipe (a terminal gives its own)


def open_input(stack: ExitStack, file: str) -> IO[bytes]:
    """The file named on the command line, or standard input for `-`; a one-line error when unreadable."""
    if file == "-":
        return sys.stdin.buffer
    try:
        return stack.enter_context(Path(file).open("rb"))
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}")


def input_size(source: IO[bytes]) -> int | None:
    """The size of a regular file (standard input redirected from a file included); None for a pipe."""
    try:
        info = os.fstat(source.fileno())
    except (OSError, ValueError, AttributeError):
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None


class ImportProgress:
    """A progress bar on stderr, only when stderr is a terminal: bytes read against the file size when known,
    records done. `update` is the importer's `on_progress`; `last` keeps the last report it received (what
    was committed so far, shown when the import stops on an error)."""

    def __init__(self, label: str, total: int | None) -> None:
        self.label = label
        self.total = total
        self.last: ImportReport | None = None
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> ImportProgress:
        if sys.stderr.isatty():
            self._progress = Progress(
                TextColumn("{task.description}", markup=False),
                BarColumn(),
                DownloadColumn(),
                TextColumn("{task.fields[records]} records", markup=False),
                TimeElapsedColumn(),
                console=Console(stderr=True),
            )
            self._progress.start()
            self._task = self._progress.add_task(self.label, total=self.total, records=0)
        return self

    def update(self, report: ImportReport) -> None:
        self.last = report
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=report.bytes_read, records=report.rows_done)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._progress is not None:
            self._progress.stop()


def _console() -> Console:
    return Console(file=sys.stdout, width=None if sys.stdout.isatty() else _PIPE_WIDTH, highlight=False)


def _shown(text: str) -> Text:
    """Text from the file, safe on a terminal: no markup is interpreted, and control and format characters
    (escape sequences, bidirectional overrides) are shown as escapes instead of acting on the terminal."""
    return Text("".join(_escaped(char) if unicodedata.category(char) in {"Cc", "Cf"} else char for char in text))


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _counts_table(report: ImportReport) -> Table:
    table = Table(box=box.SIMPLE)
    table.add_column("")
    table.add_column("count", justify="right")
    for kind, count in report.created.items():
        table.add_row(_shown(f"{'would create' if report.dry_run else 'created'} {kind}"), str(count))
    if not report.created:
        table.add_row("created", "0")
    table.add_row("updated", str(report.updated))
    table.add_row("skipped", str(report.skipped))
    table.add_row("invalid", str(report.invalid))
    return table


def _rejected_table(rejected: list[Rejected]) -> Table:
    table = Table(box=box.SIMPLE)
    table.add_column("line", justify="right")
    table.add_column("reason", overflow="fold")
    table.add_column("url", overflow="fold")
    for row in rejected:
        table.add_row(str(row.line), _shown(row.reason), _shown(row.url))
    return table


def print_summary(report: ImportReport, title: str) -> None:
    """The counts, then the first records not imported with their line and reason, then the notes."""
    console = _console()
    if report.dry_run:
        title += " (dry run: nothing written)"
    console.print(_shown(title))
    console.print(_counts_table(report))
    shown = report.rejected[:SHOWN_REJECTED]
    if shown:
        console.print(Text("Not imported:"))
        console.print(_rejected_table(shown))
        more = report.skipped + report.invalid - len(shown)
        if more > 0:
            console.print(Text(f"… and {more} more"))
    for note in report.notes:
        console.print(_shown(f"note: {note}"))


def print_json(data: dict[str, object]) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def opml_report(summary: OpmlImportSummary) -> ImportReport:
    """The OPML import's summary in the shape every import prints (records not imported ordered by line)."""
    report = ImportReport(kind="opml", dry_run=summary.dry_run, notes=list(summary.notes))
    report.add_created("feeds", summary.feeds_created)
    report.add_created("categories", summary.categories_created)
    rows = sorted(
        [(row, False) for row in summary.skipped] + [(row, True) for row in summary.invalid],
        key=lambda pair: pair[0].line,
    )
    for row, invalid in rows:
        (report.reject if invalid else report.skip)(row.line, row.url, row.reason)
    return report
