"""The import_job rows: leases (`FOR UPDATE SKIP LOCKED`), checkpoints and endings, in SQL.

A job is owned by at most one process at a time: the one whose `lease_owner` it names while `leased_until` is in
the future. Every write of a running job (a checkpoint, the end) is conditional on that lease and on the job
still running, so a process that lost its job (cancelled, or taken over after its lease expired) writes nothing.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient

from legadilo.importexport.models import ImportKind, ImportStatus
from legadilo.importexport.reports import ImportReport


def _db() -> BaseDBAsyncClient:
    return Tortoise.get_connection("default")


async def insert_job(
    user_id: int, kind: ImportKind, file_path: str, original_filename: str, size: int, now: datetime
) -> int:
    rows = await _db().execute_query_dict(
        "INSERT INTO import_job (user_id, kind, status, file_path, original_filename, size_bytes, bytes_read,"
        " rows_done, created_count, skipped_count, invalid_count, rejected, error_message, lease_owner,"
        " created_at, updated_at)"
        " VALUES ($1, $2, 'PENDING', $3, $4, $5, 0, 0, 0, 0, 0, '[]'::jsonb, '', '', $6, $6) RETURNING id",
        [user_id, kind.value, file_path, original_filename, size, now],
    )
    job_id: int = rows[0]["id"]
    return job_id


async def claim(owner: str, now: datetime, lease_until: datetime, *, job_id: int | None = None) -> int | None:
    """Lease the oldest due job (or this one if due): pending, or running under an expired lease (its process
    died). Concurrent callers never get the same job."""
    rows = await _db().execute_query_dict(
        "UPDATE import_job j SET status = 'RUNNING', lease_owner = $1, leased_until = $2,"
        " started_at = COALESCE(j.started_at, $3), updated_at = $3"
        " WHERE j.id = (SELECT id FROM import_job"
        "   WHERE (status = 'PENDING' OR (status = 'RUNNING' AND (leased_until IS NULL OR leased_until < $3)))"
        "   AND ($4::bigint IS NULL OR id = $4)"
        "   ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)"
        " RETURNING j.id",
        [owner, lease_until, now, job_id],
    )
    return rows[0]["id"] if rows else None


async def renew(job_id: int, owner: str, lease_until: datetime, now: datetime) -> bool:
    """Extend the lease; False when this process no longer owns a running job."""
    rows = await _db().execute_query_dict(
        "UPDATE import_job SET leased_until = $3, updated_at = $4"
        " WHERE id = $1 AND lease_owner = $2 AND status = 'RUNNING' RETURNING id",
        [job_id, owner, lease_until, now],
    )
    return bool(rows)


def _report_values(report: ImportReport) -> list[Any]:
    return [
        report.rows_done,
        report.bytes_read,
        sum(report.created.values()),
        report.skipped,
        report.invalid,
        json.dumps([asdict(row) for row in report.rejected], ensure_ascii=False),
        json.dumps(report.as_dict(), ensure_ascii=False),
    ]


async def save_progress(
    connection: BaseDBAsyncClient, job_id: int, owner: str, report: ImportReport, lease_until: datetime, now: datetime
) -> bool:
    """Inside a batch's transaction: where to resume and the counts so far (and a renewed lease); False when
    this process no longer owns a running job (the batch must then be rolled back)."""
    rows = await connection.execute_query_dict(
        "UPDATE import_job SET rows_done = $3, bytes_read = $4, created_count = $5, skipped_count = $6,"
        " invalid_count = $7, rejected = $8::jsonb, checkpoint = $9::jsonb, leased_until = $10, updated_at = $11"
        " WHERE id = $1 AND lease_owner = $2 AND status = 'RUNNING' RETURNING id",
        [job_id, owner, *_report_values(report), lease_until, now],
    )
    return bool(rows)


async def mark_finished(
    connection: BaseDBAsyncClient,
    job_id: int,
    owner: str,
    status: ImportStatus,
    now: datetime,
    *,
    report: ImportReport | None,
    message: str = "",
) -> dict[str, Any] | None:
    """End a running job this process owns (with its final report, or keeping the last checkpoint's counts);
    the job's row after the update, or None when the job is no longer ours."""
    values = _report_values(report) if report is not None else [None] * 7
    rows = await connection.execute_query_dict(
        "UPDATE import_job SET status = $3, error_message = $4, finished_at = $5, updated_at = $5,"
        " lease_owner = '', leased_until = NULL,"
        " rows_done = COALESCE($6, rows_done), bytes_read = COALESCE($7, bytes_read),"
        " created_count = COALESCE($8, created_count), skipped_count = COALESCE($9, skipped_count),"
        " invalid_count = COALESCE($10, invalid_count), rejected = COALESCE($11::jsonb, rejected),"
        " checkpoint = COALESCE($12::jsonb, checkpoint)"
        " WHERE id = $1 AND lease_owner = $2 AND status = 'RUNNING'"
        " RETURNING id, user_id, kind, original_filename, file_path, created_count, skipped_count, invalid_count,"
        " checkpoint",
        [job_id, owner, status.value, message, now, *values],
    )
    return rows[0] if rows else None


async def notify(
    connection: BaseDBAsyncClient, user_id: int, title: str, content: str, link: str, link_text: str, now: datetime
) -> None:
    await connection.execute_query(
        "INSERT INTO notification (user_id, title, content, info_link, info_link_text, created_at, updated_at)"
        " VALUES ($1, $2, $3, $4, $5, $6, $6)",
        [user_id, title[:100], content, link, link_text[:100], now],
    )


async def release(job_id: int, owner: str, now: datetime) -> None:
    """Hand a job back (the process is stopping): pending again, it resumes after its last checkpoint."""
    await _db().execute_query(
        "UPDATE import_job SET status = 'PENDING', lease_owner = '', leased_until = NULL, updated_at = $3"
        " WHERE id = $1 AND lease_owner = $2 AND status = 'RUNNING'",
        [job_id, owner, now],
    )


async def cancel(user_id: int, job_id: int, now: datetime) -> str | None:
    """Cancel an unfinished job of this user; its file's path, or None when there is no such unfinished job."""
    rows = await _db().execute_query_dict(
        "UPDATE import_job SET status = 'CANCELLED', finished_at = $3, updated_at = $3, lease_owner = '',"
        " leased_until = NULL WHERE id = $1 AND user_id = $2 AND status IN ('PENDING', 'RUNNING')"
        " RETURNING file_path",
        [job_id, user_id, now],
    )
    return rows[0]["file_path"] if rows else None


async def unfinished_file_paths() -> list[str]:
    rows = await _db().execute_query_dict("SELECT file_path FROM import_job WHERE status IN ('PENDING', 'RUNNING')", [])
    return [row["file_path"] for row in rows]
