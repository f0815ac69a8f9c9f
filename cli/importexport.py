"""`legadilo opml …`: subscriptions in and out as OPML."""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import IO

import typer

from cli._run import fail, run, user_id_of
from legadilo.importexport import services
from legadilo.runtime import Runtime

opml_app = typer.Typer(help="Import and export subscriptions as OPML.", no_args_is_help=True)


def _open_input(stack: ExitStack, file: str) -> IO[bytes]:
    if file == "-":
        return sys.stdin.buffer
    try:
        return stack.enter_context(Path(file).open("rb"))
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}")


def _print_summary(summary: services.OpmlImportSummary) -> None:
    verb = "would create" if summary.dry_run else "created"
    typer.echo(
        f"{verb} {summary.feeds_created} feeds and {summary.categories_created} categories; "
        f"skipped {len(summary.skipped)}, invalid {len(summary.invalid)}"
        + (" (dry run: nothing written)" if summary.dry_run else "")
    )
    for label, rows in (("skipped", summary.skipped), ("invalid", summary.invalid)):
        for row in rows:
            typer.echo(f"  {label} line {row.line}: {row.reason}" + (f" ({row.url})" if row.url else ""))
    for note in summary.notes:
        typer.echo(f"  note {note}")


@opml_app.command("import")
def import_(
    file: str = typer.Argument(..., help="The OPML file, or - for standard input."),
    user: str = typer.Option(..., "--user", help="The subscriber's email."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Report what would happen, write nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Subscribe to the feeds of an OPML file (folders become categories; feeds are fetched later)."""
    with ExitStack() as stack:
        source = _open_input(stack, file)

        async def load(rt: Runtime) -> services.OpmlImportSummary:
            return await services.import_opml(rt, await user_id_of(user), source, dry_run=dry_run)

        summary = run(load)
    if as_json:
        typer.echo(json.dumps(summary.as_dict(), indent=2, ensure_ascii=False))
    else:
        _print_summary(summary)


@opml_app.command("export")
def export(
    user: str = typer.Option(..., "--user", help="The subscriber's email."),
    output: str = typer.Option("-", "-o", "--output", help="The file to write, or - for standard output."),
) -> None:
    """Write the user's subscriptions as OPML 2.0 (categories nested)."""
    target = Path(output)
    partial = target.with_name(f".{target.name}.partial")  # the previous file stays until the export succeeds
    with ExitStack() as stack:
        if output == "-":
            out: IO[bytes] = sys.stdout.buffer
        else:
            if target.is_dir():
                fail(f"cannot write {output}: it is a directory")
            try:
                out = stack.enter_context(partial.open("wb"))
            except OSError as exc:
                fail(f"cannot write {output}: {exc.strerror or exc}")
            stack.callback(partial.unlink, missing_ok=True)

        async def write(rt: Runtime) -> int:
            return await services.export_opml(rt, await user_id_of(user), out)

        count = run(write)
        out.flush()
        if output != "-":
            try:
                partial.replace(target)
            except OSError as exc:
                fail(f"cannot write {output}: {exc.strerror or exc}")
    if output != "-":
        typer.echo(f"exported {count} feeds to {output}", err=True)
