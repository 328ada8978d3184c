"""The sandbox's in-memory Clockify: workspaces, their members and add-on installations.

Everything sits behind one `threading.RLock` (`SandboxState.lock`), because the sandbox server
is threaded and the add-on under test may call back into it while a lifecycle request is in
flight. Mutate only through `SandboxState` methods, or while holding `lock`; never hold the
lock across an HTTP call (the add-on's answer may need the lock on another thread).

Ids look like Clockify's (24 lowercase hex digits, a MongoDB ObjectId). Seeded ids are hashes
of fixed labels, so every run and every `reset()` yields the same workspace and users. Ids made
at run time come from a counter that `reset()` does not rewind: an add-on database that outlives
a reset never sees an installation id twice.

A workspace's Clockify data (catalog, rates, entries, expenses) lives on `Workspace`
(`sandbox/data.py`); `sandbox/generator.py` makes it. Next to the data sit the knobs tests turn
per workspace: programmed faults, the response shape, the rate limit and the request log.
Two more are sandbox-wide: `user_token_seconds`, the lifetime of the user tokens the shell
mints (Clockify's 30 minutes unless a test wants expiry sooner), and `token_refreshes`, how many
user tokens the shell handed out through `refreshAddonToken`. `reset()` puts all of them back
to their defaults.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from sandbox.behaviour import PRESETS, Behaviour, Preset
from sandbox.data import REGION, SUBDOMAIN, Role, User, Workspace, object_id
from sandbox.errors import Conflict, NotFound
from sandbox.faults import FaultInjector
from sandbox.generator import SEED_WORKSPACE_ID, northwind
from sandbox.limiter import WorkspaceLimiter
from sandbox.manifests import PLANS, AddonManifest
from sandbox.recorder import RequestRecorder
from sandbox.shapes import LIVE, ShapeMode
from sandbox.tokens import USER_TOKEN_LIFETIME_SECONDS

__all__ = [
    "MAX_USER_TOKEN_SECONDS",
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


# A day: longer than Clockify's 30 minutes is allowed, past that it is surely a typo.
MAX_USER_TOKEN_SECONDS = 24 * 60 * 60
QUOTA_WINDOW_SECONDS = 3600
DEFAULT_BEHAVIOUR = Behaviour()


class InstallationStatus(StrEnum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"


class LifecycleEvent(StrEnum):
    INSTALLED = "INSTALLED"
    DELETED = "DELETED"
    SETTINGS_UPDATED = "SETTINGS_UPDATED"
    STATUS_CHANGED = "STATUS_CHANGED"


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


class SandboxState:
    """All sandbox data; thread-safe. Built seeded, so it is usable straight away."""

    def __init__(self, *, today: date | None = None) -> None:
        self.lock = threading.RLock()
        # The seeded workspace's entries cover the 13 weeks before this day.
        self.today = today or date.today()
        self.workspaces: dict[str, Workspace] = {}
        self.installations: dict[str, Installation] = {}
        # Uninstalled installations, kept only so their deliveries can be redelivered late.
        self.removed: dict[str, Installation] = {}
        self.faults = FaultInjector()
        self.limiter = WorkspaceLimiter()
        self.recorder = RequestRecorder()
        self.shapes: dict[str, ShapeMode] = {}
        self.behaviours: dict[str, Behaviour] = {}
        self.clock: Callable[[], float] = time.monotonic  # the hourly quota's clock
        self._quota: dict[str, deque[float]] = {}
        self._own_plans: dict[str, str] = {}  # a workspace's plan before a preset changed it
        self.user_token_seconds = USER_TOKEN_LIFETIME_SECONDS
        self.token_refreshes = 0
        self._ids = itertools.count(1)
        self.seed()

    def new_id(self, kind: str) -> str:
        with self.lock:
            return object_id("sandbox", kind, str(next(self._ids)))

    def seed(self) -> Workspace:
        """Add the seeded workspace "Northwind Studio" (global, PRO, EUR, Europe/Berlin)."""
        workspace = northwind(self.today)
        with self.lock:
            self.workspaces[workspace.id] = workspace
        return workspace

    def reset(self) -> None:
        """Forget everything, then seed again: the state a fresh sandbox starts with."""
        with self.lock:
            self.workspaces.clear()
            self.installations.clear()
            self.removed.clear()
            self.shapes.clear()
            self.behaviours.clear()
            self._quota.clear()
            self._own_plans.clear()
            self.faults.clear()
            self.limiter.reset()
            self.recorder.reset()
            self.user_token_seconds = USER_TOKEN_LIFETIME_SECONDS
            self.token_refreshes = 0
            self.seed()

    def shape(self, workspace_id: str) -> ShapeMode:
        """The response variant the Reports API serves this workspace.

        The default is LIVE, what live captures show (`timeentries`, `_id`, fractional cents,
        real-behaviour.md §3); OFFICIAL, the OpenAPI spec's shape, is a preset like the others.
        """
        with self.lock:
            return self.shapes.get(workspace_id, LIVE)

    def set_shape(self, workspace_id: str, shape: ShapeMode) -> None:
        with self.lock:
            self.shapes[workspace_id] = shape

    def behaviour(self, workspace_id: str) -> Behaviour:
        """How this workspace answers where Clockify's behaviour is open (sandbox/behaviour.py)."""
        with self.lock:
            return self.behaviours.get(workspace_id, DEFAULT_BEHAVIOUR)

    def set_behaviour(self, workspace_id: str, behaviour: Behaviour) -> None:
        with self.lock:
            self.behaviours[workspace_id] = behaviour
            self._quota.pop(workspace_id, None)

    def apply_preset(self, workspace_id: str, name: str) -> Preset:
        """Make the workspace answer as preset `name` does: behaviour, shape and plan.

        A preset that needs a plan (FREE) sets it and remembers the workspace's own; a preset
        that needs none gives the workspace its own plan back, so presets never leak.
        """
        preset = PRESETS.get(name)
        if preset is None:
            raise ValueError(f"unknown preset {name!r}; one of {', '.join(PRESETS)}")
        with self.lock:
            workspace = self.workspace(workspace_id)
            self.set_behaviour(workspace_id, preset.behaviour)
            self.shapes[workspace_id] = preset.shape
            if preset.plan is not None:
                self._own_plans.setdefault(workspace_id, workspace.plan)
                workspace.plan = preset.plan
            elif workspace_id in self._own_plans:
                workspace.plan = self._own_plans.pop(workspace_id)
            workspace.revision += 1  # cached reports were computed under the old plan
        return preset

    def over_quota(self, workspace_id: str) -> int | None:
        """Count one request against the workspace's hourly quota, if it has one.

        Returns None when the request may go on, else the whole seconds until the oldest
        counted request leaves the rolling hour (the 429's `Retry-After`). Refused requests do
        not count, so waiting as told always works.
        """
        with self.lock:
            quota = self.behaviour(workspace_id).hourly_quota
            if quota is None:
                return None
            now = self.clock()
            seen = self._quota.setdefault(workspace_id, deque())
            while seen and seen[0] <= now - QUOTA_WINDOW_SECONDS:
                seen.popleft()
            if len(seen) >= quota:
                return max(1, math.ceil(seen[0] + QUOTA_WINDOW_SECONDS - now))
            seen.append(now)
            return None

    def set_user_token_seconds(self, seconds: int) -> None:
        """Make every user token minted from now on expire `seconds` after it is issued."""
        if not 1 <= seconds <= MAX_USER_TOKEN_SECONDS:
            raise ValueError(
                f"the user token lifetime must be 1 to {MAX_USER_TOKEN_SECONDS} seconds,"
                f" not {seconds}"
            )
        with self.lock:
            self.user_token_seconds = seconds

    def count_token_refresh(self) -> int:
        """Note one user token handed out through `refreshAddonToken`; returns the new count."""
        with self.lock:
            self.token_refreshes += 1
            return self.token_refreshes

    def add_workspace(
        self,
        *,
        name: str,
        users: list[tuple[str, str, Role]],
        region: str | None = None,
        subdomain: str | None = None,
        plan: str = "PRO",
        currency: str = "EUR",
        time_zone: str = "Europe/Berlin",
    ) -> Workspace:
        """Add a workspace with members `(name, email, role)`; exactly one must be the owner."""
        workspace = Workspace(
            self.new_id("workspace"), name, plan, currency, time_zone, region, subdomain
        )
        for user_name, email, role in users:
            user = User(self.new_id("user"), user_name, email, role)
            workspace.users[user.id] = user
        return self.put_workspace(workspace)

    def put_workspace(self, workspace: Workspace) -> Workspace:
        """Store a workspace built elsewhere (e.g. by the generator) after Clockify's checks."""
        region = workspace.region
        if region is not None and not REGION.fullmatch(region):
            raise ValueError(f"region {region!r} is not a Clockify region prefix such as 'euc1'")
        subdomain = workspace.subdomain
        if subdomain is not None and not (
            isinstance(subdomain, str) and SUBDOMAIN.fullmatch(subdomain)
        ):
            raise ValueError(
                f"subdomain {subdomain!r} is not a host name label: 1 to 63 lower-case letters,"
                " digits or hyphens, not starting or ending with a hyphen"
            )
        if workspace.plan not in PLANS:
            raise ValueError(f"plan {workspace.plan!r} is not one of {', '.join(PLANS)}")
        if [user.role for user in workspace.users.values()].count(Role.OWNER) != 1:
            raise ValueError("a workspace has exactly one OWNER")
        with self.lock:
            if workspace.id in self.workspaces:
                raise Conflict(f"workspace {workspace.id} already exists")
            # One host, one company: a second workspace on it could not be told apart.
            if subdomain is not None and any(
                other.subdomain == subdomain for other in self.workspaces.values()
            ):
                raise Conflict(f"subdomain {subdomain!r} is taken by another workspace")
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
