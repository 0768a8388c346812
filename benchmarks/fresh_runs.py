"""Commands timed as users run them: each run a fresh process, cases interleaved round by round.

Shared by the benchmarks' end-to-end figures (issue 18: "measured as users run them"). A run's wall time is
from spawn to exit; its CPU time (user + system of the child, from the kernel) is less disturbed by other
work on a shared machine. The first run of every case is a warm-up (page cache, .pyc files, a store created),
not timed. Within a round the cases' order alternates, so a change in the machine's load hits them alike.
"""
from __future__ import annotations

import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Case:
    """One command to time. `argv` without the interpreter: `["-m", "kneeguard.cli", "report", ...]`."""
    name: str
    argv: list[str]
    src: Path | None = ROOT / "src"  # PYTHONPATH for the child (None: as installed)
    exit_codes: tuple[int, ...] = (0,)
    # Untimed, before every run (the warm-up too): e.g. empty the target, so each run writes into a fresh one.
    prepare: Callable[[], None] | None = None
    # Given each run's standard output (captured only when set): e.g. to check the run did the work timed.
    check: Callable[[str], None] | None = None


@dataclass
class Timings:
    rounds: int
    runs: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def wall(self, name: str) -> list[float]:
        return [w for w, _ in self.runs[name]]

    def median_wall(self, name: str) -> float:
        return statistics.median(self.wall(name))

    def median_cpu(self, name: str) -> float:
        return statistics.median(c for _, c in self.runs[name])


def run_once(case: Case) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh process running `case`."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled once (the warm-up), then read from .pyc
    if case.src is not None:
        env["PYTHONPATH"] = str(case.src)
    command = [sys.executable, *case.argv]
    if case.prepare is not None:
        case.prepare()
    stdout = subprocess.DEVNULL if case.check is None else subprocess.PIPE
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=stdout, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in case.exit_codes:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-800:]}")
    if case.check is not None:
        case.check(done.stdout)
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def interleaved(cases: list[Case], rounds: int, warm_up: bool = True) -> Timings:
    """Time every case `rounds` times, round by round, the order alternating between rounds."""
    if warm_up:
        for case in cases:
            run_once(case)
    timings = Timings(rounds=rounds, runs={case.name: [] for case in cases}, load_before=os.getloadavg())
    for round_no in range(rounds):
        for case in cases if round_no % 2 == 0 else list(reversed(cases)):
            timings.runs[case.name].append(run_once(case))
    timings.load_after = os.getloadavg()
    return timings


def header(title: str, timings: Timings) -> str:
    return (f"{title}: {timings.rounds} interleaved rounds of fresh processes; Python {platform.python_version()}, "
            f"{os.cpu_count()} CPUs; load average (1/5/15 min) before {load_text(timings.load_before)}, "
            f"after {load_text(timings.load_after)}")


def markdown(timings: Timings, reference: str | None = None) -> str:
    """A table: wall median and spread, CPU median, and (with `reference`) each case's wall-time ratio to it."""
    lines = ["| case | wall median s | wall min-max s | CPU median s |" + (" × reference (wall) |" if reference else ""),
             "|---|---:|---:|---:|" + ("---:|" if reference else "")]
    for name in timings.runs:
        wall = timings.wall(name)
        row = f"| {name} | {statistics.median(wall):.3f} | {min(wall):.3f}-{max(wall):.3f} | {timings.median_cpu(name):.3f} |"
        if reference:
            row += f" {timings.median_wall(reference) / statistics.median(wall):.2f} |"
        lines.append(row)
    return "\n".join(lines)


def load_text(load: tuple[float, float, float]) -> str:
    return "/".join(f"{x:.2f}" for x in load)
