"""`legadilo feeds …`: subscriptions and refreshes."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from cli._run import fail, run, user_id_of
from legadilo.feeds import scheduler, services
from legadilo.feeds.models import Feed, RefreshDelay
from legadilo.runtime import Runtime

app = typer.Typer(help="Subscribe to feeds, list, refresh and remove them.", no_args_is_help=True)


@app.command()
def add(
    url: str = typer.Argument(..., help="A feed URL, or a page advertising a feed, or a YouTube channel/playlist."),
    user: str = typer.Option(..., "--user", help="The subscriber's email."),
    category: str | None = typer.Option(None, help="Category title (created when missing)."),
    tag: list[str] = typer.Option([], "--tag", help="A tag for the feed's new articles (repeatable)."),
    refresh_delay: RefreshDelay = typer.Option(RefreshDelay.DAILY_AT_NOON, help="How often to check the feed."),
    retention: int = typer.Option(0, min=0, help="Delete read articles after this many days (0: keep)."),
) -> None:
    """Subscribe to a feed (fetched at once)."""
    options = services.SubscribeOptions(
        category=category, tags=tuple(tag), refresh_delay=refresh_delay, article_retention_time=retention
    )

    async def subscribe(rt: Runtime) -> services.Subscribed | services.FeedChoices:
        return await services.subscribe_to_feed(rt, await user_id_of(user), url, options)

    result = run(subscribe)
    if isinstance(result, services.FeedChoices):
        lines = "\n".join(f"  {link.url}  ({link.title})" for link in result.links)
        typer.echo(f"this page advertises several feeds; subscribe to one of them:\n{lines}", err=True)
        raise typer.Exit(code=1)
    feed = result.feed
    if result.created:
        typer.echo(f"subscribed to {feed.title!r} (feed {feed.id}): {result.new_articles} articles")
    elif result.reenabled:
        typer.echo(f"re-enabled {feed.title!r} (feed {feed.id}): {result.new_articles} new articles")
    else:
        typer.echo(f"already subscribed to {feed.title!r} (feed {feed.id})")


def _feed_row(feed: Feed) -> dict[str, Any]:
    source = feed.source
    return {
        "id": feed.id,
        "title": feed.title,
        "url": source.url,
        "category": feed.category.title if feed.category else None,
        "refresh_delay": feed.refresh_delay.value,
        "enabled": feed.disabled_at is None,
        "disabled_reason": feed.disabled_reason,
        "last_outcome": source.last_outcome.value,
        "last_checked_at": source.last_checked_at.isoformat() if source.last_checked_at else None,
        "error_streak": source.error_streak,
        "last_error": source.last_error,
        "next_check_at": source.next_check_at.isoformat(),
    }


@app.command("list")
def list_feeds(
    user: str = typer.Option(..., "--user"), as_json: bool = typer.Option(False, "--json", help="Print JSON.")
) -> None:
    """The user's feeds with their last outcome, error streak and next check."""

    async def load(rt: Runtime) -> list[Feed]:
        return await services.list_feeds(await user_id_of(user))

    rows = [_feed_row(feed) for feed in run(load)]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table("id", "title", "outcome", "errors", "next check", "enabled")
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["title"],
            row["last_outcome"],
            str(row["error_streak"]),
            row["next_check_at"][:16],
            "yes" if row["enabled"] else "no",
        )
    Console().print(table)


@app.command()
def show(
    feed_id: int = typer.Argument(...),
    user: str = typer.Option(..., "--user"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """A feed and its recent updates."""

    async def load(rt: Runtime) -> services.FeedDetails:
        return await services.show_feed(await user_id_of(user), feed_id)

    details = run(load)
    updates = [
        {
            "at": update.created_at.isoformat(),
            "status": update.status.value,
            "http_status": update.http_status,
            "new": update.new_entries,
            "updated": update.updated_entries,
            "error": update.error_message,
            "duration_ms": update.duration_ms,
        }
        for update in details.updates
    ]
    payload = {**_feed_row(details.feed), "site_url": details.feed.site_url, "updates": updates}
    if as_json:
        typer.echo(json.dumps(payload, indent=2))
        return
    for key, value in payload.items():
        if key != "updates":
            typer.echo(f"{key}: {value}")
    table = Table("at", "status", "http", "new", "updated", "ms", "error")
    for update in updates:
        table.add_row(
            str(update["at"])[:19],
            str(update["status"]),
            str(update["http_status"] or ""),
            str(update["new"]),
            str(update["updated"]),
            str(update["duration_ms"]),
            str(update["error"]),
        )
    Console().print(table)


@app.command()
def remove(feed_id: int = typer.Argument(...), user: str = typer.Option(..., "--user")) -> None:
    """Unsubscribe (the articles stay)."""

    async def unsubscribe(rt: Runtime) -> None:
        await services.remove_feed(await user_id_of(user), feed_id)

    run(unsubscribe)
    typer.echo(f"removed feed {feed_id}")


@app.command()
def update(
    user: str | None = typer.Option(None, "--user", help="Only this user's feeds."),
    feed_id: int | None = typer.Option(None, "--feed-id", help="Only this feed (needs --user)."),
    force: bool = typer.Option(False, "--force", help="Ignore the schedule (cache validators are still sent)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not send ETag / Last-Modified validators."),
) -> None:
    """Refresh feeds: the due ones, or with --force every selected one."""
    if feed_id is not None and user is None:
        fail("--feed-id needs --user")

    async def refresh(rt: Runtime) -> scheduler.RefreshReport:
        user_id = await user_id_of(user) if user else None
        if feed_id is not None and user_id is not None:
            await services.show_feed(user_id, feed_id)  # NotFound for someone else's feed
        if user_id is None and feed_id is None and not force:
            return await scheduler.refresh_due(rt)
        return await scheduler.refresh_selected(
            rt, user_id=user_id, feed_id=feed_id, force=force, use_cache=not no_cache
        )

    report = run(refresh)
    counts = dict(report.counts)
    typer.echo(
        f"refreshed {len(report.outcomes)} sources: {counts.get('SUCCESS', 0)} updated, "
        f"{counts.get('NOT_MODIFIED', 0)} unchanged, {counts.get('FAILURE', 0)} failed; "
        f"{report.new_articles} new articles"
    )
    if report.skipped:
        typer.echo(f"skipped {report.skipped} sources being refreshed by another worker right now")
    for outcome in report.outcomes:
        if outcome.error:
            typer.echo(f"  {outcome.url}: {outcome.error}", err=True)
