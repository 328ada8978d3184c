"""Programmed failures for the regular and Reports APIs, per workspace, in the order given.

A test queues faults; each matching request takes the first one that still has uses left, so
the sequence of failures is the same on every run (no randomness, no clocks). Faults run before
authentication and the rate limiter, like a failing gateway in front of Clockify.

=============  ==============================================================================
kind           the matching request...
=============  ==============================================================================
`error`        answers `status` (default 503) with a JSON `{message, code}` body
`rate_limit`   answers 429 `{"message": "Too many requests", "code": 429}`
`slow`         waits `delay` seconds, then answers normally
`drop`         has its connection closed with no answer at all
`truncate`     answers normally, but the JSON body is cut to `keep` of its bytes (default half)
=============  ==============================================================================

`error` and `rate_limit` send `Retry-After` when `retry_after` (seconds) is set: as a number, or
as an HTTP-date that many seconds ahead with `retry_after_format="http-date"`.

::

    state.faults.inject(ws, Fault(FaultKind.ERROR, status=502, count=2, path="/reports/"))

or over HTTP: `POST /sandbox/workspaces/<ws>/faults` with
`{"kind": "error", "status": 502, "count": 2, "path": "/reports/"}`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

__all__ = ["Fault", "FaultInjector", "FaultKind"]


class FaultKind(StrEnum):
    ERROR = "error"
    RATE_LIMIT = "rate_limit"
    SLOW = "slow"
    DROP = "drop"
    TRUNCATE = "truncate"


@dataclass(frozen=True, slots=True)
class Fault:
    """One programmed failure for the next `count` requests whose path contains `path`."""

    kind: FaultKind
    count: int = 1
    path: str | None = None
    method: str | None = None
    status: int = 503
    retry_after: int | None = None
    retry_after_format: Literal["seconds", "http-date"] = "seconds"
    delay: float = 0.0
    keep: float = 0.5

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError("count must be at least 1")
        if self.kind is FaultKind.ERROR and not 400 <= self.status <= 599:
            raise ValueError("status must be an HTTP error status (400-599)")
        if self.retry_after is not None and self.retry_after < 0:
            raise ValueError("retry_after must be a number of seconds >= 0, or None")
        if self.retry_after_format not in ("seconds", "http-date"):
            raise ValueError("retry_after_format must be 'seconds' or 'http-date'")
        if not 0 <= self.delay <= 120:
            raise ValueError("delay must be between 0 and 120 seconds")
        if not 0 <= self.keep < 1:
            raise ValueError("keep must be a fraction in [0, 1)")

    def matches(self, method: str, path: str) -> bool:
        return (self.path is None or self.path in path) and (
            self.method is None or self.method.upper() == method
        )

    @classmethod
    def from_json(cls, body: Any) -> Fault:
        """Build from the control endpoint's camelCase JSON; raise ValueError naming the field."""
        if not isinstance(body, dict):
            raise ValueError("the body must be a JSON object")
        names = {
            "kind": "kind",
            "count": "count",
            "path": "path",
            "method": "method",
            "status": "status",
            "retryAfter": "retry_after",
            "retryAfterFormat": "retry_after_format",
            "delay": "delay",
            "keep": "keep",
        }
        unknown = sorted(set(body) - set(names))
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(unknown)}")
        try:
            kind = FaultKind(str(body.get("kind")))
        except ValueError:
            raise ValueError(f"kind must be one of {', '.join(FaultKind)}") from None
        values = {names[key]: value for key, value in body.items() if key != "kind"}
        try:
            return cls(kind, **values)
        except TypeError as exc:
            raise ValueError(str(exc)) from None

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "count": self.count,
            "path": self.path,
            "method": self.method,
            "status": self.status,
            "retryAfter": self.retry_after,
            "retryAfterFormat": self.retry_after_format,
            "delay": self.delay,
            "keep": self.keep,
        }


class FaultInjector:
    """Queued faults per workspace; thread-safe, first match wins, each use counts down."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queued: dict[str, list[list[Any]]] = {}  # [fault, uses left]

    def inject(self, workspace_id: str, fault: Fault) -> None:
        with self._lock:
            self._queued.setdefault(workspace_id, []).append([fault, fault.count])

    def take(self, workspace_id: str, method: str, path: str) -> Fault | None:
        """The fault this request must suffer, if any; its remaining uses drop by one."""
        with self._lock:
            queue = self._queued.get(workspace_id, [])
            for slot in queue:
                fault: Fault = slot[0]
                if fault.matches(method, path):
                    slot[1] -= 1
                    if slot[1] == 0:
                        queue.remove(slot)
                    return fault
            return None

    def pending(self, workspace_id: str) -> list[tuple[Fault, int]]:
        with self._lock:
            return [(slot[0], slot[1]) for slot in self._queued.get(workspace_id, [])]

    def clear(self, workspace_id: str | None = None) -> None:
        with self._lock:
            if workspace_id is None:
                self._queued.clear()
            else:
                self._queued.pop(workspace_id, None)
