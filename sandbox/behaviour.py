"""How a workspace's simulated Clockify answers where real Clockify's behaviour is unconfirmed.

The sources leave open how Clockify acts at its limits (real-behaviour.md): whether it refuses
what it will not serve or silently serves less, which status a missing scope gets, which fields
rows carry. An add-on must be right whichever way it goes, so the sandbox plays each side as a
per-workspace switch; `ShapeMode` (sandbox/shapes.py) does the same for response field variants.

================  ===========  ===================================================================
field             default      alternatives (real-behaviour.md section)
================  ===========  ===================================================================
page_size_cap     None         a detailed/expense page cap for this workspace (None: the app's,
                               1,000) (§1)
page_cap          `refuse`     `clamp`: a larger `pageSize` is served silently at the cap, page
                               N starting at row (N-1) x cap + 1 (§1)
free_range        `refuse`     `partial`: a FREE workspace's range over 31 days is silently
                               served for its first 31 days only, totals included (§1)
missing_scope     403          401 `{"message": "Addon … does not have permission X"}`, no code,
                               as live Clockify answers (§2)
row_type          `present`    `absent`: rows carry no `type` (the spec's DTO) (§3)
row_names         `full`       `ids_only`: rows carry `tagIds` and `taskId` but no `tags` and no
                               `taskName` (one live column set) (§3)
row_refs          `flat`       `nested`: regular-API objects `project{id,name,clientId,
                               clientName,color}`, `user{id,name,email}`, `task{id,name}`,
                               `tags[{id,name}]`, `hourlyRate{amount}` without currency (§3)
hourly_quota      None         N: every API request of the workspace counts in a rolling hour;
                               the one over N gets 429 with `Retry-After` until the oldest
                               leaves the window (FREE plans' 30 an hour) (§2)
group_amounts     `currency`   `mixed`: summary groups carry only `amount` (every currency
                               added into one number), no `amounts[].amountByCurrency`
                               (reports-api.md §4.2 lists it as optional on group rows)
summary_types     `all`        `work`: the summary report leaves out BREAK, HOLIDAY and
                               TIME_OFF entries while the detailed report counts them (§3; no
                               source says which)
================  ===========  ===================================================================

`PRESETS` names combinations (with the plan and `ShapeMode` they need); `MATRIX` lists the
ones a report test should run across. Switch per workspace with `state.apply_preset(ws, name)`
or `PUT /sandbox/workspaces/<ws>/behaviour` `{"preset": name, ...field overrides}`.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, fields
from typing import Any, Literal

from sandbox.shapes import LIVE, OFFICIAL, ShapeMode
from sandbox.switches import switches_as_json, switches_from_json

__all__ = ["MATRIX", "PRESETS", "Behaviour", "Preset"]


@dataclass(frozen=True, slots=True)
class Behaviour:
    page_size_cap: int | None = None
    page_cap: Literal["refuse", "clamp"] = "refuse"
    free_range: Literal["refuse", "partial"] = "refuse"
    missing_scope: Literal[403, 401] = 403
    row_type: Literal["present", "absent"] = "present"
    row_names: Literal["full", "ids_only"] = "full"
    row_refs: Literal["flat", "nested"] = "flat"
    hourly_quota: int | None = None
    group_amounts: Literal["currency", "mixed"] = "currency"
    summary_types: Literal["all", "work"] = "all"

    def __post_init__(self) -> None:
        hints = typing.get_type_hints(Behaviour)
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name in ("page_size_cap", "hourly_quota"):
                if value is not None and (
                    isinstance(value, bool) or not isinstance(value, int) or value < 1
                ):
                    raise ValueError(f"behaviour {item.name} must be a whole number >= 1, or null")
                continue
            allowed = typing.get_args(hints[item.name])
            if value not in allowed or isinstance(value, bool):
                choices = ", ".join(map(str, allowed))
                raise ValueError(f"behaviour {item.name} must be one of {choices}")

    @classmethod
    def from_json(cls, body: Any, base: Behaviour | None = None) -> Behaviour:
        """Apply `{field: value}` (snake_case or camelCase names) over `base` or the default."""
        return switches_from_json(cls, body, base, "behaviour")

    def as_json(self) -> dict[str, Any]:
        return switches_as_json(self)


@dataclass(frozen=True, slots=True)
class Preset:
    """A named way of being Clockify: behaviour, response shape and (when it matters) plan."""

    behaviour: Behaviour
    shape: ShapeMode = LIVE
    plan: str | None = None


PRESETS: dict[str, Preset] = {
    # What the documents say: the OpenAPI shape, refusals for what is not served, 403, no type.
    "documented": Preset(Behaviour(row_type="absent"), OFFICIAL),
    # What live captures show (timeentries, _id, type on rows), refusing what is not served.
    "live": Preset(Behaviour()),
    # The 200-row page cap served silently (reports-api.md §3.2 and real-behaviour.md §1).
    "silent_page_cap": Preset(Behaviour(page_size_cap=200, page_cap="clamp")),
    # A FREE workspace whose longer ranges are served for one month only, totals included.
    "partial_range": Preset(Behaviour(free_range="partial"), plan="FREE"),
    # A FREE workspace whose longer ranges are refused (400), as the OpenAPI implies.
    "refused_range": Preset(Behaviour(), plan="FREE"),
    # A missing scope answered 401 naming the permission (live), not 403 (documented).
    "scope_401": Preset(Behaviour(missing_scope=401)),
    # Regular-API-style nested objects on rows, rates without currency.
    "nested_rows": Preset(Behaviour(row_refs="nested")),
    # Rows without tags or taskName: names must come from ids.
    "sparse_rows": Preset(Behaviour(row_names="ids_only")),
    # FREE plans' 30 requests an hour (whether add-on tokens count is unconfirmed).
    "free_quota": Preset(Behaviour(hourly_quota=30), plan="FREE"),
}

MATRIX: tuple[str, ...] = tuple(name for name in PRESETS if name != "free_quota")
"""The presets every report, invoice and schedule test runs across (the quota one defers runs
instead of building them, so it has tests of its own)."""
