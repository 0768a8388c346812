"""Issue #13 questions: the new facts, the split questions, 'I don't know', old ids, bad answers files."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kneeguard import evidence
from kneeguard.clinic import assess, load_questionnaire
from kneeguard.clinic.legacy import SPLIT_IDS, upgrade_answers
from tests.test_triage_vignettes import NEGATIVE

QN = load_questionnaire()
NEW_IDS = [
    "knee_injection_recent", "known_arthritis", "skin_wound_knee", "knee_warm_swollen", "knee_red",
    "swelling_without_injury", "foot_pulse_absent", "weakness_both_legs", "pain_other_locations", "relapse",
    "pain_walking", "pain_only_activity", "symptom_trigger", "earlier_imaging", "failed_treatments",
    "can_bear_weight_now", "could_bear_weight_after_injury", "calf_skin_red_warm", "calf_tender",
    "calf_fluid_feeling", "exertional_calf_circulation", "exertional_calf_nerve", "lump_duration_weeks",
    "last_run_days_ago",
]
NEW_FORMAT = upgrade_answers(NEGATIVE)
runner = CliRunner()


@pytest.fixture(scope="module")
def app(checkin_app):
    return checkin_app


@pytest.mark.parametrize("qid", NEW_IDS)
def test_new_question_is_in_the_schema_with_a_source(qid):
    schema = QN.json_schema()["properties"]
    assert qid in schema and schema[qid]["x-source"], qid
    cited = [key for key in evidence.all_citations() if key in QN.by_id[qid].source]
    assert cited or len(QN.by_id[qid].source) > 40, f"{qid}: source should name a registry citation or explain why"


def test_follow_ups_show_only_when_relevant():
    calm = QN.validate({**NEW_FORMAT, "onset": "gradual", "location": ["calf"]})
    for hidden in ("knee_injection_recent", "skin_wound_knee", "foot_pulse_absent", "weakness_both_legs",
                   "could_bear_weight_after_injury", "calf_fluid_feeling", "lump_duration_weeks", "swelling_without_injury"):
        assert not QN.visible(QN.by_id[hidden], calm.answers), hidden
    hot = {**NEW_FORMAT, "knee_warm_swollen": True}
    assert QN.visible(QN.by_id["knee_injection_recent"], hot) and QN.visible(QN.by_id["swelling_without_injury"], hot)
    assert QN.visible(QN.by_id["weakness_both_legs"], {**NEW_FORMAT, "back_pain": True})
    assert QN.visible(QN.by_id["lump_duration_weeks"], {**NEW_FORMAT, "lump": True})
    injured_now_no = {**NEW_FORMAT, "onset": "sudden_injury", "can_bear_weight_now": False}
    assert QN.visible(QN.by_id["could_bear_weight_after_injury"], injured_now_no)
    assert QN.visible(QN.by_id["foot_pulse_absent"], {**NEW_FORMAT, "exertional_calf_circulation": True})


def test_a_pulled_calf_is_not_asked_the_ottawa_knee_questions():
    pull = {**NEW_FORMAT, "onset": "sudden_injury", "mechanism": ["muscle_pull"]}
    knee = {**NEW_FORMAT, "onset": "sudden_injury", "mechanism": ["twist", "muscle_pull"]}
    unsaid = {**NEW_FORMAT, "onset": "sudden_injury"}
    for qid in ("ottawa_fibular_head", "ottawa_patella_only", "can_flex_90", "deformity"):
        q = QN.by_id[qid]
        assert not QN.visible(q, pull) and QN.visible(q, knee) and QN.visible(q, unsaid), qid


def test_split_questions_ask_one_thing_and_minutes_come_from_the_registry():
    minutes = evidence.value("clinic.checkin.exertional_ease_minutes")
    for qid in ("exertional_calf_circulation", "exertional_calf_nerve"):
        assert f"within {minutes} minutes" in QN.by_id[qid].text
    assert "tingling" not in QN.by_id["exertional_calf_circulation"].text
    assert "red" not in QN.by_id["knee_warm_swollen"].text.lower()
    assert "without weakness" not in QN.by_id["foot_numb_tingling"].text
    assert "muscle_pull" in QN.by_id["mechanism"].values and "pulled" in QN.by_id["onset"].options[0].label
    assert not QN.by_id["pain_now"].required
    assert "pain" in QN.by_id["duration_weeks"].text and "lump" in QN.by_id["lump_duration_weeks"].text


def test_dont_know_is_accepted_where_a_runner_may_not_know():
    v = QN.validate({**NEW_FORMAT, "calf_swelling": "I don't know".replace("I ", "")})
    assert v.ok and v.answers["calf_swelling"] == "dont_know"
    assert QN.json_schema()["properties"]["calf_swelling"]["enum"] == [True, False, "dont_know"]
    assert "dont_know" in QN.by_id["foot_pulse_absent"].values and "dont_know" in QN.by_id["known_arthritis"].values
    v = QN.validate({**NEW_FORMAT, "chest_symptoms": "dont_know"})
    assert v.errors == ["chest_symptoms: expected yes or no, got 'dont_know'"]


def test_dont_know_is_never_calmer_than_yes():
    base = {**NEW_FORMAT, "onset": "gradual", "location": ["calf"], "pain_now": 2}
    levels = {value: assess({**base, "calf_swelling": value}).level for value in (True, False, "dont_know")}
    assert levels["dont_know"].rank >= levels[True].rank


@pytest.mark.parametrize("old, new", [(o, n) for o, ns in SPLIT_IDS.items() for n in ns])
def test_old_ids_still_assess_the_same(old, new):
    assert old not in QN.by_id and new in QN.by_id
    for value in (True, False):
        upgraded = upgrade_answers({"onset": "sudden_injury", old: value})
        assert upgraded[new] is value and old not in upgraded
    assert upgrade_answers({old: True, new: False})[new] is False  # the new-format answer wins


def test_old_cannot_bear_weight_after_injury_keeps_the_ottawa_emergency():
    old = {**NEGATIVE, "onset": "sudden_injury", "injury_days_ago": 0, "ottawa_fibular_head": False,
           "ottawa_patella_only": False, "can_flex_90": True, "deformity": False, "location": ["whole_knee"],
           "pain_now": 7, "can_bear_weight": False}
    assert assess(old).level == "emergency"
    from kneeguard.clinic.history import CheckinRecord

    record = CheckinRecord.from_dict({"date": "2024-01-01", "answers": old, "level": "emergency"})
    assert record.answers["can_bear_weight_now"] is False and "can_bear_weight" not in record.answers


@pytest.mark.parametrize("answers, needle", [
    ({"can_bear_weight_now": False, "last_run_days_ago": 0}, "you ran today"),
    ({"has_pain": True, "onset": "gradual", "location": ["calf"], "pain_only_activity": "downhill", "timing": ["night"]},
     "only in one activity"),
    ({"has_pain": True, "onset": "gradual", "location": ["calf"], "pain_walking": False, "aggravators": ["walking"]},
     "aggravators includes walking"),
    ({"knee_warm_swollen": True, "has_pain": True, "onset": "gradual", "location": ["calf"], "swelling": "none"},
     "knee_warm_swollen"),
])
def test_contradictions_are_shown_back(answers, needle):
    v = QN.validate({**NEW_FORMAT, "has_pain": True, "onset": "gradual", "location": ["calf"], **answers})
    assert any(needle in c.message for c in v.contradictions), [c.message for c in v.contradictions]


def test_bad_answers_file_gives_one_line_per_problem_and_stores_nothing(app, tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({**NEW_FORMAT, "kne_red": True, "age": "forty", "pain_now": 14, "knee_red": "maybe"}))
    result = runner.invoke(app, ["checkin", "--answers", str(path), "--home", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(lines) == 4, result.output
    joined = "\n".join(lines)
    for needle in ("kne_red: unknown question (did you mean 'knee_red'?)", "age: expected a number",
                   "pain_now: 14 is out of range", "knee_red: expected yes or no"):
        assert needle in joined
    from kneeguard.advice.checkins import load_checkins

    assert load_checkins(home=tmp_path) == []


def test_interview_offers_and_keeps_dont_know(app, tmp_path):
    typed = ["34", "", "no", "", "yes", "1", "no", "no", "no", "no", "not sure"]  # ... no surgery; calf_swelling: not sure
    result = runner.invoke(app, ["checkin", "--home", str(tmp_path)], input="\n".join(typed) + "\n", catch_exceptions=False)
    assert result.exit_code == 130 and "yes/no/don't know" in result.output
    partial = json.loads((tmp_path / "checkins" / "me" / "partial.json").read_text())["answers"]
    assert partial["calf_swelling"] == "dont_know" and partial["knee_red"] is False
