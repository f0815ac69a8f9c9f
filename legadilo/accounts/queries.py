"""Reads and writes of accounts. `user_id` / email always explicit."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from legadilo.accounts.models import User, UserSettings
from legadilo.core.errors import AlreadyExists, NotFound


async def find_user_by_email(email: str) -> User | None:
    return await User.get_or_none(email=email)


async def get_user_by_email(email: str) -> User:
    """Raises:
    NotFound: no user has this email."""
    user = await find_user_by_email(email)
    if user is None:
        raise NotFound(f"no user with the email {email}")
    return user


async def insert_user(email: str, password_hash: str, *, is_admin: bool) -> User:
    """Raises:
    AlreadyExists: the (lower-cased) email is taken."""
    try:
        user = await User.create(email=email, password_hash=password_hash, is_admin=is_admin)
    except IntegrityError:
        raise AlreadyExists(f"a user with the email {email} already exists") from None
    await UserSettings.create(user=user)
    return user


async def list_users() -> list[User]:
    return await User.all().order_by("id")


async def count_users() -> int:
    return await User.all().count()
