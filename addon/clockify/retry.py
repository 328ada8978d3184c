"""`RetryPolicy`: which failures to retry, how long to wait, and when to give up.

Modelled on urllib3's `Retry`: an immutable value whose methods are pure, so every decision is
testable without sleeping. Clockify's Reports endpoints are read-only POSTs, so the client marks
them retryable explicitly (urllib3 would not retry a POST by default).

* 429 and 5xx are retried; `Retry-After` (delta-seconds or an HTTP date) is honoured. A wait
  longer than `max_retry_after` is not slept through (a hostile or broken header cannot park a
  worker for an hour) nor cut short (retrying before Clockify said would only spend a request
  of a quota that is used up): the call gives up at once, and the caller learns the wait.
* Connection errors (nothing was sent, or the connection dropped) are retried; Clockify may
  already have done the work, but every call we retry is a read.
* A 429 without `Retry-After` waits at least `throttle_floor` (1 s, Clockify's window) plus
  the jittered backoff: retrying sooner would only meet the same full window again.
* Otherwise the wait is exponential with full jitter (AWS's "full jitter": uniform in
  [0, min(cap, base * 2**n)]), which spreads several workers that failed together.
* Everything happens within `deadline` seconds from the first attempt: a retry whose wait would
  end after the deadline is not attempted.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.utils import parsedate_to_datetime

__all__ = ["RetryPolicy", "parse_retry_after"]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a `Retry-After` header, or None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment: datetime = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        return None
    return max(0.0, moment.timestamp() - now)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Retry rules for one call; `new(...)` returns a changed copy."""

    max_attempts: int = 6
    deadline: float = 60.0
    backoff_base: float = 0.5
    backoff_max: float = 16.0
    max_retry_after: float = 60.0
    throttle_floor: float = 1.0
    statuses: frozenset[int] = RETRY_STATUSES
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1, e.g. RetryPolicy(max_attempts=3)")
        if self.deadline <= 0 or self.backoff_base < 0 or self.backoff_max < self.backoff_base:
            raise ValueError("deadline must be > 0 and 0 <= backoff_base <= backoff_max")

    def new(self, **changes: object) -> RetryPolicy:
        return replace(self, **changes)  # type: ignore[arg-type]  # dataclasses.replace is untyped

    def is_retryable_status(self, status: int) -> bool:
        return status in self.statuses

    def backoff(self, attempt: int) -> float:
        """Full-jitter wait before retry number `attempt` (1 = the first retry)."""
        ceiling = min(self.backoff_max, self.backoff_base * (2 ** (attempt - 1)))
        return self.rng.uniform(0.0, ceiling)

    def wait_before(
        self, attempt: int, *, retry_after: float | None, elapsed: float, throttled: bool = False
    ) -> float | None:
        """Seconds to wait before retry `attempt`, or None to give up.

        `elapsed` is the time since the first attempt started; `retry_after` the server's
        parsed `Retry-After`, if any (it wins over backoff, but is capped).
        """
        if attempt >= self.max_attempts:
            return None
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return None
            wait = retry_after
        elif throttled:
            wait = self.throttle_floor + self.backoff(attempt)
        else:
            wait = self.backoff(attempt)
        if elapsed + wait >= self.deadline:
            return None
        return wait
