"""Hourly-rate resolution through Clockify's hierarchy, for entries that arrive without a rate.

Detailed-report rows normally carry the rate Clockify already resolved; that rate wins
(`RateSource.ENTRY`). Only when a row has none do we look the rate up ourselves, from the most
specific level that has one: by default project member > task > member > project > workspace.
The order is a field of `RateBook`, so it can be corrected in one place if Clockify's differs for
a workspace. Rates are `Money` per hour, in integer minor units as Clockify stores them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from addon.reports.errors import InvalidTerms
from addon.reports.model import RateSource, TimeEntry
from addon.reports.money import Money

__all__ = [
    "DEFAULT_PRECEDENCE",
    "NO_RATES",
    "PricedRate",
    "RateBook",
    "RateLookup",
    "rate_lookup",
    "resolve_rate",
]

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
        return _level_getter(self, level)(entry)


NO_RATES: Final = RateBook()

RateLookup = Callable[[TimeEntry], tuple[Money | None, RateSource]]

# Module constants, because `RateSource.ENTRY` is a metaclass attribute lookup (~70 ns) per use.
_ENTRY: Final = RateSource.ENTRY
_NONE: Final = RateSource.NONE


def _level_getter(book: RateBook, level: RateSource) -> Callable[[TimeEntry], Money | None]:
    """What `level` of `book` charges an entry, with the level chosen once, not per entry.

    An entry whose project id is empty gets no project or project-member rate.
    """
    if level is RateSource.PROJECT_MEMBER:
        pairs = book.project_members
        return lambda e: (
            pairs.get((e.project.id, e.user.id)) if e.project and e.project.id else None
        )
    if level is RateSource.TASK:
        tasks = book.tasks
        return lambda e: tasks.get(e.task.id) if e.task else None
    if level is RateSource.MEMBER:
        members = book.members
        return lambda e: members.get(e.user.id)
    if level is RateSource.PROJECT:
        projects = book.projects
        return lambda e: projects.get(e.project.id) if e.project and e.project.id else None
    return lambda e: book.workspace


def _defines_any(book: RateBook, level: RateSource) -> bool:
    tables = {
        RateSource.PROJECT_MEMBER: book.project_members,
        RateSource.TASK: book.tasks,
        RateSource.MEMBER: book.members,
        RateSource.PROJECT: book.projects,
    }
    return bool(tables[level]) if level in tables else book.workspace is not None


def rate_lookup(book: RateBook = NO_RATES) -> RateLookup:
    """`resolve_rate` for many entries: (rate, source) pairs, with the book read once.

    Builds pay this per entry (100,000 of them), so the precedence is walked once here, levels
    that define no rate are dropped, and no `PricedRate` is allocated per entry.
    """
    getters = [
        (level, _level_getter(book, level))
        for level in book.precedence
        if _defines_any(book, level)
    ]

    def lookup(entry: TimeEntry) -> tuple[Money | None, RateSource]:
        rate = entry.hourly_rate
        if rate is not None:
            return rate, _ENTRY
        for level, get in getters:
            rate = get(entry)
            if rate is not None:
                return rate, level
        return None, _NONE

    return lookup


def resolve_rate(entry: TimeEntry, book: RateBook = NO_RATES) -> PricedRate:
    """The hourly rate that prices `entry`: its own, else the most specific level in `book`."""
    return PricedRate(*rate_lookup(book)(entry))
