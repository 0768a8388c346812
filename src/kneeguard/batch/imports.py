"""`kneeguard batch import`: decode on the workers, store each file once.

The client expands the manifest into candidate files (a folder into its activity files; an export archive
stays one task) and creates the athletes. Each task reads one file (or archive), hashes its raw bytes, passes
over files the athlete already imported (by that hash, without decoding) and decodes the rest with ingest's
readers into typed `ParsedFile`s. Then one of two writers stores them with the importer's one-transaction-per-
file service (`store.importer.store_decoded`, the same de-duplication as `kneeguard import`):

- single writer (SQLite, the default): each worker writes the decoded files' sample streams to the storage
  root itself (Parquet encoding is the costly half of storing a file and needs no database), and only the
  rest - summaries, laps, warnings, the sample keys - travels back to this process, which stores the rows one
  file at a time. The workers only read the database (to pass over files imported before), so its file must
  be on a filesystem they see: the local cluster, or workers on this machine.
- worker writers (PostgreSQL, `--db postgresql+psycopg://...`): each worker stores what it decoded; the
  importer serialises imports per athlete with an advisory lock.

Exactly once: a task that runs twice (its worker died after storing, and Dask ran it again) meets the unique
(athlete, raw hash) row of `imported_files` and (athlete, decoded hash, session) of `activities`, so the
second store is reported as a duplicate, never a second copy. Files that failed are not recorded and are
tried again by a re-run; everything imported is passed over.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kneeguard.batch.engine import TaskFailure, group_items, items_per_task, run_tasks, worker_count
from kneeguard.batch.manifest import ManifestRow
from kneeguard.store.importer import DecodedFile, FileOutcome


@dataclass(frozen=True)
class StoreAccess:
    """What a worker needs to open the store itself; every local path in it absolute (`store_access`)."""

    db_url: str
    home: str
    storage_root: str | None


def store_access(store) -> StoreAccess:
    """`store` as the workers must open it. A worker's working folder is not this process's (workers started
    elsewhere for `--scheduler`), so a relative home, storage root or SQLite path would make each worker write
    its sample streams, or look for the database, under its own folder: all are made absolute here."""
    return StoreAccess(absolute_db_url(store.url), str(absolute_path(store.home)),
                       None if store.storage_root is None else absolute_location(store.storage_root))


def absolute_path(path: str | Path) -> Path:
    return Path(path).expanduser().resolve()


def absolute_location(root: str) -> str:
    """A storage root as the workers need it: an fsspec URL unchanged, a folder absolute."""
    return root if "://" in root else str(absolute_path(root))


def absolute_db_url(url: str) -> str:
    """`url` with a relative SQLite file path made absolute; other databases (and in-memory SQLite) unchanged."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or database in (None, "", ":memory:") or database.startswith("file:"):
        return url
    if Path(database).is_absolute():
        return url
    return parsed.set(database=str(absolute_path(database))).render_as_string(hide_password=False)


@dataclass(frozen=True)
class ImportTask:
    """One candidate file (or archive) of one athlete, with its size when planned (0 if it could not be read: it
    fails with its own error line on the worker)."""

    athlete: str
    athlete_id: int
    path: str
    display: str
    size_bytes: int


@dataclass(frozen=True)
class BatchFileOutcome:
    """A file's outcome and whose it was."""

    athlete: str
    outcome: FileOutcome


_STORES: dict[StoreAccess, Any] = {}  # one open store per worker process and database


def worker_store(access: StoreAccess):
    """The store for `access`, opened once per process (engines pool their connections)."""
    store = _STORES.get(access)
    if store is None:
        from kneeguard.store import open_store

        store = _STORES[access] = open_store(access.db_url, access.home, upgrade=False,
                                             storage_root=access.storage_root)
    return store


def decode_file(task: ImportTask, access: StoreAccess, writes: bool) -> list[FileOutcome | DecodedFile]:
    """The worker's part: every source in the file, decoded (or its outcome: imported before, unreadable...).
    With `writes` (worker writers) the decoded files are stored here too; otherwise they go back to the one
    writer."""
    from kneeguard.ingest.sources import iter_sources
    from kneeguard.store.importer import read_and_decode, store_decoded

    store = worker_store(access)
    results: list[FileOutcome | DecodedFile] = []
    for source in iter_sources([task.path]):
        result = read_and_decode(store, task.athlete_id, source)
        if writes and isinstance(result, DecodedFile):
            result = store_decoded(store, task.athlete_id, result)
        elif isinstance(result, DecodedFile):
            write_samples_ahead(store.samples_root, result)
        results.append(result)
    return results


def write_samples_ahead(samples_root, decoded: DecodedFile) -> None:
    """Write each activity's samples now, under the content-addressed key the writer would use (a retried task
    rewrites the same file), and drop them from what travels to the writer. An activity the writer then keeps
    out (its twin is already stored) leaves its sample file behind, like a rolled-back import (samples.py)."""
    from kneeguard.store import samples as samples_io

    for activity in decoded.parsed.activities:
        key = samples_io.write_samples(samples_root, decoded.parsed.content_hash, activity.session_index,
                                       activity.samples)
        if key is not None:
            activity.samples_key = key
            activity.samples = activity.samples.iloc[0:0]


BIG_FILE_BYTES = 8 * 1024 * 1024  # ≈ 40 long FIT runs: a task of its own, like an export archive


def is_big(task: ImportTask) -> bool:
    """An export archive (hundreds of activities) or a very large file: not grouped with others."""
    return Path(task.path).suffix.lower() == ".zip" or task.size_bytes > BIG_FILE_BYTES


def file_size(path: Path) -> int:
    """The file's size, read once when its task is planned (the ordering and the grouping both use it)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0  # it will fail with its own error line


def largest_first(tasks: list[ImportTask]) -> list[ImportTask]:
    """The biggest inputs first (each athlete's own files keep their order among equals): the work per file
    grows with its size, so the last tasks are the small ones and no core waits long for the other at the end
    (longest-processing-time-first scheduling)."""
    return sorted(tasks, key=lambda task: task.size_bytes, reverse=True)


def plan_tasks(store, rows: list[ManifestRow]) -> tuple[list[ImportTask], list[BatchFileOutcome]]:
    """The tasks for `rows` (athletes created as needed) and the problems found while searching."""
    from kneeguard.ingest.sources import candidate_files
    from kneeguard.store import athletes

    ids: dict[str, int] = {}
    with store.write() as session:
        for row in rows:
            if row.athlete not in ids:
                ids[row.athlete] = athletes.get_or_create(session, row.athlete).id
    tasks, problems = [], []
    for row in rows:
        for found in candidate_files([row.path]):
            if isinstance(found, tuple):
                tasks.append(ImportTask(row.athlete, ids[row.athlete], str(found[0]), found[1], file_size(found[0])))
            else:
                problems.append(BatchFileOutcome(row.athlete, FileOutcome(found.name, "error", error=found.problem)))
    return tasks, problems


def run_import(client, store, rows: list[ManifestRow], *, worker_writes: bool,
               show: bool = True) -> Iterator[BatchFileOutcome]:
    """Import every file of `rows`; yields each file's outcome as it is stored (errors included)."""
    tasks, problems = plan_tasks(store, rows)
    yield from problems
    access = store_access(store)
    if client is not None:
        tasks = largest_first(tasks)
    groups = group_items(tasks, items_per_task(len(tasks), worker_count(client)), is_big)
    for task, result in run_tasks(client, decode_file, tasks, access, worker_writes, label="importing", show=show,
                                  groups=groups):
        yield from _stored(store, task, result)


def _stored(store, task: ImportTask, result: Any) -> Iterator[BatchFileOutcome]:
    from kneeguard.store.importer import store_decoded

    if isinstance(result, TaskFailure):
        yield BatchFileOutcome(task.athlete, FileOutcome(task.display, "error", error=result.problem))
        return
    for item in result:
        outcome = store_decoded(store, task.athlete_id, item) if isinstance(item, DecodedFile) else item
        yield BatchFileOutcome(task.athlete, outcome)
