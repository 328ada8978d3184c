"""`Backlog`: the work waiting in the database, as the scrape-time gauges report it.

Its own module, free of prometheus-client, so that the use case that counts it
(`addon.services.backlog`) can name the type without loading the metrics library early.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Backlog"]


@dataclass(frozen=True, slots=True)
class Backlog:
    """Counts per state: report jobs queued or running, delivery runs claimed."""

    report_jobs: Mapping[str, int] = field(default_factory=dict)
    delivery_runs: Mapping[str, int] = field(default_factory=dict)
