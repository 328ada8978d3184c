"""`SharedRows`: within one tick, runs of one workspace that need the same rows fetch them once.

Decision: the cache is keyed on `RowsKey` (`addon.services.report_rows`): the workspace, the
Clockify query as sent (period, zone, every id filter as a set, billable, invoicing state) and
which rows are needed (entries for a summary; uninvoiced entries, expenses and the client
directory for drafts). Those are all a fetch depends on; grouping, week start, non-work
placement, invoice terms, issue date, locale, formats and templates only change the build and
the rendering, which still run per run. The value is the fetched, reconciled rows with the
`ClockifyCheck` they were held against, so every email prints the check of the rows it shows.
The workspace is in the key, so two workspaces never share, whatever else is equal.

Lifetime and bound: a `SharedRows` belongs to one `tick` and is dropped with it, so a later
tick fetches afresh. The runner first counts the runs of the tick that will need each key
(`expect`), and each run gives its count back when it is finished (`release`), whether it
was sent, failed, deferred or lost its claim to another process. Rows are only kept while a
count is above zero, and never when only one run needs them, so a key one run needs costs
nothing. Since the runner delivers runs grouped by workspace and then by key, what is held at
any moment is at most the rows of the distinct queries of one workspace's due runs, and in the
common case (one occurrence per schedule) the rows of one query.

Failures: a fetch that raises is remembered like rows, and every other run of the key gets the
same exception. Each run then fails, defers or retries by its own claim and attempts, exactly as
the runner's rules say for that error alone; no run ever gets rows fetched for another key.

Exactly-once is untouched: the runner claims a run before it asks for its rows, and a fetch
happens only for a run this process has claimed; the cache only decides how many fetches that
takes. Not thread-safe: one tick runs in one thread.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType

from addon.services.report_rows import ReportRows, RowsKey

__all__ = ["SharedRows"]


@dataclass(frozen=True, slots=True)
class _Failed:
    """A fetch that raised: the exception and where it was raised, to raise again as it was."""

    error: Exception
    traceback: TracebackType | None


class SharedRows:
    """One tick's fetched rows, counted per key; `fetches` and `shared` say what it saved.

    `keep=False` holds nothing, so every run fetches for itself (the comparison without sharing).
    """

    def __init__(self, *, keep: bool = True) -> None:
        self._keep = keep
        self._wanted: Counter[RowsKey] = Counter()
        self._held: dict[RowsKey, ReportRows | _Failed] = {}
        self.fetches = 0
        self.shared = 0

    def expect(self, key: RowsKey) -> None:
        """One more run of this tick will ask for `key` (and then `release` it)."""
        self._wanted[key] += 1

    def release(self, key: RowsKey) -> None:
        """A run that was expected to need `key` is finished; drop the rows when none remain."""
        left = self._wanted.get(key, 0) - 1
        if left > 0:
            self._wanted[key] = left
            return
        self._wanted.pop(key, None)
        self._held.pop(key, None)

    def rows(self, key: RowsKey, fetch: Callable[[], ReportRows]) -> ReportRows:
        """`key`'s rows: held ones, else `fetch()`'s, kept if another expected run needs them.

        Raises what `fetch` raised, for this run and for every later run of the key.
        """
        held = self._held.get(key)
        if held is None:
            self.fetches += 1
            try:
                held = fetch()
            except Exception as exc:  # remembered for the key's other runs, then raised
                held = _Failed(exc, exc.__traceback__)
            if self._keep and self._wanted[key] > 1:
                self._held[key] = held
        else:
            self.shared += 1
        if isinstance(held, _Failed):
            raise held.error.with_traceback(held.traceback)
        return held

    @property
    def held(self) -> int:
        """Keys whose rows (or failure) are held now: the memory bound, for tests and logs."""
        return len(self._held)
