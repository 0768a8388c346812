"""Running one claimed job, in whichever process: the context a job kind works with,
progress reporting, the one-line failure message, and clean-up of the job's folder.

A job's input files live in `<home>/jobs/<job id>/` until the job ends (done or failed),
so a job interrupted by a restart can run again from the same upload.
"""
from __future__ import annotations

import importlib
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kneeguard.errors import UserError
from kneeguard.store import jobs as job_rows

log = logging.getLogger(__name__)

KINDS: dict[str, str] = {
    "gait_video": "kneeguard.jobs.gait_video:run",
    "import": "kneeguard.jobs.import_files:run",
}
JOBS_DIRNAME = "jobs"
PROGRESS_EVERY_S = 0.5  # at most two progress writes a second: enough for a progress bar


class JobInterrupted(Exception):
    """The server is stopping: the job goes back to the queue and runs again later."""


def job_dir(home: Path, job_id: str) -> Path:
    """The job's own folder for its input files; the id must be a job id (plain hex, no path)."""
    if not job_rows.is_job_id(job_id):
        raise ValueError(f"not a job id: {job_id!r}")
    return Path(home) / JOBS_DIRNAME / job_id


def submit_job(store, athlete, kind: str, params: dict[str, Any], job_id: str | None = None) -> str:
    """Queue a job (its folder must already hold its input files, if any); returns the id."""
    job_id = job_id or job_rows.new_job_id()
    job_dir(store.home, job_id).mkdir(parents=True, exist_ok=True)
    with store.write() as session:
        return job_rows.submit(session, athlete, kind, params, job_id)


@dataclass
class JobContext:
    """What a job kind gets: the store, its job, its folder, and `progress()`."""

    store: Any
    job: job_rows.JobView
    athlete: str
    workdir: Path
    cancel: threading.Event = field(default_factory=threading.Event)
    parent_pid: int | None = None  # set in a child process: stop when the server that started it is gone
    completed: bool = False
    _last_write: float = -1e9
    _progress: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def progress(self, fraction: float, message: str, *, force: bool = False) -> None:
        """Record progress (never backwards; written at most every PROGRESS_EVERY_S unless `force`).

        Raises JobInterrupted when the server is stopping, JobSuperseded when the job is no
        longer this worker's; a job kind lets both propagate.
        """
        if self.cancel.is_set() or (self.parent_pid is not None and os.getppid() != self.parent_pid):
            raise JobInterrupted("the server is stopping")
        with self._lock:
            self._progress = max(self._progress, min(float(fraction), 1.0))
            now = time.monotonic()
            if not force and now - self._last_write < PROGRESS_EVERY_S:
                return
            self._last_write = now
            with self.store.write() as session:
                job_rows.set_progress(session, self.job.id, self.job.attempt, self._progress, message)

    def complete(self, session, result: dict[str, Any], message: str = "done") -> None:
        """Mark the job done inside the caller's transaction (with whatever it saved)."""
        job_rows.finish(session, self.job.id, self.job.attempt, result, message)
        self.completed = True


def resolve(path: str) -> Callable[[JobContext], dict[str, Any]]:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def failure_message(exc: BaseException) -> str:
    """The one line a person sees. Errors about the input (UserError: GaitError, IngestError, an
    unknown athlete...) carry their own clear message; anything else is a bug, named, never traced."""
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    if isinstance(exc, UserError):
        return text
    if isinstance(exc, MemoryError):
        return "the job ran out of memory; try a shorter or smaller file"
    if isinstance(exc, OSError):
        return f"a file could not be read or written: {exc.strerror or text}"
    return f"unexpected error ({exc.__class__.__name__}): {text}"


def run_claimed(store, job: job_rows.JobView, handler_path: str, *, cancel: threading.Event | None = None,
                parent_pid: int | None = None) -> str:
    """Run a job already marked running; returns its final status ('done', 'failed', 'queued'
    when interrupted, '' when another worker owns it now)."""
    from kneeguard.store import athletes

    with store.session() as session:
        athlete = athletes.get(session, job.athlete_id).name
    ctx = JobContext(store, job, athlete, job_dir(store.home, job.id), cancel or threading.Event(), parent_pid)
    try:
        result = resolve(handler_path)(ctx)
        if not ctx.completed:
            with store.write() as session:
                ctx.complete(session, result or {}, "done")
    except JobInterrupted:
        if parent_pid is None:  # in-thread: hand the job back ourselves (a child's parent does it)
            with store.write() as session:
                job_rows.requeue(session, job.id, "the server stopped; the job starts again with the server")
        return "queued"
    except job_rows.JobSuperseded:
        return ""
    except Exception as exc:  # noqa: BLE001 - every failure becomes the job's one-line message
        message = failure_message(exc)
        if not isinstance(exc, (UserError, MemoryError, OSError)):
            log.exception("job %s (%s) failed", job.id, job.kind)
        with store.write() as session:
            failed = job_rows.fail(session, job.id, job.attempt, message)
        if failed:
            remove_job_files(store.home, job.id)
        return "failed" if failed else ""
    remove_job_files(store.home, job.id)
    return "done"


def remove_job_files(home: Path, job_id: str) -> None:
    """The job has ended: its upload is no longer needed."""
    shutil.rmtree(job_dir(home, job_id), ignore_errors=True)


def child_main(url: str, home: str, job_id: str, attempt: int, handler_path: str, parent_pid: int) -> None:
    """Run one job in this (child) process."""
    from kneeguard.store import open_store

    logging.basicConfig(level=logging.WARNING)
    store = open_store(url=url, home=home, upgrade=False)
    try:
        with store.session() as session:
            job = job_rows.load(session, job_id)
        if job.status == "running" and job.attempt == attempt:
            run_claimed(store, job, handler_path, parent_pid=parent_pid)
    finally:
        store.close()

