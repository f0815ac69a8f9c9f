"""The import/export pages: uploads that become import jobs, the jobs' status, and the OPML and CSV downloads.

An upload is streamed to disk as it arrives: its request gets the upload limit (LEGADILO_MAX_UPLOAD_BYTES) from
the moment Quart creates it (`upload_request_class`), and the multipart parser writes file parts into the
imports folder (`UploadSpool`), counting them against the limit; whatever the request did not keep is deleted
with it. Small files are imported at once by a background task of the app, larger ones by `legadilo worker`,
`legadilo cron` or `legadilo imports process`.
"""

from __future__ import annotations

import io
import logging
import unicodedata
from typing import Any

from quart import Blueprint, Response, current_app, flash, g, redirect, render_template, request, url_for
from quart.formparser import FormDataParser
from quart.typing import ResponseReturnValue
from quart.wrappers import Request
from werkzeug.exceptions import HTTPException

from legadilo.core.errors import DomainError, InvalidInput
from legadilo.importexport import csv_export, jobs, services
from legadilo.importexport.models import ImportJob, ImportKind, ImportStatus
from legadilo.importexport.uploads import UploadSpool, UploadTooLarge, imports_folder
from legadilo.runtime import Runtime
from legadilo.web.auth import login_required
from legadilo.web.context import app_settings, page_layout, require_user, runtime

logger = logging.getLogger(__name__)
blueprint = Blueprint("importexport", __name__, url_prefix="/import-export")

UPLOAD_PATH_PREFIX = "/import-export/imports/new/"
SMALL_UPLOAD_BYTES = 5 * 1024 * 1024  # imported at once by the web process; larger files wait for a worker
UPLOAD_BODY_TIMEOUT_SECONDS = 3600  # a slow connection may take long to send a large file
MULTIPART_OVERHEAD_BYTES = 64 * 1024  # boundaries, part headers and the CSRF field around the file
ANONYMOUS_UPLOAD_BYTES = 1024 * 1024  # before login_required answers, an anonymous upload is read this far
NO_STORE = {"Cache-Control": "no-cache, no-store, must-revalidate, max-age=0"}
_SPOOL_KEY = "upload_spool"
KINDS = {"opml": ImportKind.OPML, "csv": ImportKind.CSV, "wallabag": ImportKind.WALLABAG}
_UNFINISHED = (ImportStatus.PENDING, ImportStatus.RUNNING)


def upload_request_class(max_upload_bytes: int) -> type[Request]:
    """The app's request class: a POST to an upload route gets the upload limit and a long body timeout when it
    is created. Quart compares the Content-Length with the app-wide limit right then, and drops the body of a
    request over it, before any hook or view can raise the limit for one route (pallets/quart#425)."""

    class UploadAwareRequest(Request):
        def __init__(self, method: str, scheme: str, path: str, *args: Any, **kwargs: Any) -> None:
            upload = method == "POST" and path.startswith(UPLOAD_PATH_PREFIX)
            if upload:
                kwargs["max_content_length"] = max_upload_bytes + MULTIPART_OVERHEAD_BYTES
                kwargs["body_timeout"] = UPLOAD_BODY_TIMEOUT_SECONDS
            super().__init__(method, scheme, path, *args, **kwargs)
            if upload:  # the parser's limit too (Quart gives the body its own copy)
                self.max_content_length = max_upload_bytes + MULTIPART_OVERHEAD_BYTES

        def make_form_data_parser(self) -> FormDataParser:
            if self.method != "POST" or not self.path.startswith(UPLOAD_PATH_PREFIX):
                return super().make_form_data_parser()
            settings = app_settings()
            limit = settings.max_upload_bytes if g.get("user") is not None else ANONYMOUS_UPLOAD_BYTES
            spool = UploadSpool(imports_folder(settings), limit)
            g.setdefault(_SPOOL_KEY, []).append(spool)
            return self.form_data_parser_class(
                max_content_length=self.max_content_length,
                max_form_memory_size=self.max_form_memory_size,
                max_form_parts=self.max_form_parts,
                cls=self.parameter_storage_class,
                stream_factory=spool.open_file,
            )

    return UploadAwareRequest


@blueprint.teardown_app_request
async def _discard_uploads(error: BaseException | None) -> None:
    """Every file of the request that no job took is deleted: refused, too large, cut off, anonymous…"""
    for spool in g.pop(_SPOOL_KEY, []):
        spool.discard()


def _limit_message() -> str:
    limit = app_settings().max_upload_bytes
    return (
        f"The file is larger than the upload limit of {_size(limit)} ({limit:,} bytes). Larger imports can be run "
        "from the command line: legadilo import csv FILE --user EMAIL."
    )


async def _too_large_page() -> ResponseReturnValue:
    page = await render_template("errors/error.html", status=413, title="Upload too large", message=_limit_message())
    return page, 413


@blueprint.errorhandler(413)
async def _too_large_body(error: HTTPException) -> ResponseReturnValue:
    return await _too_large_page()


@blueprint.errorhandler(UploadTooLarge)
async def _too_large_file(error: UploadTooLarge) -> ResponseReturnValue:
    return await _too_large_page()


def _size(count: int) -> str:
    value = float(count)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{count} bytes" if unit == "bytes" else f"{value:.1f} {unit}".replace(".0 ", " ")
        value /= 1024
    return f"{count} bytes"


def _filename(raw: str | None) -> str:
    """The name shown to the user: no folders, no control characters, at most 255 characters."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(char for char in name if unicodedata.category(char) not in {"Cc", "Cf"}).strip()[:255]


async def _index_page(errors: dict[str, str] | None = None) -> str:
    user = require_user()
    recent = await jobs.list_jobs(user.id, limit=5)
    return await render_template(
        "importexport/index.html",
        recent=recent,
        errors=errors or {},
        max_upload=_size(app_settings().max_upload_bytes),
    )


@blueprint.get("/")
@login_required
async def index() -> ResponseReturnValue:
    return await _index_page(), 200, NO_STORE


@blueprint.post("/imports/new/<any(opml, csv, wallabag):kind>")
@login_required
async def upload(kind: str) -> ResponseReturnValue:
    """The uploaded file becomes a pending import job: started at once when small, else by a worker."""
    user, rt = require_user(), runtime()
    files = await request.files
    stored = files.get("file")
    spools: list[UploadSpool] = g.get(_SPOOL_KEY, [])
    if stored is None or not stored.filename or not spools:
        return await _index_page({kind: "Choose a file to upload."}), 400
    try:
        path, size = spools[-1].keep(stored.stream, kind)
    except InvalidInput as exc:
        return await _index_page({kind: exc.message}), 400
    job = await jobs.create_job(rt, user.id, KINDS[kind], path, size, _filename(stored.filename))
    if size <= SMALL_UPLOAD_BYTES:
        current_app.add_background_task(_start_job, rt, job.id)
    await flash(f"{_filename(stored.filename) or 'The file'} was received; its import is under way.")
    return redirect(url_for(".show_job", job_id=job.id), 303)


async def _start_job(rt: Runtime, job_id: int) -> None:
    try:
        await jobs.process_job(rt, job_id)
    except DomainError as exc:  # a worker took it first
        logger.info("import job %s not started by the web process: %s", job_id, exc.message)


@blueprint.get("/imports/")
@login_required
async def list_jobs() -> ResponseReturnValue:
    listed = await jobs.list_jobs(require_user().id)
    return await render_template("importexport/jobs.html", jobs=listed), 200, NO_STORE


@blueprint.get("/imports/<int:job_id>/")
@login_required
async def show_job(job_id: int) -> ResponseReturnValue:
    """The job's progress and outcome; the page reloads itself (Refresh header, no script) until it ends."""
    job = await jobs.get_job(require_user().id, job_id)
    headers = dict(NO_STORE)
    if job.status in _UNFINISHED:
        headers["Refresh"] = "2" if job.status is ImportStatus.RUNNING else "5"
    page = await render_template("importexport/job.html", job=job, waits_for_worker=job.size_bytes > SMALL_UPLOAD_BYTES)
    return page, 200, headers


@blueprint.post("/imports/<int:job_id>/cancel")
@login_required
async def cancel_job(job_id: int) -> ResponseReturnValue:
    job = await jobs.cancel_job(runtime(), require_user().id, job_id)
    await flash(f"Import {job.id} cancelled: what it had imported so far stays.")
    return redirect(url_for(".show_job", job_id=job.id), 303)


@blueprint.get("/export/subscriptions.opml")
@login_required
async def export_opml() -> ResponseReturnValue:
    rt = runtime()
    out = io.BytesIO()
    await services.export_opml(rt, require_user().id, out)
    filename = f"legadilo-subscriptions-{rt.clock.now():%Y-%m-%d}.opml"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', **NO_STORE}
    return Response(out.getvalue(), mimetype="text/x-opml", headers=headers)


@blueprint.get("/export/legadilo.csv")
@login_required
async def export_csv() -> ResponseReturnValue:
    """Streamed batch after batch as the database returns them (never built in memory)."""
    rt = runtime()
    filename = f"legadilo-{rt.clock.now():%Y-%m-%d}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', **NO_STORE}
    response = Response(csv_export.iter_csv_export(rt, require_user().id), mimetype="text/csv", headers=headers)
    response.timeout = None  # a large export streams longer than RESPONSE_TIMEOUT
    return response


def job_outcome(job: ImportJob) -> dict[str, int]:
    """What the job created, by kind (feeds, categories, articles…), from its last checkpoint."""
    created = (job.checkpoint or {}).get("created", {})
    return {str(what): int(count) for what, count in created.items()} if isinstance(created, dict) else {}


def kind_label(kind: ImportKind) -> str:
    return {ImportKind.OPML: "OPML", ImportKind.CSV: "CSV", ImportKind.WALLABAG: "Wallabag"}[kind]


@blueprint.context_processor
async def _template_context() -> dict[str, Any]:
    return {
        "job_outcome": job_outcome,
        "kind_label": kind_label,
        "size": _size,
        "timezone": (await page_layout()).timezone,  # loaded with the user: no statement of its own
    }
