"""`legadilo opml …`: subscriptions in and out as OPML."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import IO

import typer

from cli._report import open_input, opml_report, print_json, print_summary
from cli._run import fail, run, user_id_of
from legadilo.importexport import services
from legadilo.runtime import Runtime

opml_app = typer.Typer(help="Import and export subscriptions as OPML.", no_args_is_help=True)


@opml_app.command("import")
def import_(
    file: str = typer.Argument(..., help="The OPML file, or - for standard input."),
    user: str = typer.Option(..., "--user", help="The subscriber's email."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Report what would happen, write nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Subscribe to the feeds of an OPML file (folders become categories; feeds are fetched later)."""
    with ExitStack() as stack:
        source = open_input(stack, file)

        async def load(rt: Runtime) -> services.OpmlImportSummary:
            return await services.import_opml(rt, await user_id_of(user), source, dry_run=dry_run)

        summary = run(load)
    if as_json:
        print_json(summary.as_dict())
    else:
        print_summary(opml_report(summary), "OPML import")


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
