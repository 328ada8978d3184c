"""The VAT breakdown (BG-23) and document-level allowances (BG-20/21) that reproduce an invoice.

EN 16931 gives every line exactly one VAT category and rate, and checks, per category and rate,
that the taxable amount BT-116 equals its lines minus its share of document-level allowances
plus charges, *exactly* for S (BR-S-08) and within one unit for the rest (BR-Z-08, BR-E-08 ...).
Our invoice has its own figures, which must come out unchanged: each tax's base and amount as
the engine computed them, the discount, the total. So this module works backwards from them:

1. Each line goes to the group of the one tax it carries, or to the `untaxed` group. A line that
   carries two taxes cannot be stated (EN 16931 has one VAT rate per line, and no tax on a tax),
   so it is refused, as is a tax whose percentage contradicts its category.
2. A group's base is our tax's base; the untaxed group takes what is left of `subtotal -
   discount`. Without an untaxed group, the taxes' bases must add up to `subtotal - discount`:
   each base is the exact discounted share rounded once, so two shares that are both exactly
   half a cent off (a tie) add up one cent above it. That invoice is refused, never "fixed".
3. Each group's allowance is `lines - base`, which under PER_LINE rounding is exactly its share
   of the discount. Under PER_INVOICE rounding, or if a share would be negative, the discount is
   split by line value and the rest of each group's difference becomes an explicit "Rounding
   adjustment" allowance or charge, so the rounding the invoice printed is visible, not hidden.
4. Each S group's tax must lie within the one unit BR-S-09/BR-CO-17 allow of base x rate; our
   per-line rounding drifts half a minor unit per line at most, so a euro invoice needs
   hundreds of lines to fail, but a yen invoice (the unit is its minor unit) a few: both are
   refused rather than emitted invalid. BR-CO-17 also rounds the rate to a whole percent, so a
   rate below 0.5 % passes only with a tax that rounds to zero (found by the property test).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from addon.einvoice.problems import TAX_FORM, Problem
from addon.einvoice.vat import VatCategory, VatTreatment
from addon.reports.model import Invoice
from addon.reports.money import Money, round_ratio
from addon.reports.rounding import allocate
from addon.reports.terms import PercentDiscount, TaxMode

__all__ = ["DISCOUNT_CODE", "Adjustment", "Breakdown", "VatGroup", "break_down"]

DISCOUNT_CODE = "95"
"""UNCL5189 allowance reason code "Discount" (BT-98)."""

ROUNDING_REASON = "Rounding adjustment"

_Key = tuple[VatCategory, Decimal]


@dataclass(frozen=True, slots=True)
class VatGroup:
    """One VAT breakdown row: category and rate, the lines' sum, taxable amount BT-116, tax."""

    treatment: VatTreatment
    percent: Decimal
    lines: Money
    base: Money
    tax: Money

    @property
    def category(self) -> VatCategory:
        return self.treatment.category


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A document-level allowance (charge False, BG-20) or charge (True, BG-21) in one group."""

    charge: bool
    amount: Money
    reason: str
    reason_code: str
    group: int


@dataclass(frozen=True, slots=True)
class Breakdown:
    """Groups in order of first use, each line's group index, and the adjustments."""

    groups: tuple[VatGroup, ...]
    line_groups: tuple[int, ...]
    adjustments: tuple[Adjustment, ...]


def _tax_problems(invoice: Invoice, treatments: tuple[VatTreatment, ...]) -> list[Problem]:
    taxes = invoice.terms.taxes
    # A seller may have set up more taxes than this invoice carries (one added after it was
    # issued): the invoice's taxes take the categories in their positions, the rest are unused.
    if len(treatments) < len(taxes):
        names = ", ".join(tax.name for tax in taxes) or "none"
        return [
            Problem(
                "vat.taxes",
                f"this invoice has {len(taxes)} tax(es) ({names}); give each one a VAT "
                f"category in {TAX_FORM}",
            )
        ]
    problems = []
    for k, (tax, treatment) in enumerate(zip(taxes, treatments[: len(taxes)], strict=True)):
        if treatment.category.is_standard and tax.percent <= 0:
            problems.append(
                Problem(
                    f"vat.taxes[{k}]",
                    f"{tax.name} is 0 %, and standard rate (S) needs a rate above 0; choose "
                    f"zero rated (Z) or an exemption in {TAX_FORM}",
                    "BR-S-05",
                )
            )
        if not treatment.category.is_standard and tax.percent != 0:
            problems.append(
                Problem(
                    f"vat.taxes[{k}]",
                    f"{tax.name} is {tax.percent} %, but category {treatment.category.value} "
                    f"charges no VAT; choose standard rate (S) in {TAX_FORM}",
                )
            )
    return problems


def _line_sources(
    invoice: Invoice, untaxed: VatTreatment | None
) -> tuple[list[int], list[Problem]]:
    """Each line's source: tax index k, or -1 for untaxed."""
    count = len(invoice.terms.taxes)
    compound = invoice.terms.tax_mode is TaxMode.COMPOUND
    sources: list[int] = []
    problems: list[Problem] = []
    for index, line in enumerate(invoice.lines):
        carried = [k for k in range(count) if line.taxes.includes(k)]
        if len(carried) > 1:
            why = (
                "is charged a compound tax (tax 2 on top of tax 1), which EN 16931 cannot state"
                if compound
                else "carries two taxes, and EN 16931 gives each line one VAT rate"
            )
            problems.append(
                Problem(
                    f"invoice.lines[{index}]",
                    f"line {index + 1} ({line.description}) {why}; e-invoices need invoices "
                    f"whose lines carry at most one tax ({TAX_FORM})",
                )
            )
        sources.append(carried[0] if carried else -1)
    if -1 in sources and untaxed is None:
        problems.append(
            Problem(
                "vat.untaxed",
                f"some lines carry no tax; say why (reverse charge, exempt, outside the scope "
                f"of VAT ...) in {TAX_FORM}",
            )
        )
    if untaxed is not None and untaxed.category.is_standard:
        problems.append(
            Problem(
                "vat.untaxed",
                f"lines without a tax cannot be standard rated (S); choose another category "
                f"in {TAX_FORM}",
            )
        )
    return sources, problems


def _within_rule(base: Money, tax: Money, percent: Decimal) -> bool:
    """BR-S-09 / BR-CO-17: |tax - round(base x rate, 2)| below one unit of the currency.

    BR-CO-17 first rounds the rate to a whole percent, and a rate that rounds to 0 (below 0.5 %)
    demands a tax that rounds to 0 too; mirrored here so such a rate is refused, not emitted.
    """
    if base.exponent > 2:
        return False
    to_cents = int(10 ** (2 - base.exponent))
    tax_cents = abs(tax.minor) * to_cents
    if round_ratio(*percent.as_integer_ratio()) == 0:
        return round_ratio(tax_cents, 100) == 0
    numerator, denominator = percent.as_integer_ratio()
    expected = round_ratio(abs(base.minor) * to_cents * numerator, denominator * 100)
    return abs(tax_cents - expected) < 100


def _adjustments(invoice: Invoice, groups: list[VatGroup]) -> list[Adjustment]:
    currency = invoice.currency
    discount = invoice.discount.minor
    reason = "Discount"
    if isinstance(invoice.terms.discount, PercentDiscount):
        reason = f"Discount {invoice.terms.discount.percent.normalize():f} %"
    gaps = [group.lines.minor - group.base.minor for group in groups]
    if invoice.rounding_adjustment.minor == 0 and min(gaps, default=0) >= 0:
        shares, rests = gaps, [0] * len(gaps)
    else:
        shares = allocate(discount, [max(group.lines.minor, 0) for group in groups])
        rests = [gap - share for gap, share in zip(gaps, shares, strict=True)]
    found: list[Adjustment] = []
    for index, (share, rest) in enumerate(zip(shares, rests, strict=True)):
        if share:
            found.append(Adjustment(False, Money(share, currency), reason, DISCOUNT_CODE, index))
        if rest:
            amount = Money(abs(rest), currency)
            found.append(Adjustment(rest < 0, amount, ROUNDING_REASON, "", index))
    return found


def break_down(
    invoice: Invoice,
    treatments: tuple[VatTreatment, ...],
    untaxed: VatTreatment | None,
) -> Breakdown | tuple[Problem, ...]:
    """The breakdown that states `invoice`'s own figures in EN 16931 terms, or why there is none."""
    problems = _tax_problems(invoice, treatments)
    sources, line_problems = _line_sources(invoice, untaxed)
    problems += line_problems
    if problems:
        return tuple(problems)
    currency = invoice.currency
    keys: dict[_Key, int] = {}
    members: list[tuple[VatTreatment, Decimal, list[int]]] = []
    line_groups: list[int] = []
    for source in sources:
        if source >= 0:
            treatment, rate = treatments[source], invoice.terms.taxes[source].percent
            percent = rate if treatment.category.is_standard else Decimal(0)
        else:
            assert untaxed is not None  # noqa: S101  # _line_sources reported it otherwise
            treatment, percent = untaxed, Decimal(0)
        key = (treatment.category, percent)
        if key not in keys:
            keys[key] = len(members)
            members.append((treatment, percent, []))
        index = keys[key]
        if members[index][0] != treatment:
            return (
                Problem(
                    "vat",
                    f"two of the invoice's taxes are category {key[0].value} with different "
                    f"exemption reasons; EN 16931 allows one reason per category ({TAX_FORM})",
                    "BR-E-01",
                ),
            )
        if source not in members[index][2]:
            members[index][2].append(source)
        line_groups.append(index)
    net = invoice.subtotal.minor - invoice.discount.minor
    taxed_base = sum(amount.base.minor for amount in invoice.taxes)
    if -1 not in sources and taxed_base != net:
        return (
            Problem(
                "invoice.discount",
                f"the discount splits over the VAT rates with {abs(taxed_base - net)} minor "
                "unit(s) of rounding that EN 16931 cannot carry (each rate's taxable amount "
                "must be its lines minus its allowance exactly); this invoice cannot be an "
                "e-invoice, a new one with a slightly different discount can",
                "BR-S-08",
            ),
        )
    groups: list[VatGroup] = []
    for index, (treatment, percent, sources_in) in enumerate(members):
        lines = sum(
            invoice.lines[i].amount.minor for i, group in enumerate(line_groups) if group == index
        )
        base = sum(invoice.taxes[k].base.minor if k >= 0 else net - taxed_base for k in sources_in)
        tax = sum(invoice.taxes[k].amount.minor for k in sources_in if k >= 0)
        groups.append(
            VatGroup(
                treatment,
                percent,
                Money(lines, currency),
                Money(base, currency),
                Money(tax, currency),
            )
        )
    problems = _group_problems(groups)
    if problems:
        return tuple(problems)
    return Breakdown(tuple(groups), tuple(line_groups), tuple(_adjustments(invoice, groups)))


def _group_problems(groups: list[VatGroup]) -> list[Problem]:
    problems: list[Problem] = []
    categories = {group.category for group in groups}
    if VatCategory.OUTSIDE_SCOPE in categories and len(groups) > 1:
        problems.append(
            Problem(
                "vat",
                "an invoice outside the scope of VAT (O) cannot have lines in another VAT "
                f"category; choose one category for all lines in {TAX_FORM}",
                "BR-O-11",
            )
        )
    for group in groups:
        if group.category.is_standard and not _within_rule(group.base, group.tax, group.percent):
            problems.append(
                Problem(
                    "invoice.taxes",
                    f"the {group.percent} % VAT, rounded line by line, is more than one unit "
                    "away from its base x rate (or, for a rate below 0.5 %, not zero once "
                    "rounded, which BR-CO-17 demands); choose rounding per invoice for "
                    "invoices with this many lines",
                    "BR-S-09/BR-CO-17",
                )
            )
    return problems
