"""Account use cases on the real database."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from legadilo.accounts import services as accounts
from legadilo.accounts.models import User, UserSettings
from legadilo.core.errors import AlreadyExists, AuthenticationFailed, InvalidInput, NotFound
from legadilo.reading.models import ReadingList, ReadStatus
from legadilo.runtime import Runtime
from legadilo.signup.services import register_user
from tests.conftest import TEST_PASSWORD

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


async def _authenticate(email: str, password: str, now: datetime = NOW) -> User:
    return await accounts.authenticate(email, password, now=now, max_failures=3, lockout_seconds=600)


async def test_register_user_creates_settings_and_the_default_reading_lists(db: Runtime) -> None:
    user = await register_user("  Alice@Example.ORG ", TEST_PASSWORD)

    assert user.email == "alice@example.org"
    assert user.password_hash.startswith("$argon2")
    assert TEST_PASSWORD not in user.password_hash
    user_settings = await UserSettings.get(user_id=user.id)
    assert user_settings.words_per_minute == 200
    assert user_settings.timezone == "UTC"
    lists = await ReadingList.filter(user_id=user.id).order_by("order")
    assert [(rl.title, rl.slug, rl.order) for rl in lists] == [
        ("All articles", "all-articles", 0),
        ("Unread", "unread", 10),
        ("Recent", "recent", 20),
        ("Favorite", "favorite", 30),
        ("For later", "for-later", 35),
    ]
    defaults = [rl for rl in lists if rl.is_default]
    assert len(defaults) == 1
    assert defaults[0].read_status == ReadStatus.ONLY_UNREAD
    assert defaults[0].auto_refresh_interval == 1


@pytest.mark.parametrize("second", ["alice@example.org", "ALICE@EXAMPLE.ORG", " Alice@example.org"])
async def test_duplicate_email_is_refused_case_insensitively_and_nothing_is_left_behind(
    db: Runtime, second: str
) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)

    with pytest.raises(AlreadyExists, match="already exists"):
        await register_user(second, TEST_PASSWORD)

    assert await User.all().count() == 1
    assert await ReadingList.all().count() == 5


async def test_the_database_itself_refuses_two_default_lists_for_one_user(db: Runtime) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    from tortoise.exceptions import IntegrityError

    with pytest.raises(IntegrityError):
        await ReadingList.create(user_id=user.id, title="Second", slug="second", is_default=True)


async def test_only_an_explicit_request_makes_an_administrator(db: Runtime) -> None:
    first = await register_user("first@example.org", TEST_PASSWORD)
    second = await register_user("second@example.org", TEST_PASSWORD, is_admin=True)

    assert (first.is_admin, second.is_admin) == (False, True)


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("not-an-email", TEST_PASSWORD, "not a valid email"),
        ("a b@example.org", TEST_PASSWORD, "not a valid email"),
        ("alice@example.org", "short", "at least 8"),
        ("alice@example.org", "x" * 1025, "at most 1024"),
        ("alice@example.org", "Alice@Example.org", "must not be the email"),
    ],
)
async def test_bad_email_or_password_is_refused_with_a_clear_message(
    db: Runtime, email: str, password: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        await register_user(email, password)
    assert await User.all().count() == 0


async def test_authenticate_accepts_the_right_password_whatever_the_email_case(db: Runtime) -> None:
    created = await register_user("alice@example.org", TEST_PASSWORD)

    user = await _authenticate("ALICE@example.org", TEST_PASSWORD)

    assert user.id == created.id
    refreshed = await User.get(id=created.id)
    assert refreshed.last_login_at == NOW


@pytest.mark.parametrize(
    ("email", "password"),
    [("alice@example.org", "wrong password"), ("nobody@example.org", TEST_PASSWORD), ("", ""), ("x", "y")],
)
async def test_wrong_credentials_get_one_message(db: Runtime, email: str, password: str) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)

    with pytest.raises(AuthenticationFailed) as caught:
        await _authenticate(email, password)

    assert caught.value.message == accounts.WRONG_CREDENTIALS


async def test_repeated_failures_lock_the_account_even_for_the_right_password_then_it_unlocks(db: Runtime) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)
    for _ in range(3):
        with pytest.raises(AuthenticationFailed):
            await _authenticate("alice@example.org", "wrong password")

    with pytest.raises(AuthenticationFailed) as caught:
        await _authenticate("alice@example.org", TEST_PASSWORD, now=NOW + timedelta(seconds=10))
    assert caught.value.message == accounts.WRONG_CREDENTIALS  # a locked account looks like a wrong password

    user = await _authenticate("alice@example.org", TEST_PASSWORD, now=NOW + timedelta(seconds=601))
    assert user.email == "alice@example.org"


async def test_a_success_resets_the_failure_count(db: Runtime) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)
    for _ in range(2):
        with pytest.raises(AuthenticationFailed):
            await _authenticate("alice@example.org", "wrong password")
    await _authenticate("alice@example.org", TEST_PASSWORD)
    for _ in range(2):
        with pytest.raises(AuthenticationFailed):
            await _authenticate("alice@example.org", "wrong password")

    assert (await _authenticate("alice@example.org", TEST_PASSWORD)).email == "alice@example.org"


async def test_an_inactive_account_cannot_log_in(db: Runtime) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    await User.filter(id=user.id).update(is_active=False)

    with pytest.raises(AuthenticationFailed):
        await _authenticate("alice@example.org", TEST_PASSWORD)


async def test_set_password_changes_it_unlocks_and_revokes_sessions(db: Runtime) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    await User.filter(id=user.id).update(locked_until=NOW + timedelta(hours=1), failed_login_count=2)

    updated = await accounts.set_password("Alice@example.org", "a brand new password")

    assert updated.session_epoch == user.session_epoch + 1
    assert updated.locked_until is None
    assert (await _authenticate("alice@example.org", "a brand new password")).id == user.id
    with pytest.raises(AuthenticationFailed):
        await _authenticate("alice@example.org", TEST_PASSWORD)


async def test_delete_user_removes_everything_they_own(db: Runtime) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)
    bob = await register_user("bob@example.org", TEST_PASSWORD)

    await accounts.delete_user("ALICE@example.org")

    assert [u.email for u in await User.all()] == ["bob@example.org"]
    assert await ReadingList.filter(user_id=bob.id).count() == await ReadingList.all().count() == 5
    with pytest.raises(NotFound):
        await accounts.delete_user("alice@example.org")


async def test_a_burst_of_parallel_guesses_cannot_slip_the_right_password_past_the_lock(db: Runtime) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)
    attempts = [_authenticate("alice@example.org", f"guess number {i}") for i in range(6)]

    results = await asyncio.gather(*attempts, return_exceptions=True)
    assert all(isinstance(result, AuthenticationFailed) for result in results)

    with pytest.raises(AuthenticationFailed):
        await _authenticate("alice@example.org", TEST_PASSWORD)
    refreshed = await User.get(email="alice@example.org")
    assert refreshed.locked_until is not None
