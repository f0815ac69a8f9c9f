"""`legadilo db …`: the schema migrations."""

from __future__ import annotations

import typer

from cli._run import run_on_database
from legadilo import schema

app = typer.Typer(help="Database schema migrations (aerich).", no_args_is_help=True)


@app.command()
def upgrade() -> None:
    """Apply every pending migration."""
    applied = run_on_database(schema.upgrade)
    if applied:
        for name in applied:
            typer.echo(f"applied {name}")
    else:
        typer.echo("the database is up to date")


@app.command()
def downgrade(
    version: int = typer.Option(-1, "--version", "-v", help="Revert down to this migration number (-1: the last one)."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Revert migrations (this drops data)."""
    if not yes and not typer.confirm("Reverting migrations can drop data. Continue?", default=False):
        raise typer.Exit(code=1)
    reverted = run_on_database(lambda target: schema.downgrade(target, version))
    for name in reverted:
        typer.echo(f"reverted {name}")


@app.command()
def history() -> None:
    """Every migration, oldest first."""
    for name in schema.history():
        typer.echo(name)


@app.command()
def heads() -> None:
    """Migrations not applied yet."""
    pending = run_on_database(schema.heads)
    for name in pending:
        typer.echo(name)
    if not pending:
        typer.echo("no pending migration")
