"""Blinded third vignette set (tests/data/vignettes_third.json), written 2026-12-07.

An engineer who read only the evidence brief (clinical.md, outside this repository), the answers schema and the
question files wrote 30 cases, marked the ambiguous ones with the reason, and froze them (sha256 in the header)
before any case was run. This file was written afterwards and never changes a case. Run once, before any change:
26 / 30 exact, every disagreement on a case marked ambiguous beforehand; no emergency or urgent case
under-triaged. The disagreements are kept and listed below with the decision (docs/validation.md, triage).

Run `python -m tests.test_triage_vignettes_third` for the figures.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from kneeguard.clinic import TriageLevel, assess
from tests.vignette_support import assert_disagreements_documented

DATA = Path(__file__).parent / "data" / "vignettes_third.json"
DOC = json.loads(DATA.read_text(encoding="utf-8"))
CASES = DOC["cases"]
TODAY = dt.date(2026, 12, 7)
LEVELS = [level.value for level in sorted(TriageLevel, key=lambda lv: lv.rank)]
RESULTS = {c["id"]: assess(c["answers"], today=TODAY).level.value for c in CASES}

# Every case the engine triages differently, with the decision taken (never edit the case to agree).
DOCUMENTED_DISAGREEMENTS = {
    "V3-22": ("routine", "self-care",
              "Ambiguous (flagged before the run): 20 weeks pregnant, a posteromedial ache that settles, no calf "
              "signs; its writer escalated because pregnancy raises clot risk. The special-groups set expects "
              "self-care for a pregnant runner's tendon ache away from the calf and mid back of the knee (RCOG lowers "
              "the threshold for calf or popliteal pain); that sourced decision stands. No red flag in the case."),
    "V3-11": ("urgent", "emergency",
              "Ambiguous (flagged before the run): red skin, feeling unwell and a graze, no hot swollen joint. The "
              "engine's fever_with_knee rule sends fever with knee symptoms to emergency. Over-triage, rule kept."),
    "V3-17": ("routine", "urgent",
              "Ambiguous (flagged before the run): exertional calf cramping with a pale foot, which the evidence "
              "notes call 'R-urgent'; the engine's exertional_calf rule is urgent. Over-triage, rule kept."),
    "V3-29": ("self-care", "urgent",
              "Ambiguous (flagged before the run): a tender calf after a clear calf pull, not swollen. The engine "
              "sends calf tenderness to a same-day clot check. Over-triage, rule kept (when unsure, escalate)."),
}


def figures() -> dict:
    rank = {level: i for i, level in enumerate(LEVELS)}
    return {
        "cases": len(CASES),
        "agreement": sum(RESULTS[c["id"]] == c["expected_level"] for c in CASES) / len(CASES),
        "under_triage": [(c["id"], c["expected_level"], RESULTS[c["id"]]) for c in CASES
                         if rank[RESULTS[c["id"]]] < rank[c["expected_level"]]],
        "disagreements": [(c["id"], c["expected_level"], RESULTS[c["id"]]) for c in CASES
                          if RESULTS[c["id"]] != c["expected_level"]],
    }


def test_cases_are_frozen():
    canon = json.dumps(CASES, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert hashlib.sha256(canon).hexdigest() == DOC["cases_sha256"], "a blinded case was edited after freezing"


def test_set_size_and_sources():
    assert len(CASES) == 30 and len({c["id"] for c in CASES}) == 30
    for c in CASES:
        assert c["source"].strip() and c["description"].strip() and c["expected_level"] in LEVELS, c["id"]
        assert not c.get("ambiguous") or c.get("why_ambiguous", "").strip(), c["id"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_no_under_triage_of_emergency_or_urgent(case):
    if case["expected_level"] in ("emergency", "urgent"):
        assert TriageLevel(RESULTS[case["id"]]).rank >= TriageLevel(case["expected_level"]).rank


@pytest.mark.parametrize("case", [c for c in CASES if c["expected_red_flags"]],
                         ids=[c["id"] for c in CASES if c["expected_red_flags"]])
def test_no_red_flag_case_reaches_self_care(case):
    if case["expected_level"] != "self-care":
        assert RESULTS[case["id"]] != "self-care"


def test_exact_agreement_at_least_the_first_run():
    """26 / 30 on the first run (below the second set's 90 %: reported, not hidden); a change must not lower it."""
    assert figures()["agreement"] >= 26 / 30, figures()["disagreements"]


def test_every_disagreement_is_documented():
    assert_disagreements_documented(figures()["disagreements"], DOCUMENTED_DISAGREEMENTS)


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps(figures(), indent=1))
