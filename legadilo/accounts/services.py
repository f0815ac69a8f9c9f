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
from legadilo.core.errors import AccountLocked, AuthenticationFailed, InvalidInput

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
WRONG_CREDENTIALS = "wrong email or password"


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

    Raises:
        AccountLocked: the account is locked (whatever the password).
        AuthenticationFailed: unknown email, wrong password or inactive account (one message for all).
    """
    try:
        normalised = normalise_email(email)
    except InvalidInput:
        normalised = ""
    user = await queries.find_user_by_email(normalised) if normalised else None
    if user is not None and user.locked_until is not None and user.locked_until > now:
        raise AccountLocked(
            "too many failed logins: this account is locked for a while",
            retry_after_seconds=int((user.locked_until - now).total_seconds()) + 1,
        )
    matched = await passwords.verify_password(user.password_hash if user else None, password)
    if user is None or not user.is_active:
        raise AuthenticationFailed(WRONG_CREDENTIALS)
    if not matched:
        await _record_failure(user.id, now=now, max_failures=max_failures, lockout_seconds=lockout_seconds)
        raise AuthenticationFailed(WRONG_CREDENTIALS)
    await User.filter(id=user.id).update(failed_login_count=0, locked_until=None, last_login_at=now)
    if passwords.needs_rehash(user.password_hash):
        await User.filter(id=user.id).update(password_hash=await passwords.hash_password(password))
    return user


async def _record_failure(user_id: int, *, now: datetime, max_failures: int, lockout_seconds: int) -> None:
    async with in_transaction():
        user = await User.select_for_update().get(id=user_id)
        failures = user.failed_login_count + 1
        if failures >= max_failures:
            await User.filter(id=user_id).update(
                failed_login_count=0, locked_until=now + timedelta(seconds=lockout_seconds)
            )
        else:
            await User.filter(id=user_id).update(failed_login_count=failures)


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
