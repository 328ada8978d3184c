"""The package's two entry points: what is missing, and the e-invoice XML itself.

Both take the issued invoice (as stored, rebuilt with `invoice_from_json`), the seller's and
buyer's details and a profile. `check_einvoice` never raises for missing data: it lists it, so
the sidebar can show what to fill in. `write_einvoice` writes only what would pass; otherwise it
raises `EInvoiceRefused` carrying the same list.
"""

from __future__ import annotations

from addon.einvoice.cii import write_cii
from addon.einvoice.details import EInvoiceDetails
from addon.einvoice.document import prepare_einvoice
from addon.einvoice.problems import Problem
from addon.einvoice.profiles import Profile, Syntax
from addon.einvoice.requirements import find_problems
from addon.einvoice.ubl import write_ubl
from addon.reports.model import Invoice

__all__ = ["check_einvoice", "write_einvoice"]


def check_einvoice(
    invoice: Invoice, details: EInvoiceDetails, profile: Profile
) -> tuple[Problem, ...]:
    """Every reason `invoice` cannot be written as a `profile` e-invoice; empty when it can."""
    return find_problems(invoice, details, profile)


def write_einvoice(invoice: Invoice, details: EInvoiceDetails, profile: Profile) -> bytes:
    """The `profile` e-invoice XML of `invoice` (UTF-8), or `EInvoiceRefused` with every problem."""
    document = prepare_einvoice(invoice, details, profile)
    return write_cii(document) if profile.syntax is Syntax.CII else write_ubl(document)
