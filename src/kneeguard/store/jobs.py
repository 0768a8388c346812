"""Background jobs as rows: submit, claim, report progress, finish, and recover after a restart.

A job belongs to one athlete; every read a page makes goes through `get_job(session,
athlete, job_id)`, which finds nothing for another athlete's id (the caller shows 404).
State changes are conditional on the job still running under the same attempt, so a
worker that lost its job (the server restarted and re-queued it) cannot overwrite it.
Functions take an open session; the caller commits (`with store.write() as s: ...`).
"""
from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kneeguard.store import athletes
from kneeguard.store.errors import NotFoundError
from kneeguard.store.models import Job, utc_now

STATUSES = ("queued", "running", "done", "failed")
FINISHED = ("done", "failed")
MAX_ATTEMPTS = 2  # a job interrupted by a restart runs once more, then fails
_JOB_ID = re.compile(r"^[0-9a-f]{32}$")


class UnknownJob(NotFoundError):
    pass


class JobSuperseded(RuntimeError):
    """The job is no longer this worker's (finished, or re-queued after a restart)."""


@dataclass(frozen=True)
class JobView:
    """A job as pages and workers see it (a plain copy of the row)."""

    id: str
    athlete_id: int
    kind: str
    status: str
    progress: float
    message: str
    params: dict[str, Any]
    result: dict[str, Any] | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def attempt(self) -> int:
        return int(self.params.get("attempts", 0))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "status": self.status, "progress": round(self.progress, 4),
                "message": self.message, "result": self.result, "created_at": self.created_at.isoformat(),
                "updated_at": self.updated_at.isoformat()}


def new_job_id() -> str:
    """An unguessable id (uuid4 hex); also names the job's folder, so it must stay plain hex."""
    return uuid.uuid4().hex


def is_job_id(text: str) -> bool:
    return bool(_JOB_ID.match(text or ""))


def submit(session: Session, athlete: athletes.AthleteRef, kind: str, params: dict[str, Any],
           job_id: str | None = None) -> str:
    """Queue a job for an existing athlete; returns its id."""
    job_id = job_id or new_job_id()
    if not is_job_id(job_id):
        raise ValueError(f"a job id must be 32 lowercase hex digits, got {job_id!r}")
    owner = athletes.get(session, athlete)
    now = utc_now()
    session.add(Job(id=job_id, athlete_id=owner.id, kind=kind, status="queued", progress=0.0,
                    message="waiting for the worker", params=dict(params), result=None,
                    created_at=now, updated_at=now))
    session.flush()
    return job_id


def get_job(session: Session, athlete: athletes.AthleteRef, job_id: str) -> JobView:
    """The athlete's job; UnknownJob for a malformed id, an unknown one, or another athlete's."""
    owner = athletes.get(session, athlete)
    row = session.get(Job, job_id) if is_job_id(job_id) else None
    if row is None or row.athlete_id != owner.id:
        raise UnknownJob(f"no job {job_id} for {owner.name}")
    return _view(row)


def load(session: Session, job_id: str) -> JobView:
    """Any job by id, for the worker (pages use `get_job`)."""
    row = session.get(Job, job_id)
    if row is None:
        raise UnknownJob(f"no job {job_id}")
    return _view(row)


def list_jobs(session: Session, athlete: athletes.AthleteRef, kind: str | None = None,
              limit: int = 10) -> list[JobView]:
    """The athlete's jobs, newest first."""
    owner = athletes.get(session, athlete)
    query = select(Job).where(Job.athlete_id == owner.id)
    if kind:
        query = query.where(Job.kind == kind)
    rows = session.scalars(query.order_by(Job.created_at.desc(), Job.id).limit(limit))
    return [_view(r) for r in rows]


def claim_next(session: Session, kinds: tuple[str, ...] | None = None) -> JobView | None:
    """The oldest queued job, now marked running (its attempt counted); None when the queue is empty.

    Run it in `store.write()`: on SQLite that transaction holds the write lock, so two
    workers cannot claim the same job.
    """
    query = select(Job).where(Job.status == "queued")
    if kinds:
        query = query.where(Job.kind.in_(kinds))
    row = session.scalars(query.order_by(Job.created_at, Job.id).limit(1).with_for_update(skip_locked=True)).first()
    if row is None:
        return None
    row.status, row.progress, row.message = "running", 0.0, "starting"
    row.params = {**(row.params or {}), "attempts": int((row.params or {}).get("attempts", 0)) + 1}
    row.updated_at = utc_now()
    session.flush()
    return _view(row)


def set_progress(session: Session, job_id: str, attempt: int, progress: float, message: str) -> None:
    row = _owned_running(session, job_id, attempt)
    row.progress = min(max(float(progress), 0.0), 1.0)
    row.message = message[:500]
    row.updated_at = utc_now()


def finish(session: Session, job_id: str, attempt: int, result: dict[str, Any], message: str = "done") -> None:
    row = _owned_running(session, job_id, attempt)
    row.status, row.progress, row.message, row.result = "done", 1.0, message[:500], dict(result)
    row.updated_at = utc_now()


def fail(session: Session, job_id: str, attempt: int | None, message: str) -> bool:
    """Mark a running job failed; False when it was not running (under `attempt`, when given)."""
    row = session.get(Job, job_id)
    if row is None or row.status != "running" or (attempt is not None and _attempt(row) != attempt):
        return False
    row.status, row.message = "failed", _one_line(message)
    row.updated_at = utc_now()
    return True


def requeue(session: Session, job_id: str, message: str) -> None:
    """Put a running job back in the queue without counting the attempt (a clean shutdown stopped it)."""
    row = session.get(Job, job_id)
    if row is not None and row.status == "running":
        row.status, row.progress, row.message = "queued", 0.0, message
        row.params = {**(row.params or {}), "attempts": max(_attempt(row) - 1, 0)}
        row.updated_at = utc_now()


def recover_interrupted(session: Session, can_retry=lambda job: True) -> tuple[list[str], list[str]]:
    """Jobs left `running` by a server that stopped: re-queued while attempts remain and
    `can_retry(job)` (its input is still there), failed with a clear line otherwise.
    Returns (re-queued ids, failed ids)."""
    requeued, failed = [], []
    for row in session.scalars(select(Job).where(Job.status == "running")):
        if _attempt(row) < MAX_ATTEMPTS and can_retry(_view(row)):
            row.status, row.progress = "queued", 0.0
            row.message = "the server stopped while this job ran; it starts again"
            requeued.append(row.id)
        else:
            row.status = "failed"
            row.message = ("the server stopped while this job ran, and it cannot be run again; "
                           "please upload the file again")
            failed.append(row.id)
        row.updated_at = utc_now()
    return requeued, failed


def unfinished_ids(session: Session) -> list[str]:
    """Ids of the jobs still queued or running (their folders must stay)."""
    return list(session.scalars(select(Job.id).where(Job.status.in_(("queued", "running")))))


def _owned_running(session: Session, job_id: str, attempt: int) -> Job:
    row = session.get(Job, job_id)
    if row is None or row.status != "running" or _attempt(row) != attempt:
        raise JobSuperseded(f"job {job_id} is no longer run by this worker")
    return row


def _attempt(row: Job) -> int:
    return int((row.params or {}).get("attempts", 0))


def _one_line(message: str) -> str:
    line = next((part.strip() for part in str(message).splitlines() if part.strip()), "the job failed")
    return line[:500]


def _view(row: Job) -> JobView:
    return JobView(row.id, row.athlete_id, row.kind, row.status, float(row.progress or 0.0), row.message or "",
                   dict(row.params or {}), dict(row.result) if row.result is not None else None,
                   row.created_at, row.updated_at)
