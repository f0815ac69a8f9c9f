"""`legadilo`: the command line of the terminal and of cron."""

from __future__ import annotations

import typer

from cli import db, serve, users

app = typer.Typer(
    name="legadilo",
    help="Legadilo: a self-hostable feed reader and article saver.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("serve")(serve.serve)
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="users")


if __name__ == "__main__":
    app()
