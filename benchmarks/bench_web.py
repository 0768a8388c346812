"""Web app speed: dashboard server time with 5 years of history, and a bounded load test.

    python benchmarks/bench_web.py [--years 5] [--users 20] [--requests 10]

1. Server time of the dashboard (GET /) for an athlete with `--years` of daily-ish runs,
   a gait session and a check-in (the same store as benchmarks/bench_report.py), measured
   in-process with FastAPI's TestClient: median of 10 after a warm-up. Target < 300 ms.
2. Load test on loopback only: `kneeguard serve` in its own process on 127.0.0.1 and a free port
   (so the load generator does not share the server's interpreter);
   `--users` concurrent clients each send `--requests` requests alternating between the
   dashboard and the activities page. Bounded in count; reports p50/p95 latency and
   errors. Target: 20 users, p95 < 1 s, no errors.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import socket
import statistics
import sys
import tempfile
import subprocess
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from benchmarks.bench_report import ATHLETE, build_store  # noqa: E402
from kneeguard.web import create_app  # noqa: E402

COOKIE = {"kneeguard_athlete": ATHLETE}


def dashboard_server_ms(app, repeat: int = 10) -> tuple[float, list[float], list[float]]:
    """(first call, recomputed, cached): the first request after start-up (cold caches of SQLite and
    SQLAlchemy as well), the advice recomputed as after a data change (warm process), and reused."""
    from kneeguard.web import advice_view

    client = TestClient(app, cookies=COOKIE)
    client.get("/static/kneeguard.css")  # imports and app start-up, not the dashboard
    start = time.perf_counter()
    assert client.get("/").status_code == 200
    first = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get("/")
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    recomputed = []
    for _ in range(repeat):
        advice_view._cache.clear()  # what any new activity, check-in, shoe or profile change does
        start = time.perf_counter()
        assert client.get("/").status_code == 200
        recomputed.append((time.perf_counter() - start) * 1000)
    return first, recomputed, times


def wait_until_up(url: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, cookies=COOKIE, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer at {url}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def load_test(base: str, users: int, requests: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0

    async def user(i: int) -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, cookies=COOKIE, timeout=30) as client:
            for k in range(requests):
                path = "/" if (i + k) % 2 == 0 else "/activities"
                start = time.perf_counter()
                try:
                    response = await client.get(path)
                    if response.status_code != 200:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                latencies.append((time.perf_counter() - start) * 1000)

    await asyncio.gather(*(user(i) for i in range(users)))
    return latencies, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--years", type=float, default=5)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()
    end = dt.date.today()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        store, n = build_store(home, args.years, end)
        app = create_app(store=store)
        first, recomputed, dash = dashboard_server_ms(app)
        store.close()
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "kneeguard.cli", "serve", "--home", str(home),
                                   "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_up(f"http://127.0.0.1:{port}/")
            wall = time.perf_counter()
            latencies, errors = asyncio.run(load_test(f"http://127.0.0.1:{port}", args.users, args.requests))
            wall = time.perf_counter() - wall
        finally:
            server.terminate()
            server.wait(timeout=10)
    latencies.sort()
    p95 = latencies[max(0, int(round(0.95 * len(latencies))) - 1)]
    print(f"history: {args.years:g} years, {n} activities")
    print("| measure | result | target |")
    print("|---|---:|---|")
    print(f"| dashboard server time, first request after start-up (cold caches) | {first:.0f} ms | |")
    print(f"| dashboard server time, advice recomputed (after a data change), median of {len(recomputed)} | "
          f"{statistics.median(recomputed):.0f} ms | < 300 ms |")
    print(f"| dashboard server time, later calls, median of {len(dash)} | {statistics.median(dash):.0f} ms | < 300 ms |")
    print(f"| load test: {args.users} users x {args.requests} requests (dashboard + activities), p50 | "
          f"{statistics.median(latencies):.0f} ms | |")
    print(f"| load test p95 | {p95:.0f} ms | < 1000 ms |")
    print(f"| load test errors | {errors} of {len(latencies)} | 0 |")
    print(f"| load test wall time | {wall:.1f} s | |")


if __name__ == "__main__":
    main()
