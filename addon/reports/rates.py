"""Hourly-rate resolution through Clockify's hierarchy, for entries that arrive without a rate.

Detailed-report rows normally carry the rate Clockify already resolved; that rate wins
(`RateSource.ENTRY`). Only when a row has none do we look the rate up ourselves, from the most
specific level that has one: by default project member > task > member > project > workspace.
The order is a field of `RateBook`, so it can be corrected in one place if Clockify's differs for
a workspace. Rates are `Money` per hour, in integer minor units as Clockify stores them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from addon.reports.errors import InvalidTerms
from addon.reports.model import RateSource, TimeEntry
from addon.reports.money import Money

__all__ = ["DEFAULT_PRECEDENCE", "NO_RATES", "PricedRate", "RateBook", "resolve_rate"]

DEFAULT_PRECEDENCE: Final = (
    RateSource.PROJECT_MEMBER,
    RateSource.TASK,
    RateSource.MEMBER,
    RateSource.PROJECT,
    RateSource.WORKSPACE,
)
"""Most specific first: workspace < project < member < task < project member."""

_LEVELS: Final = frozenset(DEFAULT_PRECEDENCE)


@dataclass(frozen=True, slots=True)
class PricedRate:
    """A resolved hourly rate (or `None`: nothing priced it) and the level it came from."""

    rate: Money | None
    source: RateSource


@dataclass(frozen=True, slots=True)
class RateBook:
    """Every rate the workspace defines, keyed by Clockify ids; read-only once built.

    `project_members` is keyed by `(project id, user id)`. Mappings are copied into read-only
    views, so a book shared between threads cannot change under a running build.
    """

    workspace: Money | None = None
    projects: Mapping[str, Money] = field(default_factory=dict)
    members: Mapping[str, Money] = field(default_factory=dict)
    tasks: Mapping[str, Money] = field(default_factory=dict)
    project_members: Mapping[tuple[str, str], Money] = field(default_factory=dict)
    precedence: tuple[RateSource, ...] = DEFAULT_PRECEDENCE

    def __post_init__(self) -> None:
        for name in ("projects", "members", "tasks", "project_members"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        if len(set(self.precedence)) != len(self.precedence) or not set(self.precedence) <= _LEVELS:
            raise InvalidTerms(
                "Rate precedence must list distinct levels among workspace, project, member, "
                "task and project member."
            )

    def rate_at(self, level: RateSource, entry: TimeEntry) -> Money | None:
        """The rate `level` defines for `entry`, or `None` when that level sets none."""
        project = entry.project.id if entry.project else None
        if level is RateSource.PROJECT_MEMBER:
            return self.project_members.get((project, entry.user.id)) if project else None
        if level is RateSource.TASK:
            return self.tasks.get(entry.task.id) if entry.task else None
        if level is RateSource.MEMBER:
            return self.members.get(entry.user.id)
        if level is RateSource.PROJECT:
            return self.projects.get(project) if project else None
        return self.workspace


NO_RATES: Final = RateBook()


def resolve_rate(entry: TimeEntry, book: RateBook = NO_RATES) -> PricedRate:
    """The hourly rate that prices `entry`: its own, else the most specific level in `book`."""
    if entry.hourly_rate is not None:
        return PricedRate(entry.hourly_rate, RateSource.ENTRY)
    for level in book.precedence:
        rate = book.rate_at(level, entry)
        if rate is not None:
            return PricedRate(rate, level)
    return PricedRate(None, RateSource.NONE)
