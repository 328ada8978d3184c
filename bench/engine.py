"""Summary and invoices from 100,000 generated entries: time and peak memory, against plain dicts.

The engine runs are `build_summary` (PROJECT > USER > DATE in Europe/Berlin) and
`plan_invoices` + `build_invoice` for every client and currency (rates partly resolved through a
`RateBook`, 15-minute rounding per entry, a discount and two compound taxes). The baselines,
measured in the same process on the same entry objects, do the same arithmetic with bare dicts and
tuples: group keys, local dates, integer minor-unit sums, one rounding per figure. Times are the
median of `--rounds` runs without tracing; peak memory is measured in a separate, traced run.

    .venv/bin/python bench/engine.py [--entries 100000] [--rounds 3] [--seed 5]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from addon.reports.aggregate import build_summary
from addon.reports.invoice import build_invoice, plan_invoices
from addon.reports.model import GroupBy, Party, Ref, TimeEntry
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


def engine_summary(entries: list[TimeEntry], book: RateBook) -> object:
    return build_summary(
        entries, [GroupBy.PROJECT, GroupBy.USER, GroupBy.DATE], zone=ZONE, rates=book
    )


def dict_summary(entries: list[TimeEntry], book: RateBook) -> object:
    """The same three-level totals with nested dicts and lists, rates looked up inline."""
    tz = ZoneInfo(ZONE)
    tree: dict[str, dict[str, dict[str, list[int]]]] = {}
    amounts: dict[tuple[str, str, str, str], int] = {}
    for e in entries:
        day = e.start.astimezone(tz).date().isoformat()
        project = e.project.id if e.project else ""
        row = tree.setdefault(project, {}).setdefault(e.user.id, {}).setdefault(day, [0, 0, 0])
        row[0] += e.duration
        row[1] += e.duration if e.billable else 0
        row[2] += 1
        if e.billable:
            rate = e.hourly_rate or book.members.get(e.user.id) or book.projects.get(project)
            rate = rate or book.workspace
            if rate is not None:
                key = (project, e.user.id, day, rate.currency)
                amounts[key] = amounts.get(key, 0) + rate.minor * e.duration
    return tree, {key: (value * 2 + 3600) // 7200 for key, value in amounts.items()}


def engine_invoices(entries: list[TimeEntry], book: RateBook) -> object:
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


def dict_invoices(entries: list[TimeEntry], book: RateBook) -> object:
    """Per client, currency, project and rate: 15-minute-up seconds, then amounts and taxes."""
    lines: dict[tuple[str, str], dict[tuple[str, int], int]] = {}
    for e in entries:
        if not e.billable or e.invoiced or e.client is None:
            continue
        project = e.project.id if e.project else ""
        rate = e.hourly_rate or book.members.get(e.user.id) or book.projects.get(project)
        rate = rate or book.workspace
        currency = rate.currency if rate else "USD"
        key = (project, rate.minor if rate else 0)
        billed = -(-e.duration // 900) * 900
        bucket = lines.setdefault((e.client.id, currency), {})
        bucket[key] = bucket.get(key, 0) + billed
    totals = {}
    for invoice, rows in lines.items():
        subtotal = sum((((s * 2 + 36) // 72) * r * 2 + 100) // 200 for (_, r), s in rows.items())
        net = subtotal - (subtotal * 5 * 2 + 100) // 200
        gst = (net * 5 * 2 + 100) // 200
        qst = ((net + gst) * 9975 * 2 + 100000) // 200000
        totals[invoice] = net + gst + qst
    return totals


Run = Callable[[list[TimeEntry], RateBook], object]


def timed(run: Run, entries: list[TimeEntry], book: RateBook, rounds: int) -> float:
    """Median wall time in seconds of `rounds` untraced runs (garbage collector on, as in prod)."""
    samples = []
    for _ in range(rounds):
        gc.collect()
        started = time.perf_counter()
        run(entries, book)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()

    tracemalloc.start()
    entries, book = generate(args.entries, args.seed)
    _, input_bytes = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{len(entries):,} entries generated; they hold {input_bytes / 2**20:.1f} MiB")

    for label, engine, plain in (
        ("summary  (3 groups)", engine_summary, dict_summary),
        ("invoices (per client)", engine_invoices, dict_invoices),
    ):
        engine_s = timed(engine, entries, book, args.rounds)
        plain_s = timed(plain, entries, book, args.rounds)
        engine_peak = peak(engine, entries, book)
        plain_peak = peak(plain, entries, book)
        print(
            f"{label:22} engine {engine_s * 1000:7.0f} ms {engine_peak / 2**20:6.1f} MiB | "
            f"plain dicts {plain_s * 1000:6.0f} ms {plain_peak / 2**20:6.1f} MiB | "
            f"ratio time {engine_s / plain_s:4.1f}x, memory {engine_peak / plain_peak:4.1f}x"
        )
    invoices = engine_invoices(entries, book)
    assert isinstance(invoices, list)
    lines = sum(len(invoice.lines) for invoice in invoices)
    print(f"{len(invoices)} invoices, {lines} lines")


if __name__ == "__main__":
    main()
