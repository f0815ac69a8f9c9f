"""PURE scheduling decisions: when a source is due again, when a subscription is disabled.

Every function takes `now` (aware) and its inputs, and returns a value: no clock, no database.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from legadilo.feeds.models import RefreshDelay

MIN_INTERVAL = timedelta(minutes=15)  # never sooner, whatever a subscriber asks
MAX_RETRY_AFTER = timedelta(hours=8)
MAX_TTL = timedelta(days=7)
ERROR_BACKOFF_START = timedelta(minutes=30)
ERROR_BACKOFF_CAP = timedelta(hours=24)
JITTER_FRACTION = 0.1
JITTER_CAP = timedelta(minutes=15)
LEASE_DURATION = timedelta(minutes=5)

_MORNING, _NOON, _EVENING, _DAY_START = time(8), time(12), time(20), time(6)
_WEEKDAYS = {
    RefreshDelay.ON_MONDAYS: (0,),
    RefreshDelay.ON_THURSDAYS: (3,),
    RefreshDelay.ON_SATURDAYS: (5,),
    RefreshDelay.ON_SUNDAYS: (6,),
    RefreshDelay.TWICE_A_WEEK: (0, 3),
}
_DISABLE_AFTER = {
    **dict.fromkeys(
        (
            RefreshDelay.HOURLY,
            RefreshDelay.BIHOURLY,
            RefreshDelay.EVERY_MORNING,
            RefreshDelay.DAILY_AT_NOON,
            RefreshDelay.EVERY_EVENING,
        ),
        timedelta(weeks=2),
    ),
    **dict.fromkeys(_WEEKDAYS, timedelta(days=61)),
    **dict.fromkeys(
        (
            RefreshDelay.FIRST_DAY_OF_THE_MONTH,
            RefreshDelay.MIDDLE_OF_THE_MONTH,
            RefreshDelay.END_OF_THE_MONTH,
            RefreshDelay.THRICE_A_MONTH,
        ),
        timedelta(days=122),
    ),
}


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _next_daily(local_now: datetime, at: time) -> datetime:
    candidate = datetime.combine(local_now.date(), at, tzinfo=local_now.tzinfo)
    return candidate if candidate > local_now else candidate + timedelta(days=1)


def _next_weekday(local_now: datetime, weekdays: tuple[int, ...]) -> datetime:
    for offset in range(1, 8):
        day = local_now.date() + timedelta(days=offset)
        if day.weekday() in weekdays:
            return datetime.combine(day, _DAY_START, tzinfo=local_now.tzinfo)
    raise AssertionError("unreachable: a week holds every weekday")


def _month_days(year: int, month: int, delay: RefreshDelay) -> tuple[int, ...]:
    last = calendar.monthrange(year, month)[1]
    return {
        RefreshDelay.FIRST_DAY_OF_THE_MONTH: (1,),
        RefreshDelay.MIDDLE_OF_THE_MONTH: (15,),
        RefreshDelay.END_OF_THE_MONTH: (last,),
        RefreshDelay.THRICE_A_MONTH: (5, 15, 25),
    }[delay]


def _next_monthly(local_now: datetime, delay: RefreshDelay) -> datetime:
    year, month = local_now.year, local_now.month
    for _ in range(3):
        for day in _month_days(year, month, delay):
            candidate = datetime(year, month, day, _DAY_START.hour, tzinfo=local_now.tzinfo)
            if candidate.date() > local_now.date():
                return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise AssertionError("unreachable: every month has the days asked for")


def next_due(delay: RefreshDelay, timezone: str, now: datetime) -> datetime:
    """When a subscription with this refresh delay wants the next check, after a check at `now`.

    Daily delays aim at the start of their local window (8:00, 12:00, 20:00 in the user's timezone);
    weekly and monthly ones at 6:00 local on the next matching day.
    """
    local_now = now.astimezone(zone(timezone))
    if delay == RefreshDelay.HOURLY:
        return now + timedelta(hours=1)
    if delay == RefreshDelay.BIHOURLY:
        return now + timedelta(hours=2)
    daily = {
        RefreshDelay.EVERY_MORNING: _MORNING,
        RefreshDelay.DAILY_AT_NOON: _NOON,
        RefreshDelay.EVERY_EVENING: _EVENING,
    }
    if delay in daily:
        return _next_daily(local_now, daily[delay])
    if delay in _WEEKDAYS:
        return _next_weekday(local_now, _WEEKDAYS[delay])
    return _next_monthly(local_now, delay)


@dataclass(frozen=True)
class Subscriber:
    refresh_delay: RefreshDelay
    timezone: str


@dataclass(frozen=True)
class CheckResult:
    """What the last check told the scheduler."""

    failed: bool
    error_streak: int  # failures in a row, including this one when failed
    ttl_minutes: int | None = None
    max_age_seconds: int | None = None
    retry_after_seconds: int | None = None


def error_backoff(error_streak: int) -> timedelta:
    """30 min, 1 h, 2 h… capped at 24 h: a failing source keeps being tried, less and less often."""
    steps = max(error_streak - 1, 0)
    backoff: timedelta = ERROR_BACKOFF_START * (2 ** min(steps, 16))
    return min(backoff, ERROR_BACKOFF_CAP)


def next_check_at(subscribers: Iterable[Subscriber], result: CheckResult, now: datetime, jitter: float) -> datetime:
    """The next check of a source: its most eager subscriber, but never sooner than the server allows
    (TTL, Cache-Control, Retry-After), later when failing, plus up to 10 % jitter (`jitter` in [0, 1))."""
    wanted = [next_due(s.refresh_delay, s.timezone, now) for s in subscribers]
    due = min(wanted) if wanted else now + timedelta(days=1)
    if result.failed:
        due = now + error_backoff(result.error_streak)
    floors = [now + MIN_INTERVAL]
    if result.ttl_minutes:
        floors.append(now + min(timedelta(minutes=result.ttl_minutes), MAX_TTL))
    if result.max_age_seconds:
        floors.append(now + min(timedelta(seconds=result.max_age_seconds), MAX_TTL))
    if result.retry_after_seconds is not None:
        floors.append(now + min(timedelta(seconds=result.retry_after_seconds), MAX_RETRY_AFTER))
    due = max(due, *floors)
    spread = min((due - now) * JITTER_FRACTION, JITTER_CAP)
    return due + spread * max(0.0, min(jitter, 1.0))


def must_disable(delay: RefreshDelay, first_error_at: datetime | None, error_streak: int, now: datetime) -> bool:
    """A subscription is disabled when its source failed without a single success for the whole window
    of its refresh delay (2 weeks for daily feeds, 2 months weekly, 4 months monthly)."""
    if error_streak == 0 or first_error_at is None:
        return False
    return now - first_error_at >= _DISABLE_AFTER[delay]


def disable_window(delay: RefreshDelay) -> timedelta:
    return _DISABLE_AFTER[delay]
