"""Parse one page of an expense report into `Expense` values, and its totals when given.

Separate from time entries because expenses come from two other endpoints with their own
fields: `/reports/expenses/detailed` (flat `userId`, `categoryName`, `notes`, `invoicingInfo`)
or the guide's `/reports/expenses` (nested `user`/`project`, `category`, `description`,
`invoiced`), with `expensesCount` or `expenseCount` in the totals. Fields are read by
`fields.py`, references by `refs.py`; errors name the JSON path (`expenses[2].amount`). Rows
without their own currency take `currency_fallback` (the workspace's).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from addon.clockify.fields import (
    Row,
    _array,
    _build,
    _count,
    _currency,
    _day,
    _flag,
    _id,
    _invoiced,
    _money,
    _object,
    _text,
)
from addon.clockify.refs import _project_and_client, _required_ref
from addon.reports.model import Expense

__all__ = ["ExpensePage", "parse_expense_page"]


@dataclass(frozen=True, slots=True)
class ExpensePage:
    """Expenses of one expense-report page, and the report's totals when it gave them.

    `total` is the report's expense count; `total_amount` its `totalAmount` in minor units,
    rounded once. Clockify adds every currency up into that one number, so it names none.
    """

    entries: tuple[Expense, ...]
    count: int
    total: int | None
    total_amount: int | None = None


def parse_expense_page(raw: object, *, currency_fallback: str) -> ExpensePage:
    """Expenses of a `/reports/expenses/detailed` or `/reports/expenses` page."""
    body = _object(raw, "$")
    rows = _array(body.get("expenses"), "expenses")
    entries = tuple(
        _expense(_object(item, f"expenses[{i}]"), f"expenses[{i}]", currency_fallback)
        for i, item in enumerate(rows)
    )
    total: int | None = None
    amount: int | None = None
    totals = body.get("totals")
    if isinstance(totals, list):  # tolerate the time reports' list form
        totals = totals[0] if totals else None
    if totals is not None:
        counts = _object(totals, "totals")
        for name in ("expensesCount", "expenseCount"):
            if counts.get(name) is not None:
                total = _count(counts[name], f"totals.{name}")
                break
        if counts.get("totalAmount") is not None:
            amount = _money(counts["totalAmount"], currency_fallback, "totals.totalAmount").minor
    return ExpensePage(entries, len(rows), total, amount)


def _expense(row: Row, path: str, fallback: str) -> Expense:
    currency = _currency(row.get("currency"), f"{path}.currency", fallback)
    category = row.get("categoryName", row.get("category"))
    if isinstance(category, Mapping):
        category = category.get("name")
    invoiced = _invoiced(row, path)
    notes = row.get("notes", row.get("description"))
    project, client = _project_and_client(row, path)
    return _build(
        path,
        lambda: Expense(
            id=_id(row, path),
            date=_day(row.get("date"), f"{path}.date"),
            user=_required_ref(row, "user", path),
            project=project,
            client=client,
            category=_text(category, f"{path}.categoryName"),
            amount=_money(row.get("amount"), currency, f"{path}.amount"),
            billable=_flag(row, "billable", path),
            invoiced=invoiced,
            notes="" if notes is None else _text(notes, f"{path}.notes"),
        ),
    )
