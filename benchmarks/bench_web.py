"""Web app speed: dashboard server time with 5 years of history, and a bounded load test.

    python benchmarks/bench_web.py [--years 5] [--users 20] [--requests 10] [--db URL] [--multi-user]
                                   [--cold-start] [--dashboard-only]

1. Server time of the dashboard (GET /) for an athlete with `--years` of daily-ish runs,
   a gait session and a check-in (the same store as benchmarks/bench_report.py), plus what the
   pain/load chart draws: a check-in every week, plan ticks with pain three times a week over the
   last year and two plan edits (`add_pain_history`), measured in-process with FastAPI's TestClient:
   median of 10 after a warm-up, for the default chart period and for the whole history
   (`/?period=all`, interleaved with the default). Target < 300 ms.
2. Load test on loopback only: `kneeguard serve` in its own process on 127.0.0.1 and a free port
   (so the load generator does not share the server's interpreter);
   `--users` concurrent clients each send `--requests` requests alternating between the
   dashboard and the activities page. Bounded in count; reports p50/p95 latency and
   errors. Target: 20 users, p95 < 1 s, no errors. One dashboard request before the clock
   starts fills the server's advice cache (as a first visitor would); `--cold-start` leaves it
   out, so the first wave of dashboards all compute the advice at once.

`--db URL` (SQLAlchemy URL): the database; default SQLite in a temporary data folder. For
PostgreSQL the benchmark creates a fresh database next to the one named in the URL (the role
needs CREATEDB) and drops it at the end, so existing data, test data included, are not touched.
Any other URL must name an empty database.

`--multi-user`: an athlete account bound to the benchmark athlete and a clinician assigned to it
(created with the store API); the server runs `serve --multi-user`, the in-process dashboard is
timed signed in as the clinician, and each load-test client signs in first (GET /login for the
pre-login cookie and the form's CSRF token, then POST /login; clients alternate between the two
accounts). Sign-ins are not counted in the latencies or the wall time.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from benchmarks.bench_report import ATHLETE, build_store  # noqa: E402
from kneeguard.web import create_app  # noqa: E402

COOKIE = {"kneeguard_athlete": ATHLETE}
PASSWORD = "bench-password-0123"  # throwaway accounts in a throwaway database
ACCOUNTS = (f"{ATHLETE}-athlete", f"{ATHLETE}-clinician")  # (role athlete, role clinician)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    found = _CSRF.search(html)
    if found is None:
        raise RuntimeError("no CSRF token in the login form")
    return found.group(1)


def add_accounts(store) -> None:
    """An athlete account bound to the benchmark athlete and a clinician assigned to it."""
    from kneeguard.store import accounts

    with store.write() as s:
        accounts.create_user(s, ACCOUNTS[0], PASSWORD, "athlete", athlete=ATHLETE)
        accounts.create_user(s, ACCOUNTS[1], PASSWORD, "clinician", athlete=ATHLETE)


def sign_in(client: TestClient, username: str) -> None:
    form = client.get("/login")
    assert form.status_code == 200, form.status_code
    done = client.post("/login", data={"username": username, "password": PASSWORD, "next": "/",
                                       "csrf_token": csrf_from(form.text)}, follow_redirects=False)
    assert done.status_code == 303 and "kneeguard_session" in done.cookies, done.status_code


def add_pain_history(store, end: dt.date, years: float) -> tuple[int, int]:
    """Weekly check-ins over the whole history (pain 0-6 in turn, so the level changes now and then),
    strength ticks with pain three times a week over the last year, two plan edits; (check-ins, ticks)."""
    import json as json_module

    from kneeguard.advice.overrides import OverrideKind, PlanOverride
    from kneeguard.clinic import assess
    from kneeguard.clinic.history import CheckinRecord
    from kneeguard.sample import sample_checkin
    from kneeguard.store import plan_log, plan_overrides, records

    base = json_module.loads(sample_checkin().read_text())
    weeks = int(years * 52)
    with store.write() as s:
        for k in range(weeks, 0, -1):
            day = end - dt.timedelta(days=7 * k)
            result = assess({**base, "pain_now": k % 7}, today=day)
            records.save_checkin(s, ATHLETE, CheckinRecord(day, result.answers, result.level).to_dict(),
                                 dt.datetime.combine(day, dt.time(20), tzinfo=dt.timezone.utc))
        tick_days = [end - dt.timedelta(days=d) for d in range(1, 366) if d % 7 in (1, 3, 5)]
        for i, day in enumerate(tick_days):
            plan_log.mark_done(s, ATHLETE, day, "strength", pain_during=i % 5, pain_morning=(i + 2) % 5)
        for km, ago in ((40.0, 60), (30.0, 10)):
            plan_overrides.add(s, ATHLETE, PlanOverride(OverrideKind.MAX_WEEKLY_KM, "bench", max_weekly_km=km),
                               created_at=dt.datetime.combine(end - dt.timedelta(days=ago), dt.time(9),
                                                              tzinfo=dt.timezone.utc))
    return weeks, len(tick_days)


def chart_periods_ms(app, repeat: int = 10) -> dict[str, list[tuple[float, float]]]:
    """Dashboard server time with the advice recomputed, for each chart period in turn (interleaved):
    (wall ms, process CPU ms) per call. On a shared machine the CPU time is the steadier of the two
    (TestClient runs the request in this process, which does nothing else meanwhile)."""
    from kneeguard.web import advice_view

    client = TestClient(app, cookies=COOKIE)
    paths = {"default period (3 months)": "/", "whole history (period=all)": "/?period=all",
             "chart JSON, whole history": "/dashboard/chart.json?period=all"}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in paths}
    for path in paths.values():
        client.get(path)  # warm-up: imports (the band colours come from load.plot, which loads matplotlib once) and templates
    for _ in range(repeat):
        for name, path in paths.items():
            advice_view._cache.clear()
            start, cpu = time.perf_counter(), time.process_time()
            assert client.get(path, follow_redirects=False).status_code == 200
            times[name].append(((time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000))
    return times


def dashboard_server_ms(app, repeat: int = 10,
                        username: str | None = None) -> tuple[float, list[float], list[float]]:
    """(first call, recomputed, cached): the first request after start-up (cold caches of the database
    and SQLAlchemy as well), the advice recomputed as after a data change (warm process), and reused.
    With `username`, the client signs in first (multi-user mode; not timed)."""
    from kneeguard.web import advice_view

    client = TestClient(app, cookies=COOKIE)
    client.get("/static/kneeguard.css")  # imports and app start-up, not the dashboard
    if username:
        sign_in(client, username)
    start = time.perf_counter()
    assert client.get("/", follow_redirects=False).status_code == 200
    first = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get("/", follow_redirects=False)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    recomputed = []
    for _ in range(repeat):
        advice_view._cache.clear()  # what any new activity, check-in, shoe or profile change does
        start = time.perf_counter()
        assert client.get("/", follow_redirects=False).status_code == 200
        recomputed.append((time.perf_counter() - start) * 1000)
    return first, recomputed, times


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.returncode}")
        try:
            if httpx.get(url, cookies=COOKIE, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer at {url}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def load_test(base: str, users: int, requests: int, multi_user: bool,
                    warm_up: bool = True) -> tuple[list[float], int, float]:
    """(latencies, errors, wall seconds); with `multi_user` every client signs in before the clock starts,
    with `warm_up` one dashboard request fills the advice cache before it."""
    latencies: list[float] = []
    errors = 0
    clients = [httpx.AsyncClient(base_url=base, cookies=COOKIE, timeout=30) for _ in range(users)]

    async def sign_in_async(client: httpx.AsyncClient, username: str) -> None:
        form = await client.get("/login")
        form.raise_for_status()
        done = await client.post("/login", data={"username": username, "password": PASSWORD, "next": "/",
                                                 "csrf_token": csrf_from(form.text)})
        if done.status_code != 303 or "kneeguard_session" not in client.cookies:
            raise RuntimeError(f"sign-in of {username!r} failed: HTTP {done.status_code}")

    async def user(i: int, client: httpx.AsyncClient) -> None:
        nonlocal errors
        for k in range(requests):
            path = "/" if (i + k) % 2 == 0 else "/activities"
            start = time.perf_counter()
            try:
                response = await client.get(path)  # no redirect followed: a trip to /login is an error
                if response.status_code != 200:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            latencies.append((time.perf_counter() - start) * 1000)

    try:
        if multi_user:
            await asyncio.gather(*(sign_in_async(c, ACCOUNTS[i % 2]) for i, c in enumerate(clients)))
        if warm_up:
            (await clients[0].get("/")).raise_for_status()
        wall = time.perf_counter()
        await asyncio.gather(*(user(i, c) for i, c in enumerate(clients)))
        wall = time.perf_counter() - wall
    finally:
        for client in clients:
            await client.aclose()
    return latencies, errors, wall


@contextlib.contextmanager
def bench_database(url: str | None):
    """The URL to run on: as given (None: SQLite in the data folder), or for PostgreSQL a fresh
    database on the same server, dropped afterwards."""
    if url is None:
        yield None
        return
    from sqlalchemy import create_engine, make_url, text

    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        yield url
        return
    name = f"kneeguard_bench_{secrets.token_hex(4)}"
    admin = create_engine(parsed, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield parsed.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def describe(given: str | None, used: str | None) -> str:
    if used is None:
        return "SQLite (default, in the temporary data folder)"
    from sqlalchemy import make_url

    parsed = make_url(used)
    if used != given:
        return (f"{parsed.get_backend_name()} {parsed.get_driver_name()}, fresh database {parsed.database} "
                f"on {parsed.host}:{parsed.port or 5432}, dropped after")
    return f"{parsed.get_backend_name()} ({parsed.render_as_string(hide_password=True)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--years", type=float, default=5)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--db", metavar="URL", default=None,
                        help="SQLAlchemy URL (default: SQLite in the temporary data folder); "
                             "PostgreSQL: a fresh database is created on that server and dropped after")
    parser.add_argument("--multi-user", action="store_true",
                        help="accounts and sign-in: `serve --multi-user`, every client signs in first")
    parser.add_argument("--cold-start", action="store_true",
                        help="no dashboard request before the load test: its first wave fills the advice cache")
    parser.add_argument("--dashboard-only", action="store_true",
                        help="time the dashboard in-process only (no load test)")
    args = parser.parse_args()
    end = dt.date.today()
    mode = "multi-user" if args.multi_user else "single-user"
    with tempfile.TemporaryDirectory() as tmp, bench_database(args.db) as db:
        home = Path(tmp)
        store, n = build_store(home, args.years, end, db=db)
        n_checkins, n_ticks = add_pain_history(store, end, args.years)
        secret = secrets.token_hex(32)
        if args.multi_user:
            add_accounts(store)
            app = create_app(store=store, multi_user=True, secret_key=secret.encode(), background_jobs=False)
        else:
            app = create_app(store=store)
        first, recomputed, dash = dashboard_server_ms(app, username=ACCOUNTS[1] if args.multi_user else None)
        periods = {} if args.multi_user else chart_periods_ms(app)
        store.close()
        if args.dashboard_only:
            _print_dashboard(args, n, n_checkins, n_ticks, describe(args.db, db), mode, first, recomputed, dash, periods)
            return
        port = free_port()
        command = [sys.executable, "-m", "kneeguard.cli", "serve", "--home", str(home), "--port", str(port)]
        if db is not None:
            command += ["--db", db]
        if args.multi_user:
            command.append("--multi-user")
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  env={**os.environ, "KNEEGUARD_SECRET_KEY": secret})
        try:
            wait_until_up(f"http://127.0.0.1:{port}/static/kneeguard.css", server)  # public, no database
            latencies, errors, wall = asyncio.run(load_test(f"http://127.0.0.1:{port}", args.users, args.requests,
                                                            args.multi_user, warm_up=not args.cold_start))
        finally:
            server.terminate()
            server.wait(timeout=10)
        database = describe(args.db, db)
    latencies.sort()
    p95 = latencies[max(0, int(round(0.95 * len(latencies))) - 1)]
    _print_dashboard(args, n, n_checkins, n_ticks, database, mode, first, recomputed, dash, periods)
    print(f"| load test{' (cold start)' if args.cold_start else ''}: {args.users} users x {args.requests} "
          f"requests (dashboard + activities), p50 | "
          f"{statistics.median(latencies):.0f} ms | |")
    print(f"| load test p95 | {p95:.0f} ms | < 1000 ms |")
    print(f"| load test errors | {errors} of {len(latencies)} | 0 |")
    print(f"| load test wall time | {wall:.1f} s | |")


def _print_dashboard(args, n, n_checkins, n_ticks, database, mode, first, recomputed, dash, periods) -> None:
    print(f"history: {args.years:g} years, {n} activities, {n_checkins} check-ins, {n_ticks} plan ticks; "
          f"database: {database}; {mode} mode; load average {open('/proc/loadavg').read().split()[0]}"
          + (f" (dashboard timed as {ACCOUNTS[1]!r}, load-test clients signed in as {ACCOUNTS[0]!r} "
             f"and {ACCOUNTS[1]!r}; sign-ins not timed)" if args.multi_user else ""))
    print("| measure | result | target |")
    print("|---|---:|---|")
    print(f"| dashboard server time, first request after start-up{' and sign-in' if args.multi_user else ''} "
          f"(cold caches) | {first:.0f} ms | |")
    print(f"| dashboard server time, advice recomputed (after a data change), median of {len(recomputed)} | "
          f"{statistics.median(recomputed):.0f} ms | < 300 ms |")
    print(f"| dashboard server time, later calls, median of {len(dash)} | {statistics.median(dash):.0f} ms | < 300 ms |")
    for name, times in periods.items():
        wall, cpu = statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)
        print(f"| advice recomputed, {name}, median of {len(times)} (interleaved): wall / process CPU | "
              f"{wall:.0f} ms / {cpu:.0f} ms | < 300 ms |")


if __name__ == "__main__":
    main()
