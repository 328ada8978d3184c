"""Claims on SQLite and PostgreSQL: one winner per (schedule, due) under concurrency, takeover
only after the lease expired (again one winner), admin re-send, and the purge on DELETED."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from addon.mail.compose import Recipients
from addon.schedules import Cadence
from addon.services.schedule_spec import ScheduleSpec
from addon.services.schedules import save_schedule
from addon.store import runs as run_store
from addon.store import schedules as store
from addon.store.db import create_db_engine, make_session_factory
from addon.store.models import DeliveryRun, DeliveryState, Schedule
from addon.store.repositories import purge_workspace

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)
DUE = date(2026, 3, 2)
PERIOD = (date(2026, 2, 23), date(2026, 3, 1))
WORKSPACE = "w" * 24


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = create_db_engine(db_url, pool_size=25, max_overflow=0)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


def _spec() -> ScheduleSpec:
    return ScheduleSpec(
        name="Weekly hours",
        cadence=Cadence.daily(hour=8, zone="UTC"),
        recipients=Recipients.parse(["boss@example.com"]),
    )


@pytest.fixture
def schedule(sessions: sessionmaker[Session]) -> Schedule:
    with sessions.begin() as session:
        return save_schedule(session, WORKSPACE, _spec(), created_by="u1", now=NOW)


def _race(count: int, attempt: Callable[[int], bool]) -> list[int]:
    """Run `attempt(i)` in `count` threads released together; the indices that won."""
    barrier = threading.Barrier(count)
    winners: list[int] = []
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            if attempt(index):
                winners.append(index)
        except BaseException as exc:  # surfaced below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return winners


def test_twenty_threads_claiming_one_run_leave_exactly_one_owner(
    sessions: sessionmaker[Session], schedule: Schedule
) -> None:
    def claim(index: int) -> bool:
        with sessions.begin() as session:
            run = run_store.claim_run(session, schedule, DUE, PERIOD, f"p{index}", NOW, LEASE)
            return run is not None

    winners = _race(20, claim)

    assert len(winners) == 1
    with sessions() as session:
        runs = session.scalars(select(DeliveryRun)).all()
    assert [(r.lease_owner, r.state, r.attempts) for r in runs] == [
        (f"p{winners[0]}", "claimed", 1)
    ]


def test_a_lease_is_taken_over_only_after_it_expired_and_by_one_process(
    sessions: sessionmaker[Session], schedule: Schedule
) -> None:
    with sessions.begin() as session:
        run = run_store.claim_run(session, schedule, DUE, PERIOD, "crashed", NOW, LEASE)
        assert run is not None
        run_id = run.id
    with sessions.begin() as session:
        early = run_store.take_over_expired(session, run_id, "eager", NOW + LEASE, LEASE)
    assert early is None

    later = NOW + LEASE + timedelta(seconds=1)

    def take(index: int) -> bool:
        with sessions.begin() as session:
            return (
                run_store.take_over_expired(session, run_id, f"p{index}", later, LEASE) is not None
            )

    winners = _race(20, take)

    assert len(winners) == 1
    with sessions() as session:
        taken = session.get(DeliveryRun, run_id)
        assert taken is not None
        assert (taken.lease_owner, taken.attempts) == (f"p{winners[0]}", 2)
        assert taken.lease_expires_at == later + LEASE


def test_only_the_owner_finishes_and_a_failed_run_can_be_reset_for_resend(
    sessions: sessionmaker[Session], schedule: Schedule
) -> None:
    with sessions.begin() as session:
        run = run_store.claim_run(session, schedule, DUE, PERIOD, "me", NOW, LEASE)
        assert run is not None
        run_id = run.id
    with sessions.begin() as session:
        assert not run_store.finish_run(session, run_id, "other", DeliveryState.SENT, now=NOW)
        assert run_store.finish_run(
            session, run_id, "me", DeliveryState.FAILED, now=NOW, error="smtp_rejected: 550"
        )

    with sessions.begin() as session:
        assert run_store.reset_for_resend(session, WORKSPACE, run_id, NOW)
        assert not run_store.reset_for_resend(session, WORKSPACE, run_id, NOW)  # no longer failed
    with sessions.begin() as session:
        assert list(run_store.expired_runs(session, NOW)) == []  # no installation: not runnable
        taken = run_store.take_over_expired(session, run_id, "admin", NOW, LEASE)
        assert taken is not None and taken.attempts == 2
    with sessions() as session:
        log = run_store.delivery_log(session, WORKSPACE)
    assert [(r.id, r.state, r.last_error) for r in log] == [
        (run_id, "claimed", "smtp_rejected: 550")
    ]


def test_deleting_a_schedule_or_purging_its_workspace_removes_its_runs(
    sessions: sessionmaker[Session], schedule: Schedule
) -> None:
    with sessions.begin() as session:
        other = save_schedule(session, WORKSPACE, _spec(), created_by=None, now=NOW)
        for row in (schedule, other):
            run_store.claim_run(session, row, DUE, PERIOD, "me", NOW, LEASE)

    with sessions.begin() as session:
        assert store.delete_schedule(session, WORKSPACE, schedule.id)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(DeliveryRun)) == 1
    with sessions.begin() as session:
        purge_workspace(session, WORKSPACE)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Schedule)) == 0
        assert session.scalar(select(func.count()).select_from(DeliveryRun)) == 0
