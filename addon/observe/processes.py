"""Counting across processes: prometheus-client's multiprocess mode, switched on by a setting.

Gunicorn's workers, each scheduler and each worker process count on their own; for one
`/metrics` to show their sum they write their values to memory-mapped files in one shared
directory, and the scrape merges the files (`MultiProcessCollector`). prometheus-client reads
the directory from `PROMETHEUS_MULTIPROC_DIR` once, when it is first imported, so the process
entry points call `use_metrics_dir(settings.metrics_dir)` before anything is recorded (metrics
are made lazily for that reason, `addon.observe.metrics`).

Following the library's documentation: the gunicorn master empties the directory when it starts
(`prepare_metrics_dir`, from `on_starting`), since files of a previous run would be summed in;
and when a worker exits the master calls `mark_process_dead`, which drops that worker's `live*`
gauge files. Counters of dead processes stay in the sum, which is what keeps a counter from
going backwards when a worker is replaced. A scheduler or worker process that shares the
directory never empties it (the web's counters are in it); alone in its own container it
starts with an empty volume anyway.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from addon.errors import ConfigurationError

__all__ = ["in_multiprocess_mode", "mark_process_dead", "prepare_metrics_dir", "use_metrics_dir"]

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def use_metrics_dir(directory: str) -> None:
    """Make this process (and the processes it starts) count into `directory`; "" does nothing.

    Raises `ConfigurationError` when prometheus-client was already loaded without it: values
    recorded so far would be in memory only, and a scrape of the directory would never see
    this process.
    """
    if not directory:
        return
    Path(directory).mkdir(parents=True, exist_ok=True)
    if "prometheus_client" in sys.modules and not in_multiprocess_mode():
        raise ConfigurationError(
            "ADDON_METRICS_DIR must take effect before the first metric is recorded "
            "(prometheus-client was already loaded in single-process mode)"
        )
    os.environ[MULTIPROC_ENV] = directory


def in_multiprocess_mode() -> bool:
    """Whether prometheus-client in this process writes its values to the shared directory."""
    from prometheus_client import values

    return values.ValueClass is not values.MutexValue


def prepare_metrics_dir(directory: str) -> None:
    """Empty (or create) `directory` before the first process writes to it; "" does nothing.

    Only our `*.db` files are removed, not the directory, which may be a mounted volume.
    """
    if not directory:
        return
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink(missing_ok=True)


def mark_process_dead(pid: int, directory: str) -> None:
    """Forget the live gauges of process `pid` (gunicorn's `child_exit`); "" does nothing."""
    if not directory:
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid, directory)  # type: ignore[no-untyped-call]  # unannotated
