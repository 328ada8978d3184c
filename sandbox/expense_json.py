"""Expense reports as JSON: the official ExpenseDetailedReportDtoV1 and [S002]'s variant.

Official (`expense-report.yml`): `{expenses: [ExpenseReportDtoV1], totals: {expensesCount,
totalAmount, totalAmountBillable}}`, `totals` an object, amounts in cents (reports-api.md §4.4);
`date` is `YYYY-MM-DDT00:00:00Z`. The guide's `/reports/expenses` answers rows with `category`,
`description`, nested `user`/`project`, `invoiced` and a plain `date`. Both honour the workspace's
`ShapeMode.money` and `expense_count_key`. Totals add every currency together, as the official
DTO has no per-currency field.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from sandbox.data import Expense, Workspace
from sandbox.reports import ExpenseReport
from sandbox.shapes import ShapeMode, format_money

__all__ = ["expenses_body", "guide_expenses_body"]

Json = dict[str, Any]


def expenses_body(ws: Workspace, report: ExpenseReport, shape: ShapeMode) -> Json:
    return {
        "expenses": [_expense_row(ws, expense, shape) for expense in report.rows],
        "totals": {
            shape.expense_count_key: report.count,
            "totalAmount": format_money(Fraction(sum(report.total.values())), shape),
            "totalAmountBillable": format_money(Fraction(sum(report.billable.values())), shape),
        },
    }


def guide_expenses_body(ws: Workspace, report: ExpenseReport, shape: ShapeMode) -> Json:
    """[S002]'s `/reports/expenses` rows: `category`, `description`, nested `user`/`project`."""
    rows = []
    for expense in report.rows:
        user = ws.users.get(expense.user_id)
        project = ws.projects[expense.project_id]
        rows.append(
            {
                "id": expense.id,
                "date": expense.date.isoformat(),
                "amount": format_money(Fraction(expense.amount), shape),
                "currency": expense.currency,
                "category": ws.categories[expense.category_id].name,
                "description": expense.notes,
                "user": {"id": expense.user_id, "name": user.name if user else ""},
                "project": {"id": project.id, "name": project.name},
                "billable": expense.billable,
                "invoiced": expense.invoiced,
            }
        )
    return {
        "expenses": rows,
        "totals": {
            "totalAmount": format_money(Fraction(sum(report.total.values())), shape),
            shape.expense_count_key: report.count,
        },
    }


def _expense_row(ws: Workspace, expense: Expense, shape: ShapeMode) -> Json:
    user = ws.users.get(expense.user_id)
    project = ws.projects[expense.project_id]
    category = ws.categories[expense.category_id]
    return {
        "id": expense.id,
        "workspaceId": ws.id,
        "userId": expense.user_id,
        "userName": user.name if user else "",
        "userEmail": user.email if user else "",
        "userStatus": "ACTIVE",
        "projectId": project.id,
        "projectName": project.name,
        "projectColor": project.color,
        "categoryId": category.id,
        "categoryName": category.name,
        "categoryUnit": category.unit,
        "categoryHasUnitPrice": category.unit_price is not None,
        "date": f"{expense.date.isoformat()}T00:00:00Z",
        "amount": format_money(Fraction(expense.amount), shape),
        "quantity": expense.quantity,
        "billable": expense.billable,
        "notes": expense.notes,
        "locked": False,
        "invoicingInfo": {"invoiceId": None, "manuallyInvoiced": expense.invoiced},
        "fileId": "",
        "fileName": "",
        "approvalRequestId": None,
        "exportFields": [],
    }
