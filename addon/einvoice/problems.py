"""What stands between an issued invoice and a valid e-invoice, said so the user can fix it.

    ReportError (addon.reports.errors)
     +-- InvalidDetails      a seller/buyer/VAT value that is malformed as typed (bad IBAN, ...)
     +-- EInvoiceRefused     the e-invoice cannot be written; `problems` lists every reason

A `Problem` names the field (`seller.iban`) and where the user sets it, so the sidebar can show
the list next to the form and the list can be asked for before anyone presses "download".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from addon.reports.errors import ReportError

__all__ = [
    "BUYER_FORM",
    "SELLER_FORM",
    "TAX_FORM",
    "EInvoiceRefused",
    "InvalidDetails",
    "Problem",
]

# Where the sidebar sets each (addon/static/sidebar/einvoices.js); `addon.services.einvoices`
# also answers the form as a code (`where`) that the sidebar names in the viewer's language.
SELLER_FORM: Final = "Invoices tab → Seller details"
BUYER_FORM: Final = "Invoices tab → Client billing details"
TAX_FORM: Final = "Invoices tab → Seller details → VAT categories"


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason an e-invoice cannot be written: the field, what to do, and the rule behind it.

    `rule` is the EN 16931 / XRechnung / Peppol rule id that would fail (`BR-DE-23`), or "" when
    the refusal is ours (a figure the XML cannot carry exactly).
    """

    field: str
    message: str
    rule: str = ""

    def __str__(self) -> str:
        suffix = f" [{self.rule}]" if self.rule else ""
        return f"{self.field}: {self.message}{suffix}"


class InvalidDetails(ReportError):
    """Raise when a seller, buyer or VAT value is malformed as typed (fails when it is saved)."""

    code = "invalid_einvoice_details"


class EInvoiceRefused(ReportError):
    """Raise instead of writing an e-invoice that would break a rule; `problems` says why."""

    code = "einvoice_refused"

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))
