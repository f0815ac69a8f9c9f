"""Creating an account: the user, their settings and their default reading lists, in one transaction."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from legadilo.accounts import passwords, queries
from legadilo.accounts.models import User
from legadilo.accounts.services import normalise_email
from legadilo.reading.services import create_default_reading_lists


async def register_user(email: str, password: str, *, is_admin: bool = False) -> User:
    """Create an account ready to use.

    This will:
    - normalise the email (case-insensitive uniqueness) and check the password policy;
    - hash the password off the event loop;
    - create the user, their settings and the default reading lists atomically
      (administrators are made from the command line only).

    Raises:
        InvalidInput: bad email or password.
        AlreadyExists: the email is taken.
    """
    normalised = normalise_email(email)
    passwords.check_password_policy(password, email=normalised)
    password_hash = await passwords.hash_password(password)
    async with in_transaction():
        user = await queries.insert_user(normalised, password_hash, is_admin=is_admin)
        await create_default_reading_lists(user.id)
    return user
