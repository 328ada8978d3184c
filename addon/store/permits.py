"""At most 50 requests per second per workspace, summed over every process and replica.

This is the store's side of the Clockify client's `Permits` protocol (`addon.clockify.transport`):
the client only asks for a permit and never sees SQL, so `clockify/` imports no database code.

The permit ledger is one row per workspace in the add-on's own database (`rate_limit_state`),
updated by one atomic UPSERT per request: the GCRA ("generic cell rate algorithm") keeps a
single number per key, the theoretical arrival time (TAT) of the next request. We chose the
database over Redis because the deployment already needs PostgreSQL and every replica reaches it;
a second piece of infrastructure for one counter would be one more thing to run and secure.
`shared/stack.md` §4 measured this design on PostgreSQL. On SQLite the same statement works across
the processes of one host (SQLite serialises writers), which is the single-host fallback.

Outbound limiting must wait, not reject: `acquire()` reserves the next slot and sleeps until it.
With emission interval T = 1/rate and a burst of b, no window of one second ever holds more than
`rate + b + 1` permits, so the defaults (46/s, no burst) allow at most 47 in any second, leaving
3 requests (~65 ms) of slack for jitter between our permit and Clockify's count, while
sustaining 92% of Clockify's budget. A burst buys nothing for long report walks and eats that
slack: with burst 2, sixteen processes on two busy cores were once seen at 51 in the sandbox.
Each workspace has its own row: one workspace's large report never
delays another's.

PostgreSQL takes "now" from `clock_timestamp()`, so replicas with skewed clocks still agree;
SQLite uses this host's clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, text

from addon.observe.metrics import limiter_waited

__all__ = ["LimiterTimeout", "RateLimiter", "WorkspaceLimiter"]

_UPSERT = """
INSERT INTO rate_limit_state (workspace_id, tat)
VALUES (:key, {now} + :interval)
ON CONFLICT (workspace_id) DO UPDATE
SET tat = {greatest}(rate_limit_state.tat, {now}) + :interval
RETURNING tat - :interval * (:burst + 1) - {now} AS wait_s
"""

_NOW = {
    "postgresql": "EXTRACT(EPOCH FROM clock_timestamp())::float8",
    "sqlite": ":now",
}
_GREATEST = {"postgresql": "GREATEST", "sqlite": "MAX"}


class LimiterTimeout(TimeoutError):
    """The next permit lies further away than the caller is willing to wait.

    A `TimeoutError`, which is what the `Permits` protocol promises, so the transport catches it
    without importing the store.
    """


@dataclass(frozen=True, slots=True)
class RateLimiter:
    """Shared permits for every workspace, kept in the add-on's database."""

    engine: Engine
    rate: float = 46.0
    burst: int = 0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time

    def __post_init__(self) -> None:
        if not 0 < self.rate <= 1000 or not 0 <= self.burst <= 100:
            raise ValueError("rate must be in (0, 1000] and burst in [0, 100]")
        dialect = self.engine.dialect.name
        if dialect not in _NOW:
            raise ValueError(f"no rate-limit statement for the {dialect} dialect")

    def reserve(self, workspace_id: str) -> float:
        """Take the next permit for `workspace_id`; return how long to wait before using it."""
        dialect = self.engine.dialect.name
        statement = text(_UPSERT.format(now=_NOW[dialect], greatest=_GREATEST[dialect]))
        params = {"key": workspace_id, "interval": 1.0 / self.rate, "burst": self.burst}
        if dialect == "sqlite":
            params["now"] = self.clock()
        with self.engine.begin() as connection:
            wait = connection.execute(statement, params).scalar_one()
        return max(0.0, float(wait))

    def acquire(self, workspace_id: str, *, max_wait: float = 30.0) -> float:
        """Block until a permit is ours; returns the seconds waited.

        A permit further away than `max_wait` raises `LimiterTimeout` (its slot is spent, which
        only makes later callers slightly more patient, never the limit looser).
        """
        wait = self.reserve(workspace_id)
        if wait > max_wait:
            raise LimiterTimeout(f"next Clockify permit is {wait:.1f}s away")
        if wait > 0:
            self.sleep(wait)
        limiter_waited(wait)
        return wait

    def for_workspace(self, workspace_id: str) -> WorkspaceLimiter:
        return WorkspaceLimiter(self, workspace_id)


@dataclass(frozen=True, slots=True)
class WorkspaceLimiter:
    """The limiter bound to one workspace, as the Clockify client receives it."""

    limiter: RateLimiter
    workspace_id: str

    def acquire(self, *, max_wait: float = 30.0) -> float:
        return self.limiter.acquire(self.workspace_id, max_wait=max_wait)
