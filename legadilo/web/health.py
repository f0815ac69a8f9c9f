"""`/healthz`: the process answers and the database is reachable."""

from __future__ import annotations

import asyncio
import logging

from quart import Blueprint
from quart.typing import ResponseReturnValue
from tortoise import Tortoise

blueprint = Blueprint("health", __name__)
logger = logging.getLogger(__name__)

DATABASE_TIMEOUT_SECONDS = 3


async def _database_ok() -> bool:
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT_SECONDS):
            await Tortoise.get_connection("default").execute_query("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure of the driver means "unreachable" here
        logger.warning("health check: database unreachable: %s", exc)
        return False
    return True


@blueprint.get("/healthz")
async def healthz() -> ResponseReturnValue:
    if await _database_ok():
        return {"status": "ok", "database": "ok"}, 200, {"Cache-Control": "no-store"}
    return {"status": "error", "database": "unreachable"}, 503, {"Cache-Control": "no-store"}
