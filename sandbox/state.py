"""The sandbox's in-memory Clockify: workspaces, their members and add-on installations.

Everything sits behind one `threading.RLock` (`SandboxState.lock`), because the sandbox server
is threaded and the add-on under test may call back into it while a lifecycle request is in
flight. Mutate only through `SandboxState` methods, or while holding `lock`; never hold the
lock across an HTTP call (the add-on's answer may need the lock on another thread).

Ids look like Clockify's (24 lowercase hex digits, a MongoDB ObjectId). Seeded ids are hashes
of fixed labels, so every run and every `reset()` yields the same workspace and users. Ids made
at run time come from a counter that `reset()` does not rewind: an add-on database that outlives
a reset never sees an installation id twice.

Time entries and reports are out of scope here. They belong to a workspace, so they will be
more dictionaries keyed by id on `Workspace` (clients, projects, tasks, tags, entries, rates),
seeded by `seed()` and cleared by `reset()` like the rest.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import threading
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sandbox.errors import Conflict, NotFound
from sandbox.manifests import PLANS, AddonManifest

__all__ = [
    "SEED_WORKSPACE_ID",
    "Delivery",
    "Installation",
    "InstallationStatus",
    "LifecycleEvent",
    "Role",
    "SandboxState",
    "User",
    "WebhookRegistration",
    "Workspace",
    "object_id",
]

_REGION = re.compile(r"[a-z]{2,4}[0-9]")  # euc1, use2, euw2, apse2


def object_id(*labels: str) -> str:
    """A stable Clockify-shaped id (24 hex digits) derived from `labels`."""
    return hashlib.sha256(":".join(labels).encode()).hexdigest()[:24]


SEED_WORKSPACE_ID = object_id("sandbox-seed", "workspace", "northwind-studio")


class Role(StrEnum):
    OWNER = "OWNER"
    ADMIN = "ADMIN"
    USER = "USER"


class InstallationStatus(StrEnum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"


class LifecycleEvent(StrEnum):
    INSTALLED = "INSTALLED"
    DELETED = "DELETED"
    SETTINGS_UPDATED = "SETTINGS_UPDATED"
    STATUS_CHANGED = "STATUS_CHANGED"


@dataclass(frozen=True, slots=True)
class User:
    id: str
    name: str
    email: str
    role: Role

    @property
    def is_admin(self) -> bool:
        """Owners and admins see `ADMINS` components and may manage add-ons."""
        return self.role in (Role.OWNER, Role.ADMIN)


@dataclass(slots=True)
class Workspace:
    """A workspace; `region` is `None` for the global environment, else e.g. `euc1`."""

    id: str
    name: str
    plan: str
    currency: str
    time_zone: str
    region: str | None
    users: dict[str, User] = field(default_factory=dict)

    @property
    def owner(self) -> User:
        return next(user for user in self.users.values() if user.role is Role.OWNER)

    def user(self, user_id: str) -> User:
        try:
            return self.users[user_id]
        except KeyError:
            raise NotFound(f"user {user_id} is not a member of workspace {self.id}") from None


@dataclass(frozen=True, slots=True)
class WebhookRegistration:
    """A manifest webhook as registered for one installation, with its signature token."""

    event: str
    url: str
    auth_token: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One lifecycle request as sent; kept whole so it can be redelivered byte for byte."""

    event: LifecycleEvent
    url: str
    body: bytes = field(repr=False)
    headers: tuple[tuple[str, str], ...] = field(repr=False)
    status_code: int | None
    error: str | None
    sent_at: float


@dataclass(slots=True)
class Installation:
    """The add-on installed on one workspace; `addon_id` is the installation's id."""

    addon_id: str
    workspace_id: str
    manifest: AddonManifest
    installed_by: str
    addon_user_id: str
    auth_token: str = field(repr=False)
    webhooks: tuple[WebhookRegistration, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)
    status: InstallationStatus = InstallationStatus.ACTIVE
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return self.manifest.base_url

    def last_delivery(self, event: LifecycleEvent) -> Delivery | None:
        return next((d for d in reversed(self.deliveries) if d.event is event), None)


_SEED_USERS = (
    ("Lena Hoffmann", "lena.hoffmann@northwind.example", Role.OWNER),
    ("Jonas Weber", "jonas.weber@northwind.example", Role.ADMIN),
    ("Amira Haddad", "amira.haddad@northwind.example", Role.USER),
    ("Tomasz Nowak", "tomasz.nowak@northwind.example", Role.USER),
    ("Sofia Marques", "sofia.marques@northwind.example", Role.USER),
)


class SandboxState:
    """All sandbox data; thread-safe. Built seeded, so it is usable straight away."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.workspaces: dict[str, Workspace] = {}
        self.installations: dict[str, Installation] = {}
        # Uninstalled installations, kept only so their deliveries can be redelivered late.
        self.removed: dict[str, Installation] = {}
        self._ids = itertools.count(1)
        self.seed()

    def new_id(self, kind: str) -> str:
        with self.lock:
            return object_id("sandbox", kind, str(next(self._ids)))

    def seed(self) -> Workspace:
        """Add the seeded workspace "Northwind Studio" (global, PRO, EUR, Europe/Berlin)."""
        workspace = Workspace(
            id=SEED_WORKSPACE_ID,
            name="Northwind Studio",
            plan="PRO",
            currency="EUR",
            time_zone="Europe/Berlin",
            region=None,
        )
        for name, email, role in _SEED_USERS:
            user = User(object_id("sandbox-seed", "user", email), name, email, role)
            workspace.users[user.id] = user
        with self.lock:
            self.workspaces[workspace.id] = workspace
        return workspace

    def reset(self) -> None:
        """Forget everything, then seed again: the state a fresh sandbox starts with."""
        with self.lock:
            self.workspaces.clear()
            self.installations.clear()
            self.removed.clear()
            self.seed()

    def add_workspace(
        self,
        *,
        name: str,
        users: list[tuple[str, str, Role]],
        region: str | None = None,
        plan: str = "PRO",
        currency: str = "EUR",
        time_zone: str = "Europe/Berlin",
    ) -> Workspace:
        """Add a workspace with members `(name, email, role)`; exactly one must be the owner."""
        if region is not None and not _REGION.fullmatch(region):
            raise ValueError(f"region {region!r} is not a Clockify region prefix such as 'euc1'")
        if plan not in PLANS:
            raise ValueError(f"plan {plan!r} is not one of {', '.join(PLANS)}")
        if [role for _, _, role in users].count(Role.OWNER) != 1:
            raise ValueError("a workspace has exactly one OWNER")
        workspace = Workspace(self.new_id("workspace"), name, plan, currency, time_zone, region)
        for user_name, email, role in users:
            user = User(self.new_id("user"), user_name, email, role)
            workspace.users[user.id] = user
        with self.lock:
            self.workspaces[workspace.id] = workspace
        return workspace

    def workspace(self, workspace_id: str) -> Workspace:
        with self.lock:
            try:
                return self.workspaces[workspace_id]
            except KeyError:
                raise NotFound(f"workspace {workspace_id} does not exist") from None

    def installation(self, workspace_id: str, addon_id: str) -> Installation:
        """The live installation `addon_id` on `workspace_id`; uninstalled ones are not found."""
        with self.lock:
            installation = self.installations.get(addon_id)
            if installation is None or installation.workspace_id != workspace_id:
                raise NotFound(f"add-on {addon_id} is not installed on workspace {workspace_id}")
            return installation

    def installations_of(self, workspace_id: str) -> list[Installation]:
        with self.lock:
            return [i for i in self.installations.values() if i.workspace_id == workspace_id]

    def add_installation(self, installation: Installation) -> None:
        """Store a new installation; one per add-on key and workspace, as in Clockify."""
        with self.lock:
            for other in self.installations_of(installation.workspace_id):
                if other.manifest.key == installation.manifest.key:
                    raise Conflict(
                        f"add-on {other.manifest.key!r} is already installed on this workspace"
                        f" as {other.addon_id}"
                    )
            self.installations[installation.addon_id] = installation

    def remove_installation(self, addon_id: str, *, keep_log: bool = True) -> None:
        """Uninstall: its tokens stop working at once; its delivery log is kept if asked."""
        with self.lock:
            installation = self.installations.pop(addon_id, None)
            if installation is not None and keep_log:
                self.removed[addon_id] = installation

    def delivered(self, workspace_id: str, addon_id: str) -> Installation:
        """A live or uninstalled installation, for looking up its past deliveries."""
        with self.lock:
            installation = self.installations.get(addon_id) or self.removed.get(addon_id)
            if installation is None or installation.workspace_id != workspace_id:
                raise NotFound(f"add-on {addon_id} was never installed on workspace {workspace_id}")
            return installation

    def record_delivery(self, installation: Installation, delivery: Delivery) -> None:
        with self.lock:
            installation.deliveries.append(delivery)
