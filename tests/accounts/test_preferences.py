"""User settings and changing one's own password on the real database: validation of every field, the row
created when missing, the current password checked with the login lockout, sessions ended."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from legadilo.accounts import passwords
from legadilo.accounts.models import Language, Theme, User, UserSettings
from legadilo.accounts.preferences import (
    Preferences,
    available_timezones,
    change_password,
    get_preferences,
    parse_preferences,
    update_preferences,
)
from legadilo.core.errors import AuthenticationFailed, InvalidInput
from legadilo.runtime import Runtime
from legadilo.signup.services import register_user
from tests.conftest import TEST_PASSWORD

NOW = datetime(2026, 1, 1, tzinfo=UTC)
NEW_PASSWORD = "a much longer new secret"


def test_parse_accepts_valid_settings_and_trims() -> None:
    parsed = parse_preferences(" 350 ", " Europe/Paris ", "en", "dark")
    assert parsed == Preferences(350, "Europe/Paris", Language.ENGLISH, Theme.DARK)


@pytest.mark.parametrize("speed", ["49", "2001", "", "abc", "-100", "3.5", "٣٠٠", "1e3", "9" * 50])
def test_parse_refuses_reading_speeds_out_of_range_or_not_whole_numbers(speed: str) -> None:
    with pytest.raises(InvalidInput, match="reading speed"):
        parse_preferences(speed, "UTC", "en", "auto")


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../../etc/passwd", "utc", "Europe/Paris\x00"])
def test_parse_refuses_unknown_timezones(zone: str) -> None:
    with pytest.raises(InvalidInput, match="timezone"):
        parse_preferences("200", zone, "en", "auto")


@pytest.mark.parametrize(("language", "theme"), [("fr", "auto"), ("en", "sepia"), ("", "")])
def test_parse_refuses_unknown_languages_and_themes(language: str, theme: str) -> None:
    with pytest.raises(InvalidInput, match="language and a theme"):
        parse_preferences("200", "UTC", language, theme)


def test_timezone_list_is_sorted_and_holds_common_zones() -> None:
    zones = available_timezones()
    assert list(zones) == sorted(zones)
    assert {"UTC", "Europe/Paris", "America/New_York"} <= set(zones)


async def test_update_creates_the_missing_row_then_updates_it(db: Runtime) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    await UserSettings.filter(user_id=user.id).delete()
    assert await get_preferences(user.id) == Preferences(200, "UTC", Language.ENGLISH, Theme.AUTO)

    await update_preferences(user.id, Preferences(500, "Asia/Tokyo", Language.ENGLISH, Theme.LIGHT))
    await update_preferences(user.id, Preferences(120, "Europe/Paris", Language.ENGLISH, Theme.DARK))

    rows = await UserSettings.filter(user_id=user.id).values_list("words_per_minute", "timezone", "theme")
    assert rows == [(120, "Europe/Paris", Theme.DARK)]
    assert await get_preferences(user.id) == Preferences(120, "Europe/Paris", Language.ENGLISH, Theme.DARK)


async def test_one_users_settings_leave_the_others_alone(db: Runtime) -> None:
    alice = await register_user("alice@example.org", TEST_PASSWORD)
    bob = await register_user("bob@example.org", TEST_PASSWORD)
    await update_preferences(alice.id, Preferences(900, "Asia/Tokyo", Language.ENGLISH, Theme.DARK))
    assert (await get_preferences(bob.id)).words_per_minute != 900


async def _change(user: User, current: str, new: str = NEW_PASSWORD, confirmation: str | None = None) -> User:
    return await change_password(
        user,
        current,
        new,
        new if confirmation is None else confirmation,
        now=NOW,
        max_failures=3,
        lockout_seconds=600,
    )


async def test_change_password_replaces_the_hash_and_ends_sessions(db: Runtime) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    changed = await _change(user, TEST_PASSWORD)
    assert changed.session_epoch == user.session_epoch + 1
    stored = await User.get(id=user.id)
    assert await passwords.verify_password(stored.password_hash, NEW_PASSWORD)
    assert not await passwords.verify_password(stored.password_hash, TEST_PASSWORD)


async def test_change_password_refuses_a_wrong_current_password_and_keeps_the_old_one(db: Runtime) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    with pytest.raises(AuthenticationFailed, match="current password is wrong"):
        await _change(user, "not my password")
    stored = await User.get(id=user.id)
    assert await passwords.verify_password(stored.password_hash, TEST_PASSWORD)
    assert stored.session_epoch == user.session_epoch
    assert stored.failed_login_count == 1


async def test_wrong_current_passwords_lock_the_account_like_logins(db: Runtime) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    for _ in range(3):
        with pytest.raises(AuthenticationFailed):
            await _change(user, "guess")
    with pytest.raises(AuthenticationFailed):  # locked: even the right password is refused now
        await _change(user, TEST_PASSWORD)
    assert (await User.get(id=user.id)).locked_until is not None


async def test_change_password_refuses_differing_or_weak_new_passwords(db: Runtime) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    with pytest.raises(InvalidInput, match="differ"):
        await _change(user, TEST_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x")
    with pytest.raises(InvalidInput):
        await _change(user, TEST_PASSWORD, "short")
    stored = await User.get(id=user.id)
    assert await passwords.verify_password(stored.password_hash, TEST_PASSWORD)
