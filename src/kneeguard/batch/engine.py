"""Where batch tasks run: Dask distributed, an in-process `LocalCluster` by default or any existing cluster.

    with connect(scheduler=None) as client:          # LocalCluster: one process per core, one thread each
        for item, result in run_tasks(client, decode_file, items, label="importing"):
            ...                                       # results arrive as they finish (as_completed)

`connect(workers=0)` gives no client at all: the same task functions then run one after the other in this
process (the single-process path the benchmarks compare against, and the easiest to debug).

Why processes with one thread each: the work (FIT decoding, pandas, pose estimation) holds the GIL, so threads
would not run it side by side. The dashboard is off: nothing listens beyond what the cluster itself needs.

A task that raises is one failed item (its exception becomes an error line), never a failed batch. When a
worker dies, the scheduler moves its tasks to the others (`ALLOWED_FAILURES` times); every task function is
idempotent so running one twice stores nothing twice (see imports.py and gait.py). Ctrl-C cancels what is not
finished; the caller reports what was done and a re-run resumes.
"""
from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from kneeguard.errors import InvalidInput

SCHEDULER_ENV = "KNEEGUARD_DASK_SCHEDULER"
# How often a task may be on a worker that died before the scheduler gives it up as the culprit.
ALLOWED_FAILURES = 3
TASKS_PER_WORKER = 8
MAX_ITEMS_PER_TASK = 16

T = TypeVar("T")


@dataclass(frozen=True)
class TaskFailure(Generic[T]):
    """A task that raised (or whose every worker died): the item and one line saying why."""

    item: T
    problem: str


def scheduler_address(option: str | None) -> str | None:
    """--scheduler, else $KNEEGUARD_DASK_SCHEDULER, else None (start a local cluster)."""
    chosen = (option or os.environ.get(SCHEDULER_ENV, "")).strip()
    if chosen and "://" not in chosen:
        raise InvalidInput(f"scheduler {chosen!r} is not an address such as tcp://HOST:8786")
    return chosen or None


@contextlib.contextmanager
def connect(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A Dask client on `scheduler`, or on a LocalCluster of `workers` processes (default: one per core);
    `workers=0`: None, i.e. run in this process."""
    if workers == 0 and scheduler is None:
        yield None
        return
    import dask
    from distributed import Client, LocalCluster

    # worker-saturation 1.0: a worker holds only the task it runs. With Dask's default (1.1) it also holds the
    # next one, and when a crashing file kills the worker that innocent task counts a failure too (issue 17).
    dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES,
                     "distributed.scheduler.worker-saturation": 1.0})
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="20s")
        except OSError as exc:
            raise InvalidInput(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        with client:
            yield client
        return
    count = workers or os.cpu_count() or 1
    # The nannies set their workers' thread caps (OMP_NUM_THREADS=1 ...) in THIS process's environment before
    # spawning them; put ours back, or a gait analysis later in this process would use one core.
    environ_before = dict(os.environ)
    # Dask's own log lines stay quiet: on a busy machine the workers' last heartbeats to a scheduler already
    # closed end a batch with a traceback; a task's failure reaches the user as that item's error line.
    # No dashboard; the scheduler's small HTTP server (health routes) on a free loopback port: on its default
    # 8787, a second batch (or anything else there) printed "Port 8787 is already in use".
    with LocalCluster(n_workers=count, threads_per_worker=1, processes=True, dashboard_address=None,
                      scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
                      silence_logs=logging.CRITICAL) as cluster, Client(cluster) as client:
        _restore_environ(environ_before)
        yield client


def _restore_environ(before: dict[str, str]) -> None:
    for name in set(os.environ) - set(before):
        del os.environ[name]
    os.environ.update(before)


def describe(client: Any) -> str:
    """One line for people: where the work runs."""
    if client is None:
        return "in this process (no cluster)"
    workers = client.scheduler_info().get("workers", {})
    return f"Dask scheduler {client.scheduler.address} with {len(workers)} workers"


def items_per_task(n_items: int, workers: int) -> int:
    """How many small items (files, athletes) one Dask task takes: enough that Dask's own cost per task (≈ 2 ms
    measured, docs/scale.md) is under ~1 % of the work (a file takes 20-50 ms, an athlete's load analysis
    60-150 ms), yet at least `TASKS_PER_WORKER` tasks per worker so that the cores stay balanced to the end."""
    return max(1, min(MAX_ITEMS_PER_TASK, n_items // (TASKS_PER_WORKER * max(1, workers))))


def worker_count(client: Any) -> int:
    return 1 if client is None else max(1, len(client.scheduler_info().get("workers", {})))


def group_items(items: Sequence[T], per_task: int, alone: Callable[[T], bool]) -> list[tuple[T, ...]]:
    """`items` in groups of up to `per_task`, in order; an item for which `alone` is true (a big one: an export
    archive) is a task of its own, so it cannot hold up the small ones queued behind it."""
    groups: list[tuple[T, ...]] = []
    current: list[T] = []
    for item in items:
        if alone(item):
            groups.append((item,))
            continue
        current.append(item)
        if len(current) >= max(1, per_task):
            groups.append(tuple(current))
            current = []
    if current:
        groups.append(tuple(current))
    return groups


def run_tasks(client: Any, function: Callable[..., Any], items: Sequence[T], *args: Any,
              label: str = "working", show: bool = True,
              groups: Sequence[tuple[T, ...]] | None = None) -> Iterator[tuple[T, Any]]:
    """Run `function(item, *args)` for every item; yields (item, result or TaskFailure) as each finishes.

    `groups` (default: one item each; see `group_items`) says which items travel in one Dask task; each item
    still gets its own result or failure, and when the workers running a group die, its items are tried
    again one per task, so one crashing file fails alone.
    A Rich progress bar (done/total, elapsed, time left) on stderr when `show`. Ctrl-C cancels the tasks
    still queued or running and re-raises KeyboardInterrupt for the caller to report."""
    from kneeguard.batch.progress import batch_progress

    with batch_progress(label, len(items), show) as advance:
        if client is None:
            for item in items:
                yield item, _call_here(function, item, args)
                advance()
            return
        from distributed import as_completed

        def submit(group: tuple) -> Any:
            # pure=False: a re-submitted group after a failure is a new task, not the cached failure.
            future = client.submit(_call_group, function, group, args, pure=False)
            futures[future] = group
            return future

        futures: dict[Any, tuple] = {}
        for group in (groups if groups is not None else [(item,) for item in items]):
            submit(tuple(group))
        try:
            finished = as_completed(list(futures))
            for future in finished:
                group = futures.pop(future)
                results = _result(future, group)
                if isinstance(results, TaskFailure) and len(group) > 1:
                    for item in group:
                        finished.add(submit((item,)))
                    continue
                if isinstance(results, TaskFailure):
                    results = [TaskFailure(group[0], results.problem)]
                for item, result in zip(group, results):
                    yield item, result
                    advance()
        except BaseException:
            client.cancel(list(futures), force=True)
            raise


def _call_group(function: Callable[..., Any], group: tuple, args: tuple) -> list[Any]:
    return [_call_here(function, item, args) for item in group]


def _call_here(function: Callable[..., Any], item: T, args: tuple) -> Any:
    try:
        return function(item, *args)
    except Exception as exc:  # noqa: BLE001 - one item's bug is one error line, as on the cluster
        return TaskFailure(item, f"{type(exc).__name__}: {exc}")


def _result(future: Any, item: T) -> Any:
    from distributed.scheduler import KilledWorker

    try:
        return future.result()
    except KilledWorker:
        return TaskFailure(item, f"the workers running it died {ALLOWED_FAILURES} times (too big or crashing "
                                 "the decoder?)")
    except Exception as exc:  # noqa: BLE001 - the task's own exception, raised again here by Dask
        return TaskFailure(item, f"{type(exc).__name__}: {exc}")
