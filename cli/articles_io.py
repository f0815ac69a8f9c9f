"""`legadilo import csv|wallabag` and `legadilo export csv`: articles (with their feeds) in and out."""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, NoReturn

import typer

from cli._report import ImportProgress, input_size, open_input, print_json, print_summary
from cli._run import fail, run, user_id_of
from legadilo.core.errors import DomainError
from legadilo.importexport.csv_export import export_csv
from legadilo.importexport.csv_import import import_csv
from legadilo.importexport.reports import ImportReport, ProgressCallback
from legadilo.importexport.wallabag import import_wallabag
from legadilo.runtime import Runtime

import_app = typer.Typer(
    help="Import articles: the CSV of `export csv`, or a Wallabag JSON export.", no_args_is_help=True
)
export_app = typer.Typer(help="Export articles, with their feeds and categories.", no_args_is_help=True)

Importer = Callable[..., Awaitable[ImportReport]]

_FILE_HELP = "The file to import, or - for standard input."
_USER_HELP = "The owner's email."
_JSON_HELP = "Print the report as JSON instead of a table."


def _import(importer: Importer, title: str, file: str, user: str, as_json: bool) -> None:
    """Run one importer on the file with a progress bar; print its report. When it stops mid-way (a truncated
    file), what was committed is printed, then the error (exit code 1)."""
    with ExitStack() as stack:
        source = open_input(stack, file)
        progress = stack.enter_context(ImportProgress(title, input_size(source)))
        on_progress: ProgressCallback = progress.update

        async def load(rt: Runtime) -> tuple[ImportReport | None, DomainError | None]:
            user_id = await user_id_of(user)
            try:
                return await importer(rt, user_id, source, on_progress=on_progress), None
            except DomainError as exc:
                return progress.last, exc

        report, error = run(load)
    if report is not None:
        if as_json:
            print_json(report.as_dict())
        else:
            print_summary(report, title if error is None else f"{title}: stopped, committed so far")
    if error is not None:
        fail(error.message)


@import_app.command("csv")
def import_csv_command(
    file: str = typer.Argument(..., help=_FILE_HELP),
    user: str = typer.Option(..., "--user", help=_USER_HELP),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """Import articles, feeds, categories, groups, tags and comments from a Legadilo CSV file."""
    _import(import_csv, "CSV import", file, user, as_json)


@import_app.command("wallabag")
def import_wallabag_command(
    file: str = typer.Argument(..., help=_FILE_HELP),
    user: str = typer.Option(..., "--user", help=_USER_HELP),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """Import the articles of a Wallabag JSON export (tags, read and starred states, annotations)."""
    _import(import_wallabag, "Wallabag import", file, user, as_json)


class _Output:
    """The export's destination: a write failure (disk full, closed pipe) is kept and stops the export, so it
    ends with one line instead of a traceback (database errors keep their own message)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.error: OSError | None = None

    def write(self, data: bytes) -> int:
        try:
            return self.raw.write(data)
        except OSError as exc:
            self.error = exc
            raise _WriteFailed from exc

    def flush(self) -> None:
        try:
            self.raw.flush()
        except OSError as exc:
            self.error = exc


class _WriteFailed(Exception):
    pass


def _write_failed(output: str, error: OSError) -> NoReturn:
    if output == "-":  # a full disk or a reader gone: no second error when Python flushes stdout at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    fail(f"cannot write {'standard output' if output == '-' else output}: {error.strerror or error}")


def parse_since(raw: str) -> datetime:
    """A date (midnight UTC) or an ISO 8601 date and time (UTC when it names no offset)."""
    try:
        value = datetime.fromisoformat(raw.strip())
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        fail(f"invalid --since {raw!r}: give a date (2024-05-31) or a date and time (2024-05-31T08:00:00+02:00)")


@export_app.command("csv")
def export_csv_command(
    user: str = typer.Option(..., "--user", help=_USER_HELP),
    output: str = typer.Option("-", "-o", "--output", help="The file to write, or - for standard output."),
    since: str | None = typer.Option(
        None, "--since", help="Only what changed since this date or date and time (ISO 8601; UTC by default)."
    ),
    no_feeds: bool = typer.Option(False, "--no-feeds", help="Leave out the category and feed rows."),
) -> None:
    """Write the user's categories, feeds and articles as CSV (the format `import csv` reads)."""
    since_at = parse_since(since) if since is not None else None
    target = Path(output)
    partial = target.with_name(f".{target.name}.partial")  # the previous file stays until the export succeeds
    with ExitStack() as stack:
        if output == "-":
            out = _Output(sys.stdout.buffer)
        else:
            if target.is_dir():
                fail(f"cannot write {output}: it is a directory")
            try:
                out = _Output(stack.enter_context(partial.open("wb")))
            except OSError as exc:
                fail(f"cannot write {output}: {exc.strerror or exc}")
            stack.callback(partial.unlink, missing_ok=True)

        async def write(rt: Runtime) -> int:
            user_id = await user_id_of(user)
            try:
                return await export_csv(rt, user_id, out, since=since_at, include_feeds=not no_feeds)
            except _WriteFailed:
                return -1

        count = run(write)
        out.flush()
        if out.error is not None:
            _write_failed(output, out.error)
        if output != "-":
            try:
                partial.replace(target)
            except OSError as exc:
                fail(f"cannot write {output}: {exc.strerror or exc}")
    if output != "-":
        typer.echo(f"exported {count} rows to {output}", err=True)
