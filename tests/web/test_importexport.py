"""The import/export pages: uploads become jobs (streamed to disk, limited, cleaned up when refused or cut off),
job status pages, downloads, login, another user's job, CSRF. Uploads that must cross a real socket (a
Content-Length over the limit, a client that goes away mid-file, a file larger than the form limit arriving
in parts) go through a Hypercorn server on a local port."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import dataclasses
import io
import socket
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from hypercorn.asyncio import serve
from hypercorn.config import Config
from quart import Quart
from quart.datastructures import FileStorage
from quart.typing import TestClientProtocol as QuartClient

from legadilo.accounts.models import Notification, UserSettings
from legadilo.app import create_app
from legadilo.feeds.models import Feed
from legadilo.importexport import jobs
from legadilo.importexport.csv_format import CSV_HEADER_FIELDS
from legadilo.importexport.csv_import import import_csv
from legadilo.importexport.importers import Importer
from legadilo.importexport.models import ImportJob, ImportKind, ImportStatus
from legadilo.importexport.uploads import imports_folder
from legadilo.importexport.wallabag import import_wallabag
from legadilo.runtime import Runtime
from legadilo.settings import Settings
from legadilo.signup.services import register_user
from legadilo.web.importexport import ANONYMOUS_UPLOAD_BYTES, KINDS, SMALL_UPLOAD_BYTES, job_outcome
from tests.conftest import TEST_PASSWORD, csrf_from, get_csrf, log_in
from tests.importexport.test_jobs import snapshot

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OPML = FIXTURES / "opml"
LIMIT = 64 * 1024


@pytest.fixture
def own_settings(settings: Settings, tmp_path: Path) -> Settings:
    """The test's own data folder (its imports folder holds only this test's files) and a small upload limit."""
    return dataclasses.replace(settings, data_dir=tmp_path, max_upload_bytes=LIMIT)


@pytest.fixture
def upload_app(own_settings: Settings, db: Runtime) -> Quart:
    return create_app(own_settings, runtime=db)


def _read(path: str) -> bytes:
    return Path(path).read_bytes()


def _files_left(settings: Settings) -> list[str]:
    return sorted(path.name for path in imports_folder(settings).iterdir())


async def _settled(app: Quart) -> None:
    """Wait for the imports the web process started in the background."""
    await asyncio.wait_for(asyncio.gather(*app.background_tasks), 10)


async def _upload(
    client: QuartClient, kind: str, content: bytes, *, filename: str = "feeds.opml", token: str | None = None
) -> tuple[int, str, str]:
    token = token if token is not None else await get_csrf(client, "/import-export/")
    response = await client.post(
        f"/import-export/imports/new/{kind}",
        files={"file": FileStorage(io.BytesIO(content), filename=filename)},
        form={"csrf_token": token},
    )
    return response.status_code, response.headers.get("Location", ""), await response.get_data(as_text=True)


async def _job_ids() -> list[int]:
    return sorted(await ImportJob.all().values_list("id", flat=True))  # type: ignore[arg-type]


async def test_an_opml_upload_becomes_a_job_that_ends_done_with_its_report(
    upload_app: Quart, own_settings: Settings
) -> None:
    client = upload_app.test_client()
    alice = await register_user("alice@example.org", TEST_PASSWORD)
    await UserSettings.filter(user_id=alice.id).update(timezone="Asia/Tokyo")
    await log_in(client, "alice@example.org")

    status, location, _ = await _upload(
        client, "opml", (OPML / "ttrss.opml").read_bytes(), filename="../uploads/tt.opml"
    )
    await _settled(upload_app)

    job = await ImportJob.get(user_id=alice.id)
    assert (status, location) == (303, f"/import-export/imports/{job.id}/")
    assert (job.kind, job.status, job.original_filename) == (ImportKind.OPML, ImportStatus.DONE, "tt.opml")
    assert job.size_bytes == job.bytes_read == (OPML / "ttrss.opml").stat().st_size
    assert await Feed.filter(user_id=alice.id).count() == 3
    assert _files_left(own_settings) == []  # the uploaded file is deleted once imported
    assert (await Notification.get(user_id=alice.id)).info_link == location
    page = await client.get(location)
    html = await page.get_data(as_text=True)
    assert page.status_code == 200 and "Refresh" not in page.headers
    assert "Finished." in html and "Created feeds</dt><dd>3" in html
    assert "<td>15</td><td>Tiny Tiny RSS prefs outline, not a feed</td>" in html
    assert html.count(" JST</time>") == 2  # uploaded and ended, in the reader's timezone
    listing = await (await client.get("/import-export/imports/")).get_data(as_text=True)
    assert "tt.opml" in listing and location in listing and " JST</time>" in listing


async def test_a_bad_opml_file_ends_failed_with_its_reason_on_the_page(upload_app: Quart) -> None:
    client = upload_app.test_client()
    await register_user("alice@example.org", TEST_PASSWORD)
    await log_in(client, "alice@example.org")

    _, location, _ = await _upload(client, "opml", b"<html><body>not a feed list</body></html>")
    await _settled(upload_app)

    html = await (await client.get(location)).get_data(as_text=True)
    assert "Failed" in html and "not an OPML file" in html
    assert await Feed.all().count() == 0


async def test_a_large_upload_waits_for_a_worker_and_its_page_refreshes_itself(
    db: Runtime, own_settings: Settings
) -> None:
    app = create_app(dataclasses.replace(own_settings, max_upload_bytes=2 * SMALL_UPLOAD_BYTES), runtime=db)
    client = app.test_client()
    await register_user("alice@example.org", TEST_PASSWORD)
    await log_in(client, "alice@example.org")
    content = b"<!-- padding -->" * (SMALL_UPLOAD_BYTES // 16) + (OPML / "ttrss.opml").read_bytes()[38:]

    status, location, _ = await _upload(client, "opml", content)

    assert status == 303 and not app.background_tasks
    job = await ImportJob.get()
    assert (job.status, job.size_bytes) == (ImportStatus.PENDING, len(content))
    assert _read(job.file_path) == content
    page = await client.get(location)
    assert page.headers["Refresh"] == "5"
    assert "legadilo imports process" in await page.get_data(as_text=True)
    await jobs.process_pending(db)
    assert (await ImportJob.get()).status is ImportStatus.DONE
    assert "Refresh" not in (await client.get(location)).headers


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "Choose a file to upload."),
        ({"file": ("", b"x")}, "Choose a file to upload."),
        ({"file": ("a.csv", b"")}, "the file is empty"),
    ],
)
async def test_a_missing_or_empty_file_is_a_form_error_and_creates_nothing(
    upload_app: Quart, own_settings: Settings, files: dict[str, tuple[str, bytes]], message: str
) -> None:
    client = upload_app.test_client()
    await register_user("alice@example.org", TEST_PASSWORD)
    await log_in(client, "alice@example.org")
    token = await get_csrf(client, "/import-export/")

    response = await client.post(
        "/import-export/imports/new/csv",
        files={key: FileStorage(io.BytesIO(data), filename=name) for key, (name, data) in files.items()},
        form={"csrf_token": token},
    )

    assert response.status_code == 400
    assert message in await response.get_data(as_text=True)
    assert await _job_ids() == []
    assert _files_left(own_settings) == []


async def test_an_upload_over_the_limit_is_a_413_page_and_leaves_nothing(
    upload_app: Quart, own_settings: Settings
) -> None:
    client = upload_app.test_client()
    await register_user("alice@example.org", TEST_PASSWORD)
    await log_in(client, "alice@example.org")

    over, _, html = await _upload(client, "csv", b"x" * (LIMIT + 1))
    files_after_refusal = _files_left(own_settings)
    at_limit, _, _ = await _upload(client, "csv", b"x" * LIMIT)
    await _settled(upload_app)

    assert over == 413
    assert "larger than the upload limit of 64 KiB (65,536 bytes)" in html
    assert files_after_refusal == []
    assert at_limit == 303
    assert (await ImportJob.get()).size_bytes == LIMIT  # the only job


async def test_anonymous_visitors_are_sent_to_the_login_page_and_their_uploads_dropped(
    upload_app: Quart, own_settings: Settings
) -> None:
    client = upload_app.test_client()
    await register_user("alice@example.org", TEST_PASSWORD)
    token = await get_csrf(client)

    for path in (
        "/import-export/",
        "/import-export/imports/",
        "/import-export/imports/1/",
        "/import-export/export/subscriptions.opml",
        "/import-export/export/legadilo.csv",
    ):
        response = await client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/accounts/login"), path
    status, location, _ = await _upload(client, "opml", (OPML / "ttrss.opml").read_bytes(), token=token)
    assert (status, location.split("?")[0]) == (302, "/accounts/login")
    assert await _job_ids() == []
    assert _files_left(own_settings) == []


async def test_an_anonymous_upload_is_read_no_further_than_an_ordinary_form(
    db: Runtime, own_settings: Settings
) -> None:
    app = create_app(dataclasses.replace(own_settings, max_upload_bytes=4 * ANONYMOUS_UPLOAD_BYTES), runtime=db)
    client = app.test_client()
    await register_user("alice@example.org", TEST_PASSWORD)
    token = await get_csrf(client)
    content = b"x" * (ANONYMOUS_UPLOAD_BYTES + 1)

    anonymous, _, _ = await _upload(client, "csv", content, token=token)
    await log_in(client, "alice@example.org")
    logged_in, _, _ = await _upload(client, "csv", content)
    await _settled(app)

    assert (anonymous, logged_in) == (413, 303)
    assert len(await _job_ids()) == 1


async def test_another_users_job_is_a_404_and_csrf_is_enforced(upload_app: Quart, own_settings: Settings) -> None:
    client = upload_app.test_client()
    await register_user("alice@example.org", TEST_PASSWORD)
    await register_user("bob@example.org", TEST_PASSWORD)
    await log_in(client, "alice@example.org")
    _, location, _ = await _upload(client, "opml", (OPML / "ttrss.opml").read_bytes())
    await _settled(upload_app)
    job_id = int(location.rstrip("/").rsplit("/", 1)[1])

    bob = upload_app.test_client()
    await log_in(bob, "bob@example.org")
    assert (await bob.get(location)).status_code == 404
    token = await get_csrf(bob, "/import-export/")
    assert (await bob.post(f"/import-export/imports/{job_id}/cancel", form={"csrf_token": token})).status_code == 404
    assert "tt.opml" not in await (await bob.get("/import-export/imports/")).get_data(as_text=True)

    no_token, _, html = await _upload(bob, "opml", (OPML / "ttrss.opml").read_bytes(), token="")
    wrong = await bob.post(f"/import-export/imports/{job_id}/cancel", form={"csrf_token": "forged"})
    assert no_token == 400 and "CSRF" in html
    assert wrong.status_code == 400
    assert await _job_ids() == [job_id]
    assert _files_left(own_settings) == []


async def test_cancel_from_the_page_stops_a_waiting_job(upload_app: Quart, own_settings: Settings) -> None:
    client = upload_app.test_client()
    alice = await register_user("alice@example.org", TEST_PASSWORD)
    await log_in(client, "alice@example.org")
    path = imports_folder(own_settings) / "waiting.csv"
    path.write_bytes(b"x")
    job = await jobs.create_job(upload_app.extensions["legadilo.runtime"], alice.id, ImportKind.CSV, path, 1, "w.csv")
    page = await client.get(f"/import-export/imports/{job.id}/")
    assert "Cancel this import" in await page.get_data(as_text=True)

    response = await client.post(
        f"/import-export/imports/{job.id}/cancel", form={"csrf_token": csrf_from(await page.get_data(as_text=True))}
    )

    assert response.status_code == 303
    assert (await ImportJob.get(id=job.id)).status is ImportStatus.CANCELLED
    assert _files_left(own_settings) == []
    html = await (await client.get(response.headers["Location"])).get_data(as_text=True)
    assert "Cancelled" in html and "Cancel this import" not in html
    again = await client.post(f"/import-export/imports/{job.id}/cancel", form={"csrf_token": csrf_from(html)})
    assert again.status_code == 400 and "already ended" in await again.get_data(as_text=True)


async def test_the_opml_and_csv_downloads(client: QuartClient, db: Runtime) -> None:
    alice = await register_user("alice@example.org", TEST_PASSWORD)
    await log_in(client, "alice@example.org")
    from legadilo.importexport.services import import_opml

    await import_opml(db, alice.id, str(OPML / "ttrss.opml"))

    opml = await client.get("/import-export/export/subscriptions.opml")
    exported = await client.get("/import-export/export/legadilo.csv")

    assert opml.status_code == 200 and opml.mimetype == "text/x-opml"
    assert opml.headers["Content-Disposition"].startswith('attachment; filename="legadilo-subscriptions-')
    root = ET.fromstring(await opml.get_data())
    assert len(root.findall(".//outline[@xmlUrl]")) == 3
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(await exported.get_data(as_text=True))))
    assert tuple(rows[0].keys()) == CSV_HEADER_FIELDS
    assert sorted(row["feed_url"] for row in rows if row["feed_url"]) == sorted(
        await Feed.filter(user_id=alice.id).values_list("source__url", flat=True)
    )


async def test_the_page_links_every_form_to_its_kind_and_the_navigation_links_the_page(
    client: QuartClient, db: Runtime
) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)
    await log_in(client, "alice@example.org")

    html = await (await client.get("/import-export/")).get_data(as_text=True)

    for kind in ("opml", "csv", "wallabag"):
        assert f'action="/import-export/imports/new/{kind}"' in html
    assert html.count('enctype="multipart/form-data"') == 3
    assert 'href="/import-export/" aria-current="true">Import/export</a>' in html
    assert (
        'href="/import-export/export/subscriptions.opml"' in html
        and 'href="/import-export/export/legadilo.csv"' in html
    )


# --- through a real server ------------------------------------------------------------------------------


@dataclasses.dataclass
class Served:
    port: int
    http: aiohttp.ClientSession

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def log_in(self, email: str) -> str:
        """Log in; the CSRF token of the import/export page."""
        async with self.http.get(f"{self.base}/accounts/login") as page:
            token = csrf_from(await page.text())
        form = {"email": email, "password": TEST_PASSWORD, "csrf_token": token}
        async with self.http.post(f"{self.base}/accounts/login", data=form, allow_redirects=False) as response:
            assert response.status == 302
        async with self.http.get(f"{self.base}/import-export/") as page:
            return csrf_from(await page.text())

    def cookie(self) -> str:
        return "; ".join(f"{cookie.key}={cookie.value}" for cookie in self.http.cookie_jar)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.asynccontextmanager
async def _served(app: Quart) -> AsyncIterator[Served]:
    config = Config()
    config.bind = [f"127.0.0.1:{_free_port()}"]
    config.accesslog = None
    shutdown = asyncio.Event()
    server = asyncio.ensure_future(serve(app, config, shutdown_trigger=shutdown.wait))
    port = int(config.bind[0].rsplit(":", 1)[1])
    for _ in range(100):
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            break
        await asyncio.sleep(0.05)
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            yield Served(port, http)
    finally:
        shutdown.set()
        await asyncio.wait_for(server, 10)


def _multipart(token: str, content: bytes, filename: str = "big.csv") -> tuple[bytes, bytes, str]:
    """The body around the file: what comes before it, what comes after, and the content type."""
    boundary = "legadilo-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head, f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


async def _open_upload(
    served: Served, kind: str, content_type: str, length: int
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
    writer.write(
        (
            f"POST /import-export/imports/new/{kind} HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n"
            f"Cookie: {served.cookie()}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    return reader, writer


async def _wait_for(predicate: object) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 5.0
    while not predicate():  # type: ignore[operator]
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.02)


def _part_sizes(settings: Settings) -> list[int]:
    return [path.stat().st_size for path in imports_folder(settings).glob(".upload-*.part")]


async def test_a_file_larger_than_the_form_limit_is_streamed_to_disk_as_it_arrives(
    db: Runtime, own_settings: Settings
) -> None:
    settings = dataclasses.replace(own_settings, max_upload_bytes=32 * 1024 * 1024)
    app = create_app(settings, runtime=db)
    await register_user("alice@example.org", TEST_PASSWORD)
    content = bytes(range(256)) * (12 * 1024 * 1024 // 256)  # 12 MiB: over the 1 MiB form limit, a worker's job
    async with _served(app) as served:
        token = await served.log_in("alice@example.org")
        head, tail, content_type = _multipart(token, content)
        reader, writer = await _open_upload(served, "csv", content_type, len(head) + len(content) + len(tail))
        half = len(content) // 2
        writer.write(head + content[:half])
        await writer.drain()
        await _wait_for(lambda: sum(_part_sizes(settings)) >= half - 512 * 1024)  # on disk before the rest is sent
        writer.write(content[half:] + tail)
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 10)
        writer.close()

    assert status_line.startswith(b"HTTP/1.1 303"), status_line
    job = await ImportJob.get()
    assert (job.status, job.size_bytes, job.original_filename) == (ImportStatus.PENDING, len(content), "big.csv")
    assert _read(job.file_path) == content
    assert _files_left(settings) == [Path(job.file_path).name]


async def test_a_content_length_over_the_limit_is_refused_before_the_body_is_read(
    upload_app: Quart, own_settings: Settings
) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)
    async with _served(upload_app) as served:
        token = await served.log_in("alice@example.org")
        head, _, content_type = _multipart(token, b"")
        reader, writer = await _open_upload(served, "csv", content_type, LIMIT * 4)
        writer.write(head)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 10)
        writer.close()

    assert answer.startswith(b"HTTP/1.1 413"), answer[:100]
    assert b"larger than the upload limit of 64 KiB" in answer
    assert await _job_ids() == []
    assert _files_left(own_settings) == []


async def test_an_upload_cut_off_mid_way_leaves_no_job_and_no_file(upload_app: Quart, own_settings: Settings) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)
    async with _served(upload_app) as served:
        token = await served.log_in("alice@example.org")
        head, tail, content_type = _multipart(token, b"")
        _, writer = await _open_upload(served, "csv", content_type, len(head) + LIMIT + len(tail))
        writer.write(head + b"x" * (LIMIT // 2))
        await writer.drain()
        await _wait_for(lambda: len(_part_sizes(own_settings)) == 1)  # the file was being written…
        writer.close()  # … when the client went away
        await _wait_for(lambda: _files_left(own_settings) == [])

        assert await _job_ids() == []
        async with served.http.get(f"{served.base}/import-export/imports/") as page:  # the server is fine
            assert page.status == 200
    assert _files_left(own_settings) == []


@pytest.mark.parametrize(
    ("kind", "fixture", "importer"),
    [("csv", "csv/django_export.csv", import_csv), ("wallabag", "wallabag/export.json", import_wallabag)],
)
async def test_csv_and_wallabag_uploads_import_what_a_direct_import_does(
    upload_app: Quart, own_settings: Settings, db: Runtime, kind: str, fixture: str, importer: Importer
) -> None:
    client = upload_app.test_client()
    alice = await register_user("alice@example.org", TEST_PASSWORD)
    bob = await register_user("bob@example.org", TEST_PASSWORD)
    content = (FIXTURES / fixture).read_bytes()
    await importer(db, bob.id, io.BytesIO(content))
    await log_in(client, "alice@example.org")

    status, location, _ = await _upload(client, kind, content, filename=Path(fixture).name)
    await _settled(upload_app)

    job = await ImportJob.get(user_id=alice.id)
    assert status == 303 and job.status is ImportStatus.DONE, job.error_message
    assert job.kind is KINDS[kind] and job.created_count > 0
    assert await snapshot(alice.id) == await snapshot(bob.id)
    assert _files_left(own_settings) == []
    html = await (await client.get(location)).get_data(as_text=True)
    assert "Finished." in html and f"Created articles</dt><dd>{job_outcome(job)['articles']}" in html
