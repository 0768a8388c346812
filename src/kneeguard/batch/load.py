"""`kneeguard batch load --out DIR`: the load analysis of every athlete as a Parquet dataset, one file per athlete.

    DIR/daily/athlete-ana-<hash>.parquet      one row per day: distance, load, rest, ...   (LoadReport.daily)
    DIR/weekly/athlete-ana-<hash>.parquet     one row per week                             (LoadReport.weekly)
    DIR/findings/athlete-ana-<hash>.parquet   every Finding: code, severity, value, threshold, unit, uncertain, date
    DIR/_fingerprints.json                    what each athlete's files were computed from, and their counts (resume)

Each table is one folder of files with one fixed schema (load_dataset.py), the athlete's name a string column
in every file: `pandas.read_parquet(DIR / "daily")`, `pyarrow.dataset.dataset(...)`, Dask's `read_parquet` and
DuckDB's `read_parquet('DIR/daily/*.parquet')` read it whole; files whose names start with "_" or "." are
skipped by all of them.

Each task (one athlete) reads the store, runs `analyze_load` - the very analysis `kneeguard load` shows - and
replaces that athlete's three files (each written to a temporary name, then renamed). Resume: an athlete whose
fingerprint (activities, shoes, the as-of day, the kneeguard version, the dataset format) matches the recorded
one and whose files exist is not analysed again; its outcome repeats the counts recorded when it was written.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kneeguard.batch.engine import TaskFailure, group_items, items_per_task, run_tasks, worker_count
from kneeguard.batch.imports import StoreAccess, store_access, worker_store
from kneeguard.batch.load_dataset import DATASET_FORMAT, TABLES, athlete_file, remove_legacy_folders, write_report

FINGERPRINTS = "_fingerprints.json"


@dataclass(frozen=True)
class LoadTask:
    athlete: str
    athlete_id: int
    fingerprint: str


@dataclass(frozen=True)
class LoadOutcome:
    """One athlete: 'written', 'unchanged' (resumed: the counts are those recorded when its files were written),
    'removed' (no longer in the store: its files deleted) or 'error' (`detail` says why; the counts are 0)."""

    athlete: str
    status: str
    runs: int = 0
    findings: int = 0
    detail: str = ""


def analyse_athlete(task: LoadTask, access: StoreAccess, out: str, as_of: dt.date) -> LoadOutcome:
    """The worker's part: read, analyse, write this athlete's three files."""
    from kneeguard.load import analyze_load
    from kneeguard.store.queries import load_inputs

    store = worker_store(access)
    with store.session() as session:
        profile, activities, shoes = load_inputs(session, task.athlete_id, as_of)
    report = analyze_load(activities, profile, as_of, shoes)
    write_report(Path(out), task.athlete, report)
    return LoadOutcome(task.athlete, "written", runs=len(report.runs), findings=len(report.findings))


def fingerprints(store, athletes: list[str] | None, as_of: dt.date) -> list[LoadTask]:
    """Every athlete (or those named) with the fingerprint of what their analysis reads."""
    from sqlalchemy import func, select

    import kneeguard
    from kneeguard.store import athletes as athlete_rows
    from kneeguard.store.models import Activity, Athlete, Shoe, ShoeAssignment

    with store.session() as session:
        if athletes:
            rows = [athlete_rows.get(session, name) for name in athletes]
        else:
            rows = list(session.scalars(select(Athlete).order_by(Athlete.name)))
        tasks = []
        for row in rows:
            activity = session.execute(select(func.count(Activity.id), func.max(Activity.id), func.sum(Activity.id),
                                              func.max(Activity.rpe), func.sum(Activity.distance_m))
                                       .where(Activity.athlete_id == row.id)).one()
            shoes = session.execute(select(func.count(Shoe.id), func.max(Shoe.id))
                                    .where(Shoe.athlete_id == row.id)).one()
            assigned = session.scalar(select(func.count()).select_from(ShoeAssignment).join(Shoe)
                                      .where(Shoe.athlete_id == row.id))
            profile = athlete_rows.profile(row)
            text = json.dumps([kneeguard.__version__, DATASET_FORMAT, as_of.isoformat(), list(activity), list(shoes),
                               assigned, repr(profile)], default=str)
            tasks.append(LoadTask(row.name, row.id, hashlib.sha256(text.encode()).hexdigest()))
    return tasks


@dataclass(frozen=True)
class Recorded:
    """What `_fingerprints.json` keeps per athlete: the fingerprint its files were computed from and their
    counts, so that an athlete passed over on a re-run reports the counts of the files it has."""

    fingerprint: str
    runs: int
    findings: int


def read_fingerprints(out: Path) -> dict[str, Recorded]:
    """The recorded athletes; an entry in another shape (a format-1 bare fingerprint) is left out, so that
    athlete is analysed again rather than reported with counts nobody recorded."""
    try:
        data = json.loads((out / FINGERPRINTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    recorded = {}
    for athlete, entry in data.items():
        try:
            recorded[str(athlete)] = Recorded(str(entry["fingerprint"]), int(entry["runs"]), int(entry["findings"]))
        except (TypeError, KeyError, ValueError):
            continue
    return recorded


def save_fingerprints(out: Path, done: dict[str, Recorded]) -> None:
    tmp = out / f".{FINGERPRINTS}.{uuid.uuid4().hex}.tmp"
    entries = {athlete: vars(entry) for athlete, entry in done.items()}
    tmp.write_text(json.dumps(entries, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, out / FINGERPRINTS)


def _up_to_date(out: Path, task: LoadTask, done: dict[str, Recorded]) -> bool:
    entry = done.get(task.athlete)
    return entry is not None and entry.fingerprint == task.fingerprint and all(
        athlete_file(out, table, task.athlete).is_file() for table in TABLES)


def _remove_gone(out: Path, store, done: dict[str, Recorded]) -> Iterator[LoadOutcome]:
    """The files of athletes this folder recorded who are no longer in the store (renamed or deleted): a research
    engineer's renamed athlete was counted twice, under both names. Only athletes kneeguard wrote here."""
    from sqlalchemy import select

    from kneeguard.store.models import Athlete

    with store.session() as session:
        present = set(session.scalars(select(Athlete.name)))
    for athlete in sorted(a for a in done if a not in present):
        for table in TABLES:
            athlete_file(out, table, athlete).unlink(missing_ok=True)
        done.pop(athlete)
        yield LoadOutcome(athlete, "removed", detail="no longer in the store (renamed or deleted): its files removed")


def run_load(client, store, out: Path, as_of: dt.date, athletes: list[str] | None = None, *,
             force: bool = False, show: bool = True) -> Iterator[LoadOutcome]:
    """Analyse every athlete not up to date in `out`; yields each athlete's outcome as it finishes."""
    out = out.expanduser().resolve()  # the workers' working folder is not this process's (a --scheduler cluster)
    out.mkdir(parents=True, exist_ok=True)
    remove_legacy_folders(out)
    tasks = fingerprints(store, athletes, as_of)
    done = read_fingerprints(out)  # with --force too: the athletes not chosen keep their records
    yield from _remove_gone(out, store, done)
    todo = []
    for task in tasks:
        if not force and _up_to_date(out, task, done):
            entry = done[task.athlete]
            yield LoadOutcome(task.athlete, "unchanged", runs=entry.runs, findings=entry.findings,
                              detail="up to date (re-run with --force to redo)")
        else:
            done.pop(task.athlete, None)
            todo.append(task)
    access = store_access(store)
    try:
        groups = group_items(todo, items_per_task(len(todo), worker_count(client)), alone=lambda _task: False)
        for task, result in run_tasks(client, analyse_athlete, todo, access, str(out), as_of,
                                      label="load analysis", show=show, groups=groups):
            if isinstance(result, TaskFailure):
                yield LoadOutcome(task.athlete, "error", detail=result.problem)
                continue
            done[task.athlete] = Recorded(task.fingerprint, result.runs, result.findings)
            yield result
    finally:  # also on Ctrl-C: what finished is recorded, a re-run does the rest
        save_fingerprints(out, done)
