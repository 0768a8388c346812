"""`kneeguard batch cohort`: the spike–injury cohort analysis over every athlete in the store (research use).

The lead registers `cohort_command` as `kneeguard batch cohort`. Per-athlete work runs in this process,
on a Dask cluster given by `--scheduler` (or KNEEGUARD_DASK_SCHEDULER), or on a local cluster of
`--workers` processes; the method is docs/cohort.md.
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated

import typer

from kneeguard.cli.common import DbOption, HomeOption, JsonOption, console, print_json, user_errors
from kneeguard.errors import UserError


def cohort_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the table (CSV, Parquet), the plot and summary.md.")],
    events: Annotated[str, typer.Option("--events", help="'first' new problem per athlete (as Frandsen et al. "
                                                         "2025) or 'all' (recurrent, athlete as cluster).")] = "first",
    athlete: Annotated[list[str] | None, typer.Option("--athlete", "-a", help="Only these athletes (repeatable).")]
    = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", envvar="KNEEGUARD_DASK_SCHEDULER",
                                                  help="Dask scheduler address, e.g. tcp://HOST:8786.")] = None,
    workers: Annotated[int, typer.Option("--workers", min=0, help="Start a local Dask cluster with this many "
                                                                  "worker processes (0: run in this process).")] = 0,
    as_json: JsonOption = False,
    db: DbOption = None,
    home: HomeOption = None,
) -> None:
    """Injury incidence by single-run spike band, and hazard ratios clustered by athlete (research use)."""
    from kneeguard.batch.cohort import CohortParameters, cohort_intervals, in_process
    from kneeguard.batch.cohort_report import write_outputs
    from kneeguard.batch.cohort_stats import cohort_result
    from kneeguard.cli.common import open_store

    with user_errors():
        if events not in ("first", "all"):
            raise UserError(f"--events must be 'first' or 'all', got {events!r}")
        params = CohortParameters.from_registry(events)
        with open_store(db, home) as store, store.session() as session:
            from kneeguard.store import athletes as athlete_store

            known = athlete_store.list_names(session)
            url = store.url
        names = list(athlete) if athlete else known
        missing = sorted(set(names) - set(known))
        if missing:
            raise UserError(f"unknown athlete: {', '.join(missing)}")
        if not names:
            raise UserError("the store has no athletes")
        with _mapper(scheduler, workers) as mapper:
            contributions = cohort_intervals(url, str(home) if home else None, names, params,
                                             mapper=mapper or in_process)
        result = cohort_result(contributions, events)
        if result.table.empty:
            raise UserError("no athlete has runs and OSTRC check-ins in follow-up: nothing to analyse")
        paths = write_outputs(result, out)
    if as_json:
        print_json({"athletes": result.athletes, "excluded": result.athletes_excluded, "runs": result.runs,
                    "injuries": result.injuries, "outside_states": result.injuries_outside_states,
                    "events": result.events, "joint_p": result.joint_p, "notes": result.notes, "files": [str(p) for p in paths],
                    "bands": result.table.to_dict(orient="records")})
        return
    console.print((out / "summary.md").read_text(encoding="utf-8"), markup=False, highlight=False)
    console.print(f"written: {', '.join(p.name for p in paths)} in [bold]{out}[/]")


@contextlib.contextmanager
def _mapper(scheduler: str | None, workers: int):
    """A Dask mapper for --scheduler or --workers, else None (in process)."""
    if not scheduler and not workers:
        yield None
        return
    from distributed import Client, LocalCluster

    from kneeguard.batch.cohort import dask_mapper

    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as exc:
            raise UserError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        with client:
            yield dask_mapper(client)
        return
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        yield dask_mapper(client)
