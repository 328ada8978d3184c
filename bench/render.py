"""Rendering a 1,000-line invoice and a 100,000-row detailed report as HTML, CSV, XLSX and PDF.

Each case runs in a child process of its own, so its peak RSS (`ru_maxrss`) is its own: the
interpreter, the imports and the input ("input": RSS once the input is built) plus what
rendering added. The child times `--rounds` untraced runs (`--detailed-rounds` for the detailed
report) and keeps the least CPU time (`time.process_time`: the machine is shared and loaded, so
wall time measures the neighbours), then one run under tracemalloc for the peak bytes allocated
during rendering, the already built input excluded. Each case has its own baseline, timed and
traced in the same child on the same input: `json.dumps` of the invoice's raw line tuples;
for the detailed report, `csv.writer` writing the very strings our CSV holds, XlsxWriter
(constant_memory) writing the same typed cells without formats, and bare escaped `<td>` rows
of the same page.
The ratio is case time / baseline time. The first line names the machine and its load.

Invoice cases call the public function a caller would, into memory. Detailed CSV and XLSX
stream (`write_entries_csv` into a counting sink, `write_entries_xlsx` into a file), so their
traced peak is what streaming holds. There is no detailed HTML page: "html" is the shared
`_table.html.j2` macro over one page of rows, what a sidebar would show, and "html-all" the
same macro over every row, which no page does. The detailed PDF stops at `DETAILED_MAX_ROWS`
(20,000) entries and counts the rest for its closing notice; its row says so.

Last, a child renders the same EN 16931 invoice (`bench/facturx_input.py`) as the plain PDF, as
CII and UBL XML and as the Factur-X PDF/A-3b, and prints each time against the plain PDF's.

    .venv/bin/python bench/render.py [--rows 100000] [--lines 1000] [--rounds 3]
                                     [--detailed-rounds 1] [--locale de_DE]
                                     [--only detailed:csv,invoice:pdf]
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from xlsxwriter import Workbook  # type: ignore[import-untyped]  # no stubs

from addon.render.csvfile import entries_csv, invoice_csv, write_entries_csv
from addon.render.detailed_table import DetailedRow, detailed_rows, detailed_table
from addon.render.html import _environment, render_invoice_html
from addon.render.i18n import Formatter
from addon.render.pdf import DETAILED_MAX_ROWS, render_detailed_pdf, render_invoice_pdf
from addon.render.xlsx import invoice_xlsx, write_entries_xlsx
from addon.reports.invoice import build_invoice, plan_invoices
from addon.reports.model import Invoice, Party, Ref, TimeEntry
from addon.reports.money import Money
from addon.reports.periods import DateRange
from addon.reports.terms import InvoiceTerms, LineGrouping, PercentDiscount, Tax, TaxMode
from bench.facturx_input import compare, make_einvoice
from bench.machine import machine

ZONE = "Europe/Berlin"
REPORTS = ("invoice", "detailed")
MIB = 2**20


def make_entries(count: int) -> list[TimeEntry]:
    """Deterministic entries over a year: 25 users, 60 projects, 40 tasks, USD and EUR rates."""
    users = [Ref(f"u{i}", f"User {i}") for i in range(25)]
    clients = [Ref(f"c{i}", f"Client {i}") for i in range(12)]
    projects = [Ref(f"p{i}", f"Project {i}") for i in range(60)]
    tasks = [Ref(f"t{i}", f"Task {i}") for i in range(40)]
    tags = [Ref(f"g{i}", f"tag {i}") for i in range(8)]
    rates = [Money(12000, "USD"), Money(9550, "EUR"), Money(8000, "USD")]
    start = datetime(2024, 1, 1, 8, tzinfo=UTC)
    entries = []
    for i in range(count):
        seconds = 300 + (i * 397) % 14_400
        begin = start + timedelta(minutes=5 * i)
        rate = rates[i % 3]
        entries.append(
            TimeEntry(
                id=f"e{i}",
                description=f"Work item {i % 997}",
                user=users[i % 25],
                project=projects[i % 60],
                client=clients[i % 12],
                task=tasks[i % 40] if i % 2 else None,
                tags=(tags[i % 8],) if i % 3 else (),
                start=begin,
                end=begin + timedelta(seconds=seconds),
                duration=seconds,
                billable=i % 5 != 0,
                invoiced=False,
                hourly_rate=rate,
                earned=Money(rate.minor * seconds // 3600, rate.currency),
            )
        )
    return entries


def make_invoice(lines: int) -> Invoice:
    """`lines` entry lines in USD with a 5% discount and two compound taxes."""
    start = datetime(2024, 5, 1, 8, tzinfo=UTC)
    client = Ref("c1", "Acme")
    entries = [
        TimeEntry(
            id=f"i{i}",
            description=f"Design review #{i}",
            user=Ref("u1", "Ann"),
            project=Ref("p1", "Website"),
            client=client,
            task=None,
            tags=(),
            start=start + timedelta(minutes=20 * i),
            end=start + timedelta(minutes=20 * i, seconds=900 + 37 * i),
            duration=900 + 37 * i,
            billable=True,
            invoiced=False,
            hourly_rate=Money(12000, "USD"),
        )
        for i in range(lines)
    ]
    (batch,) = plan_invoices(entries, default_currency="USD").batches
    terms = InvoiceTerms(
        grouping=LineGrouping.ENTRY,
        discount=PercentDiscount(Decimal(5)),
        taxes=(Tax("VAT", Decimal(19)), Tax("City", Decimal("2.5"))),
        tax_mode=TaxMode.COMPOUND,
        notes="Thank you.",
    )
    return build_invoice(
        batch,
        terms=terms,
        number="INV-2024-0042",
        issue_date=date(2024, 6, 1),
        bill_from=Party("Northwind Studio", "Hafenstr. 1\nHamburg"),
        bill_to=Party("Acme", "1 Road\nSpringfield"),
        period=DateRange(date(2024, 5, 1), date(2024, 5, 31)),
    )


def detailed_html(entries: list[TimeEntry], fmt: Formatter) -> str:
    template = _environment().from_string(
        '{% from "_table.html.j2" import data_table with context %}'
        '{{ data_table(table, "cr-detailed") }}'
    )
    return template.render(email=False, table=detailed_table(entries, fmt, zone=ZONE))


def invoice_json(invoice: Invoice) -> str:
    """Baseline: the invoice's raw figures as JSON (strings, ISO dates, minor units)."""
    lines = [
        (
            line.description,
            line.date.isoformat() if line.date else None,
            str(line.quantity),
            line.unit_price.minor,
            line.amount.minor,
        )
        for line in invoice.lines
    ]
    taxes = [(tax.tax.name, str(tax.tax.percent), tax.amount.minor) for tax in invoice.taxes]
    totals = (invoice.subtotal.minor, invoice.discount.minor, taxes, invoice.total.minor)
    return json.dumps({"number": invoice.number, "lines": lines, "totals": totals})


def entries_raw_csv(entries: list[TimeEntry]) -> str:
    """Baseline: one CSV row of raw fields per entry (no Babel, no neutralising, no layout)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    for e in entries:
        writer.writerow(
            (
                e.start.date().isoformat(),
                e.user.name,
                e.project.name if e.project else "",
                e.client.name if e.client else "",
                e.task.name if e.task else "",
                e.description,
                ",".join(tag.name for tag in e.tags),
                e.billable,
                e.duration,
                e.hourly_rate.minor if e.hourly_rate else "",
                e.earned.minor if e.earned else "",
            )
        )
    return out.getvalue()


Render = Callable[[], str | bytes | int]
Case = tuple[Render, Render, str]
PAGE = 200
"""Rows on one page of a detailed table, as a sidebar would show them (never 100,000)."""


class Sink(io.TextIOBase):
    """A text stream that only counts what it is given: streaming keeps nothing."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, text: str) -> int:
        self.size += len(text)
        return len(text)


def csv_streamed(entries: list[TimeEntry], fmt: Formatter) -> int:
    sink = Sink()
    write_entries_csv(entries, fmt, sink, zone=ZONE)
    return sink.size


def plain_csv(rows: list[list[str]]) -> int:
    """Baseline: csv.writer writing the same strings our CSV holds, row by row."""
    sink = Sink()
    writer = csv.writer(sink)
    for row in rows:
        writer.writerow(row)
    return sink.size


def xlsx_streamed(entries: list[TimeEntry], fmt: Formatter, path: str) -> int:
    write_entries_xlsx(entries, fmt, path, zone=ZONE)
    return Path(path).stat().st_size


def plain_xlsx(rows: list[DetailedRow], path: str) -> int:
    """Baseline: XlsxWriter (constant_memory) writing the same typed cells, no formats."""
    book = Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet()
    for index, (day, *names, billable, seconds, rate, earned) in enumerate(rows, start=1):
        sheet.write_datetime(index, 0, day)
        for col, name in enumerate((*names, "Ja" if billable else "Nein"), start=1):
            sheet.write_string(index, col, name)
        sheet.write_number(index, 8, seconds / 3600)
        for col, amount in ((9, rate), (10, earned)):
            if amount is not None:
                sheet.write_number(index, col, amount.minor / 100)
    book.close()
    return Path(path).stat().st_size


def plain_html(texts: list[list[str]]) -> str:
    """Baseline: the same cell texts, escaped, in bare <tr><td> rows."""
    return "".join(
        "<tr>" + "".join(f"<td>{escape(text)}</td>" for text in row) + "</tr>" for row in texts
    )


def cases(report: str, size: int, fmt: Formatter, scratch: str) -> dict[str, Case]:
    """Each renderer of one report with its baseline, closed over an input built now."""
    if report == "invoice":
        invoice = make_invoice(size)
        json_base: Render = lambda: invoice_json(invoice)  # noqa: E731
        return {
            "html": (lambda: render_invoice_html(invoice, fmt), json_base, ""),
            "csv": (lambda: invoice_csv(invoice, fmt), json_base, ""),
            "xlsx": (lambda: invoice_xlsx(invoice, fmt), json_base, ""),
            "pdf": (lambda: render_invoice_pdf(invoice, fmt), json_base, ""),
        }
    entries = make_entries(size)
    rows = list(csv.reader(io.StringIO(entries_csv(entries, fmt, zone=ZONE))))[1:]
    typed = list(detailed_rows(entries, ZONE))
    page = entries[:PAGE]
    texts = [[cell.text for cell in row.cells] for row in detailed_table(page, fmt).rows]
    raw: Render = lambda: entries_raw_csv(entries)  # noqa: E731
    capped = f"capped at {DETAILED_MAX_ROWS:,} rows + notice; base: csv of raw tuples"
    return {
        "html": (
            lambda: detailed_html(page, fmt),
            lambda: plain_html(texts),
            f"one page ({PAGE} rows, what a sidebar shows); base: escaped <td> join",
        ),
        "html-all": (
            lambda: detailed_html(entries, fmt),
            raw,
            "all rows through the table macro (no page does this); base: csv of raw tuples",
        ),
        "csv": (
            lambda: csv_streamed(entries, fmt),
            lambda: plain_csv(rows),
            "streamed; base: csv.writer of the same strings",
        ),
        "xlsx": (
            lambda: xlsx_streamed(entries, fmt, f"{scratch}/ours.xlsx"),
            lambda: plain_xlsx(typed, f"{scratch}/plain.xlsx"),
            "streamed to a file; base: XlsxWriter typed cells, no formats",
        ),
        "pdf": (
            lambda: render_detailed_pdf(entries, fmt, title="Detailed report", zone=ZONE),
            raw,
            capped,
        ),
    }


def current_rss() -> int:
    """Resident bytes now (Linux /proc), to split peak RSS into input and rendering."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize()


def timed(run: Render, rounds: int) -> tuple[float, int]:
    """Least CPU seconds of `rounds` untraced runs, and the output's size in bytes (UTF-8)."""
    samples, size = [], 0
    for _ in range(rounds):
        gc.collect()
        started = time.process_time()
        result = run()
        samples.append(time.process_time() - started)
        if isinstance(result, int):
            size = result
        else:
            size = len(result.encode() if isinstance(result, str) else result)
        del result
    return min(samples), size


def traced(run: Render) -> int:
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    result = run()
    _, highest = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return highest


def child(report: str, kind: str, size: int, rounds: int, locale: str) -> None:
    """One case in this process: print its figures as one JSON line.

    A small input renders first (imports, templates, fonts, Babel data), so the timed rounds
    measure rendering; RSS before is taken once the real input exists.
    """
    fmt = Formatter(locale)
    with tempfile.TemporaryDirectory() as scratch:
        warm, warm_base, _ = cases(report, 50, fmt, scratch)[kind]
        warm()
        warm_base()
        run, baseline, _ = cases(report, size, fmt, scratch)[kind]
        gc.collect()
        before = current_rss()
        seconds, output = timed(run, rounds)
        peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
        base_seconds, _ = timed(baseline, rounds)
        figures = {
            "seconds": seconds,
            "baseline": base_seconds,
            "output": output,
            "rss_before": before,
            "rss_peak": peak_rss,
            "traced_peak": traced(run),
            "base_traced_peak": traced(baseline),
        }
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000, help="detailed report entries")
    parser.add_argument("--lines", type=int, default=1_000, help="invoice lines")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs per invoice case")
    parser.add_argument(
        "--detailed-rounds", type=int, default=1, help="timed runs per detailed case (slow)"
    )
    parser.add_argument("--locale", default="de_DE")
    parser.add_argument("--only", help="run only these cases, e.g. detailed:csv (comma-separated)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "invoice:facturx":
        invoice, xml = make_einvoice(args.lines)
        print(json.dumps(compare(invoice, xml, Formatter(args.locale), args.rounds)))
        return
    if args.child:
        report, kind = args.child.split(":")
        if report == "invoice":
            child(report, kind, args.lines, args.rounds, args.locale)
        else:
            child(report, kind, args.rows, args.detailed_rounds, args.locale)
        return

    print(machine())
    print(
        f"invoice: {args.lines:,} lines | detailed: {args.rows:,} entries | "
        f"locale {args.locale} | best CPU time of {args.rounds} (invoice), {args.detailed_rounds} "
        "(detailed) untraced runs | one child process per case, baseline timed in it"
    )
    header = (
        f"{'report':9} {'format':8} {'seconds':>8} {'base s':>7} {'x base':>7} {'traced':>9} "
        f"{'base tr.':>9} {'RSS peak':>9} {'(input)':>9} {'output':>9}  note"
    )
    print(header)
    print("-" * len(header))
    for report in REPORTS:
        with tempfile.TemporaryDirectory() as scratch:
            kinds = list(cases(report, 1, Formatter(args.locale), scratch))
        for kind in kinds:
            if args.only and f"{report}:{kind}" not in args.only.split(","):
                continue
            command = [sys.executable, __file__, "--child", f"{report}:{kind}"]
            command += ["--rows", str(args.rows), "--lines", str(args.lines)]
            command += ["--rounds", str(args.rounds), "--locale", args.locale]
            command += ["--detailed-rounds", str(args.detailed_rounds)]
            done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            with tempfile.TemporaryDirectory() as scratch:
                note = cases(report, 1, Formatter(args.locale), scratch)[kind][2]
            if report == "invoice":
                note = "base: json.dumps of raw tuples"
            print(
                f"{report:9} {kind:8} {figures['seconds']:8.2f} {figures['baseline']:7.2f} "
                f"{figures['seconds'] / figures['baseline']:6.1f}x "
                f"{figures['traced_peak'] / MIB:5.1f} MiB "
                f"{figures['base_traced_peak'] / MIB:5.1f} MiB "
                f"{figures['rss_peak'] / MIB:5.0f} MiB "
                f"{figures['rss_before'] / MIB:5.0f} MiB {figures['output'] / 1e6:6.2f} MB  {note}"
            )

    if args.only and "invoice:facturx" not in args.only.split(","):
        return
    command = [sys.executable, __file__, "--child", "invoice:facturx", "--lines", str(args.lines)]
    command += ["--rounds", str(args.rounds), "--locale", args.locale]
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    pdfs = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"\nE-invoices of one invoice, {args.lines:,} lines, one 19% VAT, same child:")
    for key, label in (
        ("pdf", "plain PDF"),
        ("cii", "CII XML (Factur-X, XRechnung)"),
        ("ubl", "UBL XML (Peppol, XRechnung)"),
        ("facturx", "Factur-X PDF/A-3b (its XML included)"),
    ):
        print(
            f"  {label:38} {pdfs[key]:6.3f} s {pdfs[f'{key}_size'] / 1e6:6.2f} MB "
            f"{pdfs[key] / pdfs['pdf']:6.2f}x plain PDF"
        )


if __name__ == "__main__":
    main()
