"""Clockify's add-on rate limit: 50 requests per second per workspace, as a sliding window.

Source: the OpenAPI `info.description` (all of `shared/clockify/openapi/*.yml`): "50 requests per
second (by addon on one workspace) when accessed using X-Addon-Token. Exceeding this limit will
result in an error message with the description 'Too many requests'". Whether Clockify sends
`Retry-After` is undocumented (reports-api.md §5), so each workspace chooses: by default the
header is omitted, which is the harder case for a client.

The window is a log of admitted requests, so "at most `limit` admitted in any `window` seconds"
holds exactly; rejected requests do not extend the wait.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass

__all__ = ["RatePolicy", "WorkspaceLimiter"]


@dataclass(frozen=True, slots=True)
class RatePolicy:
    """`limit` requests per `window` seconds; `retry_after` says whether 429s carry the header."""

    limit: int = 50
    window: float = 1.0
    retry_after: bool = False

    def __post_init__(self) -> None:
        if self.limit < 1 or self.window <= 0:
            raise ValueError("RatePolicy needs limit >= 1 and window > 0 (seconds)")


class WorkspaceLimiter:
    """One sliding window per workspace; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._policies: dict[str, RatePolicy] = {}
        self._admitted: dict[str, deque[float]] = {}

    def configure(self, workspace_id: str, policy: RatePolicy) -> None:
        with self._lock:
            self._policies[workspace_id] = policy

    def policy(self, workspace_id: str) -> RatePolicy:
        with self._lock:
            return self._policies.get(workspace_id, RatePolicy())

    def admit(self, workspace_id: str, now: float | None = None) -> float | None:
        """Admit one request (None), or refuse it and return the seconds until one would pass."""
        moment = time.monotonic() if now is None else now
        with self._lock:
            policy = self._policies.get(workspace_id, RatePolicy())
            log = self._admitted.setdefault(workspace_id, deque())
            while log and log[0] <= moment - policy.window:
                log.popleft()
            if len(log) >= policy.limit:
                return log[0] + policy.window - moment
            log.append(moment)
            return None

    def reset(self) -> None:
        with self._lock:
            self._policies.clear()
            self._admitted.clear()


def retry_after_seconds(wait: float) -> int:
    """A whole number of seconds, at least 1, as `Retry-After` requires."""
    return max(1, math.ceil(wait))
