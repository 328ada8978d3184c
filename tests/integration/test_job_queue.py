"""The report-job queue's statements on SQLite and PostgreSQL: claims, the per-workspace limit,
takeover of a dead runner's job, the owner fence, hand-back and expiry.

The statements are what makes `python -m addon worker` safe to run many times over; the
multi-process test (tests/integration/test_job_workers.py) shows the same through real processes.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from addon.runtime import Runtime
from addon.store import jobs as store

T0 = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


def _rules(now: datetime = T0) -> store.Lease:
    return store.Lease(
        now=now, alive_since=now - LEASE, queued_since=now - timedelta(minutes=15), max_attempts=3
    )


def _queue(runtime: Runtime, workspace: str, *, at: datetime = T0) -> str:
    with runtime.sessions.begin() as db:
        job = store.create_job(
            db,
            workspace_id=workspace,
            user_id="u",
            kind="summary",
            request={},
            cache_key="k",
            now=at,
        )
        return job.id


def _claim(runtime: Runtime, owner: str, *, now: datetime = T0, limit: int = 2) -> str | None:
    with runtime.sessions.begin() as db:
        job = store.claim_next(db, owner=owner, lease=_rules(now), per_workspace=limit)
        return None if job is None else job.id


def _finish(runtime: Runtime, job_id: str, owner: str, now: datetime = T0) -> bool:
    with runtime.sessions.begin() as db:
        return store.finish_job(db, job_id, owner=owner, now=now, result={"ok": True})


def _row(runtime: Runtime, job_id: str) -> store.ReportJob:
    with runtime.sessions() as db:
        job = db.get(store.ReportJob, job_id)
        assert job is not None
        return job


def test_jobs_are_claimed_oldest_first_once_each(runtime: Runtime) -> None:
    first = _queue(runtime, "w1", at=T0 - timedelta(seconds=2))
    second = _queue(runtime, "w2", at=T0 - timedelta(seconds=1))

    assert _claim(runtime, "a") == first
    assert _claim(runtime, "b") == second
    assert _claim(runtime, "c") is None
    row = _row(runtime, first)
    assert (row.state, row.owner, row.attempts, row.stage) == ("running", "a", 1, "starting")


def test_a_workspace_runs_at_most_its_limit_and_others_are_not_held_up(runtime: Runtime) -> None:
    busy = [_queue(runtime, "busy", at=T0 - timedelta(seconds=9 - i)) for i in range(3)]
    other = _queue(runtime, "other")

    claimed = [_claim(runtime, f"r{i}") for i in range(4)]

    assert claimed == [busy[0], busy[1], other, None]  # busy's third waits, other's does not
    assert _finish(runtime, busy[0], "r0")
    assert _claim(runtime, "r9") == busy[2]


def test_a_dead_runners_job_is_taken_over_and_the_old_owner_can_no_longer_write(
    runtime: Runtime,
) -> None:
    job_id = _queue(runtime, "w")
    assert _claim(runtime, "dead") == job_id
    later = T0 + LEASE + timedelta(seconds=1)  # no heartbeat since the claim

    assert _claim(runtime, "alive", now=T0 + timedelta(seconds=5)) is None  # lease not up yet
    assert _claim(runtime, "alive", now=later) == job_id

    with runtime.sessions.begin() as db:
        assert not store.record_progress(
            db, job_id, owner="dead", stage="entries", entries=1, pages=1, now=later
        )
    assert not _finish(runtime, job_id, "dead", later)
    assert _finish(runtime, job_id, "alive", later)
    row = _row(runtime, job_id)
    assert (row.state, row.owner, row.attempts) == ("done", "alive", 2)


def test_jobs_given_up_on_stay_put(
    runtime: Runtime,
) -> None:
    poison = _queue(runtime, "w")
    for n in range(3):
        now = T0 + n * (LEASE + timedelta(seconds=1))
        assert _claim(runtime, f"r{n}", now=now) == poison
    stale = _queue(runtime, "w2", at=T0 - timedelta(minutes=16))
    abandoned = _queue(runtime, "w3", at=T0 - timedelta(minutes=20))
    assert _claim(runtime, "gone", now=T0 - timedelta(minutes=20)) == abandoned

    assert _claim(runtime, "r9", now=T0 + 3 * (LEASE + timedelta(seconds=1))) is None
    assert _row(runtime, poison).attempts == 3
    assert _row(runtime, stale).state == "queued"
    assert _row(runtime, abandoned).owner == "gone"  # its heartbeat is older than any wait


def test_a_stopping_runner_hands_its_jobs_back_without_spending_an_attempt(
    runtime: Runtime,
) -> None:
    job_id = _queue(runtime, "w")
    assert _claim(runtime, "leaving") == job_id

    with runtime.sessions.begin() as db:
        assert store.release_jobs(db, "someone-else", [job_id]) == 0
        assert store.release_jobs(db, "leaving", [job_id]) == 1

    row = _row(runtime, job_id)
    assert (row.state, row.owner, row.attempts) == ("queued", None, 0)
    assert _claim(runtime, "next") == job_id
    assert not _finish(runtime, job_id, "leaving")


def test_concurrent_claimers_never_share_a_job_nor_exceed_a_workspaces_limit(
    runtime: Runtime,
) -> None:
    queued = {_queue(runtime, f"w{i % 3}", at=T0 - timedelta(seconds=i)) for i in range(18)}
    claims: list[tuple[str, str]] = []
    lock = threading.Lock()
    start = threading.Barrier(6)

    def claimer(name: str) -> None:
        start.wait()
        while (job_id := _claim(runtime, name)) is not None:
            with lock:
                claims.append((name, job_id))

    threads = [threading.Thread(target=claimer, args=(f"c{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    ids = [job_id for _, job_id in claims]
    assert len(ids) == len(set(ids)) == 6, claims  # two per workspace, none twice
    assert set(ids) <= queued
    per_workspace: dict[str, int] = {}
    for job_id in ids:
        workspace = _row(runtime, job_id).workspace_id
        per_workspace[workspace] = per_workspace.get(workspace, 0) + 1
    assert per_workspace == {"w0": 2, "w1": 2, "w2": 2}
