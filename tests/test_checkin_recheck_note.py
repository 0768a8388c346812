"""The worse week's check-in result said "walk instead of running" with no day to check in again and no point at
which to phone sooner (a physiotherapist, read 50): when the check-in's pain holds the plan at week 1, the result
says the plan's own re-check day and where the rest is said; the plan built from it names the same day."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from kneeguard.advice import advise, make_context
from kneeguard.advice.checkins import recheck_note
from kneeguard.clinic import assess
from kneeguard.clinic.history import CheckinRecord
from tests.advice_support import AS_OF, BASE_ANSWERS

WORSE = json.loads((Path(__file__).parent / "data" / "checkins" / "worse_routine.json").read_text())


def test_a_held_check_in_names_the_plans_re_check_day():
    checkin = assess(WORSE, today=AS_OF)
    note = recheck_note(checkin)
    plan = advise(make_context("ana", AS_OF, checkin=checkin))
    assert plan.recheck == AS_OF + dt.timedelta(days=7)
    assert note == (f"Check in again on {plan.recheck:%a %d %b} (your plan's re-check). Until then your plan "
                    "(`kneeguard plan`) keeps to this week's sessions and says when to contact a professional sooner.")
    # walking only (a run above 5/10) with a usual next morning: the plan's own sentence for phoning sooner (read 51)
    history = [CheckinRecord(AS_OF - dt.timedelta(days=d), {**WORSE, "pain_next_morning": 1, "pain_during_run": 3},
                             "routine") for d in (14, 7)]
    worse = assess(WORSE, history=history, today=AS_OF)
    walking = advise(make_context("ana", AS_OF, checkin=worse, checkin_history=history))
    phone = ("If your next-morning pain is still 3/10 or more at your re-check, or reaches 6/10 before it, phone a "
             "physiotherapist or sports doctor that day and ask to be seen within a few days.")
    assert recheck_note(worse).endswith(f"keeps to this week's sessions. {phone}")
    assert phone[3:].replace("your next-morning pain", "it") in walking.usual_morning_words


def test_a_check_in_that_lets_the_plan_progress_has_no_such_line():
    calm = assess({**BASE_ANSWERS, "pain_during_run": 2, "pain_next_morning": 1}, today=AS_OF)
    assert recheck_note(calm) == "" and advise(make_context("ana", AS_OF, checkin=calm)).recheck is None


def test_the_cli_and_web_results_say_it_in_the_level_box(tmp_path):
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from kneeguard.cli import app
    from kneeguard.web import create_app

    answers = tmp_path / "worse.json"
    answers.write_text(json.dumps(WORSE))
    out = CliRunner().invoke(app, ["checkin", "--answers", str(answers), "--home", str(tmp_path / "h")]).output
    flat = " ".join(out.split())
    assert "• Check in again on" in flat and flat.index("• Check in again on") < flat.index("Why")
    from tests.test_web_routes import CALM_CHECKIN

    form = CALM_CHECKIN | {"has_pain": "yes", "side": "right", "onset": "gradual", "location": "posterolateral",
                           "pain_now": "2", "pain_during_run": "6", "pain_next_morning": "4", "duration_weeks": "3",
                           "trend": "same"}
    with TestClient(create_app(home=tmp_path / "web")) as c:
        page = c.post("/checkin", data=form).text
    box = page[page.index('id="level-banner"'):page.index("</section>")]
    assert 'id="recheck"' in box and "(your plan&#39;s re-check)" in box and 'href="/plan"' in box
