"""A user's notifications: listing, unread count, marking read; never another user's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from legadilo.accounts import notifications
from legadilo.accounts.models import Notification, User
from legadilo.core.errors import NotFound

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


async def test_unread_ones_come_first_and_are_counted(alice: User, bob: User) -> None:
    old_read = await Notification.create(user_id=alice.id, title="old", read_at=NOW)
    first = await Notification.create(user_id=alice.id, title="first")
    second = await Notification.create(user_id=alice.id, title="second")
    await Notification.create(user_id=bob.id, title="bob's")

    listed = await notifications.list_notifications(alice.id)

    assert [n.id for n in listed] == [second.id, first.id, old_read.id]
    assert await notifications.unread_count(alice.id) == 2
    assert await notifications.unread_count(bob.id) == 1


async def test_mark_read_keeps_the_first_reading_time(alice: User) -> None:
    notification = await Notification.create(user_id=alice.id, title="hello")
    assert (await notifications.mark_read(alice.id, notification.id, NOW)).read_at == NOW
    later = datetime(2026, 11, 28, tzinfo=UTC)
    assert (await notifications.mark_read(alice.id, notification.id, later)).read_at == NOW
    assert await notifications.unread_count(alice.id) == 0


async def test_another_users_notification_is_not_found_and_stays_unread(alice: User, bob: User) -> None:
    bobs = await Notification.create(user_id=bob.id, title="bob's")
    with pytest.raises(NotFound):
        await notifications.mark_read(alice.id, bobs.id, NOW)
    assert (await Notification.get(id=bobs.id)).read_at is None


async def test_mark_all_read_touches_only_the_users_unread_ones(alice: User, bob: User) -> None:
    await Notification.create(user_id=alice.id, title="a")
    await Notification.create(user_id=alice.id, title="b")
    earlier = await Notification.create(user_id=alice.id, title="c", read_at=datetime(2026, 1, 1, tzinfo=UTC))
    bobs = await Notification.create(user_id=bob.id, title="bob's")

    assert await notifications.mark_all_read(alice.id, NOW) == 2

    assert await notifications.unread_count(alice.id) == 0
    assert (await Notification.get(id=earlier.id)).read_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert (await Notification.get(id=bobs.id)).read_at is None
    assert await notifications.mark_all_read(alice.id, NOW) == 0
