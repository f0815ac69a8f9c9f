"""The queue that writes an importer's batches one at a time, in file order, while it reads the next one."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


class WriteQueue:
    """Batches written one at a time and in order, while the importer reads the next one: `put` waits for the
    previous write (and raises its error) before starting this one."""

    def __init__(self) -> None:
        self._task: asyncio.Future[None] | None = None

    async def put(self, write: Callable[[], Awaitable[None]]) -> None:
        await self.drain()
        self._task = asyncio.ensure_future(write())

    async def drain(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            await task

    async def settle(self) -> None:
        """Let the write in progress end, without raising its error: the importer is failing with its own."""
        task, self._task = self._task, None
        if task is not None:
            await asyncio.wait([task])
            if not task.cancelled():
                task.exception()  # retrieved, so that asyncio does not log it as lost
