"""Deterministic workspace data: clients, projects, tasks, tags, rates, time entries, expenses.

Everything comes from one `random.Random(seed)` and ids are hashes of the seed and a counter,
so a seed always yields the same workspace, byte for byte, in any process. The data is meant
to exercise a report and invoice add-on: several currencies (one per client), rates at every
level of Clockify's hierarchy, billable and non-billable work, invoiced and uninvoiced time,
entries without project, task or tags, and per-unit expense categories.

::

    workspace = generate_workspace(state, 7, entries=500, expenses=40,
                                   start=date(2024, 1, 1), end=date(2024, 3, 31))
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sandbox.data import (
    Client,
    Currency,
    ExpenseCategory,
    Membership,
    Project,
    Rate,
    Role,
    Tag,
    Task,
    User,
    Workspace,
    object_id,
)
from sandbox.timesheets import SeededIds, make_entries, make_expenses, make_non_work_entries

if TYPE_CHECKING:
    from sandbox.state import SandboxState

__all__ = ["SEED_WORKSPACE_ID", "generate_workspace", "northwind", "populate"]

SEED_WORKSPACE_ID = object_id("sandbox-seed", "workspace", "northwind-studio")
_SEED_USERS = (
    ("Lena Hoffmann", "lena.hoffmann@northwind.example", Role.OWNER),
    ("Jonas Weber", "jonas.weber@northwind.example", Role.ADMIN),
    ("Amira Haddad", "amira.haddad@northwind.example", Role.USER),
    ("Tomasz Nowak", "tomasz.nowak@northwind.example", Role.USER),
    ("Sofia Marques", "sofia.marques@northwind.example", Role.USER),
)
_CLIENTS = (
    ("Acme Logistics", "Hafenstraße 12, 20457 Hamburg, Germany"),
    ("Blue Harbor Hotels", "1 Quay Street, Auckland 1010, New Zealand"),
    ("Cobalt Games", "350 Mission St, San Francisco, CA 94105, USA"),
    ("Delta Dental Group", "14 King Street, London EC2V 8EA, UK"),
    ("Evergreen Foods", "Bahnhofstrasse 3, 8001 Zürich, Switzerland"),
    ("Fjord Analytics", "Karl Johans gate 7, 0154 Oslo, Norway"),
)
_PROJECTS = (
    "Website relaunch",
    "Mobile app",
    "Brand refresh",
    "Data warehouse",
    "Support retainer",
    "Checkout redesign",
)
_TASKS = ("Discovery", "Design", "Development", "QA", "Project management", "Deployment")
_TAGS = ("meeting", "remote", "on-site", "urgent", "review", "research")
_CATEGORIES = (
    ("Travel", "", None),
    ("Mileage", "km", 30),
    ("Software", "", None),
    ("Meals", "", None),
)
_COLORS = ("#03A9F4", "#E91E63", "#4CAF50", "#FF9800", "#9C27B0", "#795548", "#607D8B")
_FIRST = ("Ada", "Ben", "Chloé", "Dmitri", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jakub")
_LAST = ("Moreau", "Okafor", "Lindqvist", "Tanaka", "Rossi", "Novak", "Silva", "Kowalski")


def populate(
    workspace: Workspace,
    rng: random.Random,
    namespace: str,
    *,
    entries: int,
    expenses: int,
    start: date,
    end: date,
    currencies: tuple[str, ...],
    non_work: int = 0,
) -> None:
    """Fill `workspace` (its members already added) with a catalog, rates, entries, expenses.

    `non_work` adds that many BREAK, HOLIDAY and TIME_OFF entries (in turn) besides `entries`.
    """
    if end < start:
        raise ValueError("end must not be before start")
    if entries < 0 or expenses < 0:
        raise ValueError("entries and expenses must not be negative")
    ids = SeededIds(namespace)
    ws = workspace
    ws.hourly_rate = Rate(rng.choice((6000, 7500, 9000)), ws.currency)
    ws.cost_rate = Rate(rng.choice((3000, 3500, 4000)), ws.currency)
    codes = (ws.currency, *(c for c in currencies if c != ws.currency))
    for code in codes:
        currency = Currency(ids.new("currency"), code, code == ws.currency)
        ws.currencies[currency.id] = currency
    for user in list(ws.users.values()):
        hourly = Rate(rng.randrange(60, 141, 5) * 100, ws.currency) if rng.random() < 0.6 else None
        ws.users[user.id] = replace(
            user, hourly_rate=hourly, cost_rate=Rate(rng.randrange(25, 61, 5) * 100, ws.currency)
        )
    for name in _TAGS:
        tag = Tag(ids.new("tag"), name, archived=name == "research")
        ws.tags[tag.id] = tag
    for name, unit, price in _CATEGORIES:
        category = ExpenseCategory(ids.new("category"), name, unit, price)
        ws.categories[category.id] = category
    _catalog(ws, rng, ids, codes)
    ws.entries.extend(make_entries(ws, rng, ids, entries, start, end))
    if non_work:
        ws.entries.extend(make_non_work_entries(ws, rng, ids, non_work, start, end))
        ws.entries.sort(key=lambda entry: (entry.start, entry.user_id))
    ws.expenses.extend(make_expenses(ws, rng, ids, expenses, start, end))
    ws.revision += 1


def _catalog(ws: Workspace, rng: random.Random, ids: SeededIds, codes: tuple[str, ...]) -> None:
    user_ids = list(ws.users)
    for index, (name, address) in enumerate(_CLIENTS):
        # The first clients cover every currency once; the rest pick one at random.
        code = codes[index] if index < len(codes) else rng.choice(codes)
        slug = name.split()[0].lower()
        client = Client(
            ids.new("client"), name, f"billing@{slug}.example", address, "", code, index == 5
        )
        ws.clients[client.id] = client
        for project_name in rng.sample(_PROJECTS, rng.randint(1, 2)):
            _project(ws, rng, ids, f"{project_name} ({name.split()[0]})", client, user_ids)
    internal = Project(
        ids.new("project"), "Internal", None, "#9E9E9E", False, ws.currency, public=True
    )
    ws.projects[internal.id] = replace(
        internal, memberships=tuple(Membership(user_id) for user_id in user_ids)
    )


def _project(
    ws: Workspace,
    rng: random.Random,
    ids: SeededIds,
    name: str,
    client: Client,
    user_ids: list[str],
) -> None:
    code = client.currency_code
    members = []
    for user_id in rng.sample(user_ids, rng.randint(2, len(user_ids))):
        special = rng.random() < 0.3
        members.append(
            Membership(
                user_id,
                Rate(rng.randrange(80, 181, 10) * 100, code) if special else None,
                Rate(rng.randrange(30, 71, 5) * 100, code)
                if special and rng.random() < 0.5
                else None,
            )
        )
    project = Project(
        ids.new("project"),
        name,
        client.id,
        rng.choice(_COLORS),
        billable=rng.random() < 0.9,
        currency=code,
        hourly_rate=Rate(rng.randrange(90, 201, 10) * 100, code) if rng.random() < 0.7 else None,
        cost_rate=Rate(rng.randrange(40, 81, 5) * 100, code) if rng.random() < 0.3 else None,
        memberships=tuple(members),
        archived=client.archived,
        note=f"Statement of work for {client.name}",
    )
    ws.projects[project.id] = project
    for task_name in rng.sample(_TASKS, rng.randint(0, 4)):
        task = Task(
            ids.new("task"),
            project.id,
            task_name,
            status="DONE" if rng.random() < 0.15 else "ACTIVE",
            billable=task_name != "Project management" or rng.random() < 0.5,
            hourly_rate=Rate(rng.randrange(100, 251, 10) * 100, code)
            if rng.random() < 0.2
            else None,
            assignee_ids=tuple(rng.sample([m.user_id for m in members], 1)),
            estimate_seconds=rng.choice((0, 8, 20, 40)) * 3600,
        )
        ws.tasks[task.id] = task


def generate_workspace(
    state: SandboxState,
    seed: int,
    *,
    entries: int,
    expenses: int,
    start: date,
    end: date,
    plan: str = "PRO",
    region: str | None = None,
    subdomain: str | None = None,
    name: str | None = None,
    users: int = 5,
    currencies: tuple[str, ...] = ("EUR", "USD", "GBP"),
    time_zone: str = "Europe/Berlin",
    non_work: int = 0,
) -> Workspace:
    """Add a workspace generated from `seed` to `state` and return it.

    The first currency is the workspace's. `subdomain` (e.g. `acme`) makes it a subdomain
    workspace, whose reports live on `acme.clockify.me`. The same arguments give the same workspace
    with the same ids, so one seed can be generated once per state (a second time raises
    `Conflict`).
    """
    if not 1 <= users <= len(_FIRST):
        raise ValueError(f"users must be between 1 and {len(_FIRST)}")
    if not currencies:
        raise ValueError("currencies must name at least the workspace's own currency")
    ZoneInfo(time_zone)  # fail early on an unknown zone
    rng = random.Random(seed)  # noqa: S311 -- test data, not secrets: reproducible on purpose
    namespace = f"generated:{seed}"
    title = name or f"Workspace {seed}"
    slug = "".join(ch for ch in title.lower() if ch.isalnum()) or "workspace"
    workspace = Workspace(
        object_id(namespace, "workspace"),
        title,
        plan,
        currencies[0],
        time_zone,
        region,
        subdomain,
    )
    for index, (first, last) in enumerate(zip(_FIRST, _LAST * 2, strict=False)):
        if index == users:
            break
        role = Role.OWNER if index == 0 else Role.ADMIN if index == 1 else Role.USER
        email = f"{first.lower()}.{last.lower()}@{slug}.example"
        user = User(object_id(namespace, "user", str(index)), f"{first} {last}", email, role)
        workspace.users[user.id] = user
    populate(
        workspace,
        rng,
        namespace,
        entries=entries,
        expenses=expenses,
        start=start,
        end=end,
        currencies=currencies,
        non_work=non_work,
    )
    state.put_workspace(workspace)
    return workspace


@lru_cache(maxsize=4)
def _northwind_template(anchor: date) -> Workspace:
    workspace = Workspace(
        SEED_WORKSPACE_ID, "Northwind Studio", "PRO", "EUR", "Europe/Berlin", None
    )
    for name, email, role in _SEED_USERS:
        user = User(object_id("sandbox-seed", "user", email), name, email, role)
        workspace.users[user.id] = user
    populate(
        workspace,
        random.Random(20240501),  # noqa: S311 -- reproducible test data
        "sandbox-seed",
        entries=360,
        expenses=36,
        start=anchor - timedelta(days=91),
        end=anchor - timedelta(days=1),
        currencies=("EUR", "USD", "GBP"),
    )
    return workspace


def northwind(anchor: date) -> Workspace:
    """The seeded "Northwind Studio": the 13 weeks before `anchor`, the same for the same day.

    Built once per anchor and copied, so `SandboxState.reset()` stays cheap.
    """
    template = _northwind_template(anchor)
    return replace(
        template,
        users=dict(template.users),
        currencies=dict(template.currencies),
        clients=dict(template.clients),
        projects=dict(template.projects),
        tasks=dict(template.tasks),
        tags=dict(template.tags),
        categories=dict(template.categories),
        entries=list(template.entries),
        expenses=list(template.expenses),
    )
