"""`kneeguard batch cohort`: the spike–injury cohort analysis over every athlete in the store (research use).

Registered as `kneeguard batch cohort` (cli/batch_cmd.py). Per-athlete work runs where the other batch
commands run theirs (`batch_cmd._cluster`): a local cluster by default, the Dask cluster given by
`--scheduler` (or KNEEGUARD_DASK_SCHEDULER), or this process with `--workers 0`; the method is docs/cohort.md.
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kneeguard.cli.batch_options import SchedulerOption, WorkersOption
from kneeguard.cli.common import DbOption, HomeOption, JsonOption, console, print_json, user_errors
from kneeguard.errors import UserError


def cohort_command(
    out: Annotated[Path, typer.Option("--out", file_okay=False,  # a file there: a usage error, not a crash
                                      help="Folder for the table (CSV, Parquet), the plot and summary.md.")],
    events: Annotated[str, typer.Option("--events", help="'first' new problem per athlete (as Frandsen et al. "
                                                         "2025) or 'all' (recurrent, athlete as cluster).")] = "first",
    athlete: Annotated[list[str] | None, typer.Option("--athlete", "-a", help="Only these athletes (repeatable).")]
    = None,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
    home: HomeOption = None,
) -> None:
    """Injury incidence by single-run spike band, and hazard ratios clustered by athlete (research use)."""
    from kneeguard.batch.cohort import CohortParameters, cohort_intervals, dask_mapper, in_process
    from kneeguard.cli.batch_cmd import _cluster
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
        with _cluster(scheduler, workers, as_json) as client:
            contributions = cohort_intervals(url, str(home) if home else None, names, params,
                                             mapper=in_process if client is None else dask_mapper(client))
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
