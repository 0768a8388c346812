"""The dashboard's pain/load chart data, today card and factor cards (FastAPI TestClient)."""
from __future__ import annotations

import datetime as dt
import re
import warnings

import pandas as pd
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from kneeguard.web import create_app
from tests.dashboard_support import SPIKE_KM, STEADY_KM, seed

AS_OF = dt.date(2026, 3, 31)


@pytest.fixture()
def app(tmp_path):
    return create_app(home=tmp_path / "home", background_jobs=False)


@pytest.fixture()
def seeded(app):
    with TestClient(app) as client:
        yield client, seed(app.state.store, AS_OF)


def _chart(client, period="3m", as_of=AS_OF) -> dict:
    r = client.get(f"/dashboard/chart.json?as_of={as_of}&period={period}")
    assert r.status_code == 200, r.text[:300]
    return r.json()


def test_spike_run_is_marked_with_its_band_and_reference(seeded):
    client, info = seeded
    data = _chart(client)
    spikes = data["spikes"]
    assert [(s["date"], s["band"]) for s in spikes] == [(info["spike_day"].isoformat(), "large")]
    spike = spikes[0]
    assert spike["km"] == SPIKE_KM and spike["reference_km"] == STEADY_KM and spike["ratio_pct"] == 150
    assert data["days"][spike["i"]] == pd.Timestamp(info["spike_day"]).value // 10**9
    assert data["day_km"][spike["i"]] == SPIKE_KM
    assert data["bands"]["large"]["label"].startswith("spike")


def test_tick_and_checkin_pain_and_plan_changes_appear(seeded):
    client, info = seeded
    data = _chart(client)
    tick = data["ticks"][0]
    assert (tick["date"], tick["kind"], tick["pain_during"], tick["pain_morning"]) == \
        (info["tick_day"].isoformat(), "strength", 3, 4)
    calm, sore = info["checkins"]
    # CheckinRecord.pain: the worse of pain now (6) and during running (7)
    assert [(c["pain"], c["level"]) for c in data["checkins"]] == [(1, calm.level.value), (7, sore.level.value)]
    texts = [c["text"] for c in data["changes"]]
    assert f"check-in level {calm.level.value} → {sore.level.value}" in texts
    assert any(t.startswith("plan edit: at most 25 km of running a week (set by dr lee") for t in texts)


def test_a_tick_posted_from_the_dashboard_shows_on_the_chart(app, seeded):
    client, _ = seeded
    today = dt.date.today()
    r = client.post("/plan/done", data={"day": today.isoformat(), "kind": "run", "pain_during": "5", "back": "/"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    ticks = _chart(client, as_of=today)["ticks"]
    assert {"date": today.isoformat(), "kind": "run", "pain_during": 5, "pain_morning": None} in \
        [{k: t[k] for k in ("date", "kind", "pain_during", "pain_morning")} for t in ticks]
    bad = client.post("/plan/done", data={"day": today.isoformat(), "kind": "run", "pain_during": "11", "back": "/"})
    assert bad.status_code == 400 and "0 to 10" in bad.text  # the plan's own validation, not a second one


def test_km_are_the_load_reports_own_numbers(app, seeded):
    """One owner: the chart's daily and weekly km are the LoadReport's daily and weekly tables."""
    from kneeguard.advice.context import stored_load_report

    client, _ = seeded
    data = _chart(client, period="all")
    report = stored_load_report(app.state.store, None, AS_OF)
    first = pd.Timestamp(data["first"])
    daily = report.daily["distance_km"].reindex(pd.date_range(first, AS_OF), fill_value=0.0)
    assert data["day_km"] == pytest.approx(daily.round(2).tolist())
    weeks = {w["t"]: w["km"] for w in data["weeks"]}
    for monday, km in report.weekly["distance_km"].items():
        assert weeks[pd.Timestamp(monday).value // 10**9] == pytest.approx(round(km, 2))
    for t, km in zip(data["days"], data["week_km"], strict=True):
        day = pd.Timestamp(t, unit="s")
        assert km == pytest.approx(weeks[(day - pd.Timedelta(days=day.dayofweek)).value // 10**9])


def test_periods_bound_the_days_and_bad_period_is_a_400(seeded):
    client, _ = seeded
    assert len(_chart(client, "4w")["days"]) == 28
    assert len(_chart(client, "all")["days"]) == 43  # from the first run, not a year of empty days
    assert _chart(client, "4w")["default_view"] == "daily"
    r = client.get("/dashboard/chart.json?period=decade")
    assert r.status_code == 400 and "unknown chart period" in r.text


def test_dashboard_page_embeds_the_chart_without_inline_code(seeded):
    client, _ = seeded
    html = client.get(f"/?as_of={AS_OF}&period=1y").text
    assert '<script type="application/json" id="pain-load-data">' in html
    assert '/static/vendor/uplot/uPlot.iife.min.js' in html and '/static/dashboard.js' in html
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
    assert all('type="application/json"' in attrs or not body.strip() for attrs, body in scripts)
    assert "style=" not in html and not re.search(r"\son[a-z]+=", html)
    assert 'aria-current="true">1 year' in html
    assert 'class="factor sev-' in html and "<summary>" in html and "(flagged " in html
    assert "Plan changes marked on the chart (3)" in html


def test_today_card_ticks_through_the_plan_route(seeded, monkeypatch):
    from kneeguard.advice.session import Session
    from kneeguard.web import dashboard_pages

    client, _ = seeded
    today = dt.date.today()
    monkeypatch.setattr(dashboard_pages, "todays_sessions",
                        lambda context, day: [Session(today, "strength", "Strength: calves", "3 sets")])
    html = client.get("/").text
    card = html[html.index('id="today-title"'):html.index('id="painload-title"')]
    assert "Strength: calves" in card and 'action="/plan/done"' in card
    assert 'name="back" value="/"' in card and 'name="pain_during"' in card
    client.post("/plan/done", data={"day": today.isoformat(), "kind": "strength", "pain_during": "2", "back": "/"})
    card = (html := client.get("/").text)[html.index('id="today-title"'):html.index('id="painload-title"')]
    assert "✓ done, pain 2/10 during" in card


def test_todays_sessions_come_from_the_plan_started_today(app, seeded):
    from kneeguard.advice.context import gather_context
    from kneeguard.web.dashboard_pages import todays_sessions

    today = dt.date.today()
    context = gather_context(app.state.store, None, today)
    due = todays_sessions(context, today)
    assert all(s.date == today and s.kind != "rest" for s in due)


def test_empty_store_dashboard_and_chart(client_empty):
    data = client_empty.get("/dashboard/chart.json").json()
    assert data["spikes"] == [] and data["checkins"] == [] and len(data["days"]) == 28
    assert client_empty.get("/").status_code == 200


@pytest.fixture()
def client_empty(app):
    with TestClient(app) as client:
        yield client


def test_the_dashboard_benchmark_still_runs(tmp_path):
    """benchmarks/bench_web.py's pain history and chart timings on a tiny history (a benchmark that no
    longer runs measures nothing)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from benchmarks.bench_report import build_store
    from benchmarks.bench_web import add_pain_history, chart_periods_ms

    end = dt.date.today()
    store, _ = build_store(tmp_path, 0.1, end)
    try:
        assert add_pain_history(store, end, 0.1) == (5, 157)
        times = chart_periods_ms(create_app(store=store, background_jobs=False), repeat=1)
        assert len(times) == 3 and all(len(t) == 1 for t in times.values())
    finally:
        store.close()


def test_chart_is_made_once_per_data_state(seeded, monkeypatch):
    from kneeguard.web import dashboard_pages

    client, _ = seeded
    made = []
    real = dashboard_pages._chart
    monkeypatch.setattr(dashboard_pages, "_chart", lambda *a: made.append(1) or real(*a))
    for _ in range(2):
        client.get(f"/?as_of={AS_OF}")
        client.get(f"/dashboard/chart.json?as_of={AS_OF}")
    assert len(made) == 1
    client.post("/plan/done", data={"day": (AS_OF - dt.timedelta(days=1)).isoformat(), "kind": "run",
                                    "pain_during": "4", "back": "/"}, follow_redirects=False)
    assert any(t["pain_during"] == 4 for t in _chart(client)["ticks"])  # a new tick: a new chart
    assert len(made) == 2


def test_a_self_test_on_the_painful_leg_is_marked_on_its_factor_card(app):
    """Read 9 (B7): the dashboard listed the painful leg's poor bridge with no word that pain may have limited it."""
    from kneeguard.advice.checkins import save_checkin
    from kneeguard.advice.factors import PAIN_LIMITED
    from kneeguard.clinic.history import CheckinRecord
    from tests.advice_support import checkin

    with TestClient(app) as client:
        seed(app.state.store, AS_OF)
        day = AS_OF - dt.timedelta(days=1)
        sore = checkin(day, pain_now=2, pain_during_run=4, side="right", bridge_left=24, bridge_right=12)
        save_checkin(CheckinRecord(day, sore.answers, sore.level), "me", store=app.state.store,
                     now=dt.datetime.combine(day, dt.time(20), tzinfo=dt.timezone.utc))
        html = client.get(f"/?as_of={AS_OF}&period=1y").text
    assert f"({PAIN_LIMITED})" in html


def test_the_plan_pages_today_is_the_dashboards_today_and_a_booking_asks_no_pain(seeded, monkeypatch):
    """A runner saw Walk and Book a physiotherapist on the dashboard's Today, and Rest for the same day on the
    plan page (a plan of a week ago), and a 'pain during?' choice beside booking an appointment."""
    from kneeguard.advice.session import Session
    from kneeguard.web import plan_pages

    client, _ = seeded
    day = AS_OF
    monkeypatch.setattr(plan_pages, "todays_sessions", lambda context, when: [
        Session(when, "see_professional", "Book a physiotherapist", "within 1-2 weeks"),
        Session(when, "walk", "Walk (no running)", "30 min")])
    html = client.get(f"/plan?as_of={day}").text
    when = f"{day:%a %d %b}"
    assert f'aria-label="Done: Book a physiotherapist on {when}"' in html  # today's cell, tickable
    assert f'aria-label="Done: Walk (no running) on {when}"' in html
    assert f"Pain during Walk (no running) on {when}" in html
    assert f"Pain during Book a physiotherapist on {when}" not in html
