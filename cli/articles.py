"""`legadilo articles …`: saving web pages as articles."""

from __future__ import annotations

import json

import typer

from cli._run import run, user_id_of
from legadilo.reading.saving import SavedArticle, save_article_by_url
from legadilo.runtime import Runtime

app = typer.Typer(help="Save web pages as articles.", no_args_is_help=True)


@app.command()
def add(
    url: str = typer.Argument(..., help="The page's URL (https:// is assumed when no scheme is given)."),
    user: str = typer.Option(..., "--user", help="The owner's email."),
    tag: list[str] = typer.Option([], "--tag", help="A tag for the article (repeatable)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Save a web page as an article: fetched and extracted now; saved even when the fetch fails (the reason
    is printed on stderr and kept with the article). Saving a URL again marks it unread and adds the tags."""

    async def save(rt: Runtime) -> SavedArticle:
        return await save_article_by_url(rt, await user_id_of(user), url, tags=tuple(tag))

    saved = run(save)
    if as_json:
        payload = {
            "id": saved.article_id,
            "created": saved.created,
            "title": saved.title,
            "url": saved.url,
            "fetch_error": saved.fetch_error,
        }
        typer.echo(json.dumps(payload, ensure_ascii=False))
    elif saved.created:
        typer.echo(f"saved {saved.title!r} (article {saved.article_id})")
    else:
        typer.echo(f"already saved: {saved.title!r} (article {saved.article_id}), marked unread")
    if saved.fetch_error:
        typer.echo(f"warning: the content could not be fetched ({saved.fetch_error}); the URL is saved", err=True)
