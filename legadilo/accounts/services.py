"""Account use cases: authenticate (with lockout), change a password, delete, list.

Creating an account also creates its default reading lists: that use case lives in
`legadilo.signup.services.register_user`, above the reading domain.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from legadilo.accounts import passwords, queries
from legadilo.accounts.models import User
from legadilo.core.errors import AuthenticationFailed, InvalidInput

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
WRONG_CREDENTIALS = "Wrong email or password (after several failures in a row, an account is locked for a while)"


def normalise_email(raw: str) -> str:
    """The email as stored: trimmed and lower-cased, which makes it unique case-insensitively.

    Raises:
        InvalidInput: not an email address.
    """
    email = raw.strip().lower()
    if len(email) > 254 or not _EMAIL.match(email):
        raise InvalidInput(f"{raw.strip()!r} is not a valid email address")
    return email


async def authenticate(email: str, password: str, *, now: datetime, max_failures: int, lockout_seconds: int) -> User:
    """Check credentials; after `max_failures` failures in a row the account is locked for `lockout_seconds`.

    The password is always verified (against a dummy hash for unknown emails) and a locked account
    answers exactly like a wrong password, so that neither timing nor answers tell which emails exist.
    The verdict is taken under a row lock, so a burst of parallel guesses cannot slip past a lock.

    Raises:
        AuthenticationFailed: unknown email, wrong password, inactive or locked account (one message).
    """
    try:
        normalised = normalise_email(email)
    except InvalidInput:
        normalised = ""
    user = await queries.find_user_by_email(normalised) if normalised else None
    matched = await passwords.verify_password(user.password_hash if user else None, password)
    if user is None or not user.is_active:
        raise AuthenticationFailed(WRONG_CREDENTIALS)
    async with in_transaction():
        locked = await User.select_for_update().get(id=user.id)
        if locked.locked_until is not None and locked.locked_until > now:
            raise AuthenticationFailed(WRONG_CREDENTIALS)
        if not matched:
            failures = locked.failed_login_count + 1
            lock = failures >= max_failures
            await User.filter(id=user.id).update(
                failed_login_count=0 if lock else failures,
                locked_until=now + timedelta(seconds=lockout_seconds) if lock else None,
            )
        else:
            await User.filter(id=user.id).update(failed_login_count=0, locked_until=None, last_login_at=now)
    if not matched:
        raise AuthenticationFailed(WRONG_CREDENTIALS)
    if passwords.needs_rehash(user.password_hash):
        await User.filter(id=user.id).update(password_hash=await passwords.hash_password(password))
    return user


async def end_sessions(user_id: int) -> None:
    """Log a user out everywhere: every session cookie issued so far stops working."""
    await User.filter(id=user_id).update(session_epoch=F("session_epoch") + 1)


async def set_password(email: str, password: str) -> User:
    """Change a password, unlock the account and revoke every open session.

    Raises:
        NotFound: unknown email.
        InvalidInput: the password breaks the policy.
    """
    user = await queries.get_user_by_email(normalise_email(email))
    passwords.check_password_policy(password, email=user.email)
    password_hash = await passwords.hash_password(password)
    await User.filter(id=user.id).update(
        password_hash=password_hash, failed_login_count=0, locked_until=None, session_epoch=F("session_epoch") + 1
    )
    await user.refresh_from_db()
    return user


async def delete_user(email: str) -> None:
    """Delete an account and everything it owns.

    Raises:
        NotFound: unknown email.
    """
    user = await queries.get_user_by_email(normalise_email(email))
    await user.delete()


async def list_users() -> list[User]:
    return await queries.list_users()
