"""One value, one owner (issue 11): thresholds that had a second definition now have one."""
from __future__ import annotations

from kneeguard import evidence
from kneeguard.advice.footwear import footwear_advice


def _gait_assessment_reasons(answers: dict) -> list[str]:
    advice = footwear_advice([], [], None, answers)
    return next(r for r in advice if r.domain == "gait_assessment").reason


def test_not_improving_follows_the_triage_rule_it_cites():
    weeks = int(evidence.value("clinic.triage.not_improving"))
    assert weeks == 2
    assert "clinic.triage.not_improving" in _gait_assessment_reasons({"trend": "same", "duration_weeks": weeks})
    assert "clinic.triage.not_improving" in _gait_assessment_reasons({"trend": "worse", "reduced_load_weeks": weeks})
    assert "clinic.triage.not_improving" not in _gait_assessment_reasons({"trend": "same", "duration_weeks": weeks - 1})
    assert "clinic.triage.not_improving" not in _gait_assessment_reasons({"trend": "better", "duration_weeks": 9})


def test_the_acceptable_pain_line_has_one_registry_key():
    """5/10 lives only in `advice.pain.acceptable_max`: triage reads it there, the pain chart draws it."""
    from kneeguard.clinic.conditions import referenced_rules
    from kneeguard.clinic.triage import triage_rules

    line = evidence.value("advice.pain.acceptable_max")
    pain_rules = {k for k, r in evidence.all_rules().items() if r.value == line and "0-10" in r.unit}
    assert pain_rules == {"advice.pain.acceptable_max"}
    above_band = next(r for r in triage_rules() if r.id == "pain_above_band")
    assert set(referenced_rules(above_band.when)) == {"advice.pain.acceptable_max"}
    assert above_band.level == "routine"
