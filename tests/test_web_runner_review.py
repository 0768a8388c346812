"""What a runner's review of the web app found (phone and desktop): command-line options in the filming guide,
internal kind names in the dashboard's recently done list."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kneeguard.web.web_actions import web_actions, web_options
from tests.plan_demo_data import DEMO_ATHLETE, demo_home  # noqa: F401 - the fixture


def test_the_slow_motion_option_is_the_forms_field():
    guide = "tell kneeguard how many times slower with --slowmo (e.g. --slowmo 4 for 120 fps played at 30)."
    assert web_options(guide) == ('tell kneeguard how many times slower with the "Slow motion" field '
                                  "(e.g. 4 for 120 fps played at 30).")
    assert "--slowmo" not in str(web_actions("give the factor with --slowmo FACTOR (e.g. --slowmo 8)"))


@pytest.fixture(scope="module")
def client(demo_home):  # noqa: F811
    from kneeguard.web import create_app

    with TestClient(create_app(home=demo_home)) as c:
        c.cookies.set("kneeguard_athlete", DEMO_ATHLETE)
        yield c


def test_the_gait_pages_filming_guide_names_the_slow_motion_field(client):
    page = client.get("/gait").text
    guide = page.split('id="filming-guide"', 1)[1].split("</details>", 1)[0]
    assert "--slowmo" not in guide and "Slow motion" in guide


def test_recently_done_names_each_session_as_the_plan_does(client):
    import datetime as dt

    day = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    done = client.post("/plan/done", data={"day": day, "kind": "walk_run", "pain_during": "2", "back": "/"},
                       follow_redirects=False)
    assert done.status_code in (200, 303), done.text
    ticks = client.get("/").text.split('id="recent-ticks"', 1)[1].split("</ul>", 1)[0]
    assert "walk/run" in ticks and "walk run" not in ticks and "walk_run" not in ticks
    client.post("/plan/undo", data={"day": day, "kind": "walk_run", "back": "/"}, follow_redirects=False)


def test_a_new_athletes_calendar_has_no_missed_sessions_before_they_began(tmp_path):
    """A runner who had just added themselves saw last week's sessions marked 'missed (not ticked)'."""
    from kneeguard.store import athletes, open_store
    from kneeguard.web import create_app

    with open_store(home=tmp_path) as store, store.write() as session:
        athletes.create(session, "new runner")
    with TestClient(create_app(home=tmp_path)) as c:
        c.cookies.set("kneeguard_athlete", "new runner")
        page = c.get("/plan").text
    calendar = page.split('id="plan-calendar"', 1)[1]
    assert 'class="mark missed"' not in calendar  # only today's sessions come before the plan (it starts tomorrow)
    before = calendar.split('<section class="week"', 2)[1]
    assert "Before this plan" in before and before.count('<article class="day') == 1 and 'class="day today"' in before


def test_ticked_sessions_stay_on_today_and_no_second_run_or_walk_is_offered():
    import datetime as dt

    from kneeguard.advice.session import Session
    from kneeguard.advice.ticks import with_ticked_today

    today = dt.date(2026, 12, 7)
    walk = Session(today, "walk", "Walk (no running)", "Brisk walk.", duration_min=30)
    strength = Session(today, "strength", "Strength", "x", duration_min=20)
    after = with_ticked_today([walk, strength], ["walk_run"], today)
    assert [(s.kind, s.title) for s in after] == [("walk_run", "Walk/run (done)"), ("strength", "Strength")]
    assert with_ticked_today([walk, strength], [], today) == [walk, strength]
    assert with_ticked_today([walk, strength], ["walk"], today) == [walk, strength]


def test_a_painful_tick_keeps_todays_session_on_the_plan_page(client):
    """After a run ticked at 8/10 the plan steps back to walking; today keeps the run, done, and offers no walk."""
    import datetime as dt

    today = dt.date.today().isoformat()
    client.post("/plan/done", data={"day": today, "kind": "run", "pain_during": "8", "back": "/plan"},
                follow_redirects=False)
    try:
        page = client.get("/plan").text
        assert "walking only" in page.lower()  # the pain rule stepped the plan back
        day = page.split('class="day today"', 1)[1].split("</article>", 1)[0]
        assert 'class="done"' in day and "Walk (no running)" not in day
        due = client.get("/").text
        assert "Walk (no running) · 30 min" not in due.split("<h2>Top factors</h2>", 1)[0].split("Next", 1)[0]
    finally:
        client.post("/plan/undo", data={"day": today, "kind": "run", "back": "/plan"}, follow_redirects=False)


def test_todays_sessions_are_the_ones_set_out_before_todays_ticks():
    """A runner ticked today's 'Easy run 6.9 km' at 8/10 and saw a bare 'Run (done)': the pain rule changes the
    plan from tomorrow; today stays what was set out, ticked."""
    import datetime as dt

    from kneeguard.advice import make_context
    from kneeguard.web.advice_view import todays_sessions
    from tests.advice_support import AS_OF, checkin, runs_frame

    today = AS_OF + dt.timedelta(days=1)  # a Tuesday: a run day of the weekly pattern
    runs = [(AS_OF - dt.timedelta(days=d), 8.0 if d % 7 else 12.0) for d in range(1, 60, 2)]
    parts = dict(activities=runs_frame(runs), checkin=checkin(today - dt.timedelta(days=3), pain_during_run=2,
                                                               pain_next_morning=0))
    calm = todays_sessions(make_context("ana", today, **parts), today)
    sore = todays_sessions(make_context("ana", today, session_pain=[(today, "run", 8)], **parts), today)
    [run] = [s for s in calm if s.kind == "run"]
    assert run.distance_km and [(s.kind, s.title) for s in sore] == [(s.kind, s.title) for s in calm]


def test_a_verdict_without_a_recent_checkin_says_what_was_recorded_since():
    from kneeguard.advice.pain import PainState

    state = PainState(known=False, level=None, session_values=["8/10 during your walk/run session on Tue 08 Dec"],
                      limits_running=True)
    assert state.verdict == ("Your pain is not known from a recent check-in, and you recorded 8/10 during your "
                             "walk/run session on Tue 08 Dec: no running for now, walk instead; nothing increases "
                             "until you check in.")


def test_the_gait_list_marks_uncertain_findings_as_elsewhere(tmp_path):
    """The list said LOW for two borderline flags the session page, the dashboard and the plan call uncertain."""
    from typer.testing import CliRunner

    from kneeguard.cli import app
    from kneeguard.sample import sample_keypoints
    from kneeguard.web import create_app

    home = tmp_path / "home"
    stored = CliRunner().invoke(app, ["gait", "--keypoints", str(sample_keypoints()), "--athlete", "me", "--height-cm",
                                      "178", "--out", str(tmp_path / "out"), "--home", str(home)])
    assert stored.exit_code == 0, stored.output
    with TestClient(create_app(home=home)) as c:
        listing = c.get("/gait").text.split("Stored analyses", 1)[1]
    lines = [line for line in listing.split("<p>")[1:] if "nearly straight knee" in line]
    assert lines and all("UNCERTAIN" in line and ">LOW<" not in line for line in lines), lines


def test_a_recheck_day_already_past_is_said_as_due():
    """The banner kept "Check in again by 2026-12-06" on 08 Dec beside a re-check on Wed 09 Dec."""
    import datetime as dt

    from kneeguard.advice import advise, make_context
    from tests.advice_support import AS_OF, checkin

    sent = checkin(AS_OF, pain_during_run=2, pain_next_morning=0)
    review = sent.review_date
    assert any(step.startswith(f"Check in again by {review.isoformat()}") for step in sent.triage.what_to_do)
    later = review + dt.timedelta(days=2)
    banner = advise(make_context("ana", later, checkin=sent)).banner
    assert not any(step.startswith("Check in again by") for step in banner.what_to_do)
    assert f"Your re-check was due on {review:%d %b %Y}: check in now (`kneeguard checkin`)." in banner.what_to_do


def test_a_runner_without_a_video_is_not_told_about_a_refilmed_one():
    from kneeguard.advice import advise, make_context
    from tests.advice_support import AS_OF, checkin, gait_summary

    def gait_advice(**parts):
        plan = advise(make_context("ana", AS_OF, checkin=checkin(pain_during_run=2, pain_next_morning=0), **parts))
        return next(r for r in plan.footwear if r.domain == "gait_assessment")

    assert "re-filmed" not in gait_advice().text
    assert "re-filmed" in gait_advice(gait=gait_summary(codes=())).text


def test_a_check_in_of_today_leaves_nothing_to_tick_off_today():
    """Read 46: the dashboard offered a strength session today beside a plan that starts tomorrow (the check-in's
    plan starts the day after it, `advice.engine`): two plans for the same week."""
    import datetime as dt

    from kneeguard.advice import make_context
    from kneeguard.web.advice_view import todays_sessions
    from tests.advice_support import AS_OF, checkin, runs_frame

    today = AS_OF + dt.timedelta(days=1)
    runs = [(AS_OF - dt.timedelta(days=d), 8.0 if d % 7 else 12.0) for d in range(1, 60, 2)]
    fresh = make_context("ana", today, activities=runs_frame(runs), checkin=checkin(today, pain_during_run=2,
                                                                                 pain_next_morning=0))
    earlier = make_context("ana", today, activities=runs_frame(runs),
                           checkin=checkin(today - dt.timedelta(days=3), pain_during_run=2, pain_next_morning=0))
    assert todays_sessions(fresh, today) == [] and todays_sessions(earlier, today)


def test_the_dashboard_says_the_plan_starts_tomorrow_after_todays_check_in(tmp_path):
    from fastapi.testclient import TestClient

    from kneeguard.web import create_app
    from tests.test_web_routes import CALM_CHECKIN

    with TestClient(create_app(home=tmp_path / "home")) as c:
        assert c.post("/checkin", data=CALM_CHECKIN).status_code == 200
        page = c.get("/").text
    card = page[page.index('id="today-title"'):page.index('id="painload-title"')]
    assert "Nothing to tick off today: your plan starts tomorrow." in card and "tick-row" not in card
    # a runner's try: what was done before today's check-in could not be recorded: a form for it
    assert 'id="trained-today"' in card and "Trained earlier today? Record it:" in card


def test_a_session_trained_before_todays_check_in_can_be_recorded(tmp_path):
    import datetime as dt
    import re

    from fastapi.testclient import TestClient

    from kneeguard.web import create_app
    from tests.test_web_routes import CALM_CHECKIN

    with TestClient(create_app(home=tmp_path / "home")) as c:
        assert c.post("/checkin", data=CALM_CHECKIN).status_code == 200
        page = c.get("/").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        data = {"day": dt.date.today().isoformat(), "kind": "strength", "pain_during": "2", "back": "/"}
        if token:
            data["csrf_token"] = token.group(1)
        assert c.post("/plan/done", data=data).status_code in (200, 303)
        after = c.get("/").text
    card = after[after.index('id="today-title"'):after.index('id="painload-title"')]
    assert "Strength (done)" in card and "pain 2/10 during" in card


def test_no_factors_with_runs_and_a_check_in_says_none_were_found(tmp_path):
    """A runner with imported runs and a check-in read 'No contributing factors found yet. Import runs, do a
    check-in...': the data was there, the factors were none."""
    from pathlib import Path

    from fastapi.testclient import TestClient

    from kneeguard.web import create_app
    from tests.test_web_routes import CALM_CHECKIN

    run = Path(__file__).parent / "data" / "activities" / "fitparse" / "activity-small-fenix2-run.fit"
    with TestClient(create_app(home=tmp_path / "home")) as c:
        c.post("/import", files={"files": (run.name, run.read_bytes())})
        c.post("/checkin", data=CALM_CHECKIN)
        page = c.get("/").text
    assert 'id="no-factors"' in page  # one short run and a pain-free check-in: no factor
    assert "Import runs, do a check-in" not in page and "None found in your runs and check-in so far" in page


def test_a_plan_previewed_ahead_offers_no_tick_for_days_still_to_come(tmp_path):
    """A runner ticked a session on /plan?as_of=<two days ahead> and got an error page ('still to come')."""
    import datetime as dt
    import re

    from fastapi.testclient import TestClient

    from kneeguard.web import create_app
    from tests.test_web_routes import CALM_CHECKIN

    ahead = dt.date.today() + dt.timedelta(days=9)
    with TestClient(create_app(home=tmp_path / "home")) as c:
        c.post("/checkin", data=CALM_CHECKIN)
        page = c.get(f"/plan?as_of={ahead.isoformat()}").text
    days = re.findall(r'action="/plan/done".*?name="day" value="([0-9-]+)"', page, re.S)
    assert all(dt.date.fromisoformat(d) <= dt.date.today() for d in days)
