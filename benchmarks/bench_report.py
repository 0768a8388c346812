"""Report generation time for an athlete with years of history.

    python benchmarks/bench_report.py [--years 5] [--repeat 3] [--pdf]

Builds a fresh SQLite store with one run a day for `--years` (with 1-bpm heart-rate
histograms, as imports store them), the bundled gait session and check-in, then times
`kneeguard report`'s pipeline end to end: context from the store, load analysis,
advice, charts and HTML (and the PDF with --pdf). Target (issue 5): < 5 s for 5 years.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import insert

ATHLETE = "bench"


def build_store(home: Path, years: float, end: dt.date, db: str | None = None):
    """A store at `db` (an empty database; default: SQLite in `home`) with the benchmark athlete's history."""
    from kneeguard.clinic import assess
    from kneeguard.clinic.history import CheckinRecord, save_checkin
    from kneeguard.cli.gait_cmd import run_gait, save_results
    from kneeguard.sample import sample_checkin, sample_keypoints
    from kneeguard.store import athletes, open_store, shoes
    from kneeguard.store.importer import histogram_blob
    from kneeguard.store.models import Activity

    store = open_store(url=db, home=home)
    days = int(years * 365)
    rng = np.random.default_rng(1)
    first = dt.datetime.combine(end - dt.timedelta(days=days), dt.time(6), tzinfo=dt.timezone.utc)
    hist = np.zeros(256)
    hist[120:170] = 48.0  # 40 minutes between 120 and 170 bpm
    blob = histogram_blob(hist)
    with store.write() as s:
        owner = athletes.create(s, ATHLETE, sex="female", hr_max=190, hr_rest=50)
        rows = [dict(athlete_id=owner.id, sport="running", sub_sport="", start_utc=first + dt.timedelta(days=i),
                     distance_m=float(rng.uniform(5000, 16000)), timer_s=2400.0, moving_s=2400.0, elapsed_s=2500.0,
                     avg_hr=145.0, source_name="bench", content_hash=f"{i:064x}", session_index=0,
                     hr_histogram=blob, gear="", device="", name="", warnings="[]", imported_at=first)
                for i in range(days) if rng.random() < 0.8]
        s.execute(insert(Activity), rows)
        shoes.add(s, owner, "Daily", default=True, created_on=first.date())
    answers = json.loads(sample_checkin().read_text())
    result = assess(answers, today=end)
    save_checkin(CheckinRecord(end, result["answers"], result["level"]), ATHLETE,
                 now=dt.datetime.combine(end, dt.time(20), tzinfo=dt.timezone.utc), store=store)
    gait = run_gait(video=None, keypoints=sample_keypoints(), view="side", height_cm=175, slowmo=None)
    save_results(gait, home / "gait", athlete=ATHLETE, source="bench", annotated=False, home=home, db=db,
                 recorded_at=dt.datetime.combine(end, dt.time(8), tzinfo=dt.timezone.utc))
    return store, len(rows)


def report_once(store, home: Path, end: dt.date, pdf: bool) -> float:
    from kneeguard.report import write_html
    from kneeguard.report.stored import build_report_from_store

    start = time.perf_counter()
    doc, _advice = build_report_from_store(store, ATHLETE, end, weeks=6)  # what `kneeguard report` runs
    html = write_html(doc, home / "report.html")
    if pdf:
        from kneeguard.report.pdf import write_pdf

        write_pdf(html, home / "report.pdf")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--years", type=float, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pdf", action="store_true")
    args = parser.parse_args()
    end = dt.date(2026, 11, 22)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        store, n = build_store(home, args.years, end)
        report_once(store, home, end, False)  # warm-up: imports, fonts, matplotlib
        html = [report_once(store, home, end, False) for _ in range(args.repeat)]
        pdf = [report_once(store, home, end, True) for _ in range(args.repeat)] if args.pdf else []
        store.close()
    print("| history | activities | HTML report, median s | HTML + PDF, median s | target |")
    print("|---|---:|---:|---:|---|")
    print(f"| {args.years:g} years | {n} | {statistics.median(html):.2f} | "
          f"{statistics.median(pdf):.2f} | < 5 s |" if pdf else
          f"| {args.years:g} years | {n} | {statistics.median(html):.2f} | - | < 5 s |")


if __name__ == "__main__":
    main()
