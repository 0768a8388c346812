"""Background jobs: long work (a gait video, a large import) outside the web request.

The job table (`store.jobs`) is the queue and the progress record, so a page reload or a
server restart loses nothing: `JobWorker` (started by `kneeguard serve`) claims queued
jobs one at a time and runs each in a fresh child process, which writes its progress to
the database as it goes. A separate process because video analysis is CPU-heavy native
code (MediaPipe, OpenCV, VP8 encoding) that would otherwise hold the web server's GIL
and could take the whole server down if it crashed; one job at a time because one video
already keeps two cores busy. An in-memory SQLite store cannot be shared with a child,
so there (tests) jobs run in the worker's thread.

A job kind is a dotted path "module:function" in `KINDS`; the function gets a
`JobContext` and returns the result dict (see `runner.py`).
"""
from kneeguard.jobs.runner import KINDS, JobContext, job_dir, submit_job
from kneeguard.jobs.worker import JobWorker

__all__ = ["KINDS", "JobContext", "JobWorker", "job_dir", "submit_job"]
