"""A user's notifications (feed disabled, import finished…): list, count the unread ones, mark them read."""

from __future__ import annotations

from datetime import datetime

from legadilo.accounts.models import Notification
from legadilo.core.errors import NotFound

PAGE_SIZE = 100


async def list_notifications(user_id: int, *, limit: int = PAGE_SIZE) -> list[Notification]:
    """The latest notifications, unread ones first."""
    return await Notification.filter(user_id=user_id).order_by("-read_at", "-created_at", "-id").limit(limit)


async def unread_count(user_id: int) -> int:
    return await Notification.filter(user_id=user_id, read_at__isnull=True).count()


async def mark_read(user_id: int, notification_id: int, now: datetime) -> Notification:
    """Raises:
    NotFound: no such notification for this user."""
    notification = await Notification.get_or_none(id=notification_id, user_id=user_id)
    if notification is None:
        raise NotFound(f"no notification {notification_id} for this user")
    await Notification.filter(id=notification.id, read_at__isnull=True).update(read_at=now)
    await notification.refresh_from_db()
    return notification


async def mark_all_read(user_id: int, now: datetime) -> int:
    """Mark every unread notification read; the number marked."""
    return await Notification.filter(user_id=user_id, read_at__isnull=True).update(read_at=now)
