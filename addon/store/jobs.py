"""Report jobs: create, claim, lease, report progress, finish. Functions over a Session; they
never commit.

A job belongs to one workspace, and every read takes the workspace id, so a session of another
workspace cannot see a job even with its id.

The table is the queue (`addon.jobs.runner` runs it). Claiming and every write of the worker
holding a job are compare-and-set statements, one winner on SQLite and PostgreSQL alike:

* `claim_next`: `UPDATE ... SET owner = :me WHERE id = :id AND <still claimable>`. A second
  claimer's UPDATE re-reads the row after the first commits and matches nothing. Before it, the
  workspace is locked (PostgreSQL: a transaction-scoped advisory lock; SQLite: its one writer)
  and its running jobs counted, so the per-workspace limit holds across every process.
  A workspace another claimer is locking is skipped, not awaited: no claimer ever waits.
* `record_progress` and `finish_job` match `owner = :me`: a worker that stalled past its lease
  and was taken over can no longer write, so a job's result is stored once, by its last owner.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, func, or_, select, text, update
from sqlalchemy.orm import Session, undefer

from addon.store.db import rowcount
from addon.store.models import ReportJob

__all__ = [
    "IN_PROGRESS",
    "JobState",
    "Lease",
    "claim_next",
    "count_active",
    "create_job",
    "find_fresh",
    "finish_job",
    "get_job",
    "lock_job",
    "purge_old_jobs",
    "record_progress",
    "release_jobs",
]


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


IN_PROGRESS = frozenset({JobState.QUEUED.value, JobState.RUNNING.value})


@dataclass(frozen=True, slots=True)
class Lease:
    """When jobs count as alive, as of one `now`: the queue's rules as cut-off times.

    A queued job waits at most until `queued_since` (after that no one is waiting for it); a
    running job whose heartbeat is older than `alive_since` lost its process and may be claimed
    again while it has been started fewer than `max_attempts` times, and for as long as a
    queued one would wait.
    """

    now: datetime
    alive_since: datetime
    queued_since: datetime
    max_attempts: int

    def waiting(self) -> ColumnElement[bool]:
        return and_(
            ReportJob.state == JobState.QUEUED.value, ReportJob.created_at >= self.queued_since
        )

    def alive(self) -> ColumnElement[bool]:
        return and_(
            ReportJob.state == JobState.RUNNING.value, ReportJob.heartbeat_at >= self.alive_since
        )

    def orphaned(self) -> ColumnElement[bool]:
        """Running, its heartbeat stopped, still worth resuming (not given up on, not too old)."""
        return and_(
            ReportJob.state == JobState.RUNNING.value,
            ReportJob.heartbeat_at < self.alive_since,
            ReportJob.heartbeat_at >= self.queued_since,
            ReportJob.attempts < self.max_attempts,
        )


def count_active(session: Session, workspace_id: str, lease: Lease) -> int:
    """The workspace's jobs someone may still build: waiting, running, or orphaned to resume."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(ReportJob)
            .where(ReportJob.workspace_id == workspace_id)
            .where(or_(lease.waiting(), lease.alive(), lease.orphaned()))
        )
        or 0
    )


def _lock_workspace(session: Session, workspace_id: str) -> bool:
    """Hold the workspace's claim lock until commit, so its running count stays true; False
    when another claimer holds it (that workspace is skipped this time round).

    PostgreSQL: a transaction-scoped advisory lock, tried rather than awaited, because a
    claimer that waited for one workspace while holding another's could deadlock. SQLite: the
    no-op write begins the transaction and takes the database's one write lock (waiting up to
    the busy timeout); everything after it reads under that lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        digest = hashlib.blake2b(f"report_job:{workspace_id}".encode(), digest_size=8).digest()
        key = int.from_bytes(digest, "big", signed=True)
        taken = session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": key})
        return bool(taken)
    session.execute(
        update(ReportJob)
        .where(ReportJob.workspace_id == workspace_id, ReportJob.id == "")
        .values(stage=ReportJob.stage)
    )
    return True


def claim_next(
    session: Session, *, owner: str, lease: Lease, per_workspace: int, scan: int = 32
) -> ReportJob | None:
    """Claim the oldest claimable job whose workspace runs fewer than `per_workspace`; or None.

    Claimable means waiting, or orphaned by a process that stopped heartbeating. The claim
    sets the owner, counts an attempt and starts the heartbeat; the caller commits at once.
    """
    candidates = session.execute(
        select(ReportJob.id, ReportJob.workspace_id)
        .where(or_(lease.waiting(), lease.orphaned()))
        .order_by(ReportJob.created_at)
        .limit(scan)
    ).all()
    full: set[str] = set()
    for job_id, workspace_id in candidates:
        if workspace_id in full or not _lock_workspace(session, workspace_id):
            full.add(workspace_id)
            continue
        running = session.scalar(
            select(func.count())
            .select_from(ReportJob)
            .where(ReportJob.workspace_id == workspace_id, lease.alive())
        )
        if (running or 0) >= per_workspace:
            full.add(workspace_id)
            continue
        claimed = session.execute(
            update(ReportJob)
            .where(ReportJob.id == job_id, or_(lease.waiting(), lease.orphaned()))
            .values(
                state=JobState.RUNNING.value,
                owner=owner,
                attempts=ReportJob.attempts + 1,
                stage="starting",
                entries=0,
                pages=0,
                heartbeat_at=lease.now,
            )
        )
        if rowcount(claimed) == 1:
            return session.scalars(
                select(ReportJob)
                .where(ReportJob.id == job_id)
                .execution_options(populate_existing=True)
            ).one()
    return None


def release_jobs(session: Session, owner: str, job_ids: Collection[str]) -> int:
    """Hand `owner`'s unfinished jobs back to the queue (a worker stopping gracefully).

    The attempt is given back too: a deploy is not the job's fault.
    """
    if not job_ids:
        return 0
    result = session.execute(
        update(ReportJob)
        .where(
            ReportJob.id.in_(list(job_ids)),
            ReportJob.owner == owner,
            ReportJob.state == JobState.RUNNING.value,
        )
        .values(
            state=JobState.QUEUED.value,
            owner=None,
            stage="queued",
            attempts=case((ReportJob.attempts > 0, ReportJob.attempts - 1), else_=0),
        )
    )
    return rowcount(result)


def create_job(
    session: Session,
    *,
    workspace_id: str,
    user_id: str,
    kind: str,
    request: dict[str, Any],
    cache_key: str,
    now: datetime,
) -> ReportJob:
    job = ReportJob(
        id=uuid.uuid4().hex,
        workspace_id=workspace_id,
        user_id=user_id,
        kind=kind,
        request=request,
        cache_key=cache_key,
        state=JobState.QUEUED.value,
        stage="queued",
        entries=0,
        pages=0,
        created_at=now,
        heartbeat_at=now,
    )
    session.add(job)
    session.flush()
    return job


def get_job(
    session: Session, workspace_id: str, job_id: str, *, with_snapshot: bool = False
) -> ReportJob | None:
    query = select(ReportJob).where(ReportJob.workspace_id == workspace_id, ReportJob.id == job_id)
    if with_snapshot:
        query = query.options(undefer(ReportJob.snapshot))
    return session.scalars(query).one_or_none()


def lock_job(session: Session, workspace_id: str, job_id: str) -> ReportJob | None:
    """The job, locked against other writers until commit, read after the lock was taken.

    Why the no-op UPDATE first: SQLite has no `FOR UPDATE`, and its deferred transactions let
    two issuers read the same draft before either writes (a test caught five numbers for one
    draft). Writing first takes SQLite's write lock, and PostgreSQL's row lock, before the read.
    """
    session.execute(
        update(ReportJob)
        .where(ReportJob.workspace_id == workspace_id, ReportJob.id == job_id)
        .values(heartbeat_at=ReportJob.heartbeat_at)
    )
    return session.scalars(
        select(ReportJob)
        .where(ReportJob.workspace_id == workspace_id, ReportJob.id == job_id)
        .options(undefer(ReportJob.snapshot))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()


def find_fresh(
    session: Session, workspace_id: str, cache_key: str, *, since: datetime
) -> ReportJob | None:
    """The newest job of this request still usable: done since `since`, or still in progress."""
    rows = session.scalars(
        select(ReportJob)
        .where(ReportJob.workspace_id == workspace_id, ReportJob.cache_key == cache_key)
        .where(ReportJob.created_at >= since)
        .where(ReportJob.state != JobState.FAILED.value)
        .order_by(ReportJob.created_at.desc())
        .limit(1)
    )
    return rows.one_or_none()


def _held(job_id: str, owner: str) -> ColumnElement[bool]:
    """The owner fence: the job is still running and still `owner`'s (nobody took it over)."""
    return and_(
        ReportJob.id == job_id,
        ReportJob.owner == owner,
        ReportJob.state == JobState.RUNNING.value,
    )


def record_progress(
    session: Session,
    job_id: str,
    *,
    owner: str,
    stage: str,
    entries: int,
    pages: int,
    now: datetime,
) -> bool:
    """Write progress and the heartbeat; False when `owner` no longer holds the job."""
    result = session.execute(
        update(ReportJob)
        .where(_held(job_id, owner))
        .values(stage=stage, entries=entries, pages=pages, heartbeat_at=now)
    )
    return rowcount(result) == 1


def finish_job(
    session: Session,
    job_id: str,
    *,
    owner: str,
    now: datetime,
    result: dict[str, Any] | None = None,
    snapshot: dict[str, Any] | None = None,
    error: tuple[str, str] | None = None,
) -> bool:
    """Store the result and snapshot (done) or the error (failed), if `owner` holds the job."""
    values: dict[str, Any] = {"heartbeat_at": now, "finished_at": now}
    if error is None:
        values.update(state=JobState.DONE.value, stage="done", result=result, snapshot=snapshot)
    else:
        values.update(
            state=JobState.FAILED.value, error_code=error[0][:64], error_message=error[1][:500]
        )
    written = session.execute(update(ReportJob).where(_held(job_id, owner)).values(**values))
    return rowcount(written) == 1


def purge_old_jobs(session: Session, *, workspace_id: str, before: datetime) -> int:
    """Forget the workspace's jobs created before `before`; returns how many were deleted."""
    result = session.execute(
        delete(ReportJob)
        .where(ReportJob.workspace_id == workspace_id)
        .where(ReportJob.created_at < before)
    )
    return rowcount(result)
