"""`legadilo users …`: accounts."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from cli._run import fail, read_password, run
from legadilo.accounts import services as accounts
from legadilo.core.errors import InvalidInput
from legadilo.signup.services import register_user

app = typer.Typer(help="Create, list, change and delete accounts.", no_args_is_help=True)


@app.command()
def create(
    email: str = typer.Argument(..., help="The account's email (case-insensitive)."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
    admin: bool = typer.Option(False, "--admin", help="Make the account an administrator."),
) -> None:
    """Create an account with its default reading lists."""
    try:
        accounts.normalise_email(email)
    except InvalidInput as exc:
        fail(exc.message)
    password = read_password(from_stdin=password_stdin)
    user = run(lambda rt: register_user(email, password, is_admin=admin))
    typer.echo(f"created user {user.email} (id {user.id}{', administrator' if user.is_admin else ''})")


@app.command("list")
def list_users(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Every account."""
    users = run(lambda rt: accounts.list_users())
    rows = [
        {
            "id": user.id,
            "email": user.email,
            "is_admin": user.is_admin,
            "is_active": user.is_active,
            "created_at": user.created_at.isoformat(),
            "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
        }
        for user in users
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table("id", "email", "admin", "active", "created", "last login")
    for row in rows:
        table.add_row(
            str(row["id"]),
            str(row["email"]),
            "yes" if row["is_admin"] else "",
            "yes" if row["is_active"] else "no",
            str(row["created_at"])[:16],
            str(row["last_login_at"] or "")[:16],
        )
    Console().print(table)


@app.command("set-password")
def set_password(
    email: str = typer.Argument(...),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
) -> None:
    """Change a password; this unlocks the account and logs it out everywhere."""
    password = read_password(from_stdin=password_stdin, prompt="New password")
    user = run(lambda rt: accounts.set_password(email, password))
    typer.echo(f"password changed for {user.email}")


@app.command()
def delete(
    email: str = typer.Argument(...),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Delete an account and everything it owns."""
    if not yes and not typer.confirm(f"Delete {email} and all of its data?", default=False):
        raise typer.Exit(code=1)
    run(lambda rt: accounts.delete_user(email))
    typer.echo(f"deleted user {email.strip().lower()}")
