"""A workspace's Clockify data as the sandbox keeps it: members, catalog, rates, time, expenses.

Field names follow the OpenAPI DTOs they are served as (`workspace.yml` WorkspaceDtoV1 and
WorkspaceSettingsDtoV1, `client.yml` ClientWithCurrencyDtoV1, `project.yml` ProjectDtoV1,
`task.yml` TaskDtoV1, `tag.yml` TagDtoV1, `expense-report.yml` ExpenseReportDtoV1), in
snake_case. Units are Clockify's: money is integer minor units (cents) plus an ISO-4217 code,
as in RateDtoV1; durations are integer seconds; instants are aware UTC datetimes.

Everything but `Workspace` is frozen, so a generated catalog can be shared between resets and
only the dictionaries and lists holding it are copied. A change to one entry (`set_invoiced`)
therefore replaces it in its workspace's list, and never touches the shared original.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from sandbox.errors import NotFound

__all__ = [
    "REGION",
    "SUBDOMAIN",
    "Client",
    "Currency",
    "Expense",
    "ExpenseCategory",
    "Membership",
    "Project",
    "Rate",
    "Role",
    "Rounding",
    "Tag",
    "Task",
    "TimeEntry",
    "User",
    "Workspace",
    "WorkspaceSettings",
    "object_id",
]

REGION = re.compile(r"[a-z]{2,4}[0-9]")  # euc1, use2, euw2, apse2
# A DNS label (RFC 1123), lower case: `{sub}.clockify.me` is a host name, and the sandbox puts
# the label in a URL path, so anything else would make a host that cannot exist.
SUBDOMAIN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def object_id(*labels: str) -> str:
    """A stable Clockify-shaped id (24 hex digits, like a MongoDB ObjectId) from `labels`."""
    return hashlib.sha256(":".join(labels).encode()).hexdigest()[:24]


class Role(StrEnum):
    OWNER = "OWNER"
    ADMIN = "ADMIN"
    USER = "USER"


@dataclass(frozen=True, slots=True)
class Rate:
    """RateDtoV1 / HourlyRateDtoV1: `amount` in cents per hour."""

    amount: int
    currency: str


@dataclass(frozen=True, slots=True)
class User:
    id: str
    name: str
    email: str
    role: Role
    hourly_rate: Rate | None = None  # the workspace-member rate
    cost_rate: Rate | None = None

    @property
    def is_admin(self) -> bool:
        """Owners and admins see `ADMINS` components and may manage add-ons."""
        return self.role in (Role.OWNER, Role.ADMIN)


@dataclass(frozen=True, slots=True)
class Currency:
    """CurrencyWithDefaultInfoDtoV1."""

    id: str
    code: str
    is_default: bool


@dataclass(frozen=True, slots=True)
class Rounding:
    """RoundDto; `round` is Clockify's label: "Round to nearest", "Round up to", "Round down to"."""

    round: str = "Round to nearest"
    minutes: int = 15


@dataclass(frozen=True, slots=True)
class WorkspaceSettings:
    """The WorkspaceSettingsDtoV1 fields a report or invoice depends on."""

    time_rounding_in_reports: bool = False
    round: Rounding = field(default_factory=Rounding)
    only_admins_see_billable_rates: bool = True
    default_billable_projects: bool = True
    currency_format: str = "CURRENCY_SPACE_VALUE"
    number_format: str = "COMMA_PERIOD"
    duration_format: str = "FULL"
    week_start: str = "MONDAY"
    working_days: tuple[str, ...] = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY")


@dataclass(frozen=True, slots=True)
class Client:
    id: str
    name: str
    email: str
    address: str
    note: str
    currency_code: str
    archived: bool = False


@dataclass(frozen=True, slots=True)
class Membership:
    """A project member, with the per-member rates that override the project's."""

    user_id: str
    hourly_rate: Rate | None = None
    cost_rate: Rate | None = None


@dataclass(frozen=True, slots=True)
class Project:
    """`currency` is the client's currency, else the workspace's: every amount on it uses it."""

    id: str
    name: str
    client_id: str | None
    color: str
    billable: bool
    currency: str
    hourly_rate: Rate | None = None
    cost_rate: Rate | None = None
    memberships: tuple[Membership, ...] = ()
    public: bool = False
    archived: bool = False
    note: str = ""

    def member(self, user_id: str) -> Membership | None:
        return next((m for m in self.memberships if m.user_id == user_id), None)


@dataclass(frozen=True, slots=True)
class Task:
    id: str
    project_id: str
    name: str
    status: str = "ACTIVE"  # TaskStatus: ACTIVE | DONE
    billable: bool = True
    hourly_rate: Rate | None = None
    cost_rate: Rate | None = None
    assignee_ids: tuple[str, ...] = ()
    estimate_seconds: int = 0


@dataclass(frozen=True, slots=True)
class Tag:
    id: str
    name: str
    archived: bool = False


@dataclass(frozen=True, slots=True)
class ExpenseCategory:
    """`unit_price` (cents per unit) is set for categories billed by unit, e.g. km."""

    id: str
    name: str
    unit: str = ""
    unit_price: int | None = None
    archived: bool = False


@dataclass(frozen=True, slots=True)
class TimeEntry:
    """One finished entry; `hourly_rate`/`cost_rate` are the rates that applied when tracked.

    `type` is what live rows call it: REGULAR work, or BREAK, HOLIDAY, TIME_OFF (tracked, priced
    and counted in Clockify's totals like any entry, but not work).
    """

    id: str
    user_id: str
    project_id: str | None
    task_id: str | None
    tag_ids: tuple[str, ...]
    description: str
    start: datetime
    end: datetime
    billable: bool
    invoiced: bool
    currency: str
    hourly_rate: Rate | None
    cost_rate: Rate | None
    type: str = "REGULAR"

    @property
    def seconds(self) -> int:
        return int((self.end - self.start).total_seconds())


@dataclass(frozen=True, slots=True)
class Expense:
    """`amount` is the total in cents (`quantity` times the unit price for per-unit categories)."""

    id: str
    user_id: str
    project_id: str
    task_id: str | None
    category_id: str
    date: date
    amount: int
    quantity: float
    currency: str
    billable: bool
    invoiced: bool
    notes: str


@dataclass(slots=True)
class Workspace:
    """A workspace; `region` is `None` for the global environment, else e.g. `euc1`.

    `subdomain` is set for a subdomain workspace (`acme` for `acme.clockify.me`): its reports
    are served from that host while its regular API stays on its region's host.

    `revision` counts the changes made to `entries` (the generator's appends, `set_invoiced`);
    caches of computed reports key on it. It is bookkeeping, not data: equality ignores it.
    Mutate a workspace only while holding `SandboxState.lock`.
    """

    id: str
    name: str
    plan: str
    currency: str
    time_zone: str
    region: str | None
    subdomain: str | None = None
    users: dict[str, User] = field(default_factory=dict)
    hourly_rate: Rate | None = None
    cost_rate: Rate | None = None
    settings: WorkspaceSettings = field(default_factory=WorkspaceSettings)
    currencies: dict[str, Currency] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    tags: dict[str, Tag] = field(default_factory=dict)
    categories: dict[str, ExpenseCategory] = field(default_factory=dict)
    entries: list[TimeEntry] = field(default_factory=list)  # ordered by start
    expenses: list[Expense] = field(default_factory=list)  # ordered by date
    revision: int = field(default=0, compare=False)

    @property
    def owner(self) -> User:
        return next(user for user in self.users.values() if user.role is Role.OWNER)

    def user(self, user_id: str) -> User:
        try:
            return self.users[user_id]
        except KeyError:
            raise NotFound(f"user {user_id} is not a member of workspace {self.id}") from None

    def currency_id(self, code: str) -> str:
        """The id of currency `code`, made stable from the workspace id if it was never listed."""
        found = next((c.id for c in self.currencies.values() if c.code == code), None)
        return found or object_id(self.id, "currency", code)

    def project_currency(self, project_id: str | None) -> str:
        project = self.projects.get(project_id) if project_id else None
        return project.currency if project is not None else self.currency

    def resolve_rates(
        self, user_id: str, project_id: str | None, task_id: str | None
    ) -> tuple[Rate | None, Rate | None]:
        """The (hourly, cost) rates that apply, in the entry's currency.

        Clockify's hierarchy, most specific first: task, project member, project, workspace
        member, workspace. A rate set at a level above the project is read in the project's
        currency (the sandbox's rule: one currency per project, the client's).
        """
        project = self.projects.get(project_id) if project_id else None
        task = self.tasks.get(task_id) if task_id else None
        member = project.member(user_id) if project is not None else None
        user = self.users.get(user_id)
        levels = (task, member, project, user, self)
        currency = self.project_currency(project_id)
        hourly = next((lv.hourly_rate for lv in levels if lv and lv.hourly_rate), None)
        cost = next((lv.cost_rate for lv in levels if lv and lv.cost_rate), None)
        return (
            Rate(hourly.amount, currency) if hourly else None,
            Rate(cost.amount, currency) if cost else None,
        )

    def set_invoiced(self, entry_ids: Iterable[str], invoiced: bool) -> int:
        """Set `invoiced` on the entries `entry_ids`; returns how many entries changed.

        All or nothing: if an id is not an entry of this workspace, `KeyError(id)` names the
        first such id and no entry changes. An id named twice counts once. `revision` moves
        only if an entry changed, so marking already-marked entries keeps cached reports.
        """
        wanted = list(dict.fromkeys(entry_ids))
        named = set(wanted)
        positions = {e.id: index for index, e in enumerate(self.entries) if e.id in named}
        missing = next((entry_id for entry_id in wanted if entry_id not in positions), None)
        if missing is not None:
            raise KeyError(missing)
        changed = 0
        for index in positions.values():
            entry = self.entries[index]
            if entry.invoiced is not invoiced:
                self.entries[index] = replace(entry, invoiced=invoiced)
                changed += 1
        if changed:
            self.revision += 1
        return changed
