"""Blinded second vignette set (tests/data/vignettes_blind.json).

The cases were written from the evidence brief (clinical.md, kept outside this repository), issue #4 and the answer
format only, and frozen (their sha256 is in the file header) before any triage rule, the engine or the
first vignette suite was opened and before any case was run. This file was written afterwards; it must
never change a case. A disagreement is either a rule to fix (safety gap) or an ambiguous case that is
kept and listed in DOCUMENTED_DISAGREEMENTS with the reason (see docs/validation.md, triage section).

Run `python -m tests.test_triage_vignettes_blind` for the figures.
"""
from __future__ import annotations

from tests.vignette_support import assert_disagreements_documented, with_follow_ups

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from kneeguard.clinic import TriageLevel, assess

DATA = Path(__file__).parent / "data" / "vignettes_blind.json"
DOC = json.loads(DATA.read_text(encoding="utf-8"))
CASES = DOC["cases"]
TODAY = dt.date(2026, 5, 4)

# Engine red-flag rule id -> the answer ids a case names in `expected_red_flags` for that sign.
RULE_TO_ANSWERS = {
    "chest_symptoms": {"chest_symptoms"},
    "hot_swollen_knee": {"knee_hot_swollen"},
    "fever_with_knee": {"fever_unwell"},
    "locked_cannot_unlock": {"locking"},
    "deformity": {"deformity"},
    "cold_pale_foot": {"foot_cold_pale"},
    "cauda_equina": {"saddle_bladder"},
    "ottawa_no_weight": {"can_bear_weight"},
    "cannot_bear_weight": {"can_bear_weight"},
    "calf_swelling": {"calf_swelling", "calf_pitting"},
    "calf_red_warm": {"calf_red_warm"},
    "calf_pain_clot_risk": {"clot_risks"},
    "ottawa_positive": {"age", "ottawa_fibular_head", "ottawa_patella_only", "can_flex_90"},
    "foot_drop": {"foot_drop"},
    "exertional_calf": {"exertional_calf"},
}
# The red flags issue #4 lists, as the answers that carry them; the blind set must name each at least once.
ISSUE_RED_FLAG_ANSWERS = {"calf_swelling", "calf_pitting", "clot_risks", "chest_symptoms", "knee_hot_swollen",
                          "fever_unwell", "ottawa_fibular_head", "ottawa_patella_only", "can_flex_90", "age",
                          "can_bear_weight", "locking", "foot_cold_pale", "foot_drop", "exertional_calf",
                          "saddle_bladder"}

# Every case the engine triages differently, with the decision taken (never edit the case to agree).
DOCUMENTED_DISAGREEMENTS = {
    "B-U13-fever-knee-not-hot": (
        "urgent", "emergency",
        "Ambiguous case (flagged before the run): fever with a swelling knee that is not hot or red. The cited "
        "guideline's emergency criterion is a hot swollen joint; the engine's fever_with_knee rule sends any fever "
        "with knee symptoms to emergency. Over-triage, not a safety gap; rule kept, case kept."),
}


def run(case: dict) -> dict:
    result = assess(with_follow_ups(case["answers"]), history=[], today=TODAY).to_dict()
    assert result["validation"]["missing_red_flags"] == [], case["id"]
    assert result["validation"]["contradictions"] == [], case["id"]
    return result


RESULTS = {c["id"]: run(c) for c in CASES}


def fired_answers(result: dict) -> set[str]:
    return set().union(*(RULE_TO_ANSWERS.get(flag, {flag}) for flag in result["red_flags"]))


def is_red_flag_case(case: dict) -> bool:
    return bool(case["expected_red_flags"]) or bool(RESULTS[case["id"]]["red_flags"])


def blind_figures() -> dict:
    """n, exact agreement, the two safety properties and the disagreements (for docs/validation.md)."""
    n = len(CASES)
    exact = sum(RESULTS[c["id"]]["level"] == c["expected_level"] for c in CASES)
    serious = [c for c in CASES if c["expected_level"] in ("emergency", "urgent")]
    under = [c["id"] for c in CASES if TriageLevel(RESULTS[c["id"]]["level"]).rank < TriageLevel(c["expected_level"]).rank]
    over = [c["id"] for c in CASES if TriageLevel(RESULTS[c["id"]]["level"]).rank > TriageLevel(c["expected_level"]).rank]
    red = [c for c in CASES if is_red_flag_case(c)]
    return {
        "n": n,
        "by_expected_level": {lvl: sum(c["expected_level"] == lvl for c in CASES) for lvl in DOC["levels"]},
        "exact": exact,
        "agreement": exact / n,
        "serious_cases": len(serious),
        "serious_at_or_above": sum(TriageLevel(RESULTS[c["id"]]["level"]).rank >= TriageLevel(c["expected_level"]).rank for c in serious),
        "red_flag_cases": len(red),
        "red_flag_cases_at_self_care": sum(RESULTS[c["id"]]["level"] == "self-care" for c in red),
        "cases_naming_red_flags": sum(bool(c["expected_red_flags"]) for c in CASES),
        "expected_red_flags_all_fired": sum(set(c["expected_red_flags"]) <= fired_answers(RESULTS[c["id"]])
                                            for c in CASES if c["expected_red_flags"]),
        "under_triage": under,
        "over_triage": over,
        "disagreements": [(c["id"], c["expected_level"], RESULTS[c["id"]]["level"]) for c in CASES
                          if RESULTS[c["id"]]["level"] != c["expected_level"]],
    }


def test_cases_are_frozen():
    canon = json.dumps(CASES, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert hashlib.sha256(canon).hexdigest() == DOC["cases_sha256"], "a blinded case was edited after freezing"


def test_set_size_sources_and_coverage():
    assert len(CASES) >= 30
    assert len({c["id"] for c in CASES}) == len(CASES)
    for c in CASES:
        assert c["source"].strip() and c["description"].strip(), c["id"]
        assert c["expected_level"] in DOC["levels"], c["id"]
    assert ISSUE_RED_FLAG_ANSWERS <= {f for c in CASES for f in c["expected_red_flags"]}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_no_under_triage_of_emergency_or_urgent(case):
    if case["expected_level"] in ("emergency", "urgent"):
        assert TriageLevel(RESULTS[case["id"]]["level"]).rank >= TriageLevel(case["expected_level"]).rank


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_no_red_flag_case_reaches_self_care(case):
    if is_red_flag_case(case):
        assert RESULTS[case["id"]]["level"] != "self-care"


@pytest.mark.parametrize("case", [c for c in CASES if c["expected_red_flags"]],
                         ids=[c["id"] for c in CASES if c["expected_red_flags"]])
def test_expected_red_flags_fire(case):
    missing = set(case["expected_red_flags"]) - fired_answers(RESULTS[case["id"]])
    assert not missing, (RESULTS[case["id"]]["red_flags"], missing)


def test_exact_agreement_at_least_90_percent():
    figures = blind_figures()
    assert figures["agreement"] >= 0.90, figures["disagreements"]


def test_every_disagreement_is_documented():
    assert_disagreements_documented(blind_figures()["disagreements"], DOCUMENTED_DISAGREEMENTS)


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps(blind_figures(), indent=1))
