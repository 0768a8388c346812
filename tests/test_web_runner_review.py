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
