"""Errors mapped once to HTTP: domain errors and HTTP exceptions render one friendly page."""

from __future__ import annotations

import logging

from quart import Quart, render_template, request
from quart.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from legadilo.core.errors import AlreadyExists, DatabaseUnavailable, DomainError, InvalidInput, NotFound
from legadilo.db import as_database_unavailable

logger = logging.getLogger(__name__)

_STATUS_OF = ((NotFound, 404), (InvalidInput, 400), (AlreadyExists, 409), (DatabaseUnavailable, 503))
_TITLES = {
    400: "Bad request",
    401: "Not logged in",
    403: "Forbidden",
    404: "Page not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Upload too large",
    429: "Too many requests",
    500: "Something went wrong",
    503: "Service unavailable",
}


async def _render(status: int, message: str) -> ResponseReturnValue:
    title = _TITLES.get(status, "Error")
    if request.accept_mimetypes.best == "application/json":
        return {"error": title, "message": message}, status
    return await render_template("errors/error.html", status=status, title=title, message=message), status


def register_error_handlers(app: Quart) -> None:
    max_upload = app.config["MAX_CONTENT_LENGTH"]

    @app.errorhandler(DomainError)
    async def domain_error(error: DomainError) -> ResponseReturnValue:
        status = next((code for kind, code in _STATUS_OF if isinstance(error, kind)), 400)
        return await _render(status, error.message)

    @app.errorhandler(413)
    async def too_large(error: HTTPException) -> ResponseReturnValue:
        limit = request.max_content_length or max_upload
        return await _render(413, f"The request body is larger than the limit of {limit:,} bytes.")

    @app.errorhandler(HTTPException)
    async def http_error(error: HTTPException) -> ResponseReturnValue:
        return await _render(error.code or 500, error.description or "")

    @app.errorhandler(Exception)
    async def unexpected(error: Exception) -> ResponseReturnValue:
        unavailable = as_database_unavailable(error)
        if unavailable is not None:
            logger.warning("database unavailable on %s %s: %s", request.method, request.path, unavailable)
            return await _render(503, "The database is unavailable right now; please try again in a moment.")
        logger.exception("unexpected error on %s %s", request.method, request.path)
        return await _render(500, "An unexpected error happened; it was logged. Please try again later.")
