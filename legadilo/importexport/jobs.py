"""Import jobs: an uploaded file imported in the background, resumable after an interruption.

The line a job follows:
`upload kept in <data_dir>/imports/ → job PENDING → claimed under a lease (FOR UPDATE SKIP LOCKED) → the kind's
importer runs with resume_after=rows_done, each batch committed with its checkpoint → DONE or FAILED, the file
deleted, a notification for the user`.

A process killed mid-way leaves its job RUNNING under a lease that expires; the next claim resumes it after the
last committed batch, so nothing is written twice. A process that stops (SIGTERM, Ctrl-C) hands its job back.
Used by the web (small uploads start at once), `legadilo imports process`, `legadilo worker` and `legadilo cron`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Coroutine
from datetime import timedelta
from pathlib import Path
from typing import IO, Any, TypeVar, cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from legadilo.core.errors import DomainError, InvalidInput, NotFound
from legadilo.db import as_database_unavailable
from legadilo.feeds.scheduler import worker_id
from legadilo.importexport import job_store as store
from legadilo.importexport.importers import importer_for
from legadilo.importexport.models import ImportJob, ImportKind, ImportStatus
from legadilo.importexport.reports import ImportReport
from legadilo.importexport.uploads import imports_folder, orphan_files
from legadilo.runtime import Runtime

logger = logging.getLogger(__name__)
T = TypeVar("T")

LEASE = timedelta(seconds=60)
RENEW_EVERY_SECONDS = 20.0
ORPHAN_AFTER_SECONDS = 2 * 3600.0  # longer than the web's upload body timeout
JOB_PAGE = "/import-export/imports/{job_id}/"  # the web's job status page (linked from notifications)
UNFINISHED = (ImportStatus.PENDING, ImportStatus.RUNNING)
JobProgress = Callable[[ImportJob, ImportReport], None]


class JobLost(Exception):
    """This process no longer owns the job: cancelled, or taken over after its lease expired."""


# --- creating, reading, cancelling ----------------------------------------------------------------------


async def create_job(
    rt: Runtime, user_id: int, kind: ImportKind, file_path: Path, size: int, original_filename: str
) -> ImportJob:
    """A pending job for a file already kept in the imports folder; the file is deleted if this fails."""
    try:
        job_id = await store.insert_job(user_id, kind, str(file_path), original_filename[:255], size, rt.clock.now())
    except BaseException:
        _delete(str(file_path))
        raise
    return await ImportJob.get(id=job_id)


async def list_jobs(user_id: int | None, *, limit: int = 100) -> list[ImportJob]:
    """The most recent jobs first (of one user, or of everyone), with their user."""
    query = ImportJob.all() if user_id is None else ImportJob.filter(user_id=user_id)
    return await query.order_by("-created_at", "-id").limit(limit).select_related("user")


async def get_job(user_id: int, job_id: int) -> ImportJob:
    """Raises:
    NotFound: no such job for this user (another user's job is not found either)."""
    job = await ImportJob.get_or_none(id=job_id, user_id=user_id)
    if job is None:
        raise NotFound(f"no import job {job_id}")
    return job


async def cancel_job(rt: Runtime, user_id: int, job_id: int) -> ImportJob:
    """Stop an unfinished job: what its committed batches imported stays; its file is deleted (a process still
    reading it stops at its next checkpoint, writing nothing more).

    Raises:
        NotFound: no such job for this user. InvalidInput: the job has already ended.
    """
    file_path = await store.cancel(user_id, job_id, rt.clock.now())
    if file_path is None:
        job = await get_job(user_id, job_id)
        raise InvalidInput(f"import job {job_id} has already ended ({job.status.value.lower()})")
    _delete(file_path)
    return await get_job(user_id, job_id)


# --- running --------------------------------------------------------------------------------------------


class _Lease:
    """One claimed job: renews its lease while the import runs, and checkpoints only while it still owns it."""

    def __init__(self, rt: Runtime, job_id: int, owner: str) -> None:
        self.rt, self.job_id, self.owner = rt, job_id, owner

    async def checkpoint(self, connection: BaseDBAsyncClient, report: ImportReport) -> None:
        now = self.rt.clock.now()
        if not await store.save_progress(connection, self.job_id, self.owner, report, now + LEASE, now):
            raise JobLost(f"import job {self.job_id} is no longer owned by {self.owner}")

    async def hold(self, work: Coroutine[Any, Any, T]) -> T:
        """Run `work`, renewing the lease meanwhile; cancel it when the lease is lost."""
        task = asyncio.ensure_future(work)
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=RENEW_EVERY_SECONDS)
                if done:
                    return task.result()
                now = self.rt.clock.now()
                if not await store.renew(self.job_id, self.owner, now + LEASE, now):
                    raise JobLost(f"import job {self.job_id} is no longer owned by {self.owner}")
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, JobLost):
                    await task


async def _run_claimed(rt: Runtime, job_id: int, owner: str, on_progress: JobProgress | None) -> ImportJob:
    """The per-job boundary: whatever happens, the job ends DONE or FAILED, is handed back (stop), or is left
    to its lease (lost, database unreachable)."""
    job = await ImportJob.get(id=job_id)
    report = ImportReport.from_dict(job.checkpoint) if job.checkpoint else ImportReport(kind=job.kind.value.lower())
    lease = _Lease(rt, job_id, owner)
    progress = (lambda report: on_progress(job, report)) if on_progress is not None else None
    try:
        importer = importer_for(job.kind)
        with _open(job.file_path) as source:
            work = importer(
                rt,
                job.user_id,  # type: ignore[attr-defined]
                source,
                resume_after=job.rows_done,
                report=report,
                checkpoint=lease.checkpoint,
                on_progress=progress,
            )
            final = await lease.hold(cast(Coroutine[Any, Any, ImportReport], work))
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await store.release(job_id, owner, rt.clock.now())
        raise
    except JobLost:
        logger.info("import job %s: no longer ours (cancelled or taken over)", job_id)
    except FileNotFoundError:
        await _finish(rt, job, owner, ImportStatus.FAILED, None, "the uploaded file is gone; upload it again")
    except DomainError as exc:
        await _finish(rt, job, owner, ImportStatus.FAILED, None, exc.message)
    except Exception as exc:
        if as_database_unavailable(exc) is not None:
            raise  # the lease expires and the job resumes once the database is back
        logger.exception("import job %s crashed", job_id)
        message = f"an unexpected error stopped the import ({type(exc).__name__}); it was logged"
        await _finish(rt, job, owner, ImportStatus.FAILED, None, message)
    else:
        await _finish(rt, job, owner, ImportStatus.DONE, final, "")
    return await ImportJob.get(id=job_id)


def _open(path: str) -> IO[bytes]:
    return Path(path).open("rb")


def _delete(path: str) -> None:
    Path(path).unlink(missing_ok=True)


def _summary(label: str, checkpoint: dict[str, Any], message: str) -> str:
    """`OPML import of feeds.opml: created 3 feeds; 1 skipped, 0 invalid`, or `… failed: why (before that: …)`."""
    created = ", ".join(f"{count} {what}" for what, count in checkpoint.get("created", {}).items()) or "nothing"
    counts = f"created {created}; {checkpoint.get('skipped', 0)} skipped, {checkpoint.get('invalid', 0)} invalid"
    if not message:
        return f"{label}: {counts}"
    return f"{label} failed: {message}" + (f" (before that: {counts})" if checkpoint.get("rows_done") else "")


async def _finish(
    rt: Runtime, job: ImportJob, owner: str, status: ImportStatus, report: ImportReport | None, message: str
) -> None:
    """End the job and notify its user in one transaction, then delete its file."""
    now = rt.clock.now()
    async with in_transaction() as connection:
        row = await store.mark_finished(connection, job.id, owner, status, now, report=report, message=message)
        if row is None:
            return
        checkpoint = json.loads(row["checkpoint"]) if row["checkpoint"] else {}
        name = f" of {row['original_filename']}" if row["original_filename"] else ""
        title = "Import finished" if status is ImportStatus.DONE else "Import failed"
        content = _summary(f"{job.kind.value} import{name}", checkpoint, message)
        await store.notify(
            connection, row["user_id"], title, content, JOB_PAGE.format(job_id=job.id), "See the import", now
        )
    _delete(row["file_path"])
    logger.info("import job %s: %s %s", job.id, status.value, message)


async def process_job(
    rt: Runtime, job_id: int, *, owner: str | None = None, on_progress: JobProgress | None = None
) -> ImportJob:
    """Claim and run this job now (the web starts small uploads this way; `imports process --job`).

    Raises:
        NotFound: no such job. InvalidInput: it has ended, or another process is running it.
    """
    owner = owner or worker_id()
    now = rt.clock.now()
    claimed = await store.claim(owner, now, now + LEASE, job_id=job_id)
    if claimed is None:
        job = await ImportJob.get_or_none(id=job_id)
        if job is None:
            raise NotFound(f"no import job {job_id}")
        if job.status in UNFINISHED:
            raise InvalidInput(f"import job {job_id} is being processed by {job.lease_owner or 'another process'}")
        raise InvalidInput(f"import job {job_id} has already ended ({job.status.value.lower()})")
    return await _run_claimed(rt, claimed, owner, on_progress)


async def process_pending(
    rt: Runtime, *, owner: str | None = None, on_progress: JobProgress | None = None
) -> list[ImportJob]:
    """Run every due job (pending, or interrupted: lease expired), oldest first, one after the other."""
    owner = owner or worker_id()
    processed: list[ImportJob] = []
    while True:
        now = rt.clock.now()
        claimed = await store.claim(owner, now, now + LEASE)
        if claimed is None:
            return processed
        processed.append(await _run_claimed(rt, claimed, owner, on_progress))


async def sweep_orphan_files(rt: Runtime) -> int:
    """Delete the files of the imports folder that no unfinished job owns (uploads cut off by a killed process,
    jobs of deleted users); the number deleted."""
    folder = imports_folder(rt.settings)
    owned = await store.unfinished_file_paths()
    orphans = orphan_files(folder, owned, older_than_seconds=ORPHAN_AFTER_SECONDS)
    for path in orphans:
        path.unlink(missing_ok=True)
    return len(orphans)


async def run_import_worker(rt: Runtime, stop: asyncio.Event, *, poll_seconds: float = 5.0) -> None:
    """`legadilo worker`: process due jobs every `poll_seconds` until `stop`; a job running when `stop` is set
    is interrupted and handed back (it resumes after its last committed batch)."""
    owner = worker_id()
    loop = asyncio.get_running_loop()
    next_sweep = loop.time()
    while not stop.is_set():
        try:
            if loop.time() >= next_sweep:
                swept = await sweep_orphan_files(rt)
                if swept:
                    logger.info("deleted %d orphan upload files", swept)
                next_sweep = loop.time() + 3600
            await _until_stopped(process_pending(rt, owner=owner), stop)
        except Exception:
            logger.exception("import jobs: processing failed; retrying in %s s", poll_seconds)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=poll_seconds)


async def _until_stopped(work: Coroutine[Any, Any, T], stop: asyncio.Event) -> T | None:
    """Run `work` until it ends or `stop` is set (then cancel it and wait for its clean-up)."""
    task = asyncio.ensure_future(work)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    return None if task.cancelled() else task.result()
