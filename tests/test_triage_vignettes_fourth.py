"""Blinded fourth vignette set (tests/data/vignettes_fourth.json), written 2026-12-07.

An engineer who read only the evidence brief (clinical.md, outside this repository), the answers schema and the
question files wrote 30 cases aimed at presentations the earlier sets lack (locking that frees itself against a
locked knee, a lump with and without calf signs, bilateral pain, a 71-year-old, a 13- and a 16-year-old, pain that
is high but short against low but long, numbness without weakness, night pain, "don't know" answers), marked the
ambiguous ones with the reason, validated every answers file and froze them (sha256 in the header) before any case
was run. This file was written afterwards and never changes a case.

First run, before any change: 25 / 30 exact, no emergency or urgent case under-triaged, five over-triages, four
of them on cases marked ambiguous beforehand. The fifth, V4-08 (a calf muscle pull three weeks ago, settling, no
swelling), was triaged routine by `knee_injury`, whose registry entry scopes it to knee injuries (twist, fall on a
bent knee, hyperextension, blow) while its condition took any sudden injury; the question file already keeps the
Ottawa questions from a muscle pull for the same reason. The condition now follows its own scope (a muscle pull
alone is not a knee injury): 26 / 30, every remaining disagreement on a case marked ambiguous before the run.

Run `python -m tests.test_triage_vignettes_fourth` for the figures.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path


from kneeguard.clinic import assess
from tests.vignette_support import FrozenSet, assert_disagreements_documented

TODAY = dt.date(2026, 12, 7)
SET = FrozenSet.load(Path(__file__).parent / "data" / "vignettes_fourth.json", TODAY)
CASES, RESULTS = SET.cases, SET.results

# Every case the engine triages differently, with the decision taken (never edit the case to agree).
DOCUMENTED_DISAGREEMENTS = {
    "V4-05": ("self-care", "routine",
              "Ambiguous (flagged before the run): 7/10 during the last run, above the pain-monitoring model's "
              "acceptable 5/10. The engine's rule sends pain above 5/10 in a run to a professional (running is too "
              "much for the knee for now). Over-triage, rule kept."),
    "V4-10": ("routine", "urgent",
              "Ambiguous (flagged before the run): a 16-year-old with unexplained night pain. The engine's "
              "adolescent_night_pain rule asks for an X-ray within 48 hours for a young person still growing with "
              "pain at rest or at night without an injury (NICE NG12); the brief routes night pain to routine. "
              "Over-triage, rule kept."),
    "V4-23": ("urgent", "emergency",
              "Ambiguous (flagged before the run): exertional calf cramping and tingling with the foot pulse "
              "answered 'I don't know'. Unknown means escalate: a pulse that cannot be felt is assumed, as in V2-U04. "
              "Over-triage, kept on purpose."),
    "V4-25": ("self-care", "urgent",
              "Ambiguous (flagged before the run): calf swelling answered 'I don't know' beside a benign tendon "
              "story. An unknown calf swelling counts as its worse answer: a same-day clot check. Over-triage, rule "
              "kept (when unsure, escalate)."),
}


def figures() -> dict:
    return SET.figures()


def test_cases_are_frozen():
    assert SET.frozen(), "a blinded case was edited after freezing"


def test_set_size_and_sources():
    assert len(CASES) == 30 and len({c["id"] for c in CASES}) == 30 and SET.unsourced("ambiguity") == []


def test_no_under_triage_and_no_red_flag_case_at_self_care():
    assert SET.figures()["under_triage"] == [] and SET.red_flags_at_self_care() == []


def test_exact_agreement_at_least_after_the_scope_fix():
    """25 / 30 on the first run, 26 / 30 once `knee_injury` followed its own scope; a change must not lower it."""
    assert figures()["agreement"] >= 26 / 30, figures()["disagreements"]


def test_every_disagreement_is_documented():
    assert_disagreements_documented(figures()["disagreements"], DOCUMENTED_DISAGREEMENTS)


def test_a_muscle_pull_alone_is_not_a_knee_injury():
    """V4-08's finding: `knee_injury` (routine: meniscus or ligament examination) fired for a calf muscle pull."""
    case = next(c for c in CASES if c["id"] == "V4-08")
    assert case["answers"]["mechanism"] == ["muscle_pull"] and RESULTS["V4-08"] == "self-care"
    for mechanism in (["twist"], ["muscle_pull", "twist"], None):  # a knee mechanism, or none said: still routine
        answers = {k: v for k, v in case["answers"].items() if k != "mechanism"}
        extra = {"ottawa_fibular_head": False, "ottawa_patella_only": False, "can_flex_90": True, "deformity": False,
                 "foot_pulse_absent": "no"}
        result = assess({**answers, **extra, **({"mechanism": mechanism} if mechanism else {})}, today=TODAY)
        assert "knee_injury" in {r.rule for r in result.reasons}, mechanism


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps(figures(), indent=1))
