"""`legadilo imports list|process`, `legadilo worker` and `legadilo cron` on import jobs, in subprocesses: listing,
processing, one-line errors, and a process SIGKILLed (or stopped by SIGTERM) mid-import resumed by the next
one without writing anything twice."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from legadilo.db import DatabaseTarget
from legadilo.feeds.models import Feed
from legadilo.importexport import jobs
from legadilo.importexport.models import ImportJob, ImportKind, ImportStatus
from legadilo.importexport.uploads import imports_folder
from legadilo.runtime import Runtime
from legadilo.signup.services import register_user
from tests.cli.conftest import ROOT, Cli, database_url
from tests.cli.test_users_and_db import assert_one_line_error
from tests.conftest import TEST_PASSWORD
from tests.importexport.test_jobs import make_csv, snapshot

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BIG_CSV_ARTICLES = 3000  # six batches: long enough to stop a process between two of them


async def _user(email: str) -> int:
    user_id: int = (await register_user(email, TEST_PASSWORD)).id
    return user_id


async def _job(rt: Runtime, user_id: int, content: bytes, kind: ImportKind, name: str = "upload") -> ImportJob:
    path = imports_folder(rt.settings) / f"cli-{os.urandom(6).hex()}.{kind.value.lower()}"
    path.write_bytes(content)
    return await jobs.create_job(rt, user_id, kind, path, len(content), name)


def _exists(path: str) -> bool:
    return Path(path).exists()


async def _rows_done(job_id: int) -> int:
    rows_done: int = (await ImportJob.get(id=job_id)).rows_done
    return rows_done


async def _wait_until_mid_way(job_id: int, process: asyncio.subprocess.Process) -> None:
    """Until the job's first batch is committed (and not its last)."""
    for _ in range(1500):
        if await _rows_done(job_id) > 0 or process.returncode is not None:
            break
        await asyncio.sleep(0.01)
    assert 0 < await _rows_done(job_id) < BIG_CSV_ARTICLES, "the process was not stopped mid-way"


async def test_list_then_process_every_pending_job(cli: Cli, db: Runtime) -> None:
    alice, bob = await _user("alice@example.org"), await _user("bob@example.org")
    opml = await _job(db, alice, (FIXTURES / "opml" / "ttrss.opml").read_bytes(), ImportKind.OPML, "feeds.opml")
    wallabag = await _job(db, alice, b'{"not": "an array"}', ImportKind.WALLABAG, "export.json")
    csv = await _job(db, bob, (FIXTURES / "csv" / "django_export.csv").read_bytes(), ImportKind.CSV, "items.csv")

    listed, text, bobs = await asyncio.gather(
        asyncio.to_thread(cli, "imports", "list", "--json"),
        asyncio.to_thread(cli, "imports", "list"),
        asyncio.to_thread(cli, "imports", "list", "--user", "Bob@example.org", "--json"),
    )
    only_bob = json.loads(bobs.stdout)

    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(row["id"], row["user"], row["kind"], row["status"]) for row in rows] == [
        (csv.id, "bob@example.org", "CSV", "PENDING"),
        (wallabag.id, "alice@example.org", "WALLABAG", "PENDING"),
        (opml.id, "alice@example.org", "OPML", "PENDING"),
    ]
    assert (
        rows[2]["size_bytes"] == (FIXTURES / "opml" / "ttrss.opml").stat().st_size and rows[2]["file"] == "feeds.opml"
    )
    assert "PENDING" in text.stdout and "alice@example.org" in text.stdout
    assert [row["id"] for row in only_bob] == [csv.id]

    processed = cli("imports", "process")

    assert processed.returncode == 0, processed.stderr
    lines = processed.stdout.strip().splitlines()
    assert lines[0] == f"job {opml.id} (OPML, alice@example.org): DONE — 5 records, 5 created, 2 skipped, 0 invalid"
    assert lines[1].startswith(f"job {wallabag.id} (WALLABAG, alice@example.org): FAILED — 0 records")
    assert "JSON array" in lines[1]
    assert lines[2].startswith(f"job {csv.id} (CSV, bob@example.org): DONE")
    assert await Feed.filter(user_id=alice).count() == 3
    assert len((await snapshot(bob))["articles"]) > 0
    assert not any(_exists(job.file_path) for job in (opml, wallabag, csv))
    assert cli("imports", "process").stdout.strip() == "no pending import jobs"


async def test_errors_are_one_line(cli: Cli, db: Runtime) -> None:
    alice = await _user("alice@example.org")
    done = await jobs.process_job(db, (await _job(db, alice, b"<opml/>", ImportKind.OPML)).id)

    ended, unknown, nobody = await asyncio.gather(
        asyncio.to_thread(cli, "imports", "process", "--job", str(done.id)),
        asyncio.to_thread(cli, "imports", "process", "--job", "999999"),
        asyncio.to_thread(cli, "imports", "list", "--user", "nobody@example.org"),
    )

    assert_one_line_error(ended, "has already ended (failed)")
    assert_one_line_error(unknown, "no import job 999999")
    assert_one_line_error(nobody, "nobody@example.org")


async def test_a_process_killed_mid_import_is_resumed_by_the_next_without_duplicates(
    cli: Cli, db: Runtime, migrated_database: DatabaseTarget, tmp_path: Path
) -> None:
    alice, bob = await _user("alice@example.org"), await _user("bob@example.org")
    content = make_csv(BIG_CSV_ARTICLES)
    reference = await jobs.process_job(db, (await _job(db, bob, content, ImportKind.CSV)).id)
    job = await _job(db, alice, content, ImportKind.CSV)

    async with _started(migrated_database, tmp_path, "imports", "process", "--job", str(job.id)) as process:
        await _wait_until_mid_way(job.id, process)
        _kill_group(process)  # SIGKILL to the command and its parse pool, as when its container is killed
        await process.wait()

    killed = await ImportJob.get(id=job.id)
    assert killed.status is ImportStatus.RUNNING and killed.lease_owner
    assert await jobs.process_pending(db) == []  # its lease has not expired yet
    await ImportJob.filter(id=job.id).update(leased_until=killed.leased_until.replace(year=2000))  # type: ignore[union-attr]
    resumed = await asyncio.to_thread(cli, "imports", "process")

    assert resumed.returncode == 0, resumed.stderr
    assert f"job {job.id} (CSV, alice@example.org): DONE" in resumed.stdout
    ended = await ImportJob.get(id=job.id)
    assert (ended.rows_done, ended.created_count, ended.invalid_count, ended.rejected) == (
        reference.rows_done,
        reference.created_count,
        reference.invalid_count,
        reference.rejected,
    )
    assert await snapshot(alice) == await snapshot(bob)
    assert not _exists(job.file_path)


async def test_the_worker_imports_pending_jobs_and_hands_one_back_on_sigterm(
    cli: Cli, db: Runtime, migrated_database: DatabaseTarget, tmp_path: Path
) -> None:
    alice, bob = await _user("alice@example.org"), await _user("bob@example.org")
    content = make_csv(BIG_CSV_ARTICLES)
    await jobs.process_job(db, (await _job(db, bob, content, ImportKind.CSV)).id)
    opml = await _job(db, alice, (FIXTURES / "opml" / "ttrss.opml").read_bytes(), ImportKind.OPML)
    big = await _job(db, alice, content, ImportKind.CSV)

    async with _started(migrated_database, tmp_path, "worker") as worker:
        try:
            await _wait_until_mid_way(big.id, worker)
        finally:
            worker.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(worker.communicate(), timeout=30)

    assert worker.returncode == 0, stderr.decode()
    assert "worker stopped" in stderr.decode()
    assert (await ImportJob.get(id=opml.id)).status is ImportStatus.DONE
    handed_back = await ImportJob.get(id=big.id)
    assert (handed_back.status, handed_back.lease_owner) == (ImportStatus.PENDING, "")
    assert 0 < handed_back.rows_done < BIG_CSV_ARTICLES

    cron = await asyncio.to_thread(cli, "cron")

    assert cron.returncode == 0, cron.stderr
    assert "imported 1 uploaded files (1 done, 0 failed)" in cron.stdout
    assert (await ImportJob.get(id=big.id)).status is ImportStatus.DONE
    assert (await snapshot(alice))["articles"] == (await snapshot(bob))["articles"]


@contextlib.asynccontextmanager
async def _started(target: DatabaseTarget, tmp_path: Path, *args: str) -> AsyncIterator[asyncio.subprocess.Process]:
    """`legadilo ARGS` in a process group of its own (its parse pool included), never left running."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LEGADILO_", "DATABASE_URL"))}
    env.update(DATABASE_URL=database_url(target), LEGADILO_DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(ROOT))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cli.main", *args, cwd=ROOT, env=env, start_new_session=True,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        yield process
    finally:
        _kill_group(process)


def _kill_group(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
