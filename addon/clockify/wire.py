"""Detailed-report rows as they arrive on the wire: msgspec Structs for every documented variant.

`addon.clockify.rows` decodes response bytes straight into these (in C, unknown fields skipped)
and then turns them into `TimeEntry` values; this module only says what each field may hold.
Where the sources disagree (reports-api.md §4.1, real-behaviour.md §3) a field is optional and
every variant has its own field: the id under `_id`, `id` or `get_id`; references flat
(`projectId`/`projectName`) and nested (`project{id,name,clientId,clientName}`); tags as
`tags[{id,name}]` and/or `tagIds`; money as plain numbers, `amounts[{type,value}]` or
`hourlyRate{amount,currency}`; durations as seconds (int or float) or ISO-8601 text. Instants
are RFC 3339 (an ISO-8601 form msgspec does not read sends the page to the reference parser).

Where the old parser tells "absent" from `null` (a nested `project: null` says "no project",
an absent one says nothing), the field defaults to `UNSET`. Amounts are `int | Decimal`: msgspec
reads a JSON number with a fraction straight into an exact `Decimal`, never via a float. Types
are as loose as the reference parser's (`entries.py`) wherever it accepts more than one kind.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from msgspec import UNSET, Raw, Struct, UnsetType, field

__all__ = ["WireAmount", "WireInterval", "WirePage", "WireRate", "WireRef", "WireRow"]

Number = int | Decimal  # minor units; text such as "12.5" is read as a Decimal too
Text = str | None | UnsetType  # UNSET: the key was absent


class WireRef(Struct, gc=False):
    """A nested user, task, client or tag (`{id, name}`), or a project with its client."""

    id: str | None = None
    name: str | None = None
    clientId: Text = UNSET
    clientName: Text = UNSET


class WireInterval(Struct, gc=False):
    start: datetime | None = None  # RFC 3339, parsed in C; naive ones are refused later
    end: datetime | None = None
    duration: int | float | str | None = None


class WireAmount(Struct, gc=False):
    type: str | None = None
    value: Number | None = None


class WireRate(Struct, gc=False):
    amount: Number | None = None
    currency: str | None = None


class WireInvoicing(Struct, gc=False):
    invoiceId: object = None
    manuallyInvoiced: bool = False


class WireRow(Struct, gc=False):
    """One TimeEntryDto row in any documented variant."""

    under_id: str | None = field(default=None, name="_id")
    id: str | None = None
    get_id: str | None = None
    description: str | None = None
    timeInterval: WireInterval | None = None
    billable: bool | UnsetType = UNSET
    invoiced: bool = False
    invoicingInfo: WireInvoicing | None = None
    type: str | None = None
    currency: str | None = None
    user: WireRef | UnsetType | None = UNSET
    userId: Text = UNSET
    userName: Text = UNSET
    project: WireRef | UnsetType | None = UNSET
    projectId: Text = UNSET
    projectName: Text = UNSET
    client: WireRef | UnsetType | None = UNSET
    clientId: Text = UNSET
    clientName: Text = UNSET
    task: WireRef | UnsetType | None = UNSET
    taskId: Text = UNSET
    taskName: Text = UNSET
    tags: list[WireRef] | None = None
    tagIds: list[str] | None = None
    amounts: list[WireAmount] | UnsetType = UNSET
    hourlyRate: WireRate | UnsetType | None = UNSET
    rate: Number | None = None
    earnedRate: Number | None = None
    amount: Number | None = None
    earnedAmount: Number | None = None


class WirePage(Struct, gc=False):
    """A `/reports/detailed` body: rows under either key, totals kept as raw bytes."""

    timeEntries: list[WireRow] | UnsetType = UNSET
    timeentries: list[WireRow] | UnsetType = UNSET
    totals: Raw = field(default_factory=lambda: Raw(b"null"))
