"""Issued invoices: unique, consecutive numbers under concurrency; immutable snapshots."""

from __future__ import annotations

import multiprocessing
import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from addon.reports.invoice import InvoiceBatch, build_invoice, plan_invoices
from addon.reports.model import Invoice, Party
from addon.reports.numbering import CounterScope, NumberingSettings
from addon.reports.terms import InvoiceTerms, PercentDiscount, Tax, TaxMode
from addon.services.invoices import issue_draft, load_invoice
from addon.store.db import create_db_engine, make_session_factory
from addon.store.models import IssuedInvoice
from tests.unit.reports.builders import ACME, GLOBEX, make_entry, make_expense, usd

WS = "64b0c1d2e3f4a5b6c7d8e9f0"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TERMS = InvoiceTerms(
    discount=PercentDiscount(Decimal("5")),
    taxes=(Tax("VAT", Decimal("19")), Tax("City", Decimal("2.5"))),
    tax_mode=TaxMode.COMPOUND,
)


def _batch(client: object = ACME) -> InvoiceBatch:
    entries = [
        make_entry(id=f"e{i}", seconds=1800 + 600 * i, rate=usd("120.00"), client=client)  # type: ignore[arg-type]
        for i in range(5)
    ]
    expenses = [make_expense(id="x1", amount=usd("42.10"), client=client)]  # type: ignore[arg-type]
    return plan_invoices(entries, expenses, default_currency="USD").batches[0]


def _issue_batch(
    session: Session,
    *,
    workspace_id: str,
    batch: InvoiceBatch,
    terms: InvoiceTerms,
    numbering: NumberingSettings,
    issue_date: date,
    bill_from: Party,
    bill_to: Party,
    now: datetime,
) -> Invoice:
    """Build the batch's draft as a report job would, then issue it as the issue route does."""
    draft = build_invoice(
        batch,
        terms=terms,
        number="DRAFT",
        issue_date=issue_date,
        bill_from=bill_from,
        bill_to=bill_to,
    )
    return issue_draft(
        session,
        workspace_id=workspace_id,
        draft=draft,
        numbering=numbering,
        issue_date=issue_date,
        now=now,
    )


def _issue(url: str, numbering: NumberingSettings, client: object = ACME) -> Invoice:
    engine = create_db_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            return _issue_batch(
                session,
                workspace_id=WS,
                batch=_batch(client),
                terms=TERMS,
                numbering=numbering,
                issue_date=date(2026, 11, 23),
                bill_from=Party("Northwind Studio"),
                bill_to=Party("Acme", "1 Road", "a@acme.test"),
                now=NOW,
            )
    finally:
        engine.dispose()


PLAIN = NumberingSettings(pattern="INV-{YYYY}-{seq:4}")


def test_numbers_follow_the_pattern_and_the_snapshot_reloads_equal(db_url: str) -> None:
    first = _issue(db_url, PLAIN)
    second = _issue(db_url, PLAIN)

    assert (first.number, second.number) == ("INV-2026-0001", "INV-2026-0002")
    engine = create_db_engine(db_url)
    with make_session_factory(engine)() as session:
        assert load_invoice(session, WS, first.number) == first
        assert load_invoice(session, WS, "INV-2026-9999") is None
    engine.dispose()


def test_a_rolled_back_issue_leaves_no_gap(db_url: str) -> None:
    engine = create_db_engine(db_url)
    sessions = make_session_factory(engine)
    with pytest.raises(RuntimeError), sessions.begin() as session:
        _issue_batch(
            session,
            workspace_id=WS,
            batch=_batch(),
            terms=TERMS,
            numbering=PLAIN,
            issue_date=date(2026, 11, 23),
            bill_from=Party("N"),
            bill_to=Party("A"),
            now=NOW,
        )
        raise RuntimeError("rendering failed after numbering")
    engine.dispose()

    assert _issue(db_url, PLAIN).number == "INV-2026-0001"


def test_per_client_counters_with_a_start_offset(db_url: str) -> None:
    numbering = NumberingSettings(
        pattern="{client}-{seq:3}", scope=CounterScope.PER_CLIENT, start=100
    )

    numbers = [_issue(db_url, numbering, client).number for client in (ACME, GLOBEX, ACME)]

    assert numbers == ["ACME-100", "GLOBEX-100", "ACME-101"]


def test_concurrent_threads_get_distinct_consecutive_numbers(db_url: str) -> None:
    numbers: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(6)

    def worker() -> None:
        barrier.wait()
        for _ in range(4):
            number = _issue(db_url, PLAIN).number
            with lock:
                numbers.append(number)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(numbers) == [f"INV-2026-{n:04d}" for n in range(1, 25)]


def _process_worker(url: str, count: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    queue.put([_issue(url, PLAIN).number for _ in range(count)])


@pytest.mark.postgres
def test_concurrent_processes_get_distinct_consecutive_numbers_on_postgresql(
    postgres: object,
) -> None:
    url = postgres.new_database()  # type: ignore[attr-defined]
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [context.Process(target=_process_worker, args=(url, 5, queue)) for _ in range(4)]
    for process in processes:
        process.start()
    numbers = [n for _ in processes for n in queue.get(timeout=120)]
    for process in processes:
        process.join(timeout=30)

    assert sorted(numbers) == [f"INV-2026-{n:04d}" for n in range(1, 21)]
    engine = create_db_engine(url)
    with make_session_factory(engine)() as session:
        assert len(session.scalars(select(IssuedInvoice)).all()) == 20
    engine.dispose()
