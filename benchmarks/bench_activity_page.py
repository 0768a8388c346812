"""Activity page server time for long activities (streams downsampled, splits, zones, route).

    python benchmarks/bench_activity_page.py [--repeat 7]

Imports real files of increasing length (tests/data/activities) into a temporary data folder and
times GET /activities/{id} in-process with FastAPI's TestClient: median of `--repeat` after one
warm-up, with the page's size. Target: < 300 ms for a 4-hour ride of 1 Hz samples (13,471 samples),
the same bound as the dashboard. Report `cat /proc/loadavg` beside the numbers.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import warnings
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "activities"
FILES = ["fitparse/2013-02-06-12-11-14.fit",  # 590 samples, a run
         "fitparse/activity-small-fenix2-run.fit",  # 2,809
         "fitparse/2019-02-17-062644-ELEMNT-297E-195-0.fit",  # 13,471, a 4-hour ride
         "fitparse/activity-large-fenxi2-multisport.fit"]  # 24,239 in 7 sessions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from kneeguard.ingest.sources import iter_sources
    from kneeguard.store import open_store
    from kneeguard.store.importer import import_sources
    from kneeguard.store.queries import list_activities
    from kneeguard.web import create_app

    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        with open_store(home=home) as store:
            import_sources(store, iter_sources([DATA / f for f in FILES]), athlete="me")
            with store.session() as s:
                rows = list_activities(s, "me")
        with TestClient(create_app(home=home)) as client:
            print(f"{'samples':>8} {'median ms':>10} {'page kB':>8}  activity")
            for row in rows:
                url = f"/activities/{row['id']}"
                client.get(url)  # warm-up
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - start) * 1000)
                samples = response.text.split(" samples")[0].rsplit(">", 1)[-1]
                print(f"{samples:>8} {statistics.median(times):10.1f} {len(response.content) / 1024:8.0f}  "
                      f"{row['sport']} {row['source'].split('/')[-1]}")
    with open("/proc/loadavg") as handle:
        print("load average:", handle.read().strip())


if __name__ == "__main__":
    main()
