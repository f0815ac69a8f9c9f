"""`/healthz`: the process answers and the database is reachable."""

from __future__ import annotations

from quart import Blueprint
from quart.typing import ResponseReturnValue

from legadilo.db import ping

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
async def healthz() -> ResponseReturnValue:
    if await ping():
        return {"status": "ok", "database": "ok"}, 200, {"Cache-Control": "no-store"}
    return {"status": "error", "database": "unreachable"}, 503, {"Cache-Control": "no-store"}
