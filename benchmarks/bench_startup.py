"""Start-up time of light commands, measured as users run them: fresh processes, wall time.

    python benchmarks/bench_startup.py [--rounds N] [--against SRC ...]

Cases: `kneeguard --help`, `kneeguard import EMPTY_FOLDER` (nothing to read: no store is opened),
`kneeguard import ONE_FILE_FOLDER` (a small FIT file already in the store: the start-up of a real import, with the
store opened, the file decoded and found again), `kneeguard plan tick --help`, and the bare interpreter (`python -c pass`) as the
floor. Each is run as `python -m kneeguard.cli ...` in a new process. `--against SRC` adds other source
trees (e.g. an older checkout's `src`) as variants run with PYTHONPATH=SRC, so before and after are timed in
the same run. The runs are interleaved (round by round, case by case, the variants' order alternating) so
that a change in the machine's load hits every variant alike; the first run of each is a warm-up, not timed
(it also writes the .pyc files, as an installed package has them, even when PYTHONDONTWRITEBYTECODE is set).
Printed: the wall time's median and spread (min-max) over the rounds per case and variant, the median CPU
time (user + system), and the load average before and after, as a Markdown table.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = {
    "--help": ["--help"],
    "import (empty folder)": ["import", "{empty}", "--home", "{home}"],
    "import (one file seen before)": ["import", "{one}", "--home", "{home}"],
    "plan tick --help": ["plan", "tick", "--help"],
}
FLOOR = "python -c pass"
# A small real FIT file (tests/data, from fitparse's test files): imported in the warm-up, so the timed runs
# open the store, decode and hash it, and find it already there, as a re-import does.
ONE_FILE = ROOT / "tests" / "data" / "activities" / "fitparse" / "Activity.fit"


def run_once(src: Path | None, args: list[str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one fresh process (`python -m kneeguard.cli ARGS`, or the bare
    interpreter). The CPU time is less disturbed by other work on a shared machine than the wall time."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled once (the warm-up run), then read from .pyc
    if src is None:
        command = [sys.executable, "-c", "pass"]
    else:
        env["PYTHONPATH"] = str(src)
        command = [sys.executable, "-m", "kneeguard.cli", *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-500:]}")
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7, help="timed runs per case and variant (default 7)")
    parser.add_argument("--against", type=Path, nargs="*", default=[],
                        help="other source trees to time alongside this one (PYTHONPATH=SRC)")
    opts = parser.parse_args()
    variants = {"this tree": ROOT / "src", **{f"{src}": src.resolve() for src in opts.against}}
    with tempfile.TemporaryDirectory(prefix="kg-startup-") as tmp:
        empty = Path(tmp, "empty")
        empty.mkdir()
        one = Path(tmp, "one")
        one.mkdir()
        shutil.copy(ONE_FILE, one)
        homes = {name: Path(tmp, f"home{i}") for i, name in enumerate(variants)}
        jobs = [(FLOOR, None, [])]
        for case, template in CASES.items():
            for name, src in variants.items():
                args = [a.format(empty=empty, one=one, home=homes[name]) for a in template]
                jobs.append((case, name, args))
        for case, name, args in jobs:  # warm-up: page cache, .pyc files, the store created and migrated
            run_once(variants.get(name), args) if name else run_once(None, args)
        load_before = os.getloadavg()
        times: dict[tuple[str, str | None], list[tuple[float, float]]] = {(case, name): [] for case, name, _ in jobs}
        for round_no in range(opts.rounds):
            for case in [FLOOR, *CASES]:
                group = [job for job in jobs if job[0] == case]
                for case_, name, args in group if round_no % 2 == 0 else reversed(group):
                    times[(case_, name)].append(run_once(variants.get(name) if name else None, args))
        load_after = os.getloadavg()

    print(f"Start-up, {opts.rounds} interleaved rounds of fresh processes; Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs; load average (1/5/15 min) before {_load(load_before)}, after {_load(load_after)}")
    print()
    print("| case | variant | wall median s | wall min-max s | CPU median s |")
    print("|---|---|---:|---:|---:|")
    for (case, name), runs in times.items():
        wall, cpu = [w for w, _ in runs], [c for _, c in runs]
        print(f"| {case} | {name or '-'} | {statistics.median(wall):.3f} | {min(wall):.3f}-{max(wall):.3f} "
              f"| {statistics.median(cpu):.3f} |")


def _load(load: tuple[float, float, float]) -> str:
    return "/".join(f"{x:.2f}" for x in load)


if __name__ == "__main__":
    main()
