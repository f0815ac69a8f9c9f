"""A user's settings (reading speed, timezone, language, theme), what every page's layout shows about the
logged-in user (loaded with the user, in one statement), and changing one's own password."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from tortoise.expressions import RawSQL

from legadilo.accounts import services
from legadilo.accounts.models import Language, Theme, User, UserSettings
from legadilo.core.errors import AuthenticationFailed, InvalidInput

MIN_WORDS_PER_MINUTE = 50
MAX_WORDS_PER_MINUTE = 2000
WRONG_CURRENT = "the current password is wrong (after several failures in a row, the account is locked a while)"


@dataclass(frozen=True)
class Preferences:
    words_per_minute: int
    timezone: str
    language: Language
    theme: Theme


@dataclass(frozen=True)
class Layout:
    """What every page shows about the logged-in user: the theme (rendered on <html>), the timezone of the
    dates, and the unread count of the notifications bell."""

    theme: Theme
    timezone: str
    unread_notifications: int


ANONYMOUS_LAYOUT = Layout(Theme.AUTO, "UTC", 0)
# Correlated subqueries on the indexed user_settings.user_id (unique) and notification(user_id, read_at):
# the user, their settings and their unread count come back in one statement.
_LAYOUT_COLUMNS = {
    "layout_theme": RawSQL("""COALESCE((SELECT s.theme FROM user_settings s WHERE s.user_id = "user".id), 'auto')"""),
    "layout_timezone": RawSQL(
        """COALESCE((SELECT s.timezone FROM user_settings s WHERE s.user_id = "user".id), 'UTC')"""
    ),
    "layout_unread": RawSQL(
        """(SELECT count(*) FROM notification n WHERE n.user_id = "user".id AND n.read_at IS NULL)"""
    ),
}


async def find_session_user(user_id: int, session_epoch: int) -> tuple[User, Layout] | None:
    """The active user a session cookie names (None when deleted, deactivated, or the session was revoked by
    a newer epoch), with their page layout: one statement."""
    user = (
        await User.filter(id=user_id, session_epoch=session_epoch, is_active=True).annotate(**_LAYOUT_COLUMNS).first()
    )
    if user is None:
        return None
    return user, _layout_of(user)


async def get_layout(user_id: int) -> Layout:
    """The page layout of a user (the anonymous one when the user does not exist): one statement."""
    user = await User.filter(id=user_id).annotate(**_LAYOUT_COLUMNS).first()
    return _layout_of(user) if user is not None else ANONYMOUS_LAYOUT


def _layout_of(user: User) -> Layout:
    raw_theme = str(getattr(user, "layout_theme", Theme.AUTO))
    theme = Theme(raw_theme) if raw_theme in set(Theme) else Theme.AUTO
    return Layout(theme, str(getattr(user, "layout_timezone", "UTC")), int(getattr(user, "layout_unread", 0)))


@cache
def available_timezones() -> tuple[str, ...]:
    """Every IANA timezone name this system knows, sorted."""
    return tuple(sorted(zoneinfo.available_timezones()))


async def get_preferences(user_id: int) -> Preferences:
    """The user's settings (the defaults when the row does not exist yet)."""
    row = await UserSettings.get_or_none(user_id=user_id)
    if row is None:
        return Preferences(200, "UTC", Language.ENGLISH, Theme.AUTO)
    return Preferences(row.words_per_minute, row.timezone, row.language, row.theme)


def parse_preferences(words_per_minute: str, timezone: str, language: str, theme: str) -> Preferences:
    """Settings as typed in a form, checked.

    Raises:
        InvalidInput: a reading speed that is not a whole number from 50 to 2000, an unknown timezone,
            language or theme.
    """
    raw_speed = words_per_minute.strip()
    if (
        not raw_speed.isascii()
        or not raw_speed.isdigit()
        or not (MIN_WORDS_PER_MINUTE <= int(raw_speed) <= MAX_WORDS_PER_MINUTE)
    ):
        raise InvalidInput(
            f"the reading speed must be a whole number of words per minute from {MIN_WORDS_PER_MINUTE}"
            f" to {MAX_WORDS_PER_MINUTE}"
        )
    zone = timezone.strip()
    if zone not in set(available_timezones()):
        raise InvalidInput(f"{zone[:64]!r} is not a known timezone (for example Europe/Paris or UTC)")
    try:
        chosen_language, chosen_theme = Language(language), Theme(theme)
    except ValueError:
        raise InvalidInput("choose a language and a theme from the lists") from None
    return Preferences(int(raw_speed), zone, chosen_language, chosen_theme)


async def update_preferences(user_id: int, preferences: Preferences) -> Preferences:
    """Store the user's settings (creating the row when missing)."""
    values = {
        "words_per_minute": preferences.words_per_minute,
        "timezone": preferences.timezone,
        "language": preferences.language,
        "theme": preferences.theme,
    }
    await UserSettings.update_or_create(defaults=values, user_id=user_id)
    return preferences


async def change_password(
    user: User, current: str, new: str, confirmation: str, *, now: datetime, max_failures: int, lockout_seconds: int
) -> User:
    """Change one's own password: the current one is checked like a login (failures count towards the same
    lockout), then every session of the user ends (the caller logs the current one in again).

    Raises:
        AuthenticationFailed: the current password is wrong, or the account is locked.
        InvalidInput: the two new passwords differ, or the new one breaks the policy.
    """
    if new != confirmation:
        raise InvalidInput("the two new passwords differ")
    try:
        await services.authenticate(
            user.email, current, now=now, max_failures=max_failures, lockout_seconds=lockout_seconds
        )
    except AuthenticationFailed:
        raise AuthenticationFailed(WRONG_CURRENT) from None
    return await services.set_password(user.email, new)
