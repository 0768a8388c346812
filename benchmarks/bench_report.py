"""Report generation time for an athlete with years of history.

    python benchmarks/bench_report.py [--years 5] [--repeat 3] [--pdf] [--rounds 5]

Builds a fresh SQLite store with one run a day for `--years` (with 1-bpm heart-rate
histograms, as imports store them), the bundled gait session and check-in, then times:
1. end to end as users run it (issue 18): `kneeguard report --out R.html [--pdf R.pdf]` and
   `--summary-only`, each a fresh process (start-up, store read, analysis, charts, HTML, PDF),
   interleaved over `--rounds` rounds (benchmarks/fresh_runs.py);
2. in-process, after a warm-up (imports, fonts, matplotlib): `kneeguard report`'s pipeline alone
   (context from the store, load analysis, advice, charts and HTML, and the PDF with --pdf) — the
   part a long-running web app pays per request.
Target (issue 5, 18): HTML + PDF < 5 s for 5 years, end to end.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fresh_runs import Case, header, interleaved, markdown  # noqa: E402

ATHLETE = "bench"


def build_store(home: Path, years: float, end: dt.date, db: str | None = None):
    """A store at `db` (an empty database; default: SQLite in `home`) with the benchmark athlete's history."""
    from kneeguard.advice.checkins import save_checkin
    from kneeguard.clinic import assess
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
    save_checkin(result.record, ATHLETE,
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
    parser.add_argument("--rounds", type=int, default=5, help="end-to-end rounds (0: skip)")
    args = parser.parse_args()
    end = dt.date(2026, 11, 22)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        store, n = build_store(home, args.years, end)
        if args.rounds:
            common = ["-m", "kneeguard.cli", "report", "--athlete", ATHLETE, "--as-of", end.isoformat(),
                      "--home", str(home)]
            cases = [Case("kneeguard report (HTML)", [*common, "--out", str(home / "cli.html")]),
                     Case("kneeguard report (HTML + PDF)", [*common, "--out", str(home / "cli.html"),
                                                            "--pdf", str(home / "cli.pdf")]),
                     Case("kneeguard report --summary-only (HTML + PDF)",
                          [*common, "--summary-only", "--out", str(home / "sum.html"), "--pdf", str(home / "sum.pdf")])]
            timings = interleaved(cases, args.rounds)
            print(header(f"End to end, {args.years:g} years ({n} activities)", timings))
            print()
            print(markdown(timings))
            print()
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
