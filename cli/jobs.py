"""`legadilo worker`, `cron`, `cleanup` and `stats`: the background work and the operator's figures."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from collections import Counter

import typer

from cli._run import run, user_id_of
from legadilo.feeds import maintenance, scheduler
from legadilo.importexport import jobs as import_jobs
from legadilo.importexport.models import ImportJob
from legadilo.runtime import Runtime


def _configure_logging(rt: Runtime) -> None:
    logging.basicConfig(level=rt.settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


IMPORT_POLL_SECONDS = 5.0


def worker() -> None:
    """Refresh due feeds continuously, import uploaded files (polling every few seconds) and run the daily
    cleanup; stops cleanly on SIGINT or SIGTERM (an import in progress is handed back and resumes later)."""

    async def loop(rt: Runtime) -> None:
        _configure_logging(rt)
        stop = asyncio.Event()
        running = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            running.add_signal_handler(signum, stop.set)

        async def periodic() -> None:
            report = await maintenance.cleanup(rt.clock.now())
            logging.getLogger("legadilo.worker").info("cleanup: %s", report)

        logging.getLogger("legadilo.worker").info("worker started")
        async with asyncio.TaskGroup() as group:
            group.create_task(scheduler.run_worker(rt, stop, periodic=periodic, period=3600))
            group.create_task(import_jobs.run_import_worker(rt, stop, poll_seconds=IMPORT_POLL_SECONDS))
        logging.getLogger("legadilo.worker").info("worker stopped")

    run(loop)


def cron() -> None:
    """One pass of due work (refresh every due feed, clean up, then import the uploaded files waiting): for
    hosts that prefer cron (hourly)."""

    async def once(rt: Runtime) -> tuple[scheduler.RefreshReport, maintenance.CleanupReport, list[ImportJob]]:
        report = await scheduler.refresh_due(rt)
        cleaned = await maintenance.cleanup(rt.clock.now())
        await import_jobs.sweep_orphan_files(rt)
        return report, cleaned, await import_jobs.process_pending(rt)

    report, cleaned, imported = run(once)
    counts = dict(report.counts)
    statuses = Counter(job.status.value for job in imported)
    typer.echo(
        f"refreshed {len(report.outcomes)} sources ({counts.get('SUCCESS', 0)} updated, "
        f"{counts.get('NOT_MODIFIED', 0)} unchanged, {counts.get('FAILURE', 0)} failed), "
        f"{report.new_articles} new articles; cleaned {cleaned.articles} articles, "
        f"{cleaned.feed_updates} feed updates, {cleaned.fetch_errors} fetch errors; "
        f"imported {len(imported)} uploaded files ({statuses.get('DONE', 0)} done, {statuses.get('FAILED', 0)} failed)"
    )


def cleanup() -> None:
    """Apply the retention rules now."""
    cleaned = run(lambda rt: maintenance.cleanup(rt.clock.now()))
    typer.echo(
        f"deleted {cleaned.articles} articles, {cleaned.feed_updates} feed updates, {cleaned.fetch_errors} fetch errors"
    )


def stats(
    user: str | None = typer.Option(None, "--user", help="Only this user's figures."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Counts for operators: users, feeds, sources, articles, unread, outcomes, due sources, queue lag."""

    async def figures(rt: Runtime) -> dict[str, object]:
        user_id = await user_id_of(user) if user else None
        return await maintenance.stats(rt.clock.now(), user_id)

    result = run(figures)
    if as_json:
        typer.echo(json.dumps(result, indent=2, sort_keys=True))
        return
    for key, value in result.items():
        typer.echo(f"{key}: {value}")
