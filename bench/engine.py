"""Summary and invoices from 100,000 generated entries: time and peak memory, against plain dicts.

The engine runs are `build_summary` (PROJECT > USER > DATE in Europe/Berlin) and
`plan_invoices` + `build_invoice` for every client and currency (rates partly resolved through a
`RateBook`, 15-minute rounding per entry, a discount and two compound taxes). The baselines,
measured in the same process on the same entry objects, do the same work with bare dicts, lists
and tuples: skip non-work entries, group by (id, name), total every summary level and sort it,
keep each invoice line's entry ids and seconds, round per entry, per line and per tax once.
`check_same_figures` asserts that both produce the same totals before anything is timed.

Until the engine speed-up the baselines did less than the engine: the summary one summed leaves
only (no parent or grand totals, no sorting), and the invoice one kept no entry ids and taxed
the invoice instead of each line. Ratios printed before that change are not comparable.

Times are the median CPU time of `--rounds` untraced runs, engine and baseline alternated so
that load from other processes hits both alike; peak memory is measured in a separate, traced
run.

    .venv/bin/python bench/engine.py [--entries 100000] [--rounds 5] [--seed 5]
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from addon.reports.aggregate import build_summary
from addon.reports.invoice import build_invoice, plan_invoices
from addon.reports.model import EntryType, GroupBy, Invoice, Party, Ref, Summary, TimeEntry
from addon.reports.money import Money
from addon.reports.rates import RateBook
from addon.reports.terms import (
    InvoiceTerms,
    LineGrouping,
    PercentDiscount,
    RoundingDirection,
    Tax,
    TaxMode,
    TimeRounding,
)

ZONE = "Europe/Berlin"
TERMS = InvoiceTerms(
    grouping=LineGrouping.PROJECT,
    time_rounding=TimeRounding(15, RoundingDirection.UP),
    discount=PercentDiscount(Decimal(5)),
    taxes=(Tax("GST", Decimal(5)), Tax("QST", Decimal("9.975"))),
    tax_mode=TaxMode.COMPOUND,
    zone=ZONE,
)


def generate(count: int, seed: int) -> tuple[list[TimeEntry], RateBook]:
    """Deterministic entries over May 2024: 50 users, 40 clients, 200 projects, 30 tags."""
    rng = random.Random(seed)  # noqa: S311  # reproducible test data, not security
    users = [Ref(f"u{i}", f"User {i}") for i in range(50)]
    clients = [Ref(f"c{i}", f"Client {i}") for i in range(40)]
    projects = [(Ref(f"p{i}", f"Project {i}"), clients[i % 40]) for i in range(200)]
    tasks = [Ref(f"t{i}", f"Task {i}") for i in range(400)]
    tags = [Ref(f"g{i}", f"tag {i}") for i in range(30)]
    currencies = ["USD"] * 9 + ["EUR"]
    start = datetime(2024, 5, 1, tzinfo=UTC)
    entries = []
    for index in range(count):
        project, client = rng.choice(projects)
        seconds = rng.randrange(60, 4 * 3600)
        begin = start + timedelta(seconds=rng.randrange(31 * 86400))
        rate = None
        if rng.random() < 0.7:
            rate = Money(rng.choice([5000, 7500, 10000, 12500, 3333]), rng.choice(currencies))
        entries.append(
            TimeEntry(
                id=f"e{index}",
                description=f"Work item {index % 997}",
                user=rng.choice(users),
                project=project,
                client=client,
                task=rng.choice(tasks) if rng.random() < 0.5 else None,
                tags=tuple(rng.sample(tags, rng.randrange(4))),
                start=begin,
                end=begin + timedelta(seconds=seconds),
                duration=seconds,
                billable=rng.random() < 0.8,
                invoiced=rng.random() < 0.1,
                hourly_rate=rate,
            )
        )
    book = RateBook(
        workspace=Money(6000, "USD"),
        projects={p.id: Money(8000, "USD") for p, _ in projects[::3]},
        members={u.id: Money(9000, "USD") for u in users[::5]},
    )
    return entries, book


def engine_summary(entries: list[TimeEntry], book: RateBook) -> Summary:
    return build_summary(
        entries, [GroupBy.PROJECT, GroupBy.USER, GroupBy.DATE], zone=ZONE, rates=book
    )


def _half_up(numerator: int, denominator: int) -> int:
    return (numerator * 2 + denominator) // (denominator * 2)


def _plain_rate(e: TimeEntry, book: RateBook, project: str) -> Money | None:
    """The generated book has member, project and workspace rates only, so three lookups do."""
    return (
        e.hourly_rate or book.members.get(e.user.id) or book.projects.get(project) or book.workspace
    )


def _plain_rows(tree: dict[tuple[str, str], Any], depth: int) -> tuple[list[Any], list[Any]]:
    """Sorted rows of one level and their summed [seconds, billable, count, {currency: exact}]."""
    rows, total = [], [0, 0, 0, {}]
    for key in sorted(tree, key=lambda k: (k[0] == "", k[1].casefold(), k[0])):
        if depth == 1:
            sums, children = tree[key], ()
        else:
            below, sums = _plain_rows(tree[key], depth - 1)
            children = tuple(below)
        total[0] += sums[0]
        total[1] += sums[1]
        total[2] += sums[2]
        for currency, exact in sums[3].items():
            total[3][currency] = total[3].get(currency, 0) + exact
        amounts = tuple((_half_up(sums[3][c], 3600), c) for c in sorted(sums[3]))
        rows.append((key[0], key[1], (*sums[:3], amounts), children))
    return rows, total


def dict_summary(entries: list[TimeEntry], book: RateBook) -> object:
    """The same rows and totals with nested dicts, lists and tuples instead of the model types.

    Like the engine it skips non-work entries, prices by entry rate, Clockify's earned amount or
    the book, keys rows by (id, name), totals every level, sorts each level case-insensitively
    and rounds each printed amount once from its exact sum.
    """
    tz = ZoneInfo(ZONE)
    tree: dict[tuple[str, str], Any] = {}
    for e in entries:
        if e.type is not EntryType.REGULAR:
            continue
        day = e.start.astimezone(tz).date().isoformat()
        project = (e.project.id, e.project.name) if e.project else ("", "Without project")
        users = tree.get(project)
        if users is None:
            users = tree[project] = {}
        days = users.get((e.user.id, e.user.name))
        if days is None:
            days = users[(e.user.id, e.user.name)] = {}
        sums = days.get((day, day))
        if sums is None:
            sums = days[(day, day)] = [0, 0, 0, {}]
        sums[0] += e.duration
        sums[2] += 1
        if e.billable:
            sums[1] += e.duration
            rate = _plain_rate(e, book, project[0])
            if rate is None and e.earned is not None:
                exact, currency = e.earned.minor * 3600, e.earned.currency
            elif rate is not None:
                exact, currency = rate.minor * e.duration, rate.currency
            else:
                continue
            sums[3][currency] = sums[3].get(currency, 0) + exact
    rows, total = _plain_rows(tree, 3)
    amounts = tuple((_half_up(total[3][c], 3600), c) for c in sorted(total[3]))
    return (*total[:3], amounts), rows


def engine_invoices(entries: list[TimeEntry], book: RateBook) -> list[Invoice]:
    plan = plan_invoices(entries, default_currency="USD", rates=book)
    return [
        build_invoice(
            batch,
            terms=TERMS,
            number=f"INV-{index:05d}",
            issue_date=date(2024, 6, 1),
            bill_from=Party("Studio"),
            bill_to=Party(batch.client.name),
        )
        for index, batch in enumerate(plan.batches)
    ]


def _plain_invoice(lines: dict[tuple[str, str, int, str], list[Any]]) -> tuple[int, list[Any]]:
    """Per-line amounts and taxes (PER_LINE), discount spread over lines; the invoice total."""
    ordered = sorted(lines.items(), key=lambda kv: (kv[0][0] == "", kv[0][1].casefold(), kv[0]))
    amounts = [_half_up(_half_up(row[1], 36) * minor, 100) for (_, _, minor, _), row in ordered]
    subtotal = sum(amounts)
    net = subtotal - _half_up(subtotal * 5, 100)
    gross = subtotal * 100 or 1
    gst = [_half_up(a * 100 * net * 5, gross * 100) for a in amounts]
    qst = [
        _half_up((a * 100 * net + g * gross) * 399, gross * 4000)
        for a, g in zip(amounts, gst, strict=True)
    ]
    return net + sum(gst) + sum(qst), [(k, row[0], row[1], row[2]) for k, row in ordered]


def dict_invoices(entries: list[TimeEntry], book: RateBook) -> object:
    """Per client and currency, lines per project, rate and rate source, then amounts and taxes.

    Like the engine it keeps each line's entry ids and tracked seconds, rounds each entry up to
    15 minutes, skips non-work entries, sorts lines by project name and rounds each line amount
    and each line's two compound taxes once, after a 5 % discount spread over the lines.
    """
    invoices: dict[tuple[str, str], dict[tuple[str, str, int, str], list[Any]]] = {}
    for e in entries:
        if not e.billable or e.invoiced or e.client is None or e.type is not EntryType.REGULAR:
            continue
        project = (e.project.id, e.project.name) if e.project else ("", "Without project")
        rate = e.hourly_rate
        source = "ENTRY"
        if rate is None:
            rate, source = _plain_rate(e, book, project[0]), "BOOK"
        currency = rate.currency if rate else "USD"
        lines = invoices.get((e.client.id, currency))
        if lines is None:
            lines = invoices[(e.client.id, currency)] = {}
        key = (project[0], project[1], rate.minor if rate else 0, source)
        line = lines.get(key)
        if line is None:
            line = lines[key] = [0, 0, []]
        line[0] += e.duration
        line[1] += -(-e.duration // 900) * 900
        line[2].append(e.id)
    return {key: _plain_invoice(lines) for key, lines in invoices.items()}


Run = Callable[[list[TimeEntry], RateBook], object]
Pair = tuple[float, float]


def timed(engine: Run, plain: Run, entries: list[TimeEntry], book: RateBook, rounds: int) -> Pair:
    """Median CPU seconds of `rounds` untraced runs of each, alternated so load drift hits both.

    CPU time of this process, not wall time: the bench machine is shared, and waiting for a
    core says nothing about the code. Both runs are single-threaded, so the two agree on an idle
    machine. The garbage collector stays on, as in production.
    """
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        for run, found in ((engine, samples[0]), (plain, samples[1])):
            gc.collect()
            started = time.process_time()
            run(entries, book)
            found.append(time.process_time() - started)
    return statistics.median(samples[0]), statistics.median(samples[1])


def peak(run: Run, entries: list[TimeEntry], book: RateBook) -> int:
    """Peak bytes allocated during one traced run, the inputs excluded (they exist already)."""
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    result = run(entries, book)
    _, highest = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return highest


def machine() -> str:
    """CPU model and count, and the Python that ran the bench."""
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def check_same_figures(entries: list[TimeEntry], book: RateBook) -> None:
    """The baselines must compute what the engine computes, or the ratios mean nothing."""
    summary = engine_summary(entries, book)
    totals, rows = dict_summary(entries, book)  # type: ignore[misc]
    assert (summary.totals.duration, summary.totals.entries) == totals[0:3:2]
    assert [(r.key.id, r.totals.amounts[0].minor) for r in summary.rows] == [
        (row[0], row[2][3][0][0]) for row in rows
    ]
    invoices = engine_invoices(entries, book)
    plain = dict_invoices(entries, book)
    assert isinstance(plain, dict)
    by_key = {(i.client.id, i.currency): i for i in invoices}
    assert {key: i.total.minor for key, i in by_key.items()} == {k: v[0] for k, v in plain.items()}
    assert sum(len(i.lines) for i in invoices) == sum(len(v[1]) for v in plain.values())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()

    print(machine())
    tracemalloc.start()
    entries, book = generate(args.entries, args.seed)
    _, input_bytes = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{len(entries):,} entries generated; they hold {input_bytes / 2**20:.1f} MiB")
    check_same_figures(entries, book)

    for label, engine, plain, target in (
        ("summary  (3 groups)", engine_summary, dict_summary, 1.5),
        ("invoices (per client)", engine_invoices, dict_invoices, 3.0),
    ):
        engine_s, plain_s = timed(engine, plain, entries, book, args.rounds)
        engine_peak = peak(engine, entries, book)
        plain_peak = peak(plain, entries, book)
        ratio = engine_s / plain_s
        print(
            f"{label:22} engine {engine_s * 1000:6.0f} ms {engine_peak / 2**20:5.1f} MiB | "
            f"plain dicts {plain_s * 1000:5.0f} ms {plain_peak / 2**20:5.1f} MiB | "
            f"ratio time {ratio:4.2f}x (target {target:.1f}x: "
            f"{'met' if ratio <= target else 'MISSED'}), memory {engine_peak / plain_peak:4.1f}x"
        )
    invoices = engine_invoices(entries, book)
    lines = sum(len(invoice.lines) for invoice in invoices)
    print(f"{len(invoices)} invoices, {lines} lines")


if __name__ == "__main__":
    main()
