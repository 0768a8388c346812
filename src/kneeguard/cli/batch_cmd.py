"""`kneeguard batch import | load | gait`: many athletes' files, analyses and videos on Dask (see docs/batch.md).

    kneeguard batch import MANIFEST.csv                      (columns athlete,path)
    kneeguard batch load --out load_dataset/
    kneeguard batch gait clip1.mp4 clip2.mp4 --athlete ana   (or --manifest videos.csv)

By default the work runs on a Dask LocalCluster started here (one worker process per core); `--scheduler
tcp://HOST:8786` (or KNEEGUARD_DASK_SCHEDULER) uses an existing cluster; `--workers 0` runs in this process.
Dask is imported only when one of these commands runs, so `kneeguard --help` stays fast.
"""
from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kneeguard.cli.batch_options import SchedulerOption, StorageOption, WorkersOption
from kneeguard.cli.common import (
    AthleteOption, DbOption, HomeOption, JsonOption, UserError, console, err_console, open_store, parse_date,
    print_json, user_errors,
)
from kneeguard.text import one_line

app = typer.Typer(help="Batch work for clinics, clubs and research cohorts on Dask: import manifests, "
                  "load analysis as a Parquet dataset, gait videos. Runs on a local cluster by default.",
                  no_args_is_help=True)



@contextlib.contextmanager
def _cluster(scheduler: str | None, workers: int | None, as_json: bool) -> Iterator[object]:
    """The Dask client (None for --workers 0), announced on stderr; Ctrl-C ends the batch with exit code 130."""
    from kneeguard.batch.engine import connect, describe, scheduler_address

    address = scheduler_address(scheduler)
    try:
        with connect(address, workers) as client:
            if not as_json:
                err_console.print(f"running on {describe(client)}", highlight=False)
            yield client
    except KeyboardInterrupt:
        err_console.print("[yellow]stopped:[/] the tasks not finished were cancelled; what finished is stored. "
                          "Run the same command again to do the rest.")
        raise typer.Exit(130) from None


def _store(db: str | None, home: Path | None, storage_root: str | None, scheduler: str | None):
    from kneeguard.batch.engine import scheduler_address

    store = open_store(db, home) if storage_root is None else _open_with_root(db, home, storage_root)
    if store.dialect == "sqlite" and scheduler_address(scheduler) is not None:
        err_console.print("[yellow]note:[/] SQLite with a Dask cluster: this process is the only writer; "
                          "`batch load` workers read the database file, so it must be on a filesystem they share. "
                          "Use PostgreSQL (--db postgresql+psycopg://...) for a real cluster.")
    elif store.storage_root is None and scheduler_address(scheduler) is not None:
        err_console.print(f"[yellow]note:[/] the workers write sample streams and gait outputs under {store.home} "
                          "on their own machines; give --storage-root (a shared folder or an fsspec URL) when they "
                          "run elsewhere.")
    return store


def _open_with_root(db: str | None, home: Path | None, storage_root: str):
    from sqlalchemy.exc import SQLAlchemyError

    from kneeguard.store import open_store as _open

    try:
        return _open(url=db, home=home, storage_root=storage_root)
    except (SQLAlchemyError, OSError) as exc:
        raise UserError(f"cannot open the database: {exc}") from exc


@app.command("import")
def import_command(
    manifest: Annotated[Path, typer.Argument(help="CSV with columns athlete,path (files, folders or export zips; "
                                             "relative paths from the manifest's folder).")],
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    storage_root: StorageOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    home: HomeOption = None,
) -> None:
    """Import every file of a manifest: decoding on the workers, each activity stored once. Re-running imports
    only what is missing; one bad file is one error line. Exit code 1 when any file failed."""
    from kneeguard.batch.imports import run_import
    from kneeguard.batch.manifest import read_manifest
    from kneeguard.cli.import_cmd import STATUS_STYLE, print_outcomes

    with user_errors():
        rows = read_manifest(manifest)
        with _store(db, home, storage_root, scheduler) as store, _cluster(scheduler, workers, as_json) as client:
            worker_writes = store.dialect == "postgresql" and client is not None
            results = list(run_import(client, store, rows, worker_writes=worker_writes, show=not as_json))
    counts = Counter({key: 0 for key in STATUS_STYLE}) + Counter(r.outcome.status for r in results)
    counts = {key: counts.get(key, 0) for key in STATUS_STYLE}
    if as_json:
        print_json([{"athlete": r.athlete, "file": r.outcome.file, "status": r.outcome.status,
                     "activities": r.outcome.activities, "error": r.outcome.error,
                     "warnings": list(r.outcome.warnings)} for r in results])
    else:
        print_outcomes([r.outcome for r in results], counts, athletes=[r.athlete for r in results])
    if counts["error"]:
        raise typer.Exit(1)


@app.command("load")
def load_command(
    out: Annotated[Path, typer.Option("--out", file_okay=False,  # a file there: a usage error, not a crash
                                      help="Folder for the Parquet dataset (daily/, weekly/, findings/, "
                                      "each partitioned by athlete).")],
    athlete: Annotated[list[str] | None, typer.Option("--athlete", "-a", help="Only these athletes (repeat).")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Analyse as of this day, YYYY-MM-DD (default: today).")]
    = None,
    force: Annotated[bool, typer.Option("--force", help="Recompute athletes whose files are up to date.")] = False,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    home: HomeOption = None,
) -> None:
    """The load analysis of every athlete (or --athlete) as a Parquet dataset partitioned by athlete: daily and
    weekly metrics and every Finding (code, value, threshold, date). Readable with pandas, Dask or DuckDB."""
    from kneeguard.batch.load import run_load

    with user_errors():
        day = parse_date(as_of, "--as-of") or dt.datetime.now(dt.UTC).date()
        with _store(db, home, None, scheduler) as store, _cluster(scheduler, workers, as_json) as client:
            results = list(run_load(client, store, out, day, athlete or None, force=force, show=not as_json))
    if as_json:
        print_json([vars(r) for r in results])
    else:
        table = Table(title=f"Load analysis as of {day} → {out}")
        for column, justify in (("athlete", "left"), ("status", "left"), ("runs", "right"), ("findings", "right"),
                                ("note", "left")):
            table.add_column(column, justify=justify, overflow="fold")
        for r in _notable(results, lambda r: r.status in ("error", "removed")):
            table.add_row(_plain(r.athlete), _styled(r.status), str(r.runs), str(r.findings), _plain(r.detail))
        console.print(table)
        console.print(_counts(r.status for r in results))
    if any(r.status == "error" for r in results):
        raise typer.Exit(1)


@app.command("gait")
def gait_command(
    inputs: Annotated[list[Path] | None, typer.Argument(help="Videos (or keypoint .json/.npz files).",
                                                        show_default=False)] = None,
    manifest: Annotated[Path | None, typer.Option("--manifest", help="CSV with columns athlete,path "
                                                  "(optional view, height_cm) instead of VIDEOS.")] = None,
    athlete: AthleteOption = None,
    outputs: Annotated[str, typer.Option("--outputs", help="all (tables, plots, annotated video), files (no "
                                         "video) or none (only the stored session).")] = "all",
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    storage_root: StorageOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    home: HomeOption = None,
) -> None:
    """One gait analysis per video on the workers, each stored as a gait session of its athlete; outputs under
    <storage root>/gait/. A broken video is one line in the summary. Exit code 1 when any input failed."""
    from kneeguard.batch.gait import run_gait
    from kneeguard.batch.manifest import ManifestRow, read_manifest
    from kneeguard.store.config import DEFAULT_ATHLETE

    with user_errors():
        if outputs not in ("all", "files", "none"):
            raise UserError(f"--outputs must be all, files or none, got {outputs!r}")
        if bool(inputs) == (manifest is not None):
            raise UserError("give VIDEOS or --manifest CSV (one of them)")
        if manifest is not None:
            rows = read_manifest(manifest)
        else:
            rows = [ManifestRow(0, athlete or DEFAULT_ATHLETE, path) for path in inputs or []]
        with _store(db, home, storage_root, scheduler) as store, _cluster(scheduler, workers, as_json) as client:
            results = list(run_gait(client, store, rows, outputs=outputs, show=not as_json))
    if as_json:
        print_json([{k: v for k, v in vars(r).items() if k != "summary"} for r in results])
    else:
        table = Table(title="Gait batch")
        for column, justify in (("athlete", "left"), ("input", "left"), ("status", "left"), ("steps", "right"),
                                ("cadence", "right"), ("findings", "right"), ("outputs / note", "left")):
            table.add_column(column, justify=justify, overflow="fold")
        for r in _notable(results, lambda r: r.status == "error"):
            cadence = "" if r.cadence_spm is None else f"{r.cadence_spm:.0f}"
            table.add_row(_plain(r.athlete), _plain(Path(r.path).name), _styled(r.status), str(r.steps), cadence,
                          str(r.findings), _plain(r.detail or r.outputs))
        console.print(table)
        console.print(_counts(r.status for r in results))
    if any(r.status == "error" for r in results):
        raise typer.Exit(1)


_STYLES = {"stored": "green", "written": "green", "unchanged": "dim", "removed": "yellow", "error": "bold red"}


def _notable(results: list, is_problem) -> list:
    """Every row of a small batch; of a large one, the problems (the counts line says the rest)."""
    return results if len(results) <= 50 else [r for r in results if is_problem(r)][:200]


def _styled(status: str) -> str:
    return f"[{_STYLES.get(status, 'white')}]{status}[/]"


def _counts(statuses) -> str:
    counted = Counter(statuses)
    return "  ".join(f"{_styled(k)}: {v}" for k, v in sorted(counted.items())) or "nothing to do"


def _plain(text: str) -> str:
    return escape(one_line(str(text)))


def _register_cohort() -> None:
    """`kneeguard batch cohort` lives in its own module (cli/batch_cohort.py); it runs on `_cluster` above."""
    from kneeguard.cli.batch_cohort import cohort_command

    app.command("cohort")(cohort_command)


_register_cohort()
