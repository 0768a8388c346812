"""The plan page as a calendar (issue #16, scope 3): the plan's weeks, rest days collapsed,
planned against done; and advice texts that name a terminal command link to the page doing it."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kneeguard.advice.session import Session
from kneeguard.store.plan_log import Tick
from kneeguard.store.queries import DatedActivity
from kneeguard.web.plan_calendar import Day, RestWeeks, Week, calendar_weeks
from kneeguard.web.web_actions import COMMAND, WEB_ACTIONS, web_action, web_actions
from tests.plan_demo_data import DEMO_ATHLETE, HELD_ATHLETE, URGENT_ATHLETE, demo_home  # noqa: F401 - the fixture

MONDAY = dt.date(2026, 11, 30)
SRC = Path(__file__).resolve().parents[1] / "src" / "kneeguard"


def _day(i: int) -> dt.date:
    return MONDAY + dt.timedelta(days=i)


def _rest(i: int, text: str = "No running today.") -> Session:
    return Session(_day(i), "rest", "Rest day", text)


def _run(i: int, km: float) -> Session:
    return Session(_day(i), "run", f"Easy run {km} km", "Easy.", duration_min=km * 6, distance_km=km, rpe_max=4)


# ---------------------------------------------------------------- the calendar model
def test_consecutive_rest_days_are_one_item_and_whole_rest_weeks_one_row():
    sessions = [_run(0, 5), *[_rest(i) for i in range(1, 5)], _run(5, 6), _rest(6)]
    sessions += [_rest(i) for i in range(7, 30)]  # three weeks and two days of nothing but rest
    cal = calendar_weeks(sessions, {}, [], _day(0), _day(29), _day(0))
    week, rest = cal.rows
    assert isinstance(week, Week) and isinstance(rest, RestWeeks)
    kinds = [(type(c).__name__, getattr(c, "days", 1)) for c in week.cells]
    assert kinds == [("Day", 1), ("Span", 4), ("Day", 1), ("Span", 1)]
    assert week.cells[1].label == "Tue 01 – Fri 04 Dec" and week.cells[1].text == "No running today."
    # the last, partial week (rest, then days after the plan) joins the rest row
    assert (rest.first, rest.last, rest.days) == (_day(7), _day(29), 23) and cal.rest_days == 28


def test_days_outside_the_calendar_fill_the_week_and_rest_texts_that_differ_are_not_merged():
    sessions = [_run(2, 5), _rest(3, "a"), _rest(4, "b")]
    cal = calendar_weeks(sessions, {}, [], _day(2), _day(4), _day(2))
    [week] = cal.rows
    assert [(type(c).__name__, getattr(c, "kind", ""), getattr(c, "days", 1)) for c in week.cells] == [
        ("Span", "outside", 2), ("Day", "", 1), ("Span", "rest", 2), ("Span", "outside", 2)]
    assert week.cells[2].text == ""  # two different reasons: neither is shown as the pair's


def test_planned_against_done():
    today = _day(3)
    sessions = [_run(0, 5), Session(_day(0), "strength", "Strength: calves", "x", duration_min=20),
                _run(1, 6), _rest(2), _run(3, 7), _run(4, 8)]
    ticks = {(_day(0), "run"): Tick(_day(0), "run", dt.datetime(2026, 11, 30, 20, tzinfo=dt.timezone.utc), 2)}
    runs = [DatedActivity(11, _day(1), "running", 6400.0, 2400.0), DatedActivity(12, _day(2), "running", 3000.0, 900.0)]
    [week] = calendar_weeks(sessions, ticks, runs, _day(0), _day(4), today).rows
    mon, tue, wed, thu, fri = [c for c in week.cells if isinstance(c, Day)]
    assert [e.state for e in mon.entries] == ["done", "missed"]  # ticked run; strength not ticked
    assert tue.entries[0].state == "ran" and tue.run_state == "ran" and tue.ran_km == pytest.approx(6.4)
    assert wed.run_state == "extra" and not wed.entries  # a rest day with a run is a day, not a rest item
    assert thu.entries[0].state == "open" and thu.is_today and fri.entries[0].state == "planned"
    assert mon.entries[0].summary == "Easy run 5 km · 30 min · effort ≤ 4/10"
    assert week.planned_km == 26 and week.ran_km == pytest.approx(9.4)


def test_a_session_ticked_on_a_day_the_plan_did_not_set_it_is_shown_as_done():
    """A coach's `plan tick 2026-12-05 run` was accepted, then shown nowhere (its pain counts in the pain rule)."""
    sessions = [_run(0, 5), Session(_day(2), "mobility", "Mobility: hamstrings", "x", duration_min=1)]
    ticks = {(_day(2), "run"): Tick(_day(2), "run", dt.datetime(2026, 12, 2, 20, tzinfo=dt.timezone.utc), 2, 1)}
    [week] = calendar_weeks(sessions, ticks, [], _day(0), _day(4), _day(3)).rows
    wed = next(c for c in week.cells if isinstance(c, Day) and c.date == _day(2))
    assert [(e.session.kind, e.state) for e in wed.entries] == [("mobility", "missed"), ("run", "done")]
    assert wed.entries[1].session.title == "Run (not in the plan)" and wed.entries[1].tick.pain_during == 2


# ---------------------------------------------------------------- terminal commands become links
def test_every_command_the_advice_names_has_a_web_page():
    """Each backticked `kneeguard ...` in the texts the advice, clinic and gait stages write has a page."""
    named = set()
    for folder in ("advice", "gait", "clinic", "load"):
        for path in (SRC / folder).rglob("*.py"):
            for line in path.read_text("utf-8").splitlines():
                if line.lstrip().startswith("#"):
                    continue
                named |= {m.group("command") for m in COMMAND.finditer(line)}
    assert named, "the scan found no command: the pattern is out of date"
    missing = sorted(c for c in named if web_action(c) is None)
    assert not missing, f"commands the advice names with no web page in web_actions.WEB_ACTIONS: {missing}"
    assert all(href.startswith("/") for href, _ in WEB_ACTIONS.values())


def test_web_actions_links_the_command_and_escapes_the_rest():
    shoes = web_actions("No shoes <b>recorded</b>, so mileage cannot be tracked: `kneeguard shoes add NAME`.")
    assert shoes == ('No shoes &lt;b&gt;recorded&lt;/b&gt;, so mileage cannot be tracked: '
                     '<a href="/shoes#add-shoe">the Shoes page (add a shoe)</a>.')
    assert web_actions("out of date: run `kneeguard checkin` again.") == \
        'out of date: use <a href="/checkin">the check-in page</a> again.'
    assert web_actions("then `kneeguard gait VIDEO`.") == 'then use <a href="/gait">the Gait page (upload the video)</a>.'
    assert web_actions("`kneeguard frobnicate`") == "`kneeguard frobnicate`"  # unknown: left as it is


# ---------------------------------------------------------------- the page on demo-like data
@pytest.fixture(scope="module")
def client(demo_home):  # noqa: F811
    from kneeguard.web import create_app

    with TestClient(create_app(home=demo_home)) as c:
        yield c


def _page(client, athlete: str) -> str:
    client.cookies.set("kneeguard_athlete", athlete)
    r = client.get("/plan")
    assert r.status_code == 200
    return r.text


def test_demo_plan_is_a_calendar_with_done_and_missed_days(client):
    page = _page(client, DEMO_ATHLETE)
    assert page.count('<section class="week"') >= 6 and 'id="stop-notice"' not in page
    assert page.count("Rest day") == 0  # rest days are "Rest · <days>" items
    assert re.search(r"ran\s+<a href=\"/activities/\d+\">[0-9.]+ km</a> of [0-9.]+ km planned", page)  # an imported run beside its plan
    assert "extra run" in page and 'class="mark missed"' in page
    assert re.search(r"<details>\s*<summary>.*?</summary>\s*<ul class=\"exercises\">", page, re.S)  # doses inside
    assert "<script" not in page.split("<main", 1)[1].split("</main>")[0] and "style=" not in page
    assert "`kneeguard" not in page and "kneeguard shoes add" not in page
    assert 'href="/plan.ics' in page and 'href="/plan/edits"' in page


def test_urgent_checkin_is_one_notice_not_42_rest_rows(client):
    page = _page(client, URGENT_ATHLETE)
    notice = page.split('id="stop-notice"', 1)[1].split("</section>", 1)[0]
    assert "Why:" in notice and "What to do:" in notice and 'href="/checkin"' in notice
    assert page.count('class="week rest-weeks"') == 1 and page.count("Rest day") == 0
    assert page.count('class="span rest') <= 2  # the first week's rest days after the professional visit
    # the visit is today's, once (the plan starts today: its day 1 and the Today card's were both shown)
    visit = re.findall(r'name="kind" value="see_professional"', page)
    assert len(visit) == 1, len(visit)


def test_tick_from_the_calendar_returns_to_the_day(client):
    page = _page(client, DEMO_ATHLETE)
    day, kind = re.findall(r'name="day" value="([0-9-]+)"><input type="hidden" name="kind" value="([a-z_]+)"', page)[0]
    r = client.post("/plan/done", data={"day": day, "kind": kind, "pain_during": "2", "back": "/plan"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/plan#day-{day}"
    article = client.get("/plan").text.split(f'id="day-{day}"', 1)[1].split("</article>", 1)[0]
    assert "✓ done, pain 2/10 during" in article
    client.post("/plan/undo", data={"day": day, "kind": kind})


@pytest.mark.parametrize("level", ["urgent", "emergency"])
def test_a_stop_never_also_says_keep_running(level):
    """Bug found on the calendar page: an urgent check-in with pain also gave the routine level's
    "keep running and exercise at this level" reason beside "see a professional before any training"."""
    from kneeguard.advice.pain import pain_state
    from tests.advice_support import fake_checkin

    state = pain_state(fake_checkin(level, pain_now=4, pain_during_run=4), [])
    assert state.stop and not any("keep running" in r for r in state.reasons), state.reasons


def test_shoes_change_alert_default_and_bring_back_in_the_web(tmp_path):
    """What `kneeguard shoes set` and un-retiring do, from the Shoes page the plan's footwear advice links to."""
    from kneeguard.store import open_store, shoes
    from kneeguard.web import create_app

    with TestClient(create_app(home=tmp_path / "home")) as c:
        c.post("/shoes", data={"name": "Pegasus", "start_km": "100"})
        page = c.get("/shoes").text
        assert 'id="add-shoe"' in page and 'action="/shoes/set"' in page
        assert c.post("/shoes/set", data={"name": "Pegasus", "alert_km": "650", "default": "1"}).status_code == 200
        assert c.post("/shoes/set", data={"name": "Pegasus", "alert_km": "-3"}).status_code == 400
        assert c.post("/shoes/set", data={"name": "Ghost"}).status_code == 404
        c.post("/shoes/retire", data={"name": "Pegasus"})
        assert "Bring Pegasus back" in c.get("/shoes").text
        c.post("/shoes/unretire", data={"name": "Pegasus"})
        assert "Retire Pegasus" in c.get("/shoes").text
    with open_store(home=tmp_path / "home") as store, store.session() as s:
        shoe = shoes.get(s, "me", "Pegasus")
        assert shoe.alert_km == 650 and shoe.is_default and shoe.retired_on is None


@pytest.mark.parametrize("path", ["/", "/plan", "/shoes", "/gait", "/checkin", "/selftests", "/explain", "/load"])
@pytest.mark.parametrize("athlete", [DEMO_ATHLETE, URGENT_ATHLETE])
def test_no_page_tells_the_user_to_run_a_terminal_command(client, path, athlete):
    client.cookies.set("kneeguard_athlete", athlete)
    r = client.get(path)
    assert r.status_code == 200
    main = r.text.split("<main", 1)[1].split("</main>", 1)[0]
    found = re.findall(r"kneeguard (?:checkin|gait|shoes|import|report|plan|explain|load|users|selftests)\b"
                       r"(?! design)[^<]{0,40}",
                       main)
    assert not found, found


def test_a_short_last_week_of_rest_stays_a_week_unless_it_follows_rest_weeks():
    sessions = [_run(i, 5) if i % 2 == 0 else _rest(i) for i in range(14)] + [_rest(14)]
    cal = calendar_weeks(sessions, {}, [], _day(0), _day(14), _day(0))
    assert [type(r).__name__ for r in cal.rows] == ["Week", "Week", "Week"]
    assert [(c.kind, c.days) for c in cal.rows[-1].cells] == [("rest", 1), ("outside", 6)]


# ---------------------------------------------------------------- rows are the plan's weeks
def test_rows_are_the_plans_weeks_when_the_plan_starts_midweek():
    """A plan starting on a Thursday: each row is one plan week (Thu to Wed), numbered as the plan's texts number
    them, so a row's planned km is the week the spike rule and 'week 2: up to ...' count (Monday rows split them)."""
    from kneeguard.advice.week_summary import week_summaries
    from kneeguard.web.plan_calendar import day_names

    start = _day(3)  # Thursday
    sessions = [_run(i, 5 + i % 3) if i % 2 else _rest(i) for i in range(3, 3 + 14)]
    before = [_run(0, 4), _rest(1), _rest(2)]  # the days just past, from the plan before
    cal = calendar_weeks(before + sessions, {}, [], _day(0), _day(16), _day(3), plan_start=start)
    assert [r.label for r in cal.rows] == ["Before this plan · Thu 26 Nov – Wed 02 Dec 2026",
                                           "Week 1 · Thu 03 – Wed 09 Dec 2026", "Week 2 · Thu 10 – Wed 16 Dec 2026"]
    summaries = week_summaries(sessions, start, 2)
    assert [r.planned_km for r in cal.rows[1:]] == [w.km for w in summaries]
    assert [r.planned_runs for r in cal.rows[1:]] == [w.runs for w in summaries]
    assert day_names(start) == ("Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed") and day_names(None)[0] == "Mon"


def test_the_page_heads_its_columns_from_the_plans_first_day(client):
    client.cookies.set("kneeguard_athlete", DEMO_ATHLETE)
    page = client.get("/plan?as_of=2026-12-10").text  # a Thursday: the plan starts the next day
    head = re.search(r'<div class="cal-head"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert re.findall(r"<span>(\w+)</span>", head)[0] == "Fri"
    assert "Personal plan <small>Fri 11 Dec" in page
    assert re.search(r'<h3 class="week-head">Week 1 · Fri 11 – Thu 17 Dec 2026', page)
    assert re.search(r'<h3 class="week-head">Before this plan · Fri 04 – Thu 10 Dec 2026', page)


def test_the_dashboard_lists_what_may_have_kept_the_pain_going(client):
    """A coach: the load page led with a MODERATE spike run while in pain, which the dashboard's factors left out
    (it is not a cause: the CLI and the report list it apart, as what may have kept it going)."""
    client.cookies.set("kneeguard_athlete", DEMO_ATHLETE)
    block = re.search(r'<div id="aggravating">.*?</div>', client.get("/").text, re.S)
    assert block, "the demo runner's spike run after the pain began"
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block.group(0)))
    assert "May have kept it going" in text and "Not what started it: after the pain began on" in text
    assert re.search(r"MODERATE Run \d+ % longer than your recent longest, on \d\d \w{3} \d{4}", text), text


def test_a_walking_only_plan_shows_the_exercises_limit_where_it_is_read(client):
    """Read 34: exercises keep to the walks' limit while the plan walks only; said on the page, not folded away."""
    from kneeguard.pain_rule import walking_only_exercise_words

    page = _page(client, HELD_ATHLETE)
    note = re.search(r'<p class="alert note" id="exercise-pain-limit">(.*?)</p>', page, re.S)
    assert note and note.group(1).strip().replace("&#39;", "'") == walking_only_exercise_words()
    assert 'id="exercise-pain-limit"' not in _page(client, DEMO_ATHLETE)


def test_a_visit_to_book_is_shown_once_today_not_again_tomorrow(client):
    """The routine plan's 'Book a physiotherapist' was on the Today card and again on the plan's first day."""
    calendar = _page(client, HELD_ATHLETE).split('id="plan-calendar"', 1)[1]
    assert len(re.findall(r'class="entry kind-see_professional', calendar)) == 1


def test_a_planned_walk_shows_its_pain_limit_not_its_effort():
    """Read 41: 'Walk (no running) · 15 min · effort ≤ 2/10' read as a pain limit, and 'effort 2' against 'brisk'."""
    walk = Session(_day(1), "walk", "Brisk walk (no running)", "Brisk walk on the flat.", duration_min=15, rpe_max=2)
    [week] = calendar_weeks([walk], {}, [], _day(0), _day(4), _day(0)).rows
    [entry] = [e for c in week.cells if isinstance(c, Day) for e in c.entries]
    assert entry.summary == "Brisk walk (no running) · 15 min · pain ≤ 2/10"


def test_the_calendar_legend_says_what_effort_means(client):
    """Read 43: 'effort ≤ 4/10' beside the 5/10 pain limit was never defined on the page."""
    legend = re.search(r'<li id="effort-legend">(.*?)</li>', _page(client, DEMO_ATHLETE), re.S)
    assert legend and "4 or less: easy, you can talk in full sentences" in legend.group(1)
