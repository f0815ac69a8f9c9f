"""`legadilo imports list|process`: the import jobs made from web uploads, for operators."""

from __future__ import annotations

import json
from contextlib import ExitStack
from datetime import datetime
from typing import Any

import typer

from cli._report import ImportProgress
from cli._run import run, user_id_of
from legadilo.importexport import jobs
from legadilo.importexport.models import ImportJob
from legadilo.importexport.reports import ImportReport
from legadilo.runtime import Runtime

app = typer.Typer(help="Import jobs: files uploaded through the web, imported in the background.", no_args_is_help=True)


def _age(moment: datetime, now: datetime) -> str:
    seconds = max(0, int((now - moment).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _row(job: ImportJob, now: datetime) -> dict[str, Any]:
    return {
        "id": job.id,
        "user": job.user.email,
        "kind": job.kind.value,
        "status": job.status.value,
        "file": job.original_filename,
        "rows_done": job.rows_done,
        "bytes_read": job.bytes_read,
        "size_bytes": job.size_bytes,
        "created": job.created_count,
        "skipped": job.skipped_count,
        "invalid": job.invalid_count,
        "error": job.error_message,
        "created_at": job.created_at.isoformat(),
        "age": _age(job.created_at, now),
    }


@app.command("list")
def list_(
    user: str | None = typer.Option(None, "--user", help="Only this user's jobs."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    limit: int = typer.Option(100, "--limit", min=1, max=10_000, help="At most this many, the newest first."),
) -> None:
    """The most recent import jobs: status, progress and counts."""

    async def listed(rt: Runtime) -> list[dict[str, Any]]:
        user_id = await user_id_of(user) if user else None
        now = rt.clock.now()
        return [_row(job, now) for job in await jobs.list_jobs(user_id, limit=limit)]

    rows = run(listed)
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        typer.echo("no import jobs")
        return
    typer.echo(f"{'id':>6}  {'user':<28} {'kind':<8} {'status':<9} {'rows':>9} {'read / size':>21}  {'c/s/i':<16} age")
    for row in rows:
        read = f"{row['bytes_read']:,}/{row['size_bytes']:,}"
        counts = f"{row['created']}/{row['skipped']}/{row['invalid']}"
        typer.echo(
            f"{row['id']:>6}  {row['user'][:28]:<28} {row['kind']:<8} {row['status']:<9} {row['rows_done']:>9,} "
            f"{read:>21}  {counts:<16} {row['age']}"
        )


def _outcome(job: ImportJob) -> str:
    line = (
        f"job {job.id} ({job.kind.value}, {job.user.email}): {job.status.value} — {job.rows_done} records, "
        f"{job.created_count} created, {job.skipped_count} skipped, {job.invalid_count} invalid"
    )
    return f"{line}: {job.error_message}" if job.error_message else line


@app.command("process")
def process(
    job: int | None = typer.Option(None, "--job", help="Only this job (it must be pending or interrupted)."),
) -> None:
    """Import the pending jobs, and resume the interrupted ones (their process died), oldest first."""
    with ExitStack() as stack:
        bars: dict[int, ImportProgress] = {}

        def progress(claimed: ImportJob, report: ImportReport) -> None:
            if claimed.id not in bars:
                label = f"job {claimed.id} ({claimed.kind.value})"
                bars[claimed.id] = stack.enter_context(ImportProgress(label, claimed.size_bytes or None))
            bars[claimed.id].update(report)

        async def work(rt: Runtime) -> list[ImportJob]:
            if job is not None:
                processed = [await jobs.process_job(rt, job, on_progress=progress)]
            else:
                processed = await jobs.process_pending(rt, on_progress=progress)
            for done in processed:
                await done.fetch_related("user")
            return processed

        processed = run(work)
    if not processed:
        typer.echo("no pending import jobs")
    for done in processed:
        typer.echo(_outcome(done))
