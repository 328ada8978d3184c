"""Plain factory functions for report-core values, with keyword overrides (no fixtures)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from addon.reports.model import EntryType, Expense, Ref, TimeEntry
from addon.reports.money import Money

ANN = Ref("u-ann", "Ann")
BOB = Ref("u-bob", "Bob")
ACME = Ref("c-acme", "Acme")
GLOBEX = Ref("c-globex", "Globex")
WEBSITE = Ref("p-web", "Website")
APP = Ref("p-app", "App")
DESIGN = Ref("t-design", "Design")
URGENT = Ref("tag-urgent", "urgent")
REVIEW = Ref("tag-review", "review")

MAY_1_9AM = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


def usd(amount: str) -> Money:
    return Money.from_major(Decimal(amount), "USD")


def make_entry(
    *,
    id: str = "e1",
    seconds: int = 3600,
    start: datetime = MAY_1_9AM,
    rate: Money | None = None,
    description: str = "Work",
    user: Ref = ANN,
    project: Ref | None = WEBSITE,
    client: Ref | None = ACME,
    task: Ref | None = None,
    tags: tuple[Ref, ...] = (),
    billable: bool = True,
    invoiced: bool = False,
    earned: Money | None = None,
    type: EntryType = EntryType.REGULAR,
) -> TimeEntry:
    return TimeEntry(
        id=id,
        description=description,
        user=user,
        project=project,
        client=client,
        task=task,
        tags=tags,
        start=start,
        end=start + timedelta(seconds=seconds),
        duration=seconds,
        billable=billable,
        invoiced=invoiced,
        hourly_rate=rate,
        earned=earned,
        type=type,
    )


def make_expense(
    *,
    id: str = "x1",
    amount: Money | None = None,
    day: date = date(2024, 5, 2),
    category: str = "Travel",
    notes: str = "",
    client: Ref | None = ACME,
    project: Ref | None = WEBSITE,
    billable: bool = True,
    invoiced: bool = False,
    user: Ref = ANN,
) -> Expense:
    return Expense(
        id=id,
        date=day,
        user=user,
        project=project,
        client=client,
        category=category,
        amount=amount if amount is not None else usd("10.00"),
        billable=billable,
        invoiced=invoiced,
        notes=notes,
    )
