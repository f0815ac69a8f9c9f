"""Scheduling decisions, table-driven (pure: no clock, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from legadilo.feeds.models import RefreshDelay
from legadilo.feeds.planning import CheckResult, Subscriber, error_backoff, must_disable, next_check_at, next_due

# A Wednesday, 10:30 UTC (11:30 in Paris, winter time).
NOW = datetime(2026, 1, 14, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("delay", "timezone", "expected"),
    [
        pytest.param(RefreshDelay.HOURLY, "UTC", datetime(2026, 1, 14, 11, 30, tzinfo=UTC), id="hourly"),
        pytest.param(RefreshDelay.BIHOURLY, "UTC", datetime(2026, 1, 14, 12, 30, tzinfo=UTC), id="bihourly"),
        pytest.param(RefreshDelay.DAILY_AT_NOON, "UTC", datetime(2026, 1, 14, 12, 0, tzinfo=UTC), id="noon-today"),
        pytest.param(
            RefreshDelay.DAILY_AT_NOON, "Europe/Paris", datetime(2026, 1, 14, 11, 0, tzinfo=UTC), id="noon-paris"
        ),
        pytest.param(RefreshDelay.EVERY_MORNING, "UTC", datetime(2026, 1, 15, 8, 0, tzinfo=UTC), id="morning-tomorrow"),
        pytest.param(
            RefreshDelay.EVERY_EVENING, "America/New_York", datetime(2026, 1, 15, 1, 0, tzinfo=UTC), id="evening-ny"
        ),
        pytest.param(RefreshDelay.ON_MONDAYS, "UTC", datetime(2026, 1, 19, 6, 0, tzinfo=UTC), id="monday"),
        pytest.param(RefreshDelay.ON_THURSDAYS, "UTC", datetime(2026, 1, 15, 6, 0, tzinfo=UTC), id="thursday"),
        pytest.param(RefreshDelay.TWICE_A_WEEK, "UTC", datetime(2026, 1, 15, 6, 0, tzinfo=UTC), id="twice-a-week"),
        pytest.param(RefreshDelay.ON_SUNDAYS, "UTC", datetime(2026, 1, 18, 6, 0, tzinfo=UTC), id="sunday"),
        pytest.param(RefreshDelay.FIRST_DAY_OF_THE_MONTH, "UTC", datetime(2026, 2, 1, 6, 0, tzinfo=UTC), id="first"),
        pytest.param(RefreshDelay.MIDDLE_OF_THE_MONTH, "UTC", datetime(2026, 1, 15, 6, 0, tzinfo=UTC), id="middle"),
        pytest.param(RefreshDelay.END_OF_THE_MONTH, "UTC", datetime(2026, 1, 31, 6, 0, tzinfo=UTC), id="end"),
        pytest.param(RefreshDelay.THRICE_A_MONTH, "UTC", datetime(2026, 1, 15, 6, 0, tzinfo=UTC), id="thrice"),
        pytest.param(RefreshDelay.HOURLY, "Not/AZone", datetime(2026, 1, 14, 11, 30, tzinfo=UTC), id="bad-zone"),
    ],
)
def test_next_due(delay: RefreshDelay, timezone: str, expected: datetime) -> None:
    assert next_due(delay, timezone, NOW) == expected


def test_end_of_month_handles_february_and_the_year_boundary() -> None:
    assert next_due(RefreshDelay.END_OF_THE_MONTH, "UTC", datetime(2026, 2, 10, tzinfo=UTC)) == datetime(
        2026, 2, 28, 6, tzinfo=UTC
    )
    assert next_due(RefreshDelay.FIRST_DAY_OF_THE_MONTH, "UTC", datetime(2026, 12, 5, tzinfo=UTC)) == datetime(
        2027, 1, 1, 6, tzinfo=UTC
    )


HOURLY = Subscriber(RefreshDelay.HOURLY, "UTC")
WEEKLY = Subscriber(RefreshDelay.ON_MONDAYS, "UTC")
OK = CheckResult(failed=False, error_streak=0)


@pytest.mark.parametrize(
    ("subscribers", "result", "expected"),
    [
        pytest.param([WEEKLY, HOURLY], OK, NOW + timedelta(hours=1), id="most-eager-subscriber-wins"),
        pytest.param([HOURLY], CheckResult(False, 0, ttl_minutes=180), NOW + timedelta(hours=3), id="ttl-floor"),
        pytest.param([HOURLY], CheckResult(False, 0, max_age_seconds=7200), NOW + timedelta(hours=2), id="max-age"),
        pytest.param([HOURLY], CheckResult(False, 0, max_age_seconds=60), NOW + timedelta(hours=1), id="short-max-age"),
        pytest.param(
            [HOURLY],
            CheckResult(True, 1, retry_after_seconds=10 * 3600),
            NOW + timedelta(hours=8),
            id="retry-after-capped",
        ),
        pytest.param([WEEKLY], CheckResult(True, 1), NOW + timedelta(minutes=30), id="first-error-retries-soon"),
        pytest.param([HOURLY], CheckResult(True, 4), NOW + timedelta(hours=4), id="backoff-grows"),
        pytest.param([HOURLY], CheckResult(True, 40), NOW + timedelta(hours=24), id="backoff-capped-never-stops"),
        pytest.param([], OK, NOW + timedelta(days=1), id="no-subscriber"),
    ],
)
def test_next_check_at_without_jitter(subscribers: list[Subscriber], result: CheckResult, expected: datetime) -> None:
    assert next_check_at(subscribers, result, NOW, jitter=0.0) == expected


def test_jitter_adds_at_most_ten_percent_capped_at_fifteen_minutes() -> None:
    base = next_check_at([HOURLY], OK, NOW, jitter=0.0)
    assert next_check_at([HOURLY], OK, NOW, jitter=0.999) - base == timedelta(minutes=6) * 0.999
    weekly = next_check_at([WEEKLY], OK, NOW, jitter=0.0)
    assert next_check_at([WEEKLY], OK, NOW, jitter=1.0) - weekly == timedelta(minutes=15)


def test_error_backoff_sequence() -> None:
    assert [error_backoff(n) for n in (1, 2, 3, 6, 7, 100)] == [
        timedelta(minutes=30), timedelta(hours=1), timedelta(hours=2), timedelta(hours=16),
        timedelta(hours=24), timedelta(hours=24),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("delay", "failing_for", "streak", "expected"),
    [
        (RefreshDelay.HOURLY, timedelta(days=13), 50, False),
        (RefreshDelay.HOURLY, timedelta(days=14), 50, True),
        (RefreshDelay.ON_MONDAYS, timedelta(days=20), 3, False),
        (RefreshDelay.ON_MONDAYS, timedelta(days=62), 9, True),
        (RefreshDelay.THRICE_A_MONTH, timedelta(days=100), 10, False),
        (RefreshDelay.THRICE_A_MONTH, timedelta(days=123), 12, True),
        (RefreshDelay.HOURLY, timedelta(days=30), 0, False),
    ],
)
def test_must_disable_after_a_whole_window_of_failures(
    delay: RefreshDelay, failing_for: timedelta, streak: int, expected: bool
) -> None:
    assert must_disable(delay, NOW - failing_for, streak, NOW) is expected
