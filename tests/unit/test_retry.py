"""RetryPolicy decisions, without sleeping."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from addon.clockify.retry import RetryPolicy, parse_retry_after

NOW = 1_790_000_000.0


def test_retry_after_in_seconds_and_as_http_date() -> None:
    later = format_datetime(datetime.fromtimestamp(NOW + 7, UTC), usegmt=True)

    assert parse_retry_after("3", now=NOW) == 3.0
    assert parse_retry_after(later, now=NOW) == pytest.approx(7.0)
    assert parse_retry_after("yesterday-ish", now=NOW) is None
    assert parse_retry_after(None, now=NOW) is None


def test_server_retry_after_wins_over_backoff_and_a_longer_wait_gives_up_at_once() -> None:
    policy = RetryPolicy(max_retry_after=10, deadline=100)

    assert policy.wait_before(1, retry_after=4.0, elapsed=0) == 4.0
    assert policy.wait_before(1, retry_after=10.0, elapsed=0) == 10.0
    # Retrying sooner than asked would spend a used-up quota: the caller learns the wait instead.
    assert policy.wait_before(1, retry_after=3600.0, elapsed=0) is None


def test_backoff_is_exponential_with_full_jitter() -> None:
    policy = RetryPolicy(backoff_base=0.5, backoff_max=4.0, rng=random.Random(7))

    for attempt, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 4.0)]:
        waits = [policy.backoff(attempt) for _ in range(200)]
        assert all(0.0 <= w <= ceiling for w in waits)
        assert max(waits) > ceiling * 0.8  # the jitter uses the whole range


def test_a_429_without_retry_after_waits_out_clockifys_one_second_window() -> None:
    policy = RetryPolicy(backoff_base=0.5, backoff_max=4.0, deadline=100, rng=random.Random(3))

    throttled = [
        policy.wait_before(1, retry_after=None, elapsed=0, throttled=True) for _ in range(50)
    ]
    plain = [policy.wait_before(1, retry_after=None, elapsed=0) for _ in range(50)]

    assert all(w is not None and 1.0 <= w <= 1.5 for w in throttled)
    assert all(w is not None and w <= 0.5 for w in plain)
    assert policy.wait_before(1, retry_after=0.2, elapsed=0, throttled=True) == 0.2


def test_gives_up_after_max_attempts_or_past_the_deadline() -> None:
    policy = RetryPolicy(max_attempts=3, deadline=10.0)

    assert policy.wait_before(3, retry_after=None, elapsed=0) is None
    assert policy.wait_before(1, retry_after=5.0, elapsed=6.0) is None
    assert policy.wait_before(1, retry_after=5.0, elapsed=4.0) == 5.0


def test_only_429_and_5xx_are_retryable() -> None:
    policy = RetryPolicy()

    assert [
        s for s in (400, 401, 403, 404, 429, 500, 502, 503, 504) if policy.is_retryable_status(s)
    ] == [429, 500, 502, 503, 504]


def test_bad_policy_is_refused_with_a_fix() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
