"""Questionnaire engine, registry wiring, OSTRC, causes and self-test findings."""
from __future__ import annotations

import pytest

from kneeguard import evidence
from kneeguard.clinic import CheckinError, assess, load_questionnaire, score_ostrc
from kneeguard.clinic.causes import cause_definitions
from kneeguard.clinic.conditions import referenced_questions, referenced_rules
from kneeguard.clinic import TriageLevel
from kneeguard.clinic.triage import triage_rules
from tests.test_triage_vignettes import NEGATIVE

QN = load_questionnaire()
# General question ids the QUESTIONS half of issue #13 adds (the contract); rules may read them before the merge.
KNOWN = set(QN.by_id)


def test_every_rule_and_cause_has_registry_evidence_and_known_questions():
    for rule in triage_rules():
        assert rule.level in list(TriageLevel)
        assert rule.evidence.citations
        assert set(referenced_questions(rule.when)) <= KNOWN | {"_ostrc_substantial_weeks"}, rule.id
        for key in referenced_rules(rule.when):
            evidence.rule(key)
    for cause in cause_definitions():
        assert evidence.rule(f"clinic.cause.{cause['id']}").citations
        for f in cause["features"]:
            assert set(referenced_questions(f["when"])) <= KNOWN, cause["id"]
        assert set(referenced_questions(cause.get("not_when", {}))) <= KNOWN, cause["id"]
    for q in QN.questions:
        if q.show_if:
            assert set(referenced_questions(q.show_if)) <= set(QN.by_id)


def test_validation_messages_name_the_question():
    v = QN.validate({"agee": 30, "pain_now": 11, "has_pain": "maybe", "clot_risks": ["none", "hormones"], "age": 200})
    text = " | ".join(v.errors)
    assert "agee: unknown question (did you mean 'age'?)" in text
    assert "has_pain: expected yes or no" in text
    assert "clot_risks: 'none' cannot be combined" in text
    assert "age: 200 is out of range (10-100 years)" in text


def test_coercion_accepts_friendly_forms():
    v = QN.validate({"age": "34", "has_pain": "yes", "onset": "2", "location": "calf, central", "pain_now": 3.0})
    assert v.ok
    assert v.answers["onset"] == "sudden_no_injury" and v.answers["location"] == ["calf", "central"]
    assert v.answers["pain_now"] == 3 and v.answers["age"] == 34


def test_branching_hides_and_requires():
    v = QN.validate({**NEGATIVE, "has_pain": False, "pain_during_run": 8})
    assert "pain_during_run" not in v.answers and v.ignored
    assert [c.id for c in v.contradictions] == ["no_pain_but_scores"]
    assert "8" in v.contradictions[0].message
    v = QN.validate({**NEGATIVE, "onset": "sudden_injury"})
    assert {"injury_days_ago", "ottawa_fibular_head", "can_flex_90", "deformity", "location"} <= set(v.missing)


def test_missing_red_flag_counts_as_its_worse_answer():
    answers = {k: v for k, v in NEGATIVE.items() if k != "chest_symptoms"}
    result = assess({**answers, "has_pain": False})
    assert result.level is TriageLevel.EMERGENCY  # chest symptoms 'yes' would be an emergency (issue #13)
    assert result.triage.unanswered_red_flags == ["chest_symptoms"]
    assert "unknown_worst_case" in [r.rule for r in result.reasons]
    assert {(c.question, c.answer) for c in result.level_changes} == {("chest_symptoms", False)}


def test_malformed_answers_raise_checkin_error():
    with pytest.raises(CheckinError, match="pain_now"):
        assess({**NEGATIVE, "onset": "gradual", "location": ["calf"], "pain_now": "ten"})
    with pytest.raises(CheckinError):
        assess(["not", "a", "dict"])  # type: ignore[arg-type]


def test_ostrc_partial_is_an_error_and_full_is_scored():
    assert "ostrc: answer all 4" in " ".join(QN.validate({"ostrc_q1": "reduced"}).errors)
    score = score_ostrc({"ostrc_q1": "reduced", "ostrc_q2": "minor", "ostrc_q3": "moderate", "ostrc_q4": "severe"})
    assert score.severity == 17 + 6 + 13 + 25 and score.substantial
    score = score_ostrc({"ostrc_q1": "full_with_problem", "ostrc_q2": "minor", "ostrc_q3": "minor", "ostrc_q4": "mild"})
    assert score.severity == 8 + 6 + 6 + 8 and not score.substantial
    info = score.to_dict()
    assert "verified against the OSTRC's own implementation" in info["verification"]
    assert [c["key"] for c in info["citations"]] == ["clarsen2013", "ostrc_rpackage"]
    worst = score_ostrc({"ostrc_q1": "cannot", "ostrc_q2": "cannot", "ostrc_q3": "cannot", "ostrc_q4": "severe"})
    assert worst.severity == 100 and worst.substantial


def test_schema_lists_every_question():
    schema = QN.json_schema()
    assert set(schema["properties"]) == set(QN.by_id)
    assert schema["properties"]["pain_now"] == {**schema["properties"]["pain_now"], "type": "integer", "minimum": 0, "maximum": 10}
    assert "has_pain" in schema["required"] and schema["additionalProperties"] is False


def test_selftest_findings_and_unnormed_records():
    result = assess({**NEGATIVE, "has_pain": False, "sex": "female", "heel_rise_left": 12, "heel_rise_right": 22,
                     "bridge_right": 15, "ktw_left_cm": 7, "ake_left_deg": 30, "plank_s": 40, "leg_length_diff_cm": 1,
                     "previous_injury": True, "years_running": 0.25}).to_dict()
    codes = {f["code"] for f in result["findings"]}
    assert {"clinic.heel_rise_below_median.left", "clinic.heel_rise_asymmetry", "clinic.bridge_poor.right",
            "clinic.knee_to_wall_soft.left", "clinic.ake_short.left", "clinic.previous_injury", "clinic.novice_runner"} <= codes
    assert "clinic.heel_rise_below_median.right" not in codes
    assert all(f["citations"] and f["domain"] == "clinic" for f in result["findings"])
    ktw = next(f for f in result["findings"] if f["code"] == "clinic.knee_to_wall_soft.left")
    assert ktw["severity"] == "info" and "NOT sourced" in ktw["explanation"]
    assert {r["question"] for r in result["recorded"]} == {"plank_s", "leg_length_diff_cm"}


def test_context_notes_follow_the_answers():
    base = {**NEGATIVE, "onset": "gradual", "location": ["posteromedial"], "pain_now": 2}
    ids = [n["id"] for n in assess({**base, "lump": True}).context]
    assert ids == ["cyst_meniscus"]  # the unloader brace note needs known osteoarthritis (issue #13)
    assert "kks2012" in [n["id"] for n in assess({**base, "surgery": ["total_knee_replacement"]}).context]
    assert assess({**base, "has_pain": False}).context == []
    for cause in assess({**base, "lump": True}).possible_causes:
        assert cause["label"].startswith("possibility") and cause["citations"]


def test_triage_levels_are_one_ordered_enum_with_their_registry_entries():
    from kneeguard import evidence

    assert [level.value for level in sorted(TriageLevel, key=lambda x: x.rank)] == [
        "self-care", "routine", "urgent", "emergency"]
    assert TriageLevel.SELF_CARE.registry_key == "clinic.level.self_care"
    for level in TriageLevel:
        assert evidence.value(level.registry_key)  # every level says what it means
    assert [x.stops_training for x in TriageLevel] == [False, False, True, True]
    assert TriageLevel.SELF_CARE.css_class == "selfcare"
    assert TriageLevel("self-care") is TriageLevel.SELF_CARE and f"{TriageLevel.URGENT}" == "urgent"


def test_assessment_json_shape_and_stored_record_keep_plain_strings():
    from kneeguard.clinic.history import CheckinRecord

    result = assess({**NEGATIVE, "onset": "gradual", "location": ["calf"], "pain_now": 2})
    data = result.to_dict()
    assert list(data)[:8] == ["level", "reasons", "red_flags", "what_to_do", "review_date", "unanswered_red_flags",
                              "not_a_diagnosis", "date"]
    assert type(data["level"]) is str and data["review_date"] == result.review_date.isoformat()
    stored = result.record.to_dict()
    assert type(stored["level"]) is str and CheckinRecord.from_dict(stored).level is result.level


def test_a_one_sided_ake_finding_names_the_other_sides_measure():
    """Read 47: 'Active knee extension (right): hamstring shortness' read as if the left had not been measured."""
    young = {**NEGATIVE, "has_pain": False, "sex": "female", "age": 22}  # within the norm's ages: judged
    both = assess({**young, "ake_left_deg": 26, "ake_right_deg": 29}).findings
    right = next(f for f in both if f.code == "clinic.ake_short.right")
    assert right.explanation.endswith("(derived in adults aged 18-24). Other side (left): 26 degrees.")
    one = assess({**young, "ake_right_deg": 29}).findings
    assert next(f for f in one if f.code == "clinic.ake_short.right").explanation.endswith("aged 18-24).")
