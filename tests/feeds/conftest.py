from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.feedfarm import FeedFarm, running_farm


@pytest.fixture
async def farm() -> AsyncIterator[FeedFarm]:
    async with running_farm(entries_per_feed=5) as feeds:
        yield feeds
