"""An urgent check-in read "See a doctor today" three times in a row (the level's line, then each rule's), and its
plan stated the pain rule ("pain up to 5/10 is acceptable in a run") right under "no running until you have been
seen" (a physiotherapist)."""
from __future__ import annotations

import pytest

from kneeguard import evidence
from kneeguard.advice import advise, make_context
from kneeguard.clinic import assess
from kneeguard.clinic.triage import triage_rules, without_repeated_lead
from tests.advice_support import AS_OF, BASE_ANSWERS


def test_an_urgent_calf_says_see_a_doctor_today_once():
    result = assess({**BASE_ANSWERS, "calf_swelling": True, "calf_tender": True}, today=AS_OF)
    assert result.level == "urgent"
    lines = result.triage.what_to_do
    assert sum(line.startswith("See a doctor today") for line in lines) == 1 and lines[0] == result.triage.action
    assert "The visit is to rule out a blood clot (usually an ultrasound or a blood test). Do not run or massage " \
           "the calf until then." in lines
    # read 51: the second clot rule's line says only what is new ("Do not run or massage ..." once)
    assert lines[-1] == "The visit is to rule out a clot or a burst Baker's cyst."
    assert sum("Do not run or massage the calf" in line for line in lines) == 1


@pytest.mark.parametrize("advice, expected", [
    ("See a doctor today: new foot weakness needs a nerve check.", "New foot weakness needs a nerve check."),
    ("See a doctor today; use crutches or avoid walking on the leg until then.",
     "Use crutches or avoid walking on the leg until then."),
    ("See a doctor today and ask about a vascular (artery) assessment; stop running until then.",
     "Ask about a vascular (artery) assessment; stop running until then."),
    ("See a doctor today for very severe pain.", "The visit is for very severe pain."),
    ("See a doctor within 48 hours and ask for an X-ray.", "See a doctor within 48 hours and ask for an X-ray.")])
def test_the_lead_comes_off_only_where_it_repeats_the_level(advice, expected):
    assert without_repeated_lead(advice, str(evidence.value("clinic.level.urgent"))) == expected


def test_no_urgent_or_emergency_line_is_left_empty_or_lowercase():
    for rule in triage_rules():
        if rule.level.stops_training:
            for variant in rule.text.variants:
                line = without_repeated_lead(variant.text, str(evidence.value(rule.level.registry_key)))
                assert len(line) > 20 and line[0].isupper(), (rule.id, line)


def test_a_plan_that_stops_training_states_the_pain_rule_for_later():
    checkin = assess({**BASE_ANSWERS, "calf_swelling": True}, today=AS_OF)
    plan = advise(make_context("ana", AS_OF, checkin=checkin))
    assert plan.pain_rule_words.startswith("For later, once a professional has cleared you to train again (not "
                                           "before): during a run or exercise, pain up to 5/10 is acceptable")
    calm = advise(make_context("ana", AS_OF, checkin=assess(BASE_ANSWERS, today=AS_OF)))
    assert not calm.pain_rule_words.startswith("For later")


def test_a_possible_clot_says_the_chest_warning_second_and_names_the_flags_as_answered():
    """Read 51: the chest warning stood only in the warning box at the end, and the summary's red flags said
    'calf red warm' for a calf answered tender, neither red nor warm."""
    from kneeguard.clinic.triage import triage_rules

    result = assess({**BASE_ANSWERS, "calf_swelling": True, "calf_tender": True}, today=AS_OF)
    assert result.triage.what_to_do[1] == evidence.value("clinic.triage.clot_chest_warning")
    assert "if none can see you today, an emergency department" in result.triage.what_to_do[0]
    assert [r.flag_words for r in result.reasons if r.red_flag] == ["calf swelling", "calf tender"]
    clot_rules = {r.id for r in triage_rules() if r.possible_clot}
    assert clot_rules == {"calf_swelling", "calf_red_warm", "calf_pain_clot_risk", "pregnancy_clot_pain"}
    foot = assess({**BASE_ANSWERS, "knee_red": True}, today=AS_OF)  # urgent, but no clot: no chest line
    assert foot.level == "urgent" and evidence.value("clinic.triage.clot_chest_warning") not in foot.triage.what_to_do


def test_the_urgent_plan_says_the_visit_once_where_its_text_repeats_its_title(tmp_path):
    """Read 51: 'See a doctor today: See a doctor today (GP, ...)' in the CLI plan."""
    import json
    from pathlib import Path

    from typer.testing import CliRunner

    from kneeguard.cli import app

    answers = json.loads((Path(__file__).parent / "data" / "checkins" / "worse_routine.json").read_text())
    urgent = tmp_path / "urgent.json"
    urgent.write_text(json.dumps({**answers, "calf_swelling": True}))
    home = ["--home", str(tmp_path / "h")]
    assert CliRunner().invoke(app, ["checkin", "--answers", str(urgent), *home]).exit_code == 0
    out = " ".join(CliRunner().invoke(app, ["plan", *home], env={"COLUMNS": "200"}).output.split())
    assert "See a doctor today: See a doctor today" not in out and "See a doctor today (GP, urgent care" in out


def test_an_urgent_result_stops_leg_exercises_and_gives_its_findings_to_the_professional(tmp_path):
    """Read 51: an urgent check-in stopped running only, and its findings read as training advice."""
    import json
    from pathlib import Path

    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from kneeguard.cli import app
    from kneeguard.web import create_app
    from tests.test_web_routes import CALM_CHECKIN

    assert str(evidence.value("clinic.level.urgent")).endswith("Stop running and leg exercises until you have been "
                                                               "seen.")
    answers = json.loads((Path(__file__).parent / "data" / "checkins" / "worse_routine.json").read_text())
    urgent = tmp_path / "urgent.json"
    urgent.write_text(json.dumps({**answers, "calf_swelling": True}))
    out = CliRunner().invoke(app, ["checkin", "--answers", str(urgent), "--home", str(tmp_path / "h"), "--no-save"],
                             env={"COLUMNS": "200"}).output
    assert "Self-test and trend findings (for the professional who sees you: no training until then)" in " ".join(
        out.split())
    form = CALM_CHECKIN | {"calf_swelling": "yes", "heel_rise_left": "24", "heel_rise_right": "12", "sex": "female"}
    with TestClient(create_app(home=tmp_path / "web")) as c:
        page = c.post("/checkin", data=form).text
    assert 'id="findings-for-professional"' in page


def test_a_same_day_visit_asks_for_what_a_doctor_needs_today():
    """Read 51: 'Bring: ... your running shoes; your gait video' for a same-day clot check."""
    plan = advise(make_context("ana", AS_OF, checkin=assess({**BASE_ANSWERS, "calf_swelling": True}, today=AS_OF)))
    assert "a list of your medicines (including contraception or hormone treatment)" in plan.professional.text
    assert "running shoes" not in plan.professional.text and "earlier blood clot" in plan.professional.text
    routine = advise(make_context("ana", AS_OF, checkin=assess({**BASE_ANSWERS, "lump": True}, today=AS_OF)))
    assert "your running shoes" in routine.professional.text


def test_the_answers_that_set_the_level_leave_out_an_any_rules_branches_that_did_not_hold():
    """Read 51: 'Is the skin of the calf red or warm? no' was listed among the answers that set an urgent level,
    beside the tender calf that did; a rule's "all" conditions and a "no" that is the trigger are kept."""
    from kneeguard.clinic.conditions import deciding_questions

    result = assess({**BASE_ANSWERS, "calf_swelling": True, "calf_tender": True}, today=AS_OF)
    assert result.driving_answers_words() == [
        "Is one calf swollen or bigger than the other? yes",
        "Is the calf tender when you press along the middle of the back of the calf? yes"]
    cond = {"all": [{"q": "a", "eq": True}, {"any": [{"q": "b", "eq": True}, {"q": "c", "eq": True}]}]}
    assert list(deciding_questions(cond, {"a": True, "b": False, "c": True})) == ["a", "c"]
    assert list(deciding_questions(cond, {"a": True, "b": None, "c": None})) == ["a", "b", "c"]  # none held
    no_weight = assess({**BASE_ANSWERS, "can_bear_weight_now": False}, today=AS_OF)
    assert no_weight.driving_answers_words() == ["Can you take four steps on the leg now? (Limping counts as yes.): no"]
