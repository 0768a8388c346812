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
import json
from pathlib import Path

from tests.vignette_support import FrozenSet, assert_disagreements_documented

SET = FrozenSet.load(Path(__file__).parent / "data" / "vignettes_third.json", dt.date(2026, 12, 7))
CASES, RESULTS = SET.cases, SET.results

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
    return SET.figures()


def test_cases_are_frozen():
    assert SET.frozen(separators=(",", ":")), "a blinded case was edited after freezing"


def test_set_size_and_sources():
    assert len(CASES) == 30 and len({c["id"] for c in CASES}) == 30 and SET.unsourced("why_ambiguous") == []


def test_no_under_triage_of_emergency_or_urgent():
    assert not [c for c in SET.figures()["under_triage"] if c[1] in ("emergency", "urgent")]


def test_no_red_flag_case_reaches_self_care():
    assert SET.red_flags_at_self_care() == []


def test_exact_agreement_at_least_the_first_run():
    """26 / 30 on the first run (below the second set's 90 %: reported, not hidden); a change must not lower it."""
    assert figures()["agreement"] >= 26 / 30, figures()["disagreements"]


def test_every_disagreement_is_documented():
    assert_disagreements_documented(figures()["disagreements"], DOCUMENTED_DISAGREEMENTS)


if __name__ == "__main__":  # pragma: no cover
    print(json.dumps(figures(), indent=1))
