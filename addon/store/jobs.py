"""Report jobs: create, read, report progress, finish. Functions over a Session; they never commit.

A job belongs to one workspace, and every read takes the workspace id, so a session of another
workspace cannot see a job even with its id. Progress and heartbeats are written by the thread
building the report, in short transactions of their own.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, undefer

from addon.store.db import rowcount
from addon.store.models import ReportJob

__all__ = [
    "IN_PROGRESS",
    "JobState",
    "count_active",
    "create_job",
    "find_fresh",
    "finish_job",
    "get_job",
    "lock_job",
    "purge_old_jobs",
    "record_progress",
]


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


IN_PROGRESS = frozenset({JobState.QUEUED.value, JobState.RUNNING.value})


def count_active(session: Session, workspace_id: str, *, alive_since: datetime) -> int:
    """The workspace's queued or running jobs whose heartbeat is newer than `alive_since`."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(ReportJob)
            .where(ReportJob.workspace_id == workspace_id)
            .where(ReportJob.state.in_(IN_PROGRESS))
            .where(ReportJob.heartbeat_at >= alive_since)
        )
        or 0
    )


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


def record_progress(
    session: Session, job_id: str, *, stage: str, entries: int, pages: int, now: datetime
) -> None:
    session.execute(
        update(ReportJob)
        .where(ReportJob.id == job_id, ReportJob.state.in_(IN_PROGRESS))
        .values(
            state=JobState.RUNNING.value,
            stage=stage,
            entries=entries,
            pages=pages,
            heartbeat_at=now,
        )
    )


def finish_job(
    session: Session,
    job_id: str,
    *,
    now: datetime,
    result: dict[str, Any] | None = None,
    snapshot: dict[str, Any] | None = None,
    error: tuple[str, str] | None = None,
) -> None:
    """Store the result and snapshot (state done) or the error code and message (failed)."""
    values: dict[str, Any] = {"heartbeat_at": now, "finished_at": now}
    if error is None:
        values.update(state=JobState.DONE.value, stage="done", result=result, snapshot=snapshot)
    else:
        values.update(
            state=JobState.FAILED.value, error_code=error[0][:64], error_message=error[1][:500]
        )
    session.execute(update(ReportJob).where(ReportJob.id == job_id).values(**values))


def purge_old_jobs(session: Session, *, workspace_id: str, before: datetime) -> int:
    """Forget the workspace's jobs created before `before`; returns how many were deleted."""
    result = session.execute(
        delete(ReportJob)
        .where(ReportJob.workspace_id == workspace_id)
        .where(ReportJob.created_at < before)
    )
    return rowcount(result)
