from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from legadilo.accounts.models import User
from legadilo.signup.services import register_user
from tests.conftest import TEST_PASSWORD
from tests.feedfarm import FeedFarm, running_farm


@pytest.fixture
async def farm() -> AsyncIterator[FeedFarm]:
    async with running_farm(entries_per_feed=5) as feeds:
        yield feeds


@pytest.fixture
async def alice(db: object) -> User:
    return await register_user("alice@example.org", TEST_PASSWORD)


@pytest.fixture
async def bob(db: object) -> User:
    return await register_user("bob@example.org", TEST_PASSWORD)
