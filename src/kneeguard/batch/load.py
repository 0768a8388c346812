"""`kneeguard batch load --out DIR`: the load analysis of every athlete as a Parquet dataset partitioned by athlete.

    DIR/daily/athlete=ana/part-0.parquet      one row per day: distance, load, rest, ...   (LoadReport.daily)
    DIR/weekly/athlete=ana/part-0.parquet     one row per week                             (LoadReport.weekly)
    DIR/findings/athlete=ana/part-0.parquet   every Finding: code, severity, value, threshold, unit, uncertain, date
    DIR/_fingerprints.json                    what each athlete's files were computed from (resume)

Hive-style folders (`athlete=NAME`, the name percent-encoded) make each table one dataset for
`pandas.read_parquet(DIR / "daily")`, `pyarrow.dataset.dataset(..., partitioning="hive")`, Dask's
`read_parquet` and DuckDB's `read_parquet('DIR/daily/*/*.parquet', hive_partitioning = true)`; files whose
names start with "_" or "." are skipped by all of them.

Each task (one athlete) reads the store, runs `analyze_load` - the very analysis `kneeguard load` shows - and
replaces that athlete's three files (each written to a temporary name, then renamed). Resume: an athlete whose
fingerprint (activities, shoes, the as-of day, the kneeguard version) matches the recorded one and whose files
exist is not analysed again.
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
from urllib.parse import quote

from kneeguard.batch.engine import TaskFailure, group_items, items_per_task, run_tasks, worker_count
from kneeguard.batch.imports import StoreAccess, worker_store

TABLES = ("daily", "weekly", "findings")
FINGERPRINTS = "_fingerprints.json"


@dataclass(frozen=True)
class LoadTask:
    athlete: str
    athlete_id: int
    fingerprint: str


@dataclass(frozen=True)
class LoadOutcome:
    """One athlete: 'written', 'unchanged' (resumed) or 'error' (`detail` says why)."""

    athlete: str
    status: str
    runs: int = 0
    findings: int = 0
    detail: str = ""


def partition_dir(out: Path, table: str, athlete: str) -> Path:
    return out / table / f"athlete={quote(athlete, safe='')}"


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


def write_report(out: Path, athlete: str, report) -> None:
    """The athlete's daily, weekly and findings tables, each replaced whole."""
    import pandas as pd

    findings = pd.DataFrame({
        "code": [f.code for f in report.findings],
        "severity": [str(getattr(f.severity, "value", f.severity)) for f in report.findings],
        "title": [f.title for f in report.findings],
        "value": [_number(f.measured) for f in report.findings],
        "value_text": [None if _number(f.measured) is not None or f.measured is None else str(f.measured)
                       for f in report.findings],
        "threshold": [_number(f.threshold) for f in report.findings],
        "unit": [f.unit for f in report.findings],
        # why a finding is doubtful (e.g. a spike with fewer than the window's days of record before it); None: judged
        "uncertain": [f.uncertain for f in report.findings],
        "date": pd.to_datetime(pd.Series([f.on_date or report.as_of for f in report.findings], dtype=object)),
        "as_of": pd.Timestamp(report.as_of),
    })
    for table, frame in (("daily", report.daily), ("weekly", report.weekly), ("findings", findings)):
        _write_part(partition_dir(out, table, athlete), _flat(frame))


def _number(value) -> float | None:
    try:
        return None if value is None or isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        return None


def _flat(frame):
    """A plain table: a meaningful index (a day or week) becomes a column; object columns become text."""
    import pandas as pd

    out = frame.reset_index(drop=isinstance(frame.index, pd.RangeIndex))
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(lambda v: None if v is None else str(v))
    out.columns = [str(c) for c in out.columns]
    return out


def _write_part(folder: Path, frame) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "part-0.parquet"
    tmp = folder / f".part-0.{os.getpid()}.{uuid.uuid4().hex}.tmp"
    table = pa.Table.from_pandas(frame, preserve_index=False)
    # a text column with no value in this part (e.g. no uncertain finding) is text, not Arrow's null type:
    # a null column cannot be read together with another athlete's text one
    for i, column in enumerate(table.schema):
        if pa.types.is_null(column.type):
            table = table.set_column(i, column.name, table.column(i).cast(pa.string()))
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, target)  # readers see the old file or the new one, never half of one


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
            text = json.dumps([kneeguard.__version__, as_of.isoformat(), list(activity), list(shoes), assigned,
                               repr(profile)], default=str)
            tasks.append(LoadTask(row.name, row.id, hashlib.sha256(text.encode()).hexdigest()))
    return tasks


def read_fingerprints(out: Path) -> dict[str, str]:
    try:
        data = json.loads((out / FINGERPRINTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def save_fingerprints(out: Path, done: dict[str, str]) -> None:
    tmp = out / f".{FINGERPRINTS}.{uuid.uuid4().hex}.tmp"
    tmp.write_text(json.dumps(done, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, out / FINGERPRINTS)


def _up_to_date(out: Path, task: LoadTask, done: dict[str, str]) -> bool:
    return done.get(task.athlete) == task.fingerprint and all(
        (partition_dir(out, table, task.athlete) / "part-0.parquet").is_file() for table in TABLES)


def run_load(client, store, out: Path, as_of: dt.date, athletes: list[str] | None = None, *,
             force: bool = False, show: bool = True) -> Iterator[LoadOutcome]:
    """Analyse every athlete not up to date in `out`; yields each athlete's outcome as it finishes."""
    out.mkdir(parents=True, exist_ok=True)
    tasks = fingerprints(store, athletes, as_of)
    done = {} if force else read_fingerprints(out)
    todo = []
    for task in tasks:
        if not force and _up_to_date(out, task, done):
            yield LoadOutcome(task.athlete, "unchanged", detail="up to date (re-run with --force to redo)")
        else:
            done.pop(task.athlete, None)
            todo.append(task)
    access = StoreAccess(store.url, str(store.home), store.storage_root)
    try:
        groups = group_items(todo, items_per_task(len(todo), worker_count(client)), alone=lambda _task: False)
        for task, result in run_tasks(client, analyse_athlete, todo, access, str(out.resolve()), as_of,
                                      label="load analysis", show=show, groups=groups):
            if isinstance(result, TaskFailure):
                yield LoadOutcome(task.athlete, "error", detail=result.problem)
                continue
            done[task.athlete] = task.fingerprint
            yield result
    finally:  # also on Ctrl-C: what finished is recorded, a re-run does the rest
        save_fingerprints(out, done)
