"""Decode the next files in worker processes while the importer stores the current one.

The importing process keeps everything that touches the store: files are checked,
stored (one transaction each) and reported in the sources' order, so atomicity,
duplicate detection and progress are unchanged; only `importer.decode_source` runs
in the workers, on bytes this process read. A file whose bytes are already stored is
not sent. Workers are forked after the decoders are imported, so they start at once
(a pool costs tens of milliseconds; the CLI uses one from MIN_FILES files up). If a
worker fails (killed, result not transferable), that file is decoded here instead.
"""
from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # multiprocessing and concurrent.futures load only when a pool is used (fast start)
    from concurrent.futures import Future

MIN_FILES = 8  # below this the pool's start-up is not repaid
AHEAD_PER_WORKER = 2  # files decoded ahead per worker: enough to keep it busy, little memory


def workers_for(file_count: int, cpus: int | None) -> int:
    """Decode workers for an import of `file_count` files: 0 (decode inline) or up to 2."""
    if file_count < MIN_FILES or not cpus or cpus < 2:
        return 0
    return 2


def decoded_ahead(sources: Iterable[Any], workers: int, seen: Callable[[str], bool]) -> Iterator[tuple]:
    """(source, (bytes or error outcome, wait for the decoded file[, the bytes' sha256])) per source, in order."""
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from kneeguard.store.importer import decode_source, read_source, source_name

    _warm_up_before_fork()
    pending: deque = deque()
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
            try:
                for source in sources:
                    data, name = read_source(source), source_name(source)
                    future = raw_hash = None
                    if isinstance(data, bytes):
                        raw_hash = hashlib.sha256(data).hexdigest()
                        if not seen(raw_hash):
                            future = pool.submit(decode_source, name, data)
                    waiter = _waiter(future, name, data, decode_source)
                    pending.append((source, (data, waiter) if raw_hash is None else (data, waiter, raw_hash)))
                    if len(pending) > workers * AHEAD_PER_WORKER:
                        yield pending.popleft()
                while pending:
                    yield pending.popleft()
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
    finally:
        gc.unfreeze()  # normal collection again (a server process imports more than once)


def _die_with_parent(parent_pid: int) -> None:
    """A worker ends with the importing process: killed (SIGKILL, SIGTERM, a closed terminal), it can no longer
    read results, and a worker blocked writing one would stay behind holding ~120 MB. Linux: the kernel sends
    the worker SIGKILL when its parent dies (PR_SET_PDEATHSIG); elsewhere nothing is set."""
    import ctypes
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)


def _warm_up_before_fork() -> None:
    """Load here, once, what every worker's first decode would otherwise load for itself: the decoders (the
    fast FIT path is imported on first use), pandas' Arrow string support and the evidence registry (TOML,
    read on first use). ~25 ms of CPU per worker (issue 18). Then the objects that exist are frozen out of the
    garbage collector (until the import ends), so that its passes in the workers do not copy the parent's
    pages one by one."""
    import gc

    import pandas  # noqa: F401
    import pyarrow.pandas_compat  # noqa: F401 - pandas builds string column labels with it
    from kneeguard.ingest import fit_fast, readers  # noqa: F401
    from kneeguard.ingest.model import future_slack_s

    future_slack_s()  # loads and caches the evidence registry
    gc.freeze()


def _waiter(future: Future | None, name: str, data: Any, decode: Callable) -> Callable[[], Any]:
    def wait() -> Any:
        if future is not None:
            try:
                return future.result()
            except Exception:  # noqa: BLE001 - a broken worker: decode this file here
                pass
        return decode(name, data)
    return wait
