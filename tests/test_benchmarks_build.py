"""The benchmarks' fixtures keep up with the code (a benchmark that no longer runs measures nothing):
the report/web/load benchmarks' store builder and the fresh-process timer, on a tiny history."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from bench_report import ATHLETE, build_store, report_once  # noqa: E402
from fresh_runs import Case, interleaved, markdown  # noqa: E402


def test_the_report_benchmark_store_builds_and_reports(tmp_path):
    end = dt.date(2026, 11, 22)
    store, activities = build_store(tmp_path, 0.05, end)
    try:
        assert activities > 5
        assert report_once(store, tmp_path, end, pdf=False) > 0
        assert (tmp_path / "report.html").read_text().count(ATHLETE) >= 1
    finally:
        store.close()


def test_fresh_runs_times_each_case_every_round():
    timings = interleaved([Case("floor", ["-c", "pass"], src=None)], rounds=2, warm_up=False)
    assert len(timings.runs["floor"]) == 2
    assert "| floor |" in markdown(timings, reference="floor")


def test_fresh_runs_prepares_every_run_and_hands_its_output_to_the_check():
    """bench_batch.py empties each run's target before it (the warm-up too) and counts what the run did."""
    prepared, outputs = [], []
    case = Case("echo", ["-c", "print('did it')"], src=None, prepare=lambda: prepared.append(1),
                check=outputs.append)
    interleaved([case], rounds=2)
    assert len(prepared) == 3 and outputs == ["did it\n"] * 3
