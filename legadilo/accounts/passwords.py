"""Password hashing with argon2, always off the event loop (a hash costs tens of milliseconds of CPU)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from legadilo.core.errors import InvalidInput

T = TypeVar("T")

MIN_LENGTH = 8
MAX_LENGTH = 1024  # hashing megabytes of "password" is a denial of service

_hasher = PasswordHasher()
# Hashing gets threads of its own (argon2 takes tens of ms and 64 MiB each): a flood of logins queues here
# instead of starving the default executor, which the HTTP client uses for DNS resolution.
_HASHING = ThreadPoolExecutor(max_workers=2, thread_name_prefix="argon2")


async def _off_loop(function: Callable[..., T], *args: Any) -> T:
    return await asyncio.get_running_loop().run_in_executor(_HASHING, function, *args)


@functools.cache
def _dummy_hash() -> str:
    """Verified when the email is unknown, so that a wrong email costs as much time as a wrong password
    (computed on first use: commands that never log anyone in do not pay for it)."""
    return _hasher.hash("legadilo-dummy-password")


def check_password_policy(password: str, *, email: str) -> None:
    """Raises:
    InvalidInput: the password is too short, too long, or the email itself."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"the password must be at least {MIN_LENGTH} characters long")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"the password must be at most {MAX_LENGTH} characters long")
    if password.strip().lower() == email.strip().lower():
        raise InvalidInput("the password must not be the email address")


async def hash_password(password: str) -> str:
    return await _off_loop(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; with no hash (unknown user) a dummy hash is checked, then False."""
    if len(password) > MAX_LENGTH:
        return False
    target = password_hash if password_hash else await _off_loop(_dummy_hash)
    try:
        matched = await _off_loop(_hasher.verify, target, password)
    except (VerificationError, InvalidHashError):
        return False
    return bool(matched) and password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
