"""`legadilo`: the command line of the terminal and of cron."""

from __future__ import annotations

import typer

from cli import articles, articles_io, db, feeds, import_jobs, importexport, jobs, serve, users

app = typer.Typer(
    name="legadilo",
    help="Legadilo: a self-hostable feed reader and article saver.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("serve")(serve.serve)
app.command("worker")(jobs.worker)
app.command("cron")(jobs.cron)
app.command("cleanup")(jobs.cleanup)
app.command("stats")(jobs.stats)
app.add_typer(db.app, name="db")
app.add_typer(users.app, name="users")
app.add_typer(feeds.app, name="feeds")
app.add_typer(importexport.opml_app, name="opml")
app.add_typer(articles.app, name="articles")
app.add_typer(import_jobs.app, name="imports")
app.add_typer(articles_io.import_app, name="import")
app.add_typer(articles_io.export_app, name="export")


if __name__ == "__main__":
    app()
