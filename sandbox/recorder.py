"""Every regular-API and Reports-API request the sandbox answered, for tests and benches.

Each record has the arrival time on both clocks: `monotonic` to reason about rates ("no more
than 50 requests in any one-second window"), `wall` (UTC) to read a log. `status` is `None`
when the sandbox dropped the connection without answering (an injected fault).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

__all__ = ["RequestRecord", "RequestRecorder", "busiest_window", "busiest_window_of"]


@dataclass(frozen=True, slots=True)
class RequestRecord:
    monotonic: float
    wall: datetime
    workspace_id: str | None
    method: str
    path: str
    status: int | None


class RequestRecorder:
    """An append-only, thread-safe list of `RequestRecord`s; `reset()` empties it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    def records(self, workspace_id: str | None = None) -> list[RequestRecord]:
        with self._lock:
            return [r for r in self._records if workspace_id in (None, r.workspace_id)]

    def reset(self) -> None:
        with self._lock:
            self._records.clear()


def busiest_window(records: Iterable[RequestRecord], seconds: float = 1.0) -> int:
    """The most records whose arrival falls in any half-open window `[t, t + seconds)`."""
    return busiest_window_of((record.monotonic for record in records), seconds)


def busiest_window_of(moments: Iterable[float], seconds: float = 1.0) -> int:
    """The most moments (seconds, any clock) in any half-open window `[t, t + seconds)`."""
    times = sorted(moments)
    best = first = 0
    for last, moment in enumerate(times):
        while moment - times[first] >= seconds:
            first += 1
        best = max(best, last - first + 1)
    return best
