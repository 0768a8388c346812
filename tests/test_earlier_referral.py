"""An earlier referral a calmer check-in must not quietly undo (`kneeguard.clinic.referral`).

A runner answered a swollen, red, warm calf (urgent: a possible clot, see a doctor today), then minutes later
answered every warning sign "no": self-care, walk/run from tomorrow, and nothing asked whether a doctor had
seen the calf. The later check-in keeps its level; every view says the earlier referral first, and the lower
level and the plan's go-ahead hold only once that professional has seen the runner."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from kneeguard import evidence
from kneeguard.advice import advise, make_context
from kneeguard.clinic import assess
from kneeguard.clinic.history import CheckinRecord
from tests.advice_support import AS_OF, BASE_ANSWERS

CALM = {**BASE_ANSWERS, "pain_during_run": 3, "pain_next_morning": 1}


def _urgent(day: dt.date = AS_OF) -> CheckinRecord:
    urgent = assess({**CALM, "calf_swelling": True}, today=day)
    assert urgent.level == "urgent"
    return CheckinRecord(day, urgent.answers, urgent.level)


def test_a_calm_check_in_after_an_urgent_one_keeps_its_level_and_says_the_referral():
    calm = assess(CALM, history=[_urgent()], today=AS_OF)
    assert calm.level == "self-care" and calm.earlier_referral is not None
    assert calm.to_dict()["earlier_referral"] == {"date": "2025-06-30", "level": "urgent", "seen_since": None,
                                                  "words": calm.earlier_referral.words}  # --json says it too
    assert calm.earlier_referral.words == (
        "your earlier check-in of 30 Jun was URGENT: see a doctor today (GP, urgent care or a sports doctor; if none "
        "can see you today, an emergency department). If no "
        "professional has examined you since, do that first, before any of this plan: a later check-in does not "
        "undo it")


def test_the_plan_says_it_first_and_holds_its_go_ahead_for_the_visit():
    history = [_urgent()]
    plan = advise(make_context("ana", AS_OF, checkin=assess(CALM, history=history, today=AS_OF),
                               checkin_history=history))
    assert plan.first_notes[0] == plan.referral_note and plan.referral_note.startswith("your earlier check-in of 30 Jun")
    assert plan.banner.headline.endswith("This holds once the professional your earlier check-in of 30 Jun asked "
                                         "for has seen you (see the notes).")
    assert plan.pain.decision == "progress" and plan.waits_for_notes
    assert plan.verdict.endswith("This holds only if the notes above are settled: the professional your earlier "
                                 "check-in of 30 Jun asked for has seen you.")


def test_a_runner_who_says_they_were_seen_since_is_told_to_follow_that_advice_and_nothing_waits():
    """The question the last note asked for: 'yes' settles the earlier referral, 'no' says it plainly."""
    history = [_urgent()]
    seen = assess({**CALM, "seen_since_last_checkin": True}, history=history, today=AS_OF)
    assert seen.earlier_referral.words.endswith(
        "You said a doctor or physiotherapist has examined you since: follow their advice; where it differs from "
        "this plan, theirs comes first")
    assert seen.earlier_referral.condition == "" and seen.to_dict()["earlier_referral"]["seen_since"] is True
    plan = advise(make_context("ana", AS_OF, checkin=seen, checkin_history=history))
    assert plan.first_notes[0] == plan.referral_note  # still said first, as the advice to follow
    assert "This holds once" not in plan.banner.headline and not plan.waits_for_notes
    not_seen = assess({**CALM, "seen_since_last_checkin": False}, history=history, today=AS_OF).earlier_referral
    assert "You said no professional has examined you since: do that first, before any of this plan" in not_seen.words
    assert not_seen.condition.startswith("the professional your earlier check-in")
    routine = CheckinRecord(AS_OF - dt.timedelta(days=3), CALM, "routine")
    not_seen = assess({**CALM, "seen_since_last_checkin": False}, history=[routine], today=AS_OF).earlier_referral
    assert not_seen.words.endswith("You said no professional has examined you since: keep that appointment, a later "
                                   "check-in does not cancel it")


def test_the_question_is_not_carried_over_from_the_last_check_in():
    from kneeguard.clinic import load_questionnaire
    from kneeguard.web.checkin_pages import REMEMBERED

    question = load_questionnaire().by_id["seen_since_last_checkin"]
    assert not question.required and question.show_if is None and question.id not in REMEMBERED


@pytest.mark.parametrize("seen, words", [(True, "yes (the runner's answer)"), (False, "no (the runner's answer)")])
def test_the_summary_says_the_runners_answer(seen, words):
    from kneeguard.report.builder import build_report

    history = [_urgent()]
    answers = {**CALM, "seen_since_last_checkin": seen}
    context = make_context("ana", AS_OF, checkin=assess(answers, history=history, today=AS_OF),
                           checkin_history=history)
    doc = build_report(context, advise(context), history=[*history, CheckinRecord(AS_OF, answers, "self-care")])
    assert f"whether a professional has seen the runner since: {words}" in doc.triage["notes_line"]


@pytest.mark.parametrize("days_before, level, expected", [
    (0, "urgent", True), (14, "urgent", True), (15, "urgent", False),  # `clinic.triage.referral_memory_days`
    (3, "routine", True), (3, "self-care", False)])
def test_which_earlier_check_ins_count(days_before, level, expected):
    assert evidence.value("clinic.triage.referral_memory_days") == 14
    earlier = CheckinRecord(AS_OF - dt.timedelta(days=days_before), CALM, level)
    assert (assess(CALM, history=[earlier], today=AS_OF).earlier_referral is not None) is expected


def test_a_routine_referral_asks_to_keep_the_appointment_and_a_check_in_as_high_is_not_noted():
    routine = CheckinRecord(AS_OF - dt.timedelta(days=3), CALM, "routine")
    words = assess(CALM, history=[routine], today=AS_OF).earlier_referral.words
    assert words.endswith("Keep that appointment: a later check-in does not cancel it")
    assert assess({**CALM, "calf_swelling": True}, history=[_urgent()], today=AS_OF).earlier_referral is None


def test_the_summary_says_it_under_the_banner():
    from kneeguard.report.builder import build_report

    history = [_urgent()]
    context = make_context("ana", AS_OF, checkin=assess(CALM, history=history, today=AS_OF), checkin_history=history)
    doc = build_report(context, advise(context), history=[*history, CheckinRecord(AS_OF, CALM, "self-care")])
    assert doc.triage["notes_line"].startswith(
        "the check-in of 30 Jun was urgent: see a doctor today (GP, urgent care or a sports doctor; if none can see "
        "you today, an emergency department); whether a "
        "professional has seen the runner since: not answered")


def test_the_cli_and_web_check_in_results_say_it_first(tmp_path):
    import re

    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from kneeguard.cli import app
    from kneeguard.web import create_app
    from tests.test_web_routes import CALM_CHECKIN

    home = tmp_path / "home"
    answers = tmp_path / "a.json"
    for calf in (True, False):
        answers.write_text(json.dumps({**CALM, "calf_swelling": calf}))
        out = CliRunner().invoke(app, ["checkin", "--answers", str(answers), "--home", str(home)]).output
    flat = " ".join(out.split())
    assert "Level: SELF-CARE This holds once the professional your earlier check-in of" in flat
    assert flat.index("note: Your earlier check-in of") < flat.index("Possible sources")
    with TestClient(create_app(home=tmp_path / "web")) as c:
        c.post("/checkin", data=CALM_CHECKIN | {"calf_swelling": "yes"})
        page = c.post("/checkin", data=CALM_CHECKIN).text
        dashboard = c.get("/").text
    assert 'id="referral-note"' in page and "was URGENT" in page
    assert re.search(r'id="level-condition"><strong>This holds once the professional your earlier check-in of', page)
    assert 'id="referral-note"' in dashboard


def test_the_web_check_in_result_says_the_both_knees_visit_in_the_level_box(tmp_path):
    """Read 50: the visit for both knees sat mid-note below a box that said self-care; the web result shows it
    in the level's own list, with the other-knee note below."""
    import datetime as dt

    from fastapi.testclient import TestClient

    from kneeguard.advice.checkins import save_checkin
    from kneeguard.web import create_app
    from tests.test_web_routes import CALM_CHECKIN

    home = tmp_path / "home"
    earlier = dt.date.today() - dt.timedelta(days=20)  # beyond the referral's memory: only the other knee is noted
    save_checkin(CheckinRecord(earlier, {**CALM, "side": "right"}, "self-care"), "me", home)
    form = CALM_CHECKIN | {"has_pain": "yes", "side": "left", "onset": "gradual", "location": "posteromedial",
                           "pain_now": "1", "duration_weeks": "1"}
    with TestClient(create_app(home=home)) as c:
        page = c.post("/checkin", data=form).text
    assert 'id="other-knee-note"' in page
    box = page[page.index('id="level-banner"'):page.index("</section>")]
    assert 'id="both-knees"' in box and "If the right knee still hurts too" in box
