"""Names that report rows leave out, filled in from the workspace's listings.

Some live detailed-report rows carry only ids: no `taskName`, `tagIds` without `tags`, a nested
`project{id}` without `name` (real-behaviour.md §3), and expense rows never say which client a
project belongs to. `refs.py` keeps such names as "" and such clients as None; this module
fills them in, in two parts:

* pure: `fill_entry`/`fill_expense` look up only what a row lacks, through a `Names`, and
  return the row unchanged (the same object) when it lacks nothing;
* asking Clockify: `WorkspaceNames` reads a listing (users, projects, clients, tags, one
  project's tasks) the first time a lookup needs it, and never again, so a report whose rows
  carry every name costs no request at all.

An item with a project and no client takes its project's client. Once parsed, a row that said
"no client" and one that said nothing look alike, so the projects listing is read whenever such
an item exists (one request for most workspaces); reading it is cheaper than a report that
quietly moves a client's time to "Without client" and off its invoice.

An id the listing does not know (the object was deleted, or the listing hides it) is named
`Unknown <kind> (<id>)`: never "" (a blank row) and never None (which would merge it into
"Without ..."). The id makes two unknown objects two rows and lets an admin look it up; the
label does not claim "deleted", which we cannot tell from "hidden".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Protocol

from addon.clockify.client import ClockifyClient
from addon.reports.model import Expense, Ref, TimeEntry

__all__ = [
    "KnownNames",
    "Names",
    "WorkspaceNames",
    "fill_entries",
    "fill_entry",
    "fill_expense",
    "fill_expenses",
    "unknown",
]


class Names(Protocol):
    """Lookups by id; None means "the workspace does not know this id"."""

    def user(self, user_id: str) -> str | None: ...
    def project(self, project_id: str) -> str | None: ...
    def project_client(self, project_id: str) -> Ref | None: ...
    def client(self, client_id: str) -> str | None: ...
    def tag(self, tag_id: str) -> str | None: ...
    def task(self, project_id: str, task_id: str) -> str | None: ...


def unknown(kind: str, object_id: str) -> str:
    """The name shown for an id no listing knows; see the module docstring for why."""
    return f"Unknown {kind} ({object_id})"


def _named(ref: Ref | None, kind: str, lookup: Callable[[str], str | None]) -> Ref | None:
    if ref is None or ref.name:
        return ref
    return Ref(ref.id, lookup(ref.id) or unknown(kind, ref.id))


def _owners(
    user: Ref, project: Ref | None, client: Ref | None, names: Names
) -> tuple[Ref, Ref | None, Ref | None]:
    """(user, project, client) named, the client taken from the project when the row had none."""
    if client is None and project is not None:
        client = names.project_client(project.id)
    named_user = _named(user, "user", names.user)
    assert named_user is not None  # noqa: S101  # a Ref in, a Ref out
    project = _named(project, "project", names.project)
    return named_user, project, _named(client, "client", names.client)


def fill_entry(entry: TimeEntry, names: Names) -> TimeEntry:
    """`entry` with every missing name and client filled in; itself when nothing is missing."""
    user, project, client = _owners(entry.user, entry.project, entry.client, names)
    task = entry.task
    if task is not None and not task.name:
        found = names.task(project.id, task.id) if project else None
        task = Ref(task.id, found or unknown("task", task.id))
    tags = entry.tags
    if not all(tag.name for tag in tags):
        tags = tuple(Ref(t.id, t.name or names.tag(t.id) or unknown("tag", t.id)) for t in tags)
    if (user, project, client, task, tags) == (
        entry.user,
        entry.project,
        entry.client,
        entry.task,
        entry.tags,
    ):
        return entry
    return replace(entry, user=user, project=project, client=client, task=task, tags=tags)


def fill_expense(expense: Expense, names: Names) -> Expense:
    """`expense` with its missing names and its project's client; itself when complete."""
    user, project, client = _owners(expense.user, expense.project, expense.client, names)
    if (user, project, client) == (expense.user, expense.project, expense.client):
        return expense
    return replace(expense, user=user, project=project, client=client)


def fill_entries(entries: Iterable[TimeEntry], names: Names) -> Iterator[TimeEntry]:
    """`fill_entry` over a stream, so a long report is still read page by page."""
    return (fill_entry(entry, names) for entry in entries)


def fill_expenses(expenses: Iterable[Expense], names: Names) -> Iterator[Expense]:
    return (fill_expense(expense, names) for expense in expenses)


@dataclass(frozen=True, slots=True)
class KnownNames:
    """`Names` from plain maps: what the listings said, or a test's fixed workspace.

    `projects` maps a project id to its name and its client (None: a project without client);
    `tasks` maps (project id, task id) to the task's name.
    """

    users: Mapping[str, str] = field(default_factory=dict)
    projects: Mapping[str, tuple[str, Ref | None]] = field(default_factory=dict)
    clients: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    tasks: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def user(self, user_id: str) -> str | None:
        return self.users.get(user_id)

    def project(self, project_id: str) -> str | None:
        found = self.projects.get(project_id)
        return None if found is None else found[0]

    def project_client(self, project_id: str) -> Ref | None:
        found = self.projects.get(project_id)
        return None if found is None else found[1]

    def client(self, client_id: str) -> str | None:
        return self.clients.get(client_id)

    def tag(self, tag_id: str) -> str | None:
        return self.tags.get(tag_id)

    def task(self, project_id: str, task_id: str) -> str | None:
        return self.tasks.get((project_id, task_id))


class WorkspaceNames:
    """`Names` that read each listing from Clockify on first need, once.

    One per report: the listings are a snapshot of the workspace while that report is built.
    A project's tasks are only asked for when the projects listing knows the project, so a
    deleted project's tasks are named unknown instead of failing the report on a 404.
    """

    def __init__(self, client: ClockifyClient) -> None:
        self._client = client
        self._users: dict[str, str] | None = None
        self._projects: dict[str, tuple[str, Ref | None]] | None = None
        self._clients: dict[str, str] | None = None
        self._tags: dict[str, str] | None = None
        self._tasks: dict[str, dict[str, str]] = {}

    def user(self, user_id: str) -> str | None:
        if self._users is None:
            self._users = {m.id: m.name for m in self._client.users()}
        return self._users.get(user_id)

    def _project_map(self) -> dict[str, tuple[str, Ref | None]]:
        if self._projects is None:
            self._projects = {p.id: (p.name, p.client) for p in self._client.projects()}
        return self._projects

    def project(self, project_id: str) -> str | None:
        found = self._project_map().get(project_id)
        return None if found is None else found[0]

    def project_client(self, project_id: str) -> Ref | None:
        found = self._project_map().get(project_id)
        return None if found is None else found[1]

    def client(self, client_id: str) -> str | None:
        if self._clients is None:
            self._clients = {c.id: c.name for c in self._client.clients()}
        return self._clients.get(client_id)

    def tag(self, tag_id: str) -> str | None:
        if self._tags is None:
            self._tags = {t.id: t.name for t in self._client.tags()}
        return self._tags.get(tag_id)

    def task(self, project_id: str, task_id: str) -> str | None:
        if project_id not in self._project_map():
            return None
        if project_id not in self._tasks:
            self._tasks[project_id] = {t.id: t.name for t in self._client.tasks(project_id)}
        return self._tasks[project_id].get(task_id)
