"""`JobWorker`: the thread inside `kneeguard serve` that takes queued jobs and runs them.

One job at a time, each in a fresh child process: `python -m kneeguard.jobs.child`, not a
fork (the server has threads and open database connections a fork would copy) and not
multiprocessing's spawn (which re-imports whatever script started the server). The child writes progress
itself; this thread waits for it, and if it dies without recording an outcome (a crash in
native code, the out-of-memory killer) marks the job failed with a clear line. On start,
jobs a dead server left `running` are re-queued (or failed once they have had their
attempts); on a clean stop the running job is handed back to the queue.
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading

from sqlalchemy.engine import make_url

from kneeguard.jobs import runner
from kneeguard.store import jobs as job_rows

log = logging.getLogger(__name__)

IDLE_WAIT_S = 2.0  # how often an idle worker looks for jobs queued by another process
CHILD_POLL_S = 0.5


class JobWorker:
    def __init__(self, store, *, isolate: bool | None = None, kinds: dict[str, str] | None = None) -> None:
        """`isolate`: run jobs in a child process (default: yes, unless the store is in-memory SQLite);
        `kinds`: extra or replacement job kinds ("kind" -> "module:function")."""
        self.store = store
        self.kinds = {**runner.KINDS, **(kinds or {})}
        self.isolate = _shareable(store) if isolate is None else isolate
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- life cycle
    def start(self) -> None:
        """Recover jobs a stopped server left running, then start taking jobs in a thread."""
        self.recover()
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="kneeguard-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        """Stop taking jobs; a running job is interrupted and queued again."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def wake(self) -> None:
        """A job was queued: look now instead of at the next idle check."""
        self._wake.set()

    def recover(self) -> tuple[list[str], list[str]]:
        """At start: jobs a stopped server left running, and job folders nothing waits for."""
        def has_input(job) -> bool:
            return runner.job_dir(self.store.home, job.id).is_dir()

        with self.store.write() as session:
            requeued, failed = job_rows.recover_interrupted(session, has_input)
            waiting = set(job_rows.unfinished_ids(session))
        for job_id in failed:
            runner.remove_job_files(self.store.home, job_id)
        # Folders no waiting job owns: an upload cut off by the stop, or a small import done in the request.
        folder = self.store.home / runner.JOBS_DIRNAME
        for leftover in folder.iterdir() if folder.is_dir() else ():
            if leftover.is_dir() and job_rows.is_job_id(leftover.name) and leftover.name not in waiting:
                runner.remove_job_files(self.store.home, leftover.name)
        if requeued or failed:
            log.warning("jobs interrupted by a restart: %d queued again, %d failed", len(requeued), len(failed))
        return requeued, failed

    # ---------------------------------------------------------------- running
    def run_pending(self) -> int:
        """Run queued jobs in this thread until none is left (tests, and the loop); returns how many ran."""
        count = 0
        while not self._stop.is_set():
            with self._lock, self.store.write() as session:
                job = job_rows.claim_next(session)
            if job is None:
                return count
            self._run(job)
            count += 1
        return count

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_pending()
            except Exception:  # noqa: BLE001 - a database hiccup must not end the worker thread
                log.exception("the job worker hit an error; it retries shortly")
            self._wake.wait(IDLE_WAIT_S)
            self._wake.clear()

    def _run(self, job: job_rows.JobView) -> None:
        handler = self.kinds.get(job.kind)
        if handler is None:
            with self.store.write() as session:
                job_rows.fail(session, job.id, job.attempt, f"unknown job kind {job.kind!r}")
            runner.remove_job_files(self.store.home, job.id)
            return
        if not self.isolate:
            runner.run_claimed(self.store, job, handler, cancel=self._stop)
            return
        self._run_in_child(job, handler)

    def _run_in_child(self, job: job_rows.JobView, handler: str) -> None:
        order = {"url": self.store.url, "home": str(self.store.home), "job_id": job.id, "attempt": job.attempt,
                 "handler": handler, "parent_pid": os.getpid(), "sys_path": [p for p in sys.path if p]}
        # A session of its own: Ctrl-C in the server's terminal stops the server, which then stops
        # the child and queues its job again, instead of the child dying half-way on its own.
        child = subprocess.Popen([sys.executable, "-m", "kneeguard.jobs.child"], stdin=subprocess.PIPE,
                                 start_new_session=True)
        try:
            child.stdin.write(json.dumps(order).encode())
            child.stdin.close()
        except OSError:  # the child died at once; its exit code tells below
            pass
        while True:
            try:
                code = child.wait(CHILD_POLL_S)
                break
            except subprocess.TimeoutExpired:
                if self._stop.is_set():
                    child.terminate()
                    try:
                        child.wait(10)
                    except subprocess.TimeoutExpired:
                        child.kill()
                        child.wait()
                    with self.store.write() as session:
                        job_rows.requeue(session, job.id, "the server stopped; the job starts again with the server")
                    return
        if self._stop.is_set():  # it ended while the server was stopping: run it again next time
            with self.store.write() as session:
                job_rows.requeue(session, job.id, "the server stopped; the job starts again with the server")
            return
        # A child that recorded its outcome leaves nothing to do; `fail` only touches a job still
        # running under this attempt, i.e. one whose process died before it could say why.
        reason = "it was killed, perhaps out of memory" if code in (-9, 137) else f"exit code {code}"
        with self.store.write() as session:
            failed = job_rows.fail(session, job.id, job.attempt,
                                   f"the job's process stopped unexpectedly ({reason}); try a shorter clip")
        if failed:
            runner.remove_job_files(self.store.home, job.id)


def _shareable(store) -> bool:
    """Whether a child process can open the same database (not an in-memory SQLite one)."""
    url = make_url(store.url)
    return not (url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"))
