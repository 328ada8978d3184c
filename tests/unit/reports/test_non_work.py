"""Breaks, holidays and time off: apart, included or left out of summaries, never billed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addon.reports.aggregate import build_summary
from addon.reports.invoice import build_invoice, plan_invoices
from addon.reports.model import EntryType, GroupBy, NonWorkTime, Party, TimeEntry, Totals
from addon.reports.terms import InvoiceTerms

from .builders import ACME, GLOBEX, make_entry, usd
from .test_properties import CURRENCIES, time_entries

HOUR = 3600


def _day() -> list[TimeEntry]:
    return [
        make_entry(id="work", seconds=2 * HOUR, rate=usd("100")),
        make_entry(id="lunch", seconds=HOUR // 2, rate=usd("100"), type=EntryType.BREAK),
        make_entry(id="xmas", seconds=8 * HOUR, rate=usd("100"), type=EntryType.HOLIDAY),
        make_entry(id="flu", seconds=8 * HOUR, rate=usd("100"), type=EntryType.TIME_OFF),
        make_entry(id="flu2", seconds=4 * HOUR, billable=False, type=EntryType.TIME_OFF),
    ]


def test_non_work_time_is_kept_apart_per_type_by_default() -> None:
    summary = build_summary(_day(), [GroupBy.PROJECT])

    assert summary.totals == Totals(2 * HOUR, 2 * HOUR, 1, (usd("200"),))
    assert [row.totals.entries for row in summary.rows] == [1]
    assert summary.non_work == (
        (EntryType.BREAK, Totals(HOUR // 2, 0, 1, ())),
        (EntryType.HOLIDAY, Totals(8 * HOUR, 0, 1, ())),
        (EntryType.TIME_OFF, Totals(12 * HOUR, 0, 2, ())),
    )


def test_included_non_work_time_counts_like_work_with_clockifys_amounts() -> None:
    summary = build_summary(_day(), [GroupBy.PROJECT], non_work=NonWorkTime.INCLUDE)

    assert summary.totals == Totals(22 * HOUR + HOUR // 2, 18 * HOUR + HOUR // 2, 5, (usd("1850"),))
    assert summary.non_work == ()


def test_excluded_non_work_time_is_nowhere_in_the_summary() -> None:
    summary = build_summary(_day(), [GroupBy.PROJECT], non_work=NonWorkTime.EXCLUDE)

    assert summary.totals == Totals(2 * HOUR, 2 * HOUR, 1, (usd("200"),))
    assert summary.non_work == ()


def test_a_summary_without_non_work_time_has_no_non_work_group() -> None:
    assert build_summary([make_entry()], [GroupBy.USER]).non_work == ()


def test_billable_non_work_time_with_a_rate_is_never_invoiced_but_counted() -> None:
    plan = plan_invoices(_day(), default_currency="USD")

    (batch,) = plan.batches
    assert [p.entry.id for p in batch.entries] == ["work"]
    assert batch.non_work_left_out == 3  # the non-billable one would not have been billed anyway
    invoice = build_invoice(
        batch,
        terms=InvoiceTerms(),
        number="1",
        issue_date=date(2024, 6, 1),
        bill_from=Party("Us"),
        bill_to=Party("Acme"),
    )
    assert invoice.non_work_left_out == 3
    assert [line.entry_ids for line in invoice.lines] == [("work",)]


def test_a_client_with_only_non_work_time_gets_no_invoice() -> None:
    holiday = make_entry(id="h", client=GLOBEX, rate=usd("50"), type=EntryType.HOLIDAY)

    plan = plan_invoices([make_entry(client=ACME), holiday], default_currency="USD")

    assert [b.client for b in plan.batches] == [ACME]
    assert plan.batches[0].non_work_left_out == 0


def test_non_work_time_without_a_client_is_not_reported_as_unbillable_work() -> None:
    off = make_entry(id="off", client=None, type=EntryType.TIME_OFF)

    plan = plan_invoices([off], default_currency="USD")

    assert (plan.batches, plan.entries_without_client) == ((), ())


# -- properties ---------------------------------------------------------------------------------


@st.composite
def typed_entries(draw: st.DrawFn) -> tuple[list[TimeEntry], str]:
    currency = draw(st.sampled_from(CURRENCIES))
    entries = draw(time_entries(currency, count=16))
    kinds = st.sampled_from(list(EntryType))
    return [replace(entry, type=draw(kinds)) for entry in entries], currency


def _sum(totals: list[Totals]) -> tuple[int, int]:
    return sum(t.duration for t in totals), sum(t.entries for t in totals)


@settings(max_examples=80)
@given(typed_entries(), st.sampled_from([[GroupBy.PROJECT], [GroupBy.TAG, GroupBy.USER], []]))
def test_separate_work_and_non_work_totals_add_up_to_all_entries(
    drawn: tuple[list[TimeEntry], str], groups: list[GroupBy]
) -> None:
    entries, _ = drawn
    everything = build_summary(entries, groups or [GroupBy.DATE], non_work=NonWorkTime.INCLUDE)
    apart = build_summary(entries, groups or [GroupBy.DATE])
    work_only = build_summary(
        [e for e in entries if e.type.is_work],
        groups or [GroupBy.DATE],
        non_work=NonWorkTime.INCLUDE,
    )

    parts = [apart.totals, *(totals for _, totals in apart.non_work)]
    assert _sum(parts) == (everything.totals.duration, everything.totals.entries)
    assert apart.totals == work_only.totals
    assert apart.rows == work_only.rows
    assert all(t.amounts == () and t.billable_duration == 0 for _, t in apart.non_work)
    assert [kind for kind, _ in apart.non_work] == sorted(
        {e.type for e in entries if not e.type.is_work}, key=list(EntryType).index
    )


@settings(max_examples=80)
@given(typed_entries())
def test_no_non_work_entry_is_ever_on_an_invoice_line(drawn: tuple[list[TimeEntry], str]) -> None:
    entries, currency = drawn
    plan = plan_invoices(entries, default_currency=currency)
    invoices = [
        build_invoice(
            batch,
            terms=InvoiceTerms(),
            number=str(n),
            issue_date=date(2024, 6, 1),
            bill_from=Party("Us"),
            bill_to=Party(batch.client.name),
        )
        for n, batch in enumerate(plan.batches, start=1)
    ]

    billed = {entry_id for i in invoices for line in i.lines for entry_id in line.entry_ids}
    non_work = {e.id for e in entries if not e.type.is_work}
    assert billed.isdisjoint(non_work)
    for invoice in invoices:
        would_join = [
            e
            for e in entries
            if not e.type.is_work
            and e.billable
            and not e.invoiced
            and e.client == invoice.client
            and (e.hourly_rate.currency if e.hourly_rate else currency) == invoice.currency
        ]
        assert invoice.non_work_left_out == len(would_join)


@pytest.mark.parametrize("mode", list(NonWorkTime))
def test_work_entries_are_summed_the_same_whatever_the_non_work_mode(mode: NonWorkTime) -> None:
    work = [make_entry(id="a", rate=usd("10")), make_entry(id="b", client=GLOBEX)]

    assert build_summary(work, [GroupBy.CLIENT], non_work=mode) == build_summary(
        work, [GroupBy.CLIENT]
    )
