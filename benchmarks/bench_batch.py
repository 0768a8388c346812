"""`kneeguard batch` on a local Dask cluster against the single-process path, side by side in one run.

    # full size (issue 17), on a quiet machine:
    .venv/bin/python benchmarks/bench_batch.py --workdir /tmp/bench_batch \\
        --files 2000 --athletes 1000 --years 5 --clips 8 \\
        --corpus tests/data/activities ../shared/data/activities \\
        --clip tests/data/gait/gaitlab_male_side/male_side.mp4
    # reduced (to check the script on a busy machine):
    .venv/bin/python benchmarks/bench_batch.py --workdir /tmp/bench_batch --files 300 --athletes 100 --clips 2 \
        --rounds 1

Each scenario runs the real CLI in fresh processes: `kneeguard batch ... --workers 0` (this process, no Dask)
and `--workers N` (a LocalCluster started by the command), each run on a freshly emptied store/output folder,
timed by benchmarks/fresh_runs.py: one untimed warm-up run of each, then `--rounds` (default 5) rounds, the
order alternating; the ratio is the median of the rounds' single / cluster wall-time ratios. Process start
(Python, imports) and the cluster start are inside the cluster's wall time: they are what a user waits for.
The per-task Dask overhead is measured apart, on the same kind of cluster, with tasks that do nothing (`abs`).

- import: the distinct files of the corpus folders (by content), replicated to athletes (each athlete gets
  each file at most once, so every row is a real import) up to `--files` rows.
- load: `--athletes` synthetic histories of `--years` (load/synthetic.py: daily runs with heart-rate
  histograms, as bench_load.py) written into a SQLite store first (not timed), then `batch load`.
- gait: one video (`--clip`) analysed for `--clips` athletes (`--outputs files`: tables and plots, no
  annotated video), one at a time against the cluster.
The load average is printed before and after every timing: on a shared machine, compare ratios, not seconds.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fresh_runs import Case, header, interleaved, load_text  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2025, 6, 30)


def loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().split(" ")[0]
    except OSError:
        return "n/a"


def batch_case(label: str, args: list[str], workers: int, target: Path, reset=None) -> tuple[Case, dict[str, int]]:
    """`kneeguard batch ARGS --workers N --json` as a fresh process writing into `target`, emptied before every
    run (and `reset`, e.g. emptying a database, called then too), so each run does the whole work. Returned
    with the outcome counts of its latest run (exit 1: some file failed, as the corpus's broken files do)."""
    statuses: dict[str, int] = {}

    def fresh_target() -> None:
        shutil.rmtree(target, ignore_errors=True)
        if reset is not None:
            reset()

    def count_statuses(stdout: str) -> None:
        statuses.clear()
        for row in json.loads(stdout or "[]"):
            statuses[row["status"]] = statuses.get(row["status"], 0) + 1

    return Case(label, ["-m", "kneeguard.cli", "batch", *args, "--workers", str(workers), "--json"],
                exit_codes=(0, 1), prepare=fresh_target, check=count_statuses), statuses


def fixed_costs(workdir: Path, workers: int, rounds: int) -> dict[str, float]:
    """What a run costs before its first task: process start and imports (and, for the cluster, its start),
    measured as a batch import of an empty manifest (median of `rounds` interleaved rounds after a warm-up)."""
    empty = workdir / "empty.csv"
    empty.write_text("athlete,path\n", encoding="utf-8")
    cases = [batch_case(label, ["import", str(empty), "--home", str(workdir / f"empty-{label}")], n,
                        workdir / f"empty-{label}")[0] for label, n in (("single", 0), ("cluster", workers))]
    timings = interleaved(cases, rounds)
    costs = {case.name: timings.median_wall(case.name) for case in cases}
    print(json.dumps({"scenario": "fixed start-up cost (empty manifest)", "workers": workers, "rounds": rounds,
                      **{f"{k}_s": v for k, v in costs.items()}, "load_before": load_text(timings.load_before),
                      "load_after": load_text(timings.load_after)}), flush=True)
    return costs


def side_by_side(name: str, count: int, make_args, workers: int, fixed: dict[str, float], rounds: int,
                 reset=None) -> dict:
    """The single-process path and the cluster, each a fresh process on a fresh target, timed by
    fresh_runs.interleaved: one untimed warm-up run each, then `rounds` rounds with the order alternating, so a
    change in the machine's load or the disk's flush time hits both alike; the ratio is the median of the
    rounds' ratios. `make_args(label)` gives the command's arguments and the target folder it writes."""
    cases, statuses = [], {}
    for label, n in (("single", 0), ("cluster", workers)):
        args, target = make_args(label)
        case, statuses[label] = batch_case(label, args, n, target, reset)
        cases.append(case)
    timings = interleaved(cases, rounds)
    print(header(f"    {name}", timings), flush=True)
    row: dict = {"scenario": name, "tasks": count, "workers": workers, "rounds": rounds,
                 "load_before": load_text(timings.load_before), "load_after": load_text(timings.load_after)}
    for label in ("single", "cluster"):
        row[f"{label}_s"] = timings.median_wall(label)
        row[f"{label}_all_s"] = timings.wall(label)
        row[f"{label}_cpu_s"] = timings.median_cpu(label)
        row[f"{label}_statuses"] = statuses[label]  # the last timed run's outcomes: all real work?
    ratios = [single / cluster for single, cluster in zip(timings.wall("single"), timings.wall("cluster"))]
    row["ratio"] = statistics.median(ratios)
    row["ratio_min_max"] = [min(ratios), max(ratios)]
    for label in ("single", "cluster"):  # the wall time per task once started
        row[f"{label}_per_task_s"] = (row[f"{label}_s"] - fixed[label]) / max(count, 1)
    print(json.dumps(row), flush=True)
    return row


def import_manifest(workdir: Path, corpus: list[Path], files: int) -> int:
    seen, distinct = set(), []
    for folder in corpus:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
            if path.suffix.lower() in (".fit", ".gpx", ".tcx", ".gz"):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                if digest not in seen:
                    seen.add(digest)
                    distinct.append(path.resolve())
    rows = [(f"a{i // len(distinct):04d}", distinct[i % len(distinct)]) for i in range(files)]
    (workdir / "import.csv").write_text("athlete,path\n" + "".join(f"{a},{p}\n" for a, p in rows), encoding="utf-8")
    print(f"import: {len(distinct)} distinct files replicated to {files} rows "
          f"({rows[-1][0][1:].lstrip('0') or '0'} + 1 athletes)", flush=True)
    return files


def empty_database(url: str) -> None:
    """Drop every table of the benchmark's PostgreSQL database, so each run imports into a fresh store."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def seed_load_store(home: Path, athletes: int, years: float) -> None:
    """Synthetic histories straight into the store's tables (one executemany per athlete)."""
    from kneeguard.load.synthetic import synthetic_activities
    from kneeguard.store import open_store
    from kneeguard.store.importer import histogram_blob
    from kneeguard.store.models import Activity, Athlete

    started = time.perf_counter()
    with open_store(home=home) as store, store.begin() as session:
        for i in range(athletes):
            athlete = Athlete(name=f"s{i:05d}", sex="male", hr_max=190, hr_rest=50)
            session.add(athlete)
            session.flush()
            frame = synthetic_activities(days=int(years * 365), end=AS_OF, seed=i, run_probability=0.85)
            session.execute(Activity.__table__.insert(), [
                {"athlete_id": athlete.id, "sport": r.sport, "sub_sport": r.sub_sport,
                 "start_utc": r.start.to_pydatetime(), "distance_m": r.distance_m, "timer_s": r.timer_s,
                 "moving_s": r.moving_s, "elapsed_s": r.elapsed_s, "avg_hr": r.avg_hr, "rpe": r.rpe,
                 "source_name": "synthetic", "content_hash": f"{i:08d}{k:056d}", "session_index": 0,
                 "hr_histogram": histogram_blob(r.hr_seconds_by_bpm), "device": "", "name": "", "gear": "",
                 "warnings": "[]", "imported_at": dt.datetime.now(dt.UTC)}
                for k, r in enumerate(frame.itertuples())])
    print(f"load: {athletes} athletes x {years:g} y seeded in {time.perf_counter() - started:.0f} s", flush=True)


def dask_overhead(workers: int, tasks: int) -> dict:
    """Seconds per task that do nothing, submitted and gathered through as_completed (run_tasks)."""
    sys.path.insert(0, str(ROOT / "src"))
    from kneeguard.batch.engine import connect, run_tasks

    with connect(None, workers) as client:
        list(run_tasks(client, abs, list(range(50)), show=False))  # warm the workers
        before = loadavg()
        started = time.perf_counter()
        list(run_tasks(client, abs, list(range(tasks)), show=False))
        elapsed = time.perf_counter() - started
    row = {"scenario": "dask overhead (no-op tasks)", "tasks": tasks, "workers": workers, "load_before": before,
           "per_task_ms": elapsed / tasks * 1000, "load_after": loadavg()}
    print(json.dumps(row), flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, required=True, help="scratch folder (emptied first)")
    parser.add_argument("--corpus", type=Path, nargs="+", default=[ROOT / "tests" / "data" / "activities"])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--athletes", type=int, default=1000)
    parser.add_argument("--years", type=float, default=5.0)
    parser.add_argument("--clip", type=Path, default=ROOT / "tests/data/gait/gaitlab_male_side/male_side.mp4")
    parser.add_argument("--clips", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scenarios", default="overhead,import,load,gait")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per scenario after one untimed "
                        "warm-up run of each path (benchmarks/fresh_runs.py), the order alternating; the ratio is the "
                        "median of the rounds' ratios (lower it on a busy machine or for a quick check)")
    parser.add_argument("--pg-url", help="also import into this PostgreSQL database (EMPTIED before each run), "
                        "where the workers write; e.g. the URL `bash scripts/pg_throwaway.sh start` prints")
    args = parser.parse_args()
    wanted = set(args.scenarios.split(","))
    shutil.rmtree(args.workdir, ignore_errors=True)
    args.workdir.mkdir(parents=True)
    print(f"{os.cpu_count()} cores, load average {loadavg()}", flush=True)
    rows = []
    fixed = fixed_costs(args.workdir, args.workers, args.rounds)
    if "overhead" in wanted:
        rows.append(dask_overhead(args.workers, 2000))
    if "import" in wanted:
        n = import_manifest(args.workdir, args.corpus, args.files)
        rows.append(side_by_side("import", n, lambda label: (
            ["import", str(args.workdir / "import.csv"), "--home", str(args.workdir / f"import-{label}")],
            args.workdir / f"import-{label}"), args.workers, fixed, args.rounds))
    if "import" in wanted and args.pg_url:
        rows.append(side_by_side("import (PostgreSQL, workers write)", n, lambda label: (
            ["import", str(args.workdir / "import.csv"), "--home", str(args.workdir / f"import-pg-{label}"),
             "--db", args.pg_url], args.workdir / f"import-pg-{label}"), args.workers, fixed, args.rounds,
            reset=lambda: empty_database(args.pg_url)))
    if "load" in wanted:
        home = args.workdir / "load-home"
        seed_load_store(home, args.athletes, args.years)
        rows.append(side_by_side("load", args.athletes, lambda label: (
            ["load", "--out", str(args.workdir / f"load-{label}"), "--as-of", AS_OF.isoformat(), "--home", str(home)],
            args.workdir / f"load-{label}"), args.workers, fixed, args.rounds))
    if "gait" in wanted:
        manifest = args.workdir / "gait.csv"
        manifest.write_text("athlete,path\n" + "".join(f"g{i},{args.clip.resolve()}\n" for i in range(args.clips)),
                            encoding="utf-8")
        rows.append(side_by_side("gait", args.clips, lambda label: (
            ["gait", "--manifest", str(manifest), "--outputs", "files", "--home", str(args.workdir / f"gait-{label}")],
            args.workdir / f"gait-{label}"), args.workers, fixed, args.rounds))
    (args.workdir / "results.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print(f"results: {args.workdir / 'results.json'}")


if __name__ == "__main__":
    main()
