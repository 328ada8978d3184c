"""EN 16931 e-invoices from issued invoices: pure values in, XML bytes out.

No Flask, no database, no files, no clock: an issued `Invoice` (as `invoice_from_json` rebuilds
it), the seller's and buyer's `EInvoiceDetails` and a `Profile` go in; a list of problems or the
XML comes out. Storage, forms and the Factur-X PDF/A-3 wrapper live elsewhere. Modules, bottom up:

    problems      Problem (field, what to do, rule id), InvalidDetails, EInvoiceRefused
    profiles      Profile (FACTURX, XRECHNUNG_CII, PEPPOL, XRECHNUNG_UBL), Syntax, identifiers
    identifiers   shape checks: country, VAT id, IBAN, BIC, e-mail, electronic address / GLN
    vat           VatCategory (S Z E AE K G O), VatTreatment (exemption reason / VATEX code)
    details       Address, ElectronicAddress, SellerDetails, BuyerDetails, EInvoiceDetails
    breakdown     break_down: VAT groups (BG-23) and allowances/charges (BG-20/21) that
                  reproduce the invoice's own figures, or the problems why they cannot
    requirements  assess / find_problems: every problem for a profile, at once
    document      prepare_einvoice: the syntax-neutral EInvoice both writers state
    xmltext       amounts, quantities, rates and dates as XML text; clean_text
    xmltree       a prefix-preserving ElementTree builder that writes no empty element
    cii           write_cii: UN/CEFACT CII D16B (Factur-X 1.07 / ZUGFeRD 2.3 EN 16931, XRechnung)
    ubl           write_ubl: OASIS UBL 2.1 (Peppol BIS Billing 3.0, XRechnung)
    export        check_einvoice, write_einvoice: the two entry points

Decisions:

- Syntax and identifiers: CII with guideline `urn:cen.eu:en16931:2017` for Factur-X; UBL with
  the Peppol BIS 3.0 CustomizationID and ProfileID; XRechnung 3.0 in both syntaxes with its own
  specification id and the Peppol business process. Only invoices (type 380), no credit notes.
- Figures are the invoice's own, never recomputed: each line states its printed quantity and
  price, whose product rounded half away from zero is its amount (a line where that is not true
  is refused); the VAT breakdown states each tax's own base and amount; totals equal subtotal,
  discount and total exactly. Hours are unit HUR, expenses C62 (one). See `breakdown` for how
  the discount becomes per-category allowances and PER_INVOICE rounding an explicit "Rounding
  adjustment" allowance or charge.
- Refused, with a problem naming what to change: a currency with more than 2 decimals (KWD,
  BHD: BR-DEC allows 2; JPY and other 0-decimal currencies are written, with whole amounts);
  a line carrying two taxes, and so any compound tax (one VAT rate per line; no tax on tax);
  a tax whose percentage contradicts its category; a discount whose split over two VAT rates
  is a tie one cent off (BR-S-08 is exact); per-line VAT drifting a whole currency unit from
  base x rate (BR-S-09; a few lines can do it in JPY), or a rate below 0.5 % with a tax that
  does not round to zero (BR-CO-17 rounds the rate to a whole percent); O mixed with other
  categories (BR-O-11); and every missing field a rule demands (see `requirements`).
- Checked by the tests against the official EN 16931 Schematron (CII and UBL XSLT, run with
  saxonche); XRechnung's BR-DE and Peppol's rules that the XSLT does not hold are enforced by
  `requirements` and tested as such.
"""

from addon.einvoice.breakdown import Adjustment, Breakdown, VatGroup, break_down
from addon.einvoice.details import (
    Address,
    BuyerDetails,
    EInvoiceDetails,
    ElectronicAddress,
    SellerDetails,
)
from addon.einvoice.export import check_einvoice, write_einvoice
from addon.einvoice.problems import EInvoiceRefused, InvalidDetails, Problem
from addon.einvoice.profiles import Profile, Syntax
from addon.einvoice.vat import VatCategory, VatTreatment

__all__ = [
    "Address",
    "Adjustment",
    "Breakdown",
    "BuyerDetails",
    "EInvoiceDetails",
    "EInvoiceRefused",
    "ElectronicAddress",
    "InvalidDetails",
    "Problem",
    "Profile",
    "SellerDetails",
    "Syntax",
    "VatCategory",
    "VatGroup",
    "VatTreatment",
    "break_down",
    "check_einvoice",
    "write_einvoice",
]
