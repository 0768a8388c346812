"""Per-task costs of the cohort analysis, for docs/scale.md.

    PYTHONPATH=src .venv/bin/python benchmarks/bench_cohort.py --athletes 100 [--workers 2]

Stages, each timed over the same athletes (wall and CPU seconds, per athlete), with the load average:
synthetic generation (simulate only), writing the cohort into a fresh SQLite store (bulk rows),
reading one athlete from the store (activities + check-ins), the per-athlete join (pure function),
and the Cox fit over all intervals. With --workers, the read+join stage is also run on a local Dask
cluster, interleaved with the in-process run, and the ratio is printed.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def timed(function, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--athletes", type=int, default=100)
    parser.add_argument("--workers", type=int, default=0)
    args = parser.parse_args()

    from kneeguard.advice.checkins import parse_records
    from kneeguard.batch.cohort import CohortParameters, athlete_intervals, cohort_intervals, combine, dask_mapper
    from kneeguard.batch.cohort_stats import cohort_result
    from kneeguard.batch.synthetic_cohort import CohortSpec, simulate_athlete, write_cohort
    from kneeguard.store import open_store, records
    from kneeguard.store.athletes import get
    from kneeguard.store.queries import activities_frame

    n = args.athletes
    spec = CohortSpec(athletes=n, baseline_per_day=0.006)
    params = CohortParameters.from_registry("all")
    rows = []
    simulated, wall, cpu = timed(lambda: [simulate_athlete(i, spec) for i in range(n)])
    runs = sum(len(a.runs) for a in simulated)
    rows.append(("synthetic generation (simulate)", wall, cpu))
    home = Path(tempfile.mkdtemp(prefix="bench-cohort-"))
    with open_store(home=home) as store:
        _, wall, cpu = timed(write_cohort, store, spec)
        rows.append(("store write (bulk rows, includes simulate)", wall, cpu))
        names = [a.name for a in simulated]

        def read_all():
            out = []
            with store.session() as session:
                for name in names:
                    athlete = get(session, name)
                    out.append((name, activities_frame(session, athlete.id),
                                parse_records([r["record"] for r in records.list_checkins(session, athlete.id)])))
            return out

        frames, wall, cpu = timed(read_all)
        rows.append(("store read (activities + check-ins)", wall, cpu))
    joined, wall, cpu = timed(lambda: [athlete_intervals(name, f, c, params) for name, f, c in frames])
    rows.append(("cohort join (pure, per athlete)", wall, cpu))
    result, wall, cpu = timed(cohort_result, joined, "all")
    rows.append((f"Cox fit + incidence ({len(combine(joined)):,} intervals)", wall, cpu))

    print(f"{n} athletes, {runs:,} runs ({runs / n:.0f} a year each), {result.injuries} new problems")
    print(f"{'stage':48} {'wall s':>8} {'cpu s':>8} {'ms/athlete':>11}   load average")
    for stage, wall, cpu in rows:
        print(f"{stage:48} {wall:8.2f} {cpu:8.2f} {1000 * wall / n:11.1f}   {loadavg()}")
    if args.workers:
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=args.workers, threads_per_worker=1, dashboard_address=":0") as cluster, \
                Client(cluster) as client:
            mapper = dask_mapper(client)
            cohort_intervals(None, str(home), names[:10], params, mapper=mapper, chunk_size=5)  # warm the workers
            for _ in range(2):  # interleaved: in process, then Dask
                _, local, _ = timed(cohort_intervals, None, str(home), names, params, chunk_size=10)
                _, remote, _ = timed(cohort_intervals, None, str(home), names, params, mapper=mapper, chunk_size=10)
                print(f"read+join in process {local:.2f} s, Dask {args.workers} workers {remote:.2f} s, "
                      f"ratio {local / remote:.2f}x   {loadavg()}")


if __name__ == "__main__":
    main()
