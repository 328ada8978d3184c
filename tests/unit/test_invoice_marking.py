"""What an issued invoice says about its marking: the distinct entries it bills (what the PATCH
sends) and the expenses Clockify gives no way to mark."""

from __future__ import annotations

from datetime import timedelta

from addon.services.marking import not_marked
from addon.store.models import MarkingState
from tests.unit.reports.builders import MAY_1_9AM, make_entry, make_expense
from tests.unit.reports.test_invoice import invoice_for


def test_an_invoice_counts_each_billed_entry_once_and_its_expenses_apart() -> None:
    entries = [
        make_entry(id="a"),
        make_entry(id="b", start=MAY_1_9AM + timedelta(hours=3)),
        make_entry(id="c", start=MAY_1_9AM + timedelta(days=1)),
    ]
    expenses = [make_expense(id="x1"), make_expense(id="x2")]

    marking = not_marked(invoice_for(entries, expenses))

    assert (marking.state, marking.entries, marking.expenses) == (MarkingState.OFF, 3, 2)
    assert marking.to_json() == {
        "state": "off",
        "error": None,
        "marked_at": None,
        "entries": 3,
        "expenses": 2,
    }
