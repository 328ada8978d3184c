"""Invoices: one per client and currency, with discount, up to two taxes and exact totals.

Two steps, so the caller can allocate an invoice number in between:
1. `plan_invoices` prices the billable, not yet invoiced entries (entry rate, else the rate
   hierarchy) and splits them and the expenses into one `InvoiceBatch` per client and currency.
2. `build_invoice` turns one batch and the terms into a frozen `Invoice`.

Totals, in printing order (all minor units):
- subtotal: the sum of the line amounts (`PER_LINE`), or the exact sum rounded once
  (`PER_INVOICE`, with the difference printed as a rounding adjustment);
- discount: percent of the subtotal (rounded once) or a fixed amount capped at the subtotal,
  taken before tax. It lowers every tax base in proportion, so with two taxes each base shrinks
  by the same fraction, even when the taxes apply to different lines;
- taxes: each tax's base is the discounted value of the lines that carry it. A COMPOUND second
  tax is charged on its base plus the first tax on the lines that carry both. `PER_INVOICE`
  rounds `base x percent` once per tax, from the printed base; `PER_LINE` rounds each line's tax
  and sums them;
- total: subtotal - discount + taxes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from addon.reports.errors import CurrencyMismatch, InvalidTerms
from addon.reports.lines import EXACT_SCALE, PricedEntry, build_lines
from addon.reports.model import (
    EntryType,
    Expense,
    Invoice,
    LineItem,
    LineKind,
    Party,
    Ref,
    TaxAmount,
    TimeEntry,
)
from addon.reports.money import Money, RoundingRule, currency_exponent, round_ratio
from addon.reports.periods import DateRange
from addon.reports.rates import NO_RATES, RateBook, rate_lookup
from addon.reports.terms import FixedDiscount, InvoiceTerms, TaxMode

__all__ = ["InvoiceBatch", "InvoicePlan", "build_invoice", "plan_invoices"]

_WORK: Final = frozenset(kind for kind in EntryType if kind.is_work)
"""`entry.type in _WORK` is `entry.type.is_work` without a property call per entry."""


@dataclass(frozen=True, slots=True)
class InvoiceBatch:
    """What one invoice will bill: one client, one currency, its priced entries and expenses.

    `non_work_left_out` counts the BREAK, HOLIDAY and TIME_OFF entries this invoice would have
    billed (billable, not invoiced, this client, priced in this currency) had they been work.
    """

    client: Ref
    currency: str
    entries: tuple[PricedEntry, ...]
    expenses: tuple[Expense, ...]
    non_work_left_out: int = 0


@dataclass(frozen=True, slots=True)
class InvoicePlan:
    """The batches to invoice, and the billable items left out because they have no client."""

    batches: tuple[InvoiceBatch, ...]
    entries_without_client: tuple[str, ...]
    expenses_without_client: tuple[str, ...]


def plan_invoices(
    entries: Iterable[TimeEntry],
    expenses: Iterable[Expense] = (),
    *,
    default_currency: str,
    rates: RateBook = NO_RATES,
) -> InvoicePlan:
    """Price billable, uninvoiced entries and group them with expenses by client and currency.

    An entry no level prices is billed at zero in `default_currency` (the workspace currency),
    so its time still shows. Non-billable or already invoiced items are not billed at all, and
    neither are non-work entries (BREAK, HOLIDAY, TIME_OFF), whatever their billable flag and
    rate say: they are counted on the batch they would have joined instead, so the invoice can
    say what it left out. A client with only non-work time gets no batch (nothing to bill).
    """
    currency_exponent(default_currency)
    lookup = rate_lookup(rates)
    clients: dict[str, Ref] = {}
    groups: dict[tuple[str, str], tuple[list[PricedEntry], list[Expense]]] = {}
    left_out: dict[tuple[str, str], int] = {}
    no_client_entries: list[str] = []
    no_client_expenses: list[str] = []
    for entry in entries:
        if not entry.billable or entry.invoiced:
            continue
        client = entry.client
        if client is None:
            if entry.type in _WORK:
                no_client_entries.append(entry.id)
            continue
        rate, source = lookup(entry)
        key = (client.id, rate.currency if rate else default_currency)
        if entry.type not in _WORK:
            left_out[key] = left_out.get(key, 0) + 1
            continue
        bucket = groups.get(key)
        if bucket is None:
            clients.setdefault(client.id, client)
            bucket = groups[key] = ([], [])
        bucket[0].append(PricedEntry(entry, rate, source))
    for expense in expenses:
        if not expense.billable or expense.invoiced:
            continue
        if expense.client is None:
            no_client_expenses.append(expense.id)
            continue
        clients.setdefault(expense.client.id, expense.client)
        key = (expense.client.id, expense.amount.currency)
        groups.setdefault(key, ([], []))[1].append(expense)
    batches = sorted(
        (
            InvoiceBatch(
                clients[client_id],
                currency,
                tuple(found),
                tuple(spent),
                left_out.get((client_id, currency), 0),
            )
            for (client_id, currency), (found, spent) in groups.items()
        ),
        key=lambda b: (b.client.name.casefold(), b.client.id, b.currency),
    )
    return InvoicePlan(tuple(batches), tuple(no_client_entries), tuple(no_client_expenses))


def _check_currency(batch: InvoiceBatch, lines: Sequence[LineItem], terms: InvoiceTerms) -> None:
    """Refuse a batch with a rate or expense in another currency than the invoice's.

    Reads the built lines' unit prices (the rate that priced the line, or the expense amount) so
    it looks at a few thousand lines, not at every entry; an unpriced line costs the invoice's
    own currency, as an unpriced entry did.
    """
    found = {line.unit_price.currency for line in lines}
    if isinstance(terms.discount, FixedDiscount):
        found.add(terms.discount.amount.currency)
    if found - {batch.currency}:
        others = ", ".join(sorted(found - {batch.currency}))
        raise CurrencyMismatch(
            f"A {batch.currency} invoice cannot hold amounts in {others}; "
            "plan invoices per currency."
        )


def _discount(terms: InvoiceTerms, subtotal: int) -> int:
    if terms.discount is None or subtotal <= 0:
        return 0
    if isinstance(terms.discount, FixedDiscount):
        return min(terms.discount.amount.minor, subtotal)
    numerator, denominator = terms.discount.percent.as_integer_ratio()
    return round_ratio(subtotal * numerator, denominator * 100)


@dataclass(frozen=True, slots=True)
class _TaxInputs:
    """Exact, integer-only view of the taxable lines.

    A line's discounted value in minor units is `values[i] * scale_num / scale_den`: the
    discount shrinks every line by the same fraction `net / gross`. `carries[k][i]` says whether
    line i carries tax k; `rates[k]` is tax k as (numerator, denominator) of a fraction.
    """

    values: Sequence[int]
    scale_num: int
    scale_den: int
    carries: Sequence[Sequence[bool]]
    rates: Sequence[tuple[int, int]]
    compound: bool

    def base(self, indices: Iterable[int]) -> int:
        return round_ratio(sum(self.values[i] for i in indices) * self.scale_num, self.scale_den)

    def carriers(self, index: int) -> list[int]:
        return [i for i, carried in enumerate(self.carries[index]) if carried]


def _tax_inputs(
    lines: Sequence[LineItem], values: Sequence[int], net: int, terms: InvoiceTerms
) -> _TaxInputs:
    gross = sum(values)
    scale_num, scale_den = (net, gross) if gross else (1, EXACT_SCALE)
    carries = [[line.taxes.includes(k) for line in lines] for k in range(len(terms.taxes))]
    rates = []
    for tax in terms.taxes:
        numerator, denominator = tax.percent.as_integer_ratio()
        rates.append((numerator, denominator * 100))
    compound = terms.tax_mode is TaxMode.COMPOUND
    return _TaxInputs(values, scale_num, scale_den, carries, rates, compound)


def _taxes_per_invoice(inputs: _TaxInputs) -> list[tuple[int, int]]:
    """Each tax rounded once, from its printed base."""
    results: list[tuple[int, int]] = []
    for k, (rate_num, rate_den) in enumerate(inputs.rates):
        mine = inputs.carriers(k)
        base = inputs.base(mine)
        if k == 1 and inputs.compound:
            first = inputs.carriers(0)
            both = [i for i in mine if inputs.carries[0][i]]
            if both and both == first:
                base += results[0][1]
            elif both:
                first_num, first_den = inputs.rates[0]
                base += round_ratio(inputs.base(both) * first_num, first_den)
        results.append((base, round_ratio(base * rate_num, rate_den)))
    return results


def _taxes_per_line(inputs: _TaxInputs) -> list[tuple[int, int]]:
    """Each line's tax rounded, then summed; a compound tax 2 includes that line's tax 1."""
    results: list[tuple[int, int]] = []
    first_tax = [0] * len(inputs.values)
    for k, (rate_num, rate_den) in enumerate(inputs.rates):
        mine = inputs.carriers(k)
        base = inputs.base(mine)
        stacked = k == 1 and inputs.compound
        total = 0
        for i in mine:
            # (value * scale + first tax) * rate, over one common denominator
            taxable = inputs.values[i] * inputs.scale_num
            if stacked:
                taxable += first_tax[i] * inputs.scale_den
            amount = round_ratio(taxable * rate_num, inputs.scale_den * rate_den)
            if k == 0:
                first_tax[i] = amount
            total += amount
        if stacked:
            base += sum(first_tax[i] for i in mine)
        results.append((base, total))
    return results


def build_invoice(
    batch: InvoiceBatch,
    *,
    terms: InvoiceTerms,
    number: str,
    issue_date: date,
    bill_from: Party,
    bill_to: Party,
    period: DateRange | None = None,
) -> Invoice:
    """The frozen invoice for one batch; its number comes from `numbering` and the sequence.

    Guarantees (see `Invoice`): lines + rounding adjustment = subtotal, subtotal - discount +
    taxes = total, and each time line's amount is its printed hours x rate, rounded once.
    """
    if not number.strip():
        raise InvalidTerms("An invoice needs a number.")
    currency = batch.currency
    lines, exact = build_lines(batch.entries, batch.expenses, terms, currency)
    _check_currency(batch, lines, terms)
    printed = sum(line.amount.minor for line in lines)
    if terms.rounding_rule is RoundingRule.PER_LINE:
        subtotal = printed
        values = [line.amount.minor * EXACT_SCALE for line in lines]
    else:
        subtotal = round_ratio(sum(exact), EXACT_SCALE)
        values = exact
    discount = _discount(terms, subtotal)
    taxes: list[tuple[int, int]] = []
    if terms.taxes:
        inputs = _tax_inputs(lines, values, subtotal - discount, terms)
        per_line = terms.rounding_rule is RoundingRule.PER_LINE
        taxes = _taxes_per_line(inputs) if per_line else _taxes_per_invoice(inputs)
    total = subtotal - discount + sum(amount for _, amount in taxes)
    time_lines = [line for line in lines if line.kind is LineKind.TIME]
    return Invoice(
        number=number.strip(),
        issue_date=issue_date,
        due_date=issue_date + timedelta(days=terms.due_days),
        currency=currency,
        client=batch.client,
        bill_from=bill_from,
        bill_to=bill_to,
        terms=terms,
        period=period,
        lines=tuple(lines),
        rounding_adjustment=Money(subtotal - printed, currency),
        subtotal=Money(subtotal, currency),
        discount=Money(discount, currency),
        taxes=tuple(
            TaxAmount(tax, Money(base, currency), Money(amount, currency))
            for tax, (base, amount) in zip(terms.taxes, taxes, strict=True)
        ),
        total=Money(total, currency),
        actual_seconds=sum(line.actual_seconds for line in time_lines),
        billed_seconds=sum(line.billed_seconds for line in time_lines),
        non_work_left_out=batch.non_work_left_out,
    )
