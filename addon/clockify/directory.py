"""The regular API's workspace objects an invoice needs, as model values.

Parsed from the v1 DTOs (`workspace.yml`, `user.yml`, `client.yml`, `project.yml`, `task.yml`,
`tag.yml`): the workspace (its default currency, rates and rounding settings), members with their
workspace rates, clients with their addresses, projects with their per-member rates, tasks and
tags. Rates are `{amount (minor units), currency}` objects or null; an amount of 0 is how
Clockify shows "no rate here", so it becomes `None` and the next level of the hierarchy applies.

`rate_book` folds them into the engine's `RateBook`, which prices entries the Reports API
returned without a rate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from addon.clockify.errors import ClockifyResponseError
from addon.clockify.fields import _array, _flag, _object, _optional_text, _text
from addon.reports.errors import ReportError
from addon.reports.model import Ref
from addon.reports.money import Money
from addon.reports.periods import load_zone
from addon.reports.rates import RateBook

__all__ = [
    "ClientInfo",
    "Member",
    "ProjectInfo",
    "Rounding",
    "TagInfo",
    "TaskInfo",
    "WorkspaceInfo",
    "parse_client",
    "parse_member",
    "parse_project",
    "parse_tag",
    "parse_task",
    "parse_workspace",
    "rate_book",
]

Row = dict[str, object]


@dataclass(frozen=True, slots=True)
class Rounding:
    """The workspace's "round time in reports" setting: on or off, how, and to what step."""

    enabled: bool
    mode: str
    minutes: int


@dataclass(frozen=True, slots=True)
class WorkspaceInfo:
    """A workspace as invoices need it: names, default currency, default rates, formats."""

    id: str
    name: str
    currency: str
    currencies: tuple[str, ...]
    hourly_rate: Money | None
    cost_rate: Money | None
    plan: str
    rounding: Rounding
    number_format: str
    currency_format: str
    duration_format: str


@dataclass(frozen=True, slots=True)
class Member:
    """A workspace user and the rates of their workspace membership."""

    id: str
    name: str
    email: str
    hourly_rate: Money | None
    cost_rate: Money | None
    zone: str | None = None  # the user's own time zone (`settings.timeZone`), when valid


@dataclass(frozen=True, slots=True)
class ClientInfo:
    """A client as an invoice's "bill to" needs it."""

    id: str
    name: str
    email: str
    address: str
    note: str
    currency: str | None
    archived: bool


@dataclass(frozen=True, slots=True)
class MemberRate:
    """A project member's own rates on that project."""

    user_id: str
    hourly_rate: Money | None
    cost_rate: Money | None


@dataclass(frozen=True, slots=True)
class ProjectInfo:
    id: str
    name: str
    client: Ref | None
    billable: bool
    archived: bool
    color: str
    hourly_rate: Money | None
    cost_rate: Money | None
    members: tuple[MemberRate, ...]


@dataclass(frozen=True, slots=True)
class TaskInfo:
    id: str
    name: str
    project_id: str
    billable: bool
    status: str
    hourly_rate: Money | None
    cost_rate: Money | None


@dataclass(frozen=True, slots=True)
class TagInfo:
    id: str
    name: str
    archived: bool


def parse_workspace(raw: object) -> WorkspaceInfo:
    row = _object(raw, "workspace")
    currencies = []
    default = None
    for i, item in enumerate(_array(row.get("currencies", []), "workspace.currencies")):
        entry = _object(item, f"workspace.currencies[{i}]")
        code = _text(entry.get("code"), f"workspace.currencies[{i}].code")
        currencies.append(code)
        if entry.get("isDefault") is True:
            default = code
    hourly = _rate(row.get("hourlyRate"), "workspace.hourlyRate")
    currency = default or (hourly.currency if hourly else None) or (currencies or ["USD"])[0]
    settings = _object(row.get("workspaceSettings", {}), "workspace.workspaceSettings")
    plan = row.get("featureSubscriptionType")
    return WorkspaceInfo(
        id=_text(row.get("id"), "workspace.id"),
        name=_text(row.get("name"), "workspace.name"),
        currency=currency,
        currencies=tuple(currencies),
        hourly_rate=hourly,
        cost_rate=_rate(row.get("costRate"), "workspace.costRate"),
        plan=plan if isinstance(plan, str) else "",
        rounding=_rounding(settings),
        number_format=_optional_text(settings, "numberFormat", "workspace.workspaceSettings"),
        currency_format=_optional_text(settings, "currencyFormat", "workspace.workspaceSettings"),
        duration_format=_optional_text(settings, "durationFormat", "workspace.workspaceSettings"),
    )


def _rounding(settings: object) -> Rounding:
    row = _object(settings, "workspace.workspaceSettings")
    where = "workspace.workspaceSettings"
    enabled = row.get("timeRoundingInReports", False)
    if not isinstance(enabled, bool):
        raise ClockifyResponseError(f"{where}.timeRoundingInReports: expected true or false.")
    step = _object(row.get("round") or {}, f"{where}.round")
    minutes = step.get("minutes", "0")
    if isinstance(minutes, str) and minutes.isdigit():
        minutes = int(minutes)
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise ClockifyResponseError(f"{where}.round.minutes: expected a whole number of minutes.")
    mode = step.get("round", "")
    return Rounding(enabled, mode if isinstance(mode, str) else "", minutes)


def parse_member(raw: object, workspace_id: str, path: str = "user") -> Member:
    """UserDtoV1; the workspace rates sit in its WORKSPACE membership (`memberships=WORKSPACE`)."""
    row = _object(raw, path)
    hourly = cost = None
    for i, item in enumerate(_array(row.get("memberships") or [], f"{path}.memberships")):
        membership = _object(item, f"{path}.memberships[{i}]")
        if (
            membership.get("membershipType") == "WORKSPACE"
            and membership.get("targetId") == workspace_id
        ):
            hourly = _rate(membership.get("hourlyRate"), f"{path}.memberships[{i}].hourlyRate")
            cost = _rate(membership.get("costRate"), f"{path}.memberships[{i}].costRate")
    return Member(
        id=_text(row.get("id"), f"{path}.id"),
        name=_optional_text(row, "name", path),
        email=_optional_text(row, "email", path),
        hourly_rate=hourly,
        cost_rate=cost,
        zone=_zone(row.get("settings")),
    )


def _zone(settings: object) -> str | None:
    """The user's `settings.timeZone` if it names a zone we know; anything else is no zone.

    Tolerant on purpose: the field is optional in the OpenAPI files, and a zone we cannot use
    must not make the whole user list unreadable.
    """
    if not isinstance(settings, dict):
        return None
    zone = settings.get("timeZone")
    if not isinstance(zone, str) or not zone or len(zone) > 64:
        return None
    try:
        load_zone(zone)
    except ReportError:
        return None
    return zone


def parse_client(raw: object, path: str = "client") -> ClientInfo:
    row = _object(raw, path)
    currency = row.get("currencyCode")
    return ClientInfo(
        id=_text(row.get("id"), f"{path}.id"),
        name=_text(row.get("name"), f"{path}.name"),
        email=_optional_text(row, "email", path),
        address=_optional_text(row, "address", path),
        note=_optional_text(row, "note", path),
        currency=currency if isinstance(currency, str) and currency else None,
        archived=_flag(row, "archived", path, default=False),
    )


def parse_project(raw: object, path: str = "project") -> ProjectInfo:
    row = _object(raw, path)
    members = []
    for i, item in enumerate(_array(row.get("memberships") or [], f"{path}.memberships")):
        where = f"{path}.memberships[{i}]"
        membership = _object(item, where)
        if membership.get("membershipType", "PROJECT") != "PROJECT":
            continue
        members.append(
            MemberRate(
                user_id=_text(membership.get("userId"), f"{where}.userId"),
                hourly_rate=_rate(membership.get("hourlyRate"), f"{where}.hourlyRate"),
                cost_rate=_rate(membership.get("costRate"), f"{where}.costRate"),
            )
        )
    client_id = row.get("clientId")
    client = None
    if isinstance(client_id, str) and client_id:
        client = Ref(client_id, _optional_text(row, "clientName", path))
    return ProjectInfo(
        id=_text(row.get("id"), f"{path}.id"),
        name=_text(row.get("name"), f"{path}.name"),
        client=client,
        billable=_flag(row, "billable", path, default=False),
        archived=_flag(row, "archived", path, default=False),
        color=_optional_text(row, "color", path),
        hourly_rate=_rate(row.get("hourlyRate"), f"{path}.hourlyRate"),
        cost_rate=_rate(row.get("costRate"), f"{path}.costRate"),
        members=tuple(members),
    )


def parse_task(raw: object, path: str = "task") -> TaskInfo:
    row = _object(raw, path)
    return TaskInfo(
        id=_text(row.get("id"), f"{path}.id"),
        name=_text(row.get("name"), f"{path}.name"),
        project_id=_text(row.get("projectId"), f"{path}.projectId"),
        billable=_flag(row, "billable", path, default=False),
        status=_optional_text(row, "status", path),
        hourly_rate=_rate(row.get("hourlyRate"), f"{path}.hourlyRate"),
        cost_rate=_rate(row.get("costRate"), f"{path}.costRate"),
    )


def parse_tag(raw: object, path: str = "tag") -> TagInfo:
    row = _object(raw, path)
    return TagInfo(
        id=_text(row.get("id"), f"{path}.id"),
        name=_text(row.get("name"), f"{path}.name"),
        archived=_flag(row, "archived", path, default=False),
    )


def rate_book(
    workspace: WorkspaceInfo,
    members: Iterable[Member],
    projects: Iterable[ProjectInfo],
    tasks: Iterable[TaskInfo],
) -> RateBook:
    """Every hourly rate the workspace defines, for the engine's rate hierarchy."""
    projects = tuple(projects)
    return RateBook(
        workspace=workspace.hourly_rate,
        projects={p.id: p.hourly_rate for p in projects if p.hourly_rate},
        members={m.id: m.hourly_rate for m in members if m.hourly_rate},
        tasks={t.id: t.hourly_rate for t in tasks if t.hourly_rate},
        project_members={
            (p.id, m.user_id): m.hourly_rate for p in projects for m in p.members if m.hourly_rate
        },
    )


def _rate(value: object, path: str) -> Money | None:
    """RateDtoV1 `{amount, currency}` in minor units, or None when unset or zero."""
    if value is None:
        return None
    row = _object(value, path)
    amount = row.get("amount")
    if isinstance(amount, Decimal) and amount == amount.to_integral_value():
        amount = int(amount)  # `2500.0` read with parse_float=Decimal
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ClockifyResponseError(f"{path}.amount: expected whole minor units.")
    currency = row.get("currency")
    if not isinstance(currency, str) or not currency:
        raise ClockifyResponseError(f"{path}.currency: expected a currency code.")
    try:
        return Money(amount, currency) if amount else None
    except ValueError:
        raise ClockifyResponseError(f"{path}.currency: not an ISO 4217 code.") from None
