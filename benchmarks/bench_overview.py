"""Clinician overview speed: server time of GET /overview for a caseload of athletes.

    python benchmarks/bench_overview.py [--athletes 50] [--years 1]

Each athlete gets `--years` of runs (4 of 5 days, inserted directly), three weekly check-ins and a
ticked session. Measured in-process with FastAPI's TestClient (the page's own Server-Timing header
and the wall time of the request):
  cold     the first visit: every row computes the advice twice (today's, and the plan of 14 days
           ago for adherence);
  warm     the rows cached per data fingerprint (median of 5);
  one new  one athlete ticks a session: only that row is recomputed.
Print the load average beside the numbers (the machine may be shared).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

warnings.simplefilter("ignore")
from fastapi.testclient import TestClient  # noqa: E402

from kneeguard.web import create_app  # noqa: E402


def build(home: Path, athletes_n: int, years: float, today: dt.date):
    import numpy as np
    from sqlalchemy import insert

    from kneeguard.advice.checkins import save_checkin
    from kneeguard.clinic import assess
    from kneeguard.clinic.history import CheckinRecord
    from kneeguard.sample import sample_checkin
    from kneeguard.store import athletes, open_store, plan_log
    from kneeguard.store.models import Activity

    store = open_store(home=home)
    answers = json.loads(sample_checkin().read_text())
    rng = np.random.default_rng(1)
    days = int(years * 365)
    first = dt.datetime.combine(today - dt.timedelta(days=days), dt.time(6), tzinfo=dt.timezone.utc)
    names = [f"athlete {i:02d}" for i in range(athletes_n)]
    with store.write() as s:
        for n, name in enumerate(names):
            owner = athletes.create(s, name, sex="female", hr_max=190, hr_rest=50)
            s.execute(insert(Activity), [
                dict(athlete_id=owner.id, sport="running", sub_sport="", start_utc=first + dt.timedelta(days=i),
                     distance_m=float(rng.uniform(5000, 14000)), timer_s=2400.0, moving_s=2400.0, elapsed_s=2500.0,
                     avg_hr=145.0, source_name="bench", content_hash=f"{n:08x}{i:056x}", session_index=0,
                     gear="", device="", name="", warnings="[]", imported_at=first)
                for i in range(days) if rng.random() < 0.8])
    for name in names:
        for weeks_ago, pain in zip((2, 1, 0), rng.integers(0, 7, 3)):
            day = today - dt.timedelta(days=7 * weeks_ago)
            result = assess({**answers, "pain_now": int(pain), "pain_during_run": int(pain)}, today=day)
            save_checkin(CheckinRecord(day, result.answers, result.level), name, store=store,
                         now=dt.datetime.combine(day, dt.time(20), tzinfo=dt.timezone.utc))
        with store.write() as s:
            plan_log.mark_done(s, name, today - dt.timedelta(days=2), "strength", pain_during=2)
    return store, names


def timed(client, url: str) -> tuple[float, float]:
    start = time.perf_counter()
    r = client.get(url)
    wall = (time.perf_counter() - start) * 1000
    assert r.status_code == 200, r.text[:300]
    server = float(r.headers["server-timing"].split("dur=")[1].split(";")[0])
    return wall, server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--athletes", type=int, default=50)
    parser.add_argument("--years", type=float, default=1.0)
    args = parser.parse_args()
    today = dt.date.today()
    with tempfile.TemporaryDirectory(prefix="kneeguard-bench-overview-") as tmp:
        start = time.perf_counter()
        store, names = build(Path(tmp) / "home", args.athletes, args.years, today)
        print(f"built {len(names)} athletes x {args.years} years in {time.perf_counter() - start:.1f} s")
        with TestClient(create_app(store=store, background_jobs=False)) as client:
            client.get("/")  # imports and template compilation, as a first visit to any page
            cold = timed(client, "/overview")
            warm = [timed(client, "/overview") for _ in range(5)]
            from kneeguard.store import plan_log

            with store.write() as s:
                plan_log.mark_done(s, names[0], today - dt.timedelta(days=1), "strength", pain_during=1)
            one = timed(client, "/overview")
        load = os.getloadavg()
        print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (cores: {os.cpu_count()})")
        print(f"cold    {cold[1]:8.0f} ms server  {cold[0]:8.0f} ms wall  ({cold[1] / len(names):.0f} ms per athlete)")
        print(f"warm    {statistics.median(w[1] for w in warm):8.0f} ms server  "
              f"{statistics.median(w[0] for w in warm):8.0f} ms wall  (median of 5)")
        print(f"one new {one[1]:8.0f} ms server  {one[0]:8.0f} ms wall  (one athlete's data changed)")
        store.close()


if __name__ == "__main__":
    main()
