"""Benchmark the load analysis on synthetic histories.

    .venv/bin/python benchmarks/bench_load.py                       # both scenarios, defaults below
    .venv/bin/python benchmarks/bench_load.py --athletes 100 --skip-single
    .venv/bin/python benchmarks/bench_load.py --lists               # histograms as Python lists

Scenario 1: one athlete, `--years` of daily runs with HR histograms, analysed
`--repeat` times (target: < 100 ms per call for 10 years).
Scenario 2: `--athletes` athletes x `--athlete-years`, spread over a
multiprocessing Pool(`--processes`); each worker generates its athlete's
history and analyses it (target: 1,000 x 5 years < 60 s on 2 cores). The wall
time includes generation (summed per worker in the last column, so it can
exceed the wall time). CPU time is shown beside wall time because on a shared
machine other processes inflate wall time.
Scenario 3 (issue 18, end to end as users run it): `kneeguard load --json` for one athlete with
`--cli-years` of runs in a SQLite store, each run a fresh process (start-up, the read from the store,
the cold first call), over `--cli-rounds` interleaved rounds beside `kneeguard --help` as the start-up floor
(benchmarks/fresh_runs.py).
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from multiprocessing import Pool
from pathlib import Path

from kneeguard.load import analyze_load
from kneeguard.load.synthetic import synthetic_activities, synthetic_shoes
from kneeguard.profile import AthleteProfile

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fresh_runs import Case, header, interleaved, markdown  # noqa: E402

AS_OF = dt.date(2025, 6, 30)
PROFILE = AthleteProfile(name="bench", sex="male", hr_max=190, hr_rest=50)


def one_athlete(args: tuple[int, int, bool]) -> tuple[int, float, float, float]:
    """Generate and analyse one athlete: (activities, generate s, analyse wall s, analyse CPU s)."""
    seed, days, as_list = args
    started = time.perf_counter()
    activities = synthetic_activities(days=days, end=AS_OF, seed=seed, run_probability=0.85, histogram_as_list=as_list)
    shoes = synthetic_shoes(activities, AS_OF)
    generated, cpu = time.perf_counter(), time.process_time()
    analyze_load(activities, PROFILE, AS_OF, shoes)
    return len(activities), generated - started, time.perf_counter() - generated, time.process_time() - cpu


def bench_single(years: float, repeat: int, as_list: bool) -> dict:
    activities = synthetic_activities(days=int(years * 365), end=AS_OF, seed=1, run_probability=1.0,
                                      histogram_as_list=as_list)
    shoes = synthetic_shoes(activities, AS_OF)
    analyze_load(activities, PROFILE, AS_OF, shoes)  # warm-up: imports, registry, caches
    times, cpu = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        analyze_load(activities, PROFILE, AS_OF, shoes)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return {
        "scenario": f"1 athlete x {years:g} y",
        "athletes": 1,
        "activities": len(activities),
        "median_ms": statistics.median(times) * 1000,
        "max_ms": max(times) * 1000,
        "median_cpu_ms": statistics.median(cpu) * 1000,
        "wall_s": sum(times),
        "generate_s": 0.0,
    }


def bench_many(athletes: int, years: float, processes: int, as_list: bool) -> dict:
    jobs = [(seed, int(years * 365), as_list) for seed in range(athletes)]
    started = time.perf_counter()
    with Pool(processes) as pool:
        results = pool.map(one_athlete, jobs, chunksize=max(1, athletes // (processes * 8)))
    wall = time.perf_counter() - started
    analysis = [r[2] for r in results]
    return {
        "scenario": f"{athletes} athletes x {years:g} y, Pool({processes})",
        "athletes": athletes,
        "activities": round(statistics.mean(r[0] for r in results)),
        "median_ms": statistics.median(analysis) * 1000,
        "max_ms": max(analysis) * 1000,
        "median_cpu_ms": statistics.median(r[3] for r in results) * 1000,
        "wall_s": wall,
        "generate_s": sum(r[1] for r in results),
    }


def bench_cli(years: float, rounds: int) -> None:
    """`kneeguard load` end to end in fresh processes, against `kneeguard --help` (the start-up floor)."""
    from bench_report import ATHLETE, build_store

    end = dt.date(2026, 11, 22)
    with tempfile.TemporaryDirectory(prefix="kg-load-") as tmp:
        store, n = build_store(Path(tmp), years, end)
        store.close()
        cases = [Case("kneeguard --help", ["-m", "kneeguard.cli", "--help"]),
                 Case(f"kneeguard load --json ({years:g} y)", ["-m", "kneeguard.cli", "load", "--athlete", ATHLETE,
                                                           "--as-of", end.isoformat(), "--home", tmp, "--json"])]
        timings = interleaved(cases, rounds)
    print(header(f"End to end, {n} activities", timings))
    print()
    print(markdown(timings))
    print()


def print_table(rows: list[dict]) -> None:
    """Per-call analysis times (wall and CPU) and the scenario's total wall time."""
    header = (f"{'scenario':36s} {'activities/athlete':>18s} {'median ms':>10s} {'max ms':>8s} "
              f"{'median CPU ms':>14s} {'wall s':>8s} {'of which generating s':>22s}")
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['scenario']:36s} {r['activities']:>18d} {r['median_ms']:>10.1f} {r['max_ms']:>8.1f} "
              f"{r['median_cpu_ms']:>14.1f} {r['wall_s']:>8.2f} {r['generate_s']:>22.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--years", type=float, default=10, help="history length for the single athlete")
    parser.add_argument("--repeat", type=int, default=20, help="timed calls for the single athlete")
    parser.add_argument("--athletes", type=int, default=1000)
    parser.add_argument("--athlete-years", type=float, default=5)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--lists", action="store_true", help="HR histograms as Python lists instead of arrays")
    parser.add_argument("--skip-single", action="store_true")
    parser.add_argument("--skip-many", action="store_true")
    parser.add_argument("--cli-years", type=float, default=10, help="history for the end-to-end scenario")
    parser.add_argument("--cli-rounds", type=int, default=5, help="end-to-end rounds (0: skip)")
    args = parser.parse_args()
    if args.cli_rounds:
        bench_cli(args.cli_years, args.cli_rounds)
    rows = []
    if not args.skip_single:
        rows.append(bench_single(args.years, args.repeat, args.lists))
    if not args.skip_many:
        rows.append(bench_many(args.athletes, args.athlete_years, args.processes, args.lists))
    print_table(rows)


if __name__ == "__main__":
    main()
